import type { BearerAuthConfig, SecretVerifier } from './config.js';
import { parseAuthOptions, requireSecretSource, secretOptionsSchema } from './secret-options.js';

export interface BearerOptions {
  /** Environment variable holding one shared static token, compared in constant time. */
  env?: string;
  /**
   * Per-user verification: return `false` to answer 401, `true` to accept, or a claims object to accept
   * and expose it as `ctx.auth.claims`. A verifier that throws is answered 401 and logged.
   */
  verify?: SecretVerifier;
}

/**
 * `Authorization: Bearer <token>` auth, with a shared static token or your own `verify` (session store).
 *
 * @example
 * ```ts
 * auth: bearer({ verify: async (token) => (await sessions.lookup(token)) ?? false })
 * ```
 */
export function bearer(options: BearerOptions): BearerAuthConfig {
  const parsed = parseAuthOptions('bearer', secretOptionsSchema, options);
  requireSecretSource('bearer', parsed);
  return Object.freeze({
    type: 'bearer',
    ...(parsed.env === undefined ? {} : { env: parsed.env }),
    ...(options.verify === undefined ? {} : { verify: options.verify }),
  });
}
