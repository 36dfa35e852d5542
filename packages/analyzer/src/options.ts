import { z } from 'zod';
import type { DialectName } from './dialect.js';
import { ruleIds, type RuleId, type Severity } from './rules.js';

const word = z.string().regex(/^[a-z][a-z0-9]*$/, 'a lower-case word');
const name = z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, 'an identifier');

/**
 * Everything a user may adapt: the name lists, extra sinks, trusted helpers and guard middlewares,
 * and rule severities. Every field is optional; omitted fields take the defaults below.
 */
export const analyzerOptionsSchema = z
  .object({
    /** Nouns that make `<noun>Id` / `<noun>Ids` an identity field. */
    identityNouns: z.array(word).optional(),
    /** Bare words that are identity fields on their own (`tenant`, `org`). */
    identityWords: z.array(word).optional(),
    /** Word sequences a credential name ends with (`api key`, `secret`, `password`). */
    credentialSuffixes: z.array(z.array(word).min(1)).optional(),
    /** Words before `token` that make it not a credential (`page` in `pageToken`). */
    nonCredentialTokens: z.array(word).optional(),
    /** Verbs that make a tool sensitive. */
    sensitiveVerbs: z.array(word).optional(),
    /** Extra data-access functions or methods: `runQuery`, `repo.find`, `*.execute`. */
    sinks: z.array(z.string().regex(/^(\*|[A-Za-z_$][\w$]*)(\.[A-Za-z_$][\w$]*)*$/, 'a name, or a dotted path whose first part may be *')).optional(),
    /** Functions whose callbacks run scoped to the caller (e.g. `withTenant(ctx, tx => ...)`): sinks inside are scoped. */
    trustedScopeHelpers: z.array(name).optional(),
    /** Middleware factories that gate a tool like `requireAuth({ check })` (e.g. `requireRole`). */
    guardMiddlewares: z.array(name).optional(),
    /** Severity per rule, or `off`. */
    severity: z.record(z.enum(ruleIds), z.enum(['error', 'warning', 'off'])).optional(),
    /**
     * The mcify API messages and suggestions speak: `guide` (`ctx.auth.claims`, `requireAuth({ scopes })`,
     * `hash`) or `published` (`@mcify/core` 1.0.0-alpha.*). Omitted: detected per project.
     */
    dialect: z.enum(['guide', 'published']).optional(),
  })
  .strict();

export type AnalyzerOptions = z.input<typeof analyzerOptionsSchema>;

/** Options with every default filled in. */
export interface ResolvedOptions {
  readonly identityNouns: ReadonlySet<string>;
  readonly identityWords: ReadonlySet<string>;
  readonly credentialSuffixes: readonly (readonly string[])[];
  readonly nonCredentialTokens: ReadonlySet<string>;
  readonly sensitiveVerbs: ReadonlySet<string>;
  readonly sinks: readonly string[];
  readonly trustedScopeHelpers: ReadonlySet<string>;
  readonly guardMiddlewares: ReadonlySet<string>;
  readonly severity: Readonly<Partial<Record<RuleId, Severity | 'off'>>>;
  /** The dialect the user chose, or undefined to detect it. */
  readonly dialect: DialectName | undefined;
}

export const defaultIdentityNouns = ['user', 'tenant', 'org', 'organization', 'organisation', 'account', 'owner', 'workspace', 'team', 'company', 'member', 'principal'];
export const defaultIdentityWords = ['tenant', 'org', 'organization', 'organisation', 'workspace'];
export const defaultCredentialSuffixes = [
  ['token'],
  ['api', 'key'],
  ['apikey'],
  ['secret'],
  ['password'],
  ['passwd'],
  ['credential'],
  ['credentials'],
  ['private', 'key'],
  ['authorization'],
  ['cookie'],
  ['cookies'],
  ['session', 'id'],
];
export const defaultNonCredentialTokens = ['page', 'next', 'continuation', 'sync', 'idempotency', 'csrf', 'cursor', 'max', 'input', 'output', 'completion', 'prompt'];
export const defaultSensitiveVerbs = [
  'refund', 'delete', 'remove', 'destroy', 'purge', 'wipe', 'erase', 'drop', 'export', 'dump', 'cancel', 'void', 'revoke',
  'transfer', 'payout', 'withdraw', 'charge', 'pay', 'approve', 'grant', 'impersonate', 'reset', 'rotate',
];

/** Thrown for options that do not validate; the message names each problem. */
export class AnalyzerOptionsError extends Error {
  override readonly name = 'AnalyzerOptionsError';
}

/** Validates options and fills in the defaults. */
export function resolveOptions(options: unknown = {}): ResolvedOptions {
  const parsed = analyzerOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`).join('; ');
    throw new AnalyzerOptionsError(`Invalid mcify-audit analyzer options: ${problems}.`);
  }
  const value = parsed.data;
  return {
    identityNouns: new Set(value.identityNouns ?? defaultIdentityNouns),
    identityWords: new Set(value.identityWords ?? defaultIdentityWords),
    credentialSuffixes: value.credentialSuffixes ?? defaultCredentialSuffixes,
    nonCredentialTokens: new Set(value.nonCredentialTokens ?? defaultNonCredentialTokens),
    sensitiveVerbs: new Set(value.sensitiveVerbs ?? defaultSensitiveVerbs),
    sinks: value.sinks ?? [],
    trustedScopeHelpers: new Set(value.trustedScopeHelpers ?? []),
    guardMiddlewares: new Set(value.guardMiddlewares ?? []),
    severity: value.severity ?? {},
    dialect: value.dialect,
  };
}
