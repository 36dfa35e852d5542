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
});
