/**
 * The harness engine's shared vocabulary: what a fuzz target is, what a property contributes, and
 * what a run produces. Every property module, the client layer, the orchestrator and the front ends
 * (CLI, vitest) speak these types; nothing here does anything.
 *
 * @module
 */
import type { Secret } from '../target/secret.js';

// ---------------------------------------------------------------------------------------------------
// Ids

/** The properties the harness checks, in the order a run executes them (reads before writes). */
export const propertyIds = ['authentication', 'read-isolation', 'sessions', 'scope-enforcement', 'write-isolation', 'stateful', 'server-hygiene'] as const;
export type PropertyId = (typeof propertyIds)[number];

/** The dynamic rule ids (the architecture's table). */
export const harnessRuleIds = [
  'harness/cross-tenant-read',
  'harness/cross-tenant-write',
  'harness/forged-token-accepted',
  'harness/scope-not-enforced',
  'harness/server-error',
  'harness/secret-reflected',
  'harness/missing-www-authenticate',
  'harness/wrong-status',
] as const;
export type HarnessRuleId = (typeof harnessRuleIds)[number];

/** `error` for the six isolation and hygiene rules, `warning` for missing-www-authenticate and wrong-status. */
export function harnessSeverity(ruleId: HarnessRuleId): 'error' | 'warning' {
  return ruleId === 'harness/missing-www-authenticate' || ruleId === 'harness/wrong-status' ? 'warning' : 'error';
}

// ---------------------------------------------------------------------------------------------------
// Target

/** One identity the harness acts as. */
export interface Principal {
  readonly name: string;
  readonly tenant: string;
  /** Scopes the principal's token carries, when known (hook, JWT `scope`/`scp`, `--token [..]`). */
  readonly scopes: readonly string[] | undefined;
  /** The credential; undefined for `none()` servers. */
  readonly token: Secret | undefined;
  /** The claims of the token when it is a JWT (decoded, not verified), or the hook's claims. */
  readonly claims: Readonly<Record<string, unknown>> | undefined;
  /** Observable identity values: string claims (`sub`, tenant claim, ...), the tenant name. Filled further by the harvest. */
  readonly identity: readonly string[];
}

/** Where a tool is defined, when the source is known (in-process, or `--source PATH`). Paths absolute. */
export interface ToolSource {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** The analyzer's decision: a sensitive tool (verbs in its name or description). */
  readonly sensitive: boolean;
}

/** What the in-process target can do that black-box cannot: mint and forge tokens the server trusts. */
export interface TrustedIssuer {
  /** A valid token for the principal with the given changes (claims merged, scopes replaced, lifetimes...). */
  mint(principal: Principal, changes?: { readonly claims?: Record<string, unknown>; readonly scopes?: readonly string[]; readonly expiresInSec?: number; readonly notBeforeSec?: number; readonly issuedAtSec?: number; readonly audience?: string | readonly string[]; readonly issuer?: string; readonly typ?: string; readonly omit?: readonly string[] }): Promise<string>;
  /** One of the test IdP's forgery kinds for the principal (`untrusted-key`, `wrong-typ`, ...). */
  forge(kind: import('../idp/forge.js').ForgeryKind, principal: Principal, options?: import('../idp/forge.js').ForgeOptions): Promise<string>;
  /** PEM of the key the server trusts (for alg-confusion and secret-reflected). */
  publicKeyPem(): Promise<string>;
  /** Private key material the server must never reflect (PEM/JWK strings). */
  readonly privateMaterial: readonly string[];
  /** The IdP's loopback issuer URL; requests it received (for the jku class). */
  readonly issuerUrl: string;
}

