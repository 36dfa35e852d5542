import { z } from 'zod';

/** One identity the harness acts as. */
export interface AuditPrincipal {
  /** The tenant (organisation) the principal belongs to; two principals of one tenant may share data. */
  readonly tenant: string;
  /** Claims of the principal's access token, for `oauth()` servers: `sub` and the tenant claim at least. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Scopes the principal's token carries. */
  readonly scopes?: readonly string[];
}

/**
 * What a server tells the audit harness about itself, exported from its config module as
 * `mcifyAudit`. The harness boots the config with a test identity provider, calls `setup`, obtains a
 * token for every principal (minted from `claims` for `oauth()` servers, `issueToken` otherwise), and
 * calls `teardown` when it stops.
 *
 * @example
 * ```ts
 * export const mcifyAudit = {
 *   principals: {
 *     alice: { tenant: 'acme', claims: { sub: 'alice', tenantId: 'acme' }, scopes: ['orders:read'] },
 *     bob: { tenant: 'globex', claims: { sub: 'bob', tenantId: 'globex' }, scopes: ['orders:read'] },
 *   },
 *   setup: () => seedDatabase(),
 *   teardown: () => closeDatabase(),
 * } satisfies AuditHook;
 * ```
 */
export interface AuditHook {
  readonly principals: Readonly<Record<string, AuditPrincipal>>;
  /** Prepares the server's data before it serves (open and seed the database, start upstreams). */
  readonly setup?: () => unknown;
  /** Releases what `setup` and the server opened (close the database, stop upstreams). */
  readonly teardown?: () => unknown;
  /**
   * For servers whose tokens are not JWTs (`bearer`/`apiKey` with `verify`): a credential for the
   * principal named `principal` (described by `details`), issued the server's own way.
   */
  readonly issueToken?: (principal: string, details: AuditPrincipal) => string | Promise<string>;
  /**
   * A credential of the principal's that the server has revoked (issue one, then revoke it): the
   * harness replays it and expects a 401 (catalogue class 19).
   */
  readonly revokedToken?: (principal: string, details: AuditPrincipal) => string | Promise<string>;
  /** Restores the seeded data; run between write cases so write counterexamples shrink and replay exactly. */
  readonly reset?: () => unknown;
  /** Whether the server keeps users of one tenant apart too (`'user'`), or only tenants (`'tenant'`, the default). */
  readonly isolate?: 'tenant' | 'user';
  /** Ids no list reaches: principal → field → values (`{ bob: { orderId: ['ord_9'] } }`). */
  readonly objects?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** Values every tenant may see (a shared catalogue's ids, a status word): never counted as another's data. */
  readonly publicValues?: readonly string[];
  /** Extra key names whose values are ids (besides `id`, `*Id`, `*_id`). */
  readonly idFields?: readonly string[];
  /** Secrets the server must never reflect in an answer (an upstream API key, a signing secret). */
  readonly secrets?: readonly string[];
}

/** What a principal's name (and a black-box `--token`'s tenant) may be: 1-64 of A-Z a-z 0-9 _ . - */
export const principalNamePattern = /^[A-Za-z0-9_.-]{1,64}$/;

const principalName = z.string().regex(principalNamePattern, 'principal names are 1-64 of A-Z a-z 0-9 _ . -');

/** The shape a loaded `mcifyAudit` export must have. */
export const auditHookSchema = z.object({
  principals: z.record(
    principalName,
    z.object({
      tenant: z.string().min(1),
      claims: z.record(z.unknown()).optional(),
      scopes: z.array(z.string()).optional(),
    }),
  ),
  setup: z.function().optional(),
  teardown: z.function().optional(),
  issueToken: z.function().optional(),
  revokedToken: z.function().optional(),
  reset: z.function().optional(),
  isolate: z.enum(['tenant', 'user']).optional(),
  objects: z.record(principalName, z.record(z.string().min(1), z.array(z.string().min(1)))).optional(),
  publicValues: z.array(z.string().min(1)).optional(),
  idFields: z.array(z.string().min(1)).optional(),
  secrets: z.array(z.string().min(1)).optional(),
});
