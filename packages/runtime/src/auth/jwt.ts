import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { parseClaims, scopesFromClaims, type Logger, type OAuthAuthConfig } from '@mcify-audit/reference-core';
import { bearerTokenFrom } from './credentials.js';
import type { AuthOutcome, Authenticator } from './outcome.js';
import { refuse } from './outcome.js';

/** How the signing keys are fetched and cached. */
export interface JwksOptions {
  /** How long a fetched JWKS is trusted before it is fetched again (default 10 minutes). */
  cacheMaxAgeMs?: number;
  /** Least time between two fetches, which an unknown `kid` would otherwise trigger (default 30 s). */
  cooldownMs?: number;
  /** Time allowed for one fetch (default 5 s). */
  timeoutMs?: number;
}

/** The signing keys could not be had: the server cannot decide, which is no fault of the client. */
class KeySourceUnavailable extends Error {
  override readonly name = 'KeySourceUnavailable';
}

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.string().url() }).passthrough();

/** Header `typ` values an access token may carry (RFC 9068 §2.1; absent and `JWT` for common IdPs). */
const accessTokenTypes = new Set(['jwt', 'at+jwt']);

/**
 * Where an issuer publishes its metadata: OpenID Connect discovery (path appended), then RFC 8414
 * authorization server metadata (well-known prefix inserted before the issuer's path).
 */
function metadataUrls(issuer: string): readonly string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  return [`${url.origin}${path}/.well-known/openid-configuration`, `${url.origin}/.well-known/oauth-authorization-server${path}`];
}

/** Reads `jwks_uri` from the issuer's metadata and checks that it names the same issuer. */
async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<URL> {
  const failures: string[] = [];
  for (const location of metadataUrls(issuer)) {
    const response = await fetch(location, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      failures.push(`${location} answered ${response.status}`);
      continue;
    }
    const document = discoverySchema.parse(await response.json());
    if (document.issuer !== issuer) {
      throw new Error(`${location} names issuer ${document.issuer}, expected ${issuer}`);
    }
    return new URL(document.jwks_uri);
  }
  throw new Error(`no issuer metadata: ${failures.join('; ')}`);
}

/**
 * A key source that fetches the JWKS lazily (from `jwksUri` or discovery), caches it, follows key
 * rotation, and reports fetch problems as {@link KeySourceUnavailable} rather than as a bad token.
 */
function remoteKeys(config: OAuthAuthConfig, options: JwksOptions, logger: Logger): JWTVerifyGetKey {
  const timeoutMs = options.timeoutMs ?? 5000;
  let keySet: Promise<JWTVerifyGetKey> | undefined;
  const load = async (): Promise<JWTVerifyGetKey> => {
    const url = config.jwksUri === undefined ? await discoverJwksUri(config.issuer, timeoutMs) : new URL(config.jwksUri);
    return createRemoteJWKSet(url, {
      cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
      cooldownDuration: options.cooldownMs ?? 30_000,
      timeoutDuration: timeoutMs,
    });
  };
  return async (header, token) => {
    try {
      keySet ??= load();
      return await (await keySet)(header, token);
    } catch (error) {
      // A token naming an unknown kid or algorithm is the token's fault; anything else is the key source's.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      if (error instanceof errors.JOSENotSupported || error instanceof errors.JWSInvalid) throw error;
      keySet = undefined;
      logger.error('jwks_unavailable', { issuer: config.issuer, error });
      throw new KeySourceUnavailable('signing keys unavailable', { cause: error });
    }
  };
}

/** What a client is told about a rejected token: enough to act on, nothing about keys or internals. */
function describeRejection(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) return `The token is not valid for this server (${error.claim}).`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The token is signed with an algorithm this server does not accept.';
  return 'The token signature or format is invalid.';
}

/**
 * Verifies JWT access tokens with `jose` against the issuer's JWKS: signature, allowed algorithms,
 * issuer, audience, `exp` (required), `nbf`, token age and `typ`; then the server-wide required scopes.
 */
export function jwtAuthenticator(config: OAuthAuthConfig, options: JwksOptions, logger: Logger): Authenticator {
  const keys = remoteKeys(config, options, logger);
  return async (headers, requestLogger): Promise<AuthOutcome> => {
    const presented = bearerTokenFrom(headers);
    if ('ok' in presented) return presented;
    const { token } = presented;
    let verified;
    try {
      verified = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: [...(typeof config.audience === 'string' ? [config.audience] : config.audience)],
        algorithms: [...config.algorithms],
        requiredClaims: ['exp'],
        clockTolerance: config.clockToleranceSec,
        ...(config.maxTokenAgeSec === undefined ? {} : { maxTokenAge: config.maxTokenAgeSec }),
      });
    } catch (error) {
      if (error instanceof KeySourceUnavailable) {
        return { ok: false, reason: 'unavailable', description: 'The token cannot be verified right now; retry later.' };
      }
      if (!(error instanceof errors.JOSEError)) requestLogger.warn('jwt_verify_unexpected', { error });
      return refuse('invalid_token', describeRejection(error));
    }
    const typ = verified.protectedHeader.typ?.toLowerCase().replace(/^application\//, '');
    if (typ !== undefined && !accessTokenTypes.has(typ)) {
      return refuse('invalid_token', 'The token is not an access token.');
    }
    const claims = parseClaims(verified.payload);
    if (claims === undefined) return refuse('invalid_token', 'The token claims are malformed.');
    const scopes = scopesFromClaims(claims);
    const missing = config.requiredScopes.filter((scope) => !scopes.includes(scope));
    if (missing.length > 0) {
      return {
        ok: false,
        reason: 'insufficient_scope',
        description: `This server requires the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`,
        scopes: config.requiredScopes,
      };
    }
    return { ok: true, auth: { type: 'oauth', token, scopes, claims } };
  };
}
