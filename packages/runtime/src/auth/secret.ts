import { createHash, timingSafeEqual } from 'node:crypto';
import { McifyConfigError, parseClaims, type Claims, type SecretVerifier } from '@mcify-audit/reference-core';
import type { Logger } from '@mcify-audit/reference-core';
import { refuse, type AuthFailure } from './outcome.js';

/** Compares two secrets in constant time, whatever their lengths (both are hashed first). */
export function secretsEqual(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * How a presented secret is checked: the configured `verify`, or the static secret read from the
 * environment once, when the handler is created (a missing variable is a configuration error then,
 * not a 401 on every request).
 */
export function secretChecker(
  helper: 'bearer' | 'apiKey',
  source: { env?: string; verify?: SecretVerifier },
  env: Readonly<Record<string, string | undefined>>,
): (secret: string, logger: Logger) => Promise<{ claims: Claims } | AuthFailure> {
  const { verify } = source;
  if (verify !== undefined) {
    return async (secret, logger) => {
      let verdict: unknown;
      try {
        verdict = await verify(secret);
      } catch (error) {
        logger.error('auth_verify_threw', { helper, error });
        return refuse('invalid_token', 'The credentials could not be verified.');
      }
      if (verdict === true) return { claims: {} };
      if (verdict === false || verdict === null || verdict === undefined) {
        return refuse('invalid_token', 'The credentials are invalid or revoked.');
      }
      const claims = typeof verdict === 'object' ? parseClaims(verdict) : undefined;
      if (claims === undefined) {
        logger.error('auth_verify_bad_result', { helper, got: typeof verdict });
        return refuse('invalid_token', 'The credentials could not be verified.');
      }
      return { claims };
    };
  }
  const variable = source.env ?? '';
  const expected = env[variable];
  if (expected === undefined || expected === '') {
    throw new McifyConfigError(
      'MCIFY_SECRET_ENV_MISSING',
      `${helper}({ env: '${variable}' }) reads the shared secret from $${variable}, which is not set: set it, or pass \`verify\`.`,
    );
  }
  return (secret) =>
    Promise.resolve(secretsEqual(secret, expected) ? { claims: {} } : refuse('invalid_token', 'The credentials are invalid.'));
}
