import { McifyConfigError, oauth, type AuthConfig, type AuthState, type Claims, type Logger, type SecretVerifier } from '@mcify-audit/reference-core';
import { apiKeyFrom, bearerTokenFrom } from './credentials.js';
import { jwtAuthenticator, type JwksOptions } from './jwt.js';
import type { AuthFailure, Authenticator } from './outcome.js';
import { secretChecker } from './secret.js';

/**
 * Replaces the configured server-level auth, so tests, `mcify-audit serve` and the harness can put a
 * test identity provider in place of the real one without editing the config.
 * - `{ issuer, jwksUri?, audience? }`: JWT access tokens from that issuer (audience defaults to the
 *   configured `oauth()` audience; required when the config does not use `oauth()`).
 * - `{ verify }`: per-user secrets checked by `verify`, in the header the config uses (bearer by default).
 */
export type AuthOverride =
  | { readonly issuer: string; readonly jwksUri?: string; readonly audience?: string | readonly string[] }
  | { readonly verify: SecretVerifier };

/** The auth a handler enforces: the config's, or the override in its place. */
export function effectiveAuth(configured: AuthConfig, override: AuthOverride | undefined): AuthConfig {
  if (override === undefined) return configured;
  if ('verify' in override) {
    return configured.type === 'api_key'
      ? { type: 'api_key', headerName: configured.headerName, verify: override.verify }
      : { type: 'bearer', verify: override.verify };
  }
  const audience = override.audience ?? (configured.type === 'oauth' ? configured.audience : undefined);
  if (audience === undefined) {
    throw new McifyConfigError(
      'MCIFY_INVALID_AUTH',
      'The auth override names an issuer but no audience, and the config does not use oauth(): add `audience` to the override.',
    );
  }
  return oauth({
    provider: 'custom',
    issuer: override.issuer,
    audience,
    ...(override.jwksUri === undefined ? {} : { jwksUri: override.jwksUri }),
    // Only where the keys come from changes: the config's token policy stays as written.
    ...(configured.type === 'oauth'
      ? {
          requiredScopes: configured.requiredScopes,
          algorithms: configured.algorithms,
          clockToleranceSec: configured.clockToleranceSec,
          ...(configured.maxTokenAgeSec === undefined ? {} : { maxTokenAgeSec: configured.maxTokenAgeSec }),
        }
      : {}),
  });
}

/**
 * Builds the function that authenticates each request from its headers. Throws a
 * {@link McifyConfigError} now for a configuration that could never accept anyone.
 */
export function createAuthenticator(
  auth: AuthConfig,
  env: Readonly<Record<string, string | undefined>>,
  jwks: JwksOptions,
  logger: Logger,
): Authenticator {
  switch (auth.type) {
    case 'none':
      return () => Promise.resolve({ ok: true, auth: { type: 'none', claims: {} } });
    case 'oauth':
      return jwtAuthenticator(auth, jwks, logger);
    case 'bearer':
      return secretAuthenticator(bearerTokenFrom, secretChecker('bearer', auth, env), (token, claims) => ({
        type: 'bearer',
        token,
        claims,
      }));
    case 'api_key':
      return secretAuthenticator(
        (headers) => apiKeyFrom(headers, auth.headerName),
        secretChecker('apiKey', auth, env),
        (key, claims) => ({ type: 'api_key', key, headerName: auth.headerName, claims }),
      );
  }
}

/** Auth by a secret the client presents (bearer token or API key), checked by `verify` or a static secret. */
function secretAuthenticator(
  extract: (headers: Headers) => { token: string } | AuthFailure,
  check: (secret: string, logger: Logger) => Promise<{ claims: Claims } | AuthFailure>,
  state: (secret: string, claims: Claims) => AuthState,
): Authenticator {
  return async (headers, logger) => {
    const presented = extract(headers);
    if ('ok' in presented) return presented;
    const verdict = await check(presented.token, logger);
    return 'ok' in verdict ? verdict : { ok: true, auth: state(presented.token, verdict.claims) };
  };
}
