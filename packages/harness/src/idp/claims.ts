/**
 * Access-token claims and header of the test identity provider.
 *
 * @module
 */

/** Audience written into tokens when {@link MintOptions.audience} is not given. */
export const DEFAULT_AUDIENCE = 'mcify-test-resource';

/** Lifetime in seconds of tokens when {@link MintOptions.expiresInSec} is not given. */
export const DEFAULT_EXPIRES_IN_SEC = 900;

/** Header `typ` of access tokens (RFC 9068) when {@link MintOptions.typ} is not given. */
export const DEFAULT_TYP = 'at+jwt';

/**
 * Options of {@link TestIdp.mint}. Each option that is set overrides the matching
 * registered claim (or header member) even when the claims passed to `mint` carry one.
 */
export interface MintOptions {
  /** `aud` claim. Default: `'mcify-test-resource'` (unless the claims carry an `aud`). */
  readonly audience?: string | readonly string[];
  /** `exp = iat + expiresInSec`. Default: 900 (unless the claims carry an `exp`). */
  readonly expiresInSec?: number;
  /** Written as the space-separated `scope` claim when given. */
  readonly scopes?: readonly string[];
  /** Overrides the header `kid` (the key used to sign stays the current one). */
  readonly kid?: string;
  /** Header `typ`. Default: `'at+jwt'`. */
  readonly typ?: string;
  /** Overrides the `iss` claim. */
  readonly issuer?: string;
  /** `nbf = now + notBeforeSec` when given. */
  readonly notBeforeSec?: number;
  /** Overrides `iat` (absolute epoch seconds). */
  readonly issuedAtSec?: number;
}

/** A JWT claims set under construction. */
export type Claims = Record<string, unknown>;

/** Current time in epoch seconds. */
export function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

function assertFiniteNumber(name: string, value: number | undefined): void {
  if (value !== undefined && !Number.isFinite(value)) {
    throw new TypeError(`MintOptions.${name} must be a finite number of seconds, got ${String(value)}.`);
  }
}

/**
 * Builds the claims set `mint` signs: defaults (`iss`, `iat`, `exp`, `aud`), then the
 * caller's claims, then the registered claims set through options.
 *
 * @example
 * ```ts
 * buildAccessTokenClaims({ sub: 'alice' }, { scopes: ['read'] }, 'http://127.0.0.1:4000', 1_700_000_000);
 * // { iss: 'http://127.0.0.1:4000', iat: 1700000000, exp: 1700000900,
 * //   aud: 'mcify-test-resource', sub: 'alice', scope: 'read' }
 * ```
 */
export function buildAccessTokenClaims(claims: Claims, options: MintOptions, issuer: string, now: number): Claims {
  assertFiniteNumber('expiresInSec', options.expiresInSec);
  assertFiniteNumber('notBeforeSec', options.notBeforeSec);
  assertFiniteNumber('issuedAtSec', options.issuedAtSec);

  const claimedIat = claims.iat;
  const iat = options.issuedAtSec ?? (typeof claimedIat === 'number' ? claimedIat : now);
  const result: Claims = {
    iss: issuer,
    iat,
    exp: iat + DEFAULT_EXPIRES_IN_SEC,
    aud: DEFAULT_AUDIENCE,
    ...claims,
  };
  if (options.issuer !== undefined) result.iss = options.issuer;
  if (options.issuedAtSec !== undefined) result.iat = options.issuedAtSec;
  if (options.expiresInSec !== undefined) result.exp = iat + options.expiresInSec;
  if (options.audience !== undefined) {
    result.aud = typeof options.audience === 'string' ? options.audience : [...options.audience];
  }
  if (options.scopes !== undefined) result.scope = options.scopes.join(' ');
  if (options.notBeforeSec !== undefined) result.nbf = now + options.notBeforeSec;
  return result;
}

/** Protected header of a JWS. */
export interface JwsHeader {
  readonly alg: string;
  readonly [member: string]: unknown;
}

/**
 * Builds the protected header `mint` uses: `{ alg, kid, typ }`, where options may
 * override `kid` and `typ`.
 *
 * @example
 * ```ts
 * buildAccessTokenHeader('ES256', 'k1', {}); // { alg: 'ES256', kid: 'k1', typ: 'at+jwt' }
 * ```
 */
export function buildAccessTokenHeader(alg: string, kid: string, options: MintOptions): JwsHeader {
  return { alg, kid: options.kid ?? kid, typ: options.typ ?? DEFAULT_TYP };
}
