import type { AuthState } from '../auth-state.js';
import { hash } from '../logger.js';

/**
 * A stable key for the caller, whatever the auth type: the `sub` claim, else a hash of the presented
 * token or key, else `anonymous`. Never the secret itself.
 */
export function subjectOf(auth: AuthState): string {
  if (auth.claims.sub !== undefined) return `sub:${auth.claims.sub}`;
  switch (auth.type) {
    case 'bearer':
    case 'oauth':
      return `token:${hash(auth.token)}`;
    case 'api_key':
      return `key:${hash(auth.key)}`;
    case 'none':
      return 'anonymous';
  }
}
