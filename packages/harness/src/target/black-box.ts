/**
 * The black-box target (`--url URL --token ...`): any MCP Streamable HTTP server, reached through one
 * resolved address with the tokens given. What the harness knows of each principal is what can be
 * observed: the claims of its token when it is a JWT (decoded, not verified), the scopes the JWT or
 * `--token [...]` gives, the tenant names.
 *
 * @module
 */
import { decodeJwt } from 'jose';
import type { FuzzTarget, Principal } from '../engine/types.js';
import { pinnedFetch } from './pinned-fetch.js';
import { resolveTarget } from './resolve-target.js';
import type { Secret } from './secret.js';
import { sourceMapOf } from './source-map.js';
import { blackBoxPrincipals, type TokenSpec } from './token-spec.js';

export interface BlackBoxOptions {
  /** The MCP endpoint (`http://127.0.0.1:8080/mcp`). */
  readonly url: string;
  /** The `--token` values, parsed with `parseTokenSpec`: at least two tenants. */
  readonly tokens: readonly TokenSpec[];
  /** `--allow-remote HOST`: a non-loopback host is accepted only when named here. */
  readonly allowRemote?: readonly string[];
  /** `--isolate user`: check isolation between users of one tenant too. Default `tenant`. */
  readonly isolate?: 'tenant' | 'user';
  /** `--id PRINCIPAL.FIELD=VALUE`: ids no list reaches, principal → field → values. */
  readonly ids?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** `--public-value`: values every tenant may see. */
  readonly publicValues?: readonly string[];
  /** `--revoked-token NAME=TOKEN`: a revoked credential per principal (catalogue class 19). */
  readonly revoked?: Readonly<Record<string, Secret>>;
  /** `--source PATH`: the server's source, to point findings at each tool's `defineTool`. */
  readonly source?: string;
  /** Per request, ms (default 10 000). */
  readonly requestTimeoutMs?: number;
}

/** Registered JWT claims and token metadata: not a principal's identity. */
const registeredClaims = new Set(['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'scope', 'scp', 'scopes', 'azp', 'client_id', 'typ', 'auth_time', 'acr', 'amr', 'nonce', 'sid', 'at_hash', 'c_hash', 'cnf']);

/**
 * A principal's observable identity: the string values (and strings in arrays) of its claims, less
 * the registered ones every token carries (`iss`, `aud`, ...), then its tenant; de-duplicated.
 */
export function identityOf(claims: Readonly<Record<string, unknown>> | undefined, tenant: string): string[] {
  const values: string[] = [];
  for (const [key, value] of Object.entries(claims ?? {})) {
    if (registeredClaims.has(key)) continue;
    if (typeof value === 'string' && value !== '') values.push(value);
    else if (Array.isArray(value)) for (const item of value) if (typeof item === 'string' && item !== '') values.push(item);
  }
  values.push(tenant);
  return [...new Set(values)];
}

/** The claims of a compact JWT, decoded without verification; undefined when the token is not one. */
export function jwtClaimsOf(token: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) return undefined;
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

/** Scopes a JWT carries: the space-separated `scope` claim, or `scp` (a list or a string). */
export function jwtScopesOf(claims: Readonly<Record<string, unknown>> | undefined): string[] | undefined {
  if (claims === undefined) return undefined;
  const { scope, scp } = claims as { scope?: unknown; scp?: unknown };
  if (typeof scope === 'string') return scope.split(/\s+/).filter((item) => item !== '');
  if (Array.isArray(scp)) return scp.filter((item): item is string => typeof item === 'string');
  if (typeof scp === 'string') return scp.split(/\s+/).filter((item) => item !== '');
  return undefined;
}

/**
 * The auth scheme the server's refusal of a request without credentials names (`WWW-Authenticate:
 * Bearer ...` → `Bearer`, `ApiKey ...` → `ApiKey`, with the `header="..."` an API-key challenge names);
 * undefined when it accepted the request or names neither. The probe is an `initialize` request on a connection of its own (a server refusing it may
 * close the connection without reading the body), and the answer's body is read and dropped.
 */
export async function probeChallengeScheme(
  fetch: FuzzTarget['fetch'],
  url: URL,
): Promise<{ scheme: 'Bearer' | 'ApiKey' | undefined; status: number | undefined; headerName: string | undefined }> {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'mcify-audit-probe', version: '0' } },
  });
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', connection: 'close' }, body });
  } catch {
    return { scheme: undefined, status: undefined, headerName: undefined };
  }
  await response.arrayBuffer().catch(() => undefined);
  const header = response.headers.get('www-authenticate') ?? '';
  const scheme = /^\s*([A-Za-z][A-Za-z0-9_-]*)/.exec(header)?.[1]?.toLowerCase();
  // `ApiKey realm="mcp", header="x-api-key"`: the header the key goes in.
  const headerName = /(?:^|[\s,])header="?([A-Za-z0-9!#$%&'*+.^_`|~-]+)"?/i.exec(header)?.[1]?.toLowerCase();
  return { scheme: scheme === 'bearer' ? 'Bearer' : scheme === 'apikey' || scheme === 'api-key' ? 'ApiKey' : undefined, status: response.status, headerName };
}

