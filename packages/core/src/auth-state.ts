import type { Claims } from './claims.js';

/**
 * Who is calling, as established by the server-level auth before any handler runs. Every variant has
 * `claims` (empty for `none`), so `ctx.auth.claims['sub']` type-checks whatever auth the server uses.
 */
export type AuthState = NoneAuthState | BearerAuthState | ApiKeyAuthState | OAuthAuthState;

export interface NoneAuthState {
  readonly type: 'none';
  readonly claims: Claims;
}

export interface BearerAuthState {
  readonly type: 'bearer';
  /** The bearer token as presented; already accepted by `verify` or the static secret. */
  readonly token: string;
  /** What `verify` returned when it returned an object; empty otherwise. */
  readonly claims: Claims;
}

export interface ApiKeyAuthState {
  readonly type: 'api_key';
  readonly key: string;
  readonly headerName: string;
  readonly claims: Claims;
}

export interface OAuthAuthState {
  readonly type: 'oauth';
  /** The verified JWT access token. */
  readonly token: string;
  /** Scopes normalised from the `scope`, `scp` or `scopes` claim. */
  readonly scopes: readonly string[];
  /** The verified JWT payload. */
  readonly claims: Claims;
}
