import { z } from 'zod';
import { McifyConfigError } from '../errors.js';
import { isLoopbackHostname } from '../loopback.js';
import {
  asymmetricAlgorithms,
  type AsymmetricAlgorithm,
  type OAuthAuthConfig,
  type OAuthProvider,
} from './config.js';
import { parseAuthOptions } from './secret-options.js';

export interface OAuthOptions {
  provider: OAuthProvider;
  /** The authorization server's issuer identifier, exactly as the tokens' `iss` claim spells it. */
  issuer?: string;
  /** This server's resource identifier: the `aud` the tokens must carry (RFC 8707). */
  audience: string | readonly string[];
  /** JWKS location; by default read from `<issuer>/.well-known/openid-configuration`. */
  jwksUri?: string;
  requiredScopes?: readonly string[];
  /** Accepted algorithms; default every asymmetric JWS algorithm. */
  algorithms?: readonly AsymmetricAlgorithm[];
  /** Allowed clock skew for `exp` / `nbf`, in seconds (default 30, at most 300). */
  clockToleranceSec?: number;
  /** Reject tokens whose `iat` is older than this many seconds. */
  maxTokenAgeSec?: number;
}

/** Where each provider's issuer identifier is found; shown when `issuer` is missing. */
const issuerHints: Record<OAuthProvider, string> = {
  workos: "issuer: 'https://<your-subdomain>.authkit.app'",
  auth0: "issuer: 'https://<tenant>.<region>.auth0.com/'",
  clerk: "issuer: 'https://<your-app>.clerk.accounts.dev'",
  cognito: "issuer: 'https://cognito-idp.<region>.amazonaws.com/<user-pool-id>'",
  keycloak: "issuer: 'https://<host>/realms/<realm>'",
  custom: "issuer: 'https://idp.example.com'",
};

const httpUrl = z
  .string()
  .url()
  .refine((value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHostname(url.hostname));
  }, 'must be an https URL (http is accepted for loopback hosts only)');

const oauthOptionsSchema = z
  .object({
    provider: z.enum(['workos', 'auth0', 'clerk', 'cognito', 'keycloak', 'custom']),
    issuer: httpUrl,
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    jwksUri: httpUrl.optional(),
    requiredScopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be a valid scope token')).default([]),
    algorithms: z
      .array(z.enum(asymmetricAlgorithms, { message: 'only asymmetric algorithms are accepted (no none, no HS*)' }))
      .min(1)
      .default([...asymmetricAlgorithms]),
    clockToleranceSec: z.number().int().min(0).max(300).default(30),
    maxTokenAgeSec: z.number().int().positive().optional(),
  })
  .strict();

/**
 * JWT access tokens from an identity provider, verified against its JWKS: signature, issuer, audience,
 * `exp` (required), `nbf` and the accepted algorithms.
 *
 * @example
 * ```ts
 * auth: oauth({ provider: 'auth0', issuer: 'https://acme.eu.auth0.com/', audience: 'mcify-orders-server' })
 * ```
 */
export function oauth(options: OAuthOptions): OAuthAuthConfig {
  const provided = options as Partial<OAuthOptions> | undefined;
  if (provided?.issuer === undefined || provided.issuer === '') {
    const provider: OAuthProvider =
      provided?.provider !== undefined && Object.hasOwn(issuerHints, provided.provider) ? provided.provider : 'custom';
    throw new McifyConfigError(
      'MCIFY_OAUTH_ISSUER_REQUIRED',
      `oauth({ provider: '${provider}' }) needs the issuer the tokens are checked against: add ${issuerHints[provider]}.`,
    );
  }
  const parsed = parseAuthOptions('oauth', oauthOptionsSchema, options);
  return Object.freeze({
    type: 'oauth',
    provider: parsed.provider,
    issuer: parsed.issuer,
    audience: Object.freeze(parsed.audience),
    ...(parsed.jwksUri === undefined ? {} : { jwksUri: parsed.jwksUri }),
    requiredScopes: Object.freeze(parsed.requiredScopes),
    algorithms: Object.freeze(parsed.algorithms),
    clockToleranceSec: parsed.clockToleranceSec,
    ...(parsed.maxTokenAgeSec === undefined ? {} : { maxTokenAgeSec: parsed.maxTokenAgeSec }),
  });
}
