import type { NoneAuthConfig } from './config.js';

/**
 * No server-level auth: every request is `{ type: 'none', claims: {} }`. Fine for a local, single-user
 * server; never for one that serves several users.
 */
export function none(): NoneAuthConfig {
  return Object.freeze({ type: 'none' });
}
