import { z } from 'zod';

/**
 * Claims of the authenticated principal: a verified JWT payload, or what a `verify` function returned.
 * Registered claims are typed; any other claim (`tenantId`, `org_id`, ...) is `unknown` until you narrow it.
 */
export interface Claims {
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string | readonly string[];
  readonly exp?: number;
  readonly nbf?: number;
  readonly iat?: number;
  readonly jti?: string;
  /** Space-separated scopes (RFC 8693 / RFC 9068). */
  readonly scope?: string;
  /** Scopes as Azure AD and Okta spell them. */
  readonly scp?: string | readonly string[];
  readonly scopes?: readonly string[];
  readonly [claim: string]: unknown;
}

const numericDate = z.number().finite();

const claimsSchema = z
  .object({
    iss: z.string().optional(),
    sub: z.string().min(1).optional(),
    aud: z.union([z.string(), z.array(z.string())]).optional(),
    exp: numericDate.optional(),
    nbf: numericDate.optional(),
    iat: numericDate.optional(),
    jti: z.string().optional(),
    scope: z.string().optional(),
    scp: z.union([z.string(), z.array(z.string())]).optional(),
    scopes: z.array(z.string()).optional(),
  })
  .passthrough();

/**
 * Checks that registered claims have their registered types, so a token whose `sub` is an array or whose
 * `exp` is a string is rejected at the boundary (401) instead of confusing the handlers that read it.
 * Returns the claims, or `undefined` when they are malformed.
 */
export function parseClaims(value: unknown): Claims | undefined {
  const parsed = claimsSchema.safeParse(value);
  // zod types absent optional properties as `T | undefined`; the parsed object has no such keys.
  return parsed.success ? (parsed.data as Claims) : undefined;
}

/**
 * Scopes granted by a set of claims, from `scope` (space-separated), `scp` (string or array) or `scopes`,
 * de-duplicated in order of appearance.
 */
export function scopesFromClaims(claims: Claims): readonly string[] {
  const found: string[] = [];
  const add = (value: string | readonly string[] | undefined): void => {
    if (value === undefined) return;
    const list = typeof value === 'string' ? value.split(/\s+/) : value;
    for (const scope of list) if (scope !== '' && !found.includes(scope)) found.push(scope);
  };
  add(claims.scope);
  add(claims.scp);
  add(claims.scopes);
  return found;
}

/** No claims: the state of an unauthenticated request or of an opaque token. */
export const emptyClaims: Claims = Object.freeze({});
