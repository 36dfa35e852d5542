import type ts from 'typescript';

/** One step of a source→sink path, as AST nodes (turned into file/line/column when reported). */
export interface FlowStep {
  readonly node: ts.Node;
  readonly message: string;
}

/** Families of sinks, for messages and the inventory. */
export type SinkFamily =
  | 'prisma'
  | 'drizzle'
  | 'knex'
  | 'kysely'
  | 'pg'
  | 'sql-template'
  | 'mongodb'
  | 'supabase'
  | 'fetch'
  | 'http-client'
  | 'configured';

/** A data-access or upstream call reached from a handler. */
export interface SinkFacts {
  readonly family: SinkFamily;
  /** The call itself (possibly inside a helper, possibly in another file). */
  readonly call: ts.Node;
  /** Where it is reported: the start of the chain in the handler, or the handler's call of the helper. */
  readonly reportNode: ts.Node;
  /** A short name for messages: `db.order.findMany`, `db.select().from(orders)`, `ctx.fetch`. */
  readonly label: string;
  /** A value from the validated token (or derived from one) constrains it, or it runs in a trusted scope helper. */
  readonly scopedByAuth: boolean;
  /** An ownership guard on its result, or an earlier guard on an auth comparison, covers it. */
  readonly guarded: boolean;
  /** The identity constraint that comes from input, when there is one (for `no-untrusted-identity`). */
  readonly untrustedIdentity: { readonly node: ts.Node; readonly flow: readonly FlowStep[] } | undefined;
  /** Source→sink path of the trusted constraint (or of the untrusted one), for reports. */
  readonly flow: readonly FlowStep[];
  /** Lower when types were unavailable and the sink was recognised by shape alone. */
  readonly confidence: 'high' | 'medium' | 'low';
}

/** What a logger call is given. */
export interface LogCallFacts {
  readonly call: ts.CallExpression;
  /** Where it is reported (the handler's call of a helper, when the logger call is inside one). */
  readonly reportNode: ts.Node;
  /** A token, `ctx.auth`, a credential or an Authorization header among the arguments. */
  readonly secret: { readonly node: ts.Node; readonly what: string } | undefined;
  /**
   * A raw identifier or personal data, not hashed. `key` names it as the reader sees it in the call:
   * the key it is logged under (`who` in `logger.info({ who: claims.email })`, `email` in
   * `logger.info({ email })`, `user.id` for a nested key), or, logged without a key, the expression
   * as written (`claims.email`). `what` is `key` in backticks, for messages; `source` says what the
   * value is (`` `email` ``, `` `ctx.auth.subject` ``), e.g. for the flow step at `node`.
   */
  readonly personalData: { readonly node: ts.Node; readonly what: string; readonly key: string; readonly source: string } | undefined;
}

/** A statement that throws or returns on a condition over auth-derived values. */
export interface GuardFacts {
  readonly node: ts.Node;
  /** Source position, to compare with sinks' positions in the handler. */
  readonly position: number;
  /**
   * The condition decides on a scope, role or claim value: it compares one (`claims.role === 'admin'`),
   * tests a membership in one (`ctx.auth.scopes.includes(...)`), reads a role flag (`claims.admin`),
   * compares any auth value with a row loaded before (ownership), or asks a predicate given the auth
   * context that does so (or that cannot be read). Presence tests (`session === null`,
   * `!ctx.auth.claims.sub`, `ctx.auth.token.length > 0`) and `ctx.auth.type` tests are not guards.
   */
  readonly comparison: boolean;
}

/** What a handler does, as far as isolation goes. */
export interface HandlerFlow {
  /** Reads `ctx.auth` (any part), directly or by passing `ctx` / `ctx.auth` to a helper that does. */
  readonly readsAuth: boolean;
  /** Reads per-user identity: `ctx.auth.claims`, `.token`, `.key`, `.scopes`, `.subject`. */
  readonly readsIdentity: boolean;
  /**
   * Passes `ctx` or `ctx.auth` to a function the engine could not read (an import without a checker,
   * a package): it may read the auth context there.
   */
  readonly passesContext?: boolean;
  readonly sinks: readonly SinkFacts[];
  readonly logCalls: readonly LogCallFacts[];
  /** Guards on auth conditions, in the handler body (positions in the handler's file). */
  readonly authGuards: readonly GuardFacts[];
}