/**
 * Builds a black-box target: resolves the host once (refusing a non-loopback one not named in
 * `allowRemote`), pins every request to that address, checks the principals (at least two tenants),
 * decodes JWT claims for identity and scopes (`[scope,...]` given on `--token` wins), and probes the
 * endpoint without credentials for the challenge scheme a 401 must carry (`Bearer` when it names none)
 * and, for an `ApiKey` challenge, the header the tokens go in.
 *
 * @throws {TargetError} for a URL that cannot be audited as given; {@link TokenSpecError} for the principals.
 * @example
 * ```ts
 * const target = await blackBoxTarget({ url: 'http://127.0.0.1:8080/mcp', tokens: [parseTokenSpec('alice@acme=env:A'), parseTokenSpec('bob@globex=env:B')] });
 * ```
 */
export async function blackBoxTarget(options: BlackBoxOptions): Promise<FuzzTarget> {
  const checked = blackBoxPrincipals(options.tokens);
  const resolved = await resolveTarget(options.url, options.allowRemote === undefined ? {} : { allowRemote: options.allowRemote });
  const fetch = pinnedFetch(resolved, options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs });
  try {
    const principals: Principal[] = checked.map((spec) => {
      const claims = jwtClaimsOf(spec.token.reveal());
      return { name: spec.name, tenant: spec.tenant, scopes: spec.scopes ?? jwtScopesOf(claims), token: spec.token, claims, identity: identityOf(claims, spec.tenant) };
    });
    const tokenKind = principals.every((principal) => principal.claims !== undefined) ? 'jwt' : 'opaque';
    // The source first: the analysis takes seconds, longer than a server keeps the probe's connection open.
    const source = options.source === undefined ? undefined : await sourceMapOf(options.source);
    const probe = await probeChallengeScheme(fetch, resolved.url);
    let closed = false;
    return {
      mode: 'black-box',
      url: resolved.url,
      loopback: resolved.loopback,
      fetch,
      principals,
      isolate: options.isolate ?? 'tenant',
      tokenKind,
      challengeScheme: probe.scheme ?? 'Bearer',
      // An API-key server gets the key in the header its challenge names (x-api-key when it names none).
      credentialHeader: probe.scheme === 'ApiKey' ? { name: probe.headerName ?? 'x-api-key', prefix: '' } : { name: 'authorization', prefix: 'Bearer ' },
      issuer: undefined,
      objects: options.ids ?? {},
      publicValues: [...(options.publicValues ?? [])],
      idFields: [],
      secrets: [],
      revoked: options.revoked ?? {},
      reset: undefined,
      source,
      close() {
        if (!closed) {
          closed = true;
          fetch.close();
        }
        return Promise.resolve();
      },
    };
  } catch (error) {
    fetch.close();
    throw error;
  }
}