/** A server ready to be fuzzed: booted in-process, or reached black-box. */
export interface FuzzTarget {
  readonly mode: 'in-process' | 'black-box';
  /** The MCP endpoint. */
  readonly url: URL;
  /** Whether every address of the endpoint is loopback. */
  readonly loopback: boolean;
  /** The fetch every request goes through (pinned to one address, no redirects, per-request timeout). */
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  readonly principals: readonly Principal[];
  /** Between tenants (default), or also between users of one tenant. */
  readonly isolate: 'tenant' | 'user';
  /** What the tokens are: JWTs (the JWT classes apply), opaque strings, or none at all. */
  readonly tokenKind: 'jwt' | 'opaque' | 'none';
  /** The challenge scheme a 401 must carry: `Bearer`, or `ApiKey` for API-key servers; undefined for none(). */
  readonly challengeScheme: 'Bearer' | 'ApiKey' | undefined;
  /** The header the credential goes in (`authorization` with `Bearer `, or an API-key header). */
  readonly credentialHeader: { readonly name: string; readonly prefix: string };
  /** In-process `oauth()` targets only. */
  readonly issuer: TrustedIssuer | undefined;
  /** Ids no list reaches: hook `objects` and `--id PRINCIPAL.FIELD=VALUE`. principal → field → values. */
  readonly objects: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** Values every tenant may see (hook `publicValues`, `--public-value`). */
  readonly publicValues: readonly string[];
  /** Extra key names that count as id-like (hook `idFields`). */
  readonly idFields: readonly string[];
  /** Secrets the server must never reflect, by label (hook `secrets`). */
  readonly secrets: readonly Secret[];
  /** Revoked credentials to replay (catalogue class 19), by principal name. */
  readonly revoked: Readonly<Record<string, Secret>>;
  /** Restores the seeded data between write cases (hook `reset()`, in-process only). */
  readonly reset: (() => Promise<void>) | undefined;
  /** Where each MCP tool is defined, when the source is known; and the config file. */
  readonly source: { readonly configFile: string | undefined; readonly tools: ReadonlyMap<string, ToolSource> } | undefined;
  /** Stops whatever the target started (server, IdP, hook teardown). Idempotent. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// Traffic

/** One HTTP exchange with the target, as recorded for evidence. Tokens are already replaced by labels. */
export interface Exchange {
  readonly seq: number;
  /** Who sent it (`alice`), or a forged identity's label (`forged: alg-none`), or null for no credential. */
  readonly principal: string | null;
  /** What it was for: `initialize`, `tools/list`, `tools/call orders_get`, `auth 4 alg-none`... */
  readonly label: string;
  readonly request: { readonly method: string; readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly body: string };
  /** The answer, or why there was none. Body bounded (first 64 KiB). */
  readonly response: { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string } | { readonly error: string };
  readonly durationMs: number;
}

/** A tool as `tools/list` gives it. */
export interface ListedTool {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
  readonly annotations?: { readonly readOnlyHint?: boolean; readonly destructiveHint?: boolean; readonly idempotentHint?: boolean };
}

/** How a `tools/call` ended. */
export interface CallOutcome {
  /**
   * - `result`: a result without `isError`;
   * - `tool-error`: a result with `isError: true`;
   * - `rpc-error`: a JSON-RPC error (`code`, e.g. -32602 invalid params);
   * - `http-error`: a non-2xx HTTP answer (`status`);
   * - `transport-error`: no usable answer (timeout, reset, unparsable body).
   */
  readonly kind: 'result' | 'tool-error' | 'rpc-error' | 'http-error' | 'transport-error';
  readonly status: number | undefined;
  /** The result's content text, and `structuredContent` as JSON, joined; or the error message. */
  readonly text: string;
  /** `structuredContent`, or the content's text parsed as JSON when it is JSON, for value extraction. */
  readonly data: unknown;
  /** The JSON-RPC error code for `rpc-error`. */
  readonly code: number | undefined;
  readonly exchange: Exchange | undefined;
}

/** A principal's MCP connection (official SDK client underneath). */
export interface PrincipalClient {
  readonly principal: string;
  /** The `Mcp-Session-Id` the server issued, if any. */
  readonly sessionId: string | undefined;
  listTools(): Promise<ListedTool[]>;
  callTool(name: string, args: unknown): Promise<CallOutcome>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// Results

export type CellStatus = 'held' | 'failed' | 'not-exercised' | 'not-applicable';

/** One (tool, property) cell of the coverage matrix. `tool: null` for target-wide properties. */
export interface Cell {
  readonly tool: string | null;
  readonly property: PropertyId;
  readonly status: CellStatus;
  /** Why it is not-exercised / not-applicable / failed (e.g. `writes not allowed`, `time budget`). */
  readonly reason: string | undefined;
  /** fast-check runs made. */
  readonly cases: number;
  readonly requests: number;
  /** The seed this cell ran with (derived from the run's seed, the property and the tool). */
  readonly seed: number;
}

export interface HarnessFinding {
  readonly ruleId: HarnessRuleId;
  readonly severity: 'error' | 'warning';
  /** `high` when a replay confirmed it. */
  readonly confidence: 'high' | 'medium';
  /** Stable key of the message template. */
  readonly messageId: string;
  readonly message: string;
  readonly data: Readonly<Record<string, string>>;
  /** The MCP tool, or null when the finding holds on every tool (authentication) or is target-wide. */
  readonly tool: string | null;
  /** Who made the request (`alice`, or `forged: alg-none`). */
  readonly principal: string | null;
  /** Whose data or object it reached, if anyone's. */
  readonly victim: string | null;
  /** The (shrunk) tool arguments. */
  readonly input: unknown;
  /** What shows it: the value and where it appeared, the statuses, excerpts. Never a token. */
  readonly evidence: { readonly summary: string; readonly exchanges: readonly Exchange[] };
  readonly reproduce: { readonly curl: string; readonly seed: number; readonly path: string };
}

export type HarnessNoteCode =
  | 'rate-limited'
  | 'overloaded'
  | 'time-budget'
  | 'pools-differ'
  | 'not-tested'
  | 'unsupported-schema'
  | 'writes-listed'
  | 'harvest'
  | 'target';

export interface HarnessNote {
  readonly code: HarnessNoteCode;
  readonly message: string;
  readonly tool?: string;
}

/** A successful non-read call, listed so the user can restore the data. */
export interface WriteRecord {
  readonly tool: string;
  readonly principal: string;
  readonly arguments: unknown;
}

export interface FuzzResult {
  readonly seed: number;
  readonly mode: 'in-process' | 'black-box';
  /** The endpoint (no credentials in it). */
  readonly url: string;
  readonly principals: readonly { readonly name: string; readonly tenant: string; readonly scopes: readonly string[] | undefined }[];
  readonly tools: readonly { readonly name: string; readonly readOnly: boolean; readonly sensitive: boolean; readonly source: ToolSource | undefined }[];
  readonly cells: readonly Cell[];
  readonly findings: readonly HarnessFinding[];
  readonly notes: readonly HarnessNote[];
  readonly writes: readonly WriteRecord[];
  /** A hash of each principal's harvested pool, so a replay can tell when the data changed. */
  readonly pools: Readonly<Record<string, string>>;
  readonly requests: number;
  readonly durationMs: number;
  /** True when the wall-clock budget ran out before every cell finished. */
  readonly budgetExhausted: boolean;
}
