import type { Claims } from '../claims.js';

/** What a `verify` function may answer: reject (`false`), accept (`true`), or accept with claims. */
export type VerifyResult = boolean | Claims;

/** Decides whether a presented secret (bearer token or API key) is valid. May be async. */
export type SecretVerifier = (secret: string) => VerifyResult | Promise<VerifyResult>;

/** Identity providers `oauth()` knows by name. `custom` is any OpenID Connect or RFC 8414 issuer. */
export type OAuthProvider = 'workos' | 'auth0' | 'clerk' | 'cognito' | 'keycloak' | 'custom';

/** Server-level auth of a config, as built by the helpers in this module. */
export type AuthConfig = NoneAuthConfig | BearerAuthConfig | ApiKeyAuthConfig | OAuthAuthConfig;

export interface NoneAuthConfig {
  readonly type: 'none';
}

export interface BearerAuthConfig {
  readonly type: 'bearer';
  /** Environment variable holding the shared static token; ignored when `verify` is set. */
  readonly env?: string;
  readonly verify?: SecretVerifier;
}

export interface ApiKeyAuthConfig {
  readonly type: 'api_key';
  /** Request header carrying the key, lower-cased. */
  readonly headerName: string;
  readonly env?: string;
  readonly verify?: SecretVerifier;
}

export interface OAuthAuthConfig {
  readonly type: 'oauth';
  readonly provider: OAuthProvider;
  readonly issuer: string;
  readonly audience: string | readonly string[];
  /** Where the signing keys are; read from the issuer's discovery document when absent. */
  readonly jwksUri?: string;
  /** Scopes every request needs, whatever the tool (403 `insufficient_scope` without them). */
  readonly requiredScopes: readonly string[];
  /** Accepted JWS algorithms: asymmetric only. */
  readonly algorithms: readonly AsymmetricAlgorithm[];
  readonly clockToleranceSec: number;
  /** Oldest `iat` accepted, in seconds; unlimited when absent (`exp` is always required). */
  readonly maxTokenAgeSec?: number;
}

/** JWS algorithms `oauth()` accepts: never `none`, never HMAC (the keys come from a public JWKS). */
export const asymmetricAlgorithms = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

export type AsymmetricAlgorithm = (typeof asymmetricAlgorithms)[number];
