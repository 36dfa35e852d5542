import type { AuthState, Logger } from '@mcify-audit/reference-core';

/** Result of authenticating one HTTP request, before its body is read. */
export type AuthOutcome =
  | { readonly ok: true; readonly auth: AuthState }
  | AuthFailure;

/** Why a request is refused: RFC 6750 error codes, mapped to 401, 403 or 503 by the handler. */
export type AuthFailure =
  | {
      readonly ok: false;
      /** `missing`: no credentials (the challenge carries no error code, RFC 6750 §3.1). */
      readonly reason: 'missing' | 'invalid_request' | 'invalid_token';
      /** Safe to send to the client: never echoes the token. */
      readonly description: string;
    }
  | { readonly ok: false; readonly reason: 'insufficient_scope'; readonly description: string; readonly scopes: readonly string[] }
  | { readonly ok: false; readonly reason: 'unavailable'; readonly description: string };

/**
 * Authenticates a request from its headers alone, logging to `logger` (which redacts the presented
 * credentials). Never throws for anything the client sent.
 */
export type Authenticator = (headers: Headers, logger: Logger) => Promise<AuthOutcome>;

export function refuse(reason: 'missing' | 'invalid_request' | 'invalid_token', description: string): AuthFailure {
  return { ok: false, reason, description };
}
