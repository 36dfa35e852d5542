import { z } from 'zod';
import type { ApiKeyAuthConfig, SecretVerifier } from './config.js';
import { parseAuthOptions, requireSecretSource, secretOptionsSchema } from './secret-options.js';

export interface ApiKeyOptions {
  /** Header carrying the key, e.g. `x-api-key`. */
  headerName: string;
  env?: string;
  verify?: SecretVerifier;
}

const apiKeyOptionsSchema = secretOptionsSchema.extend({
  headerName: z
    .string()
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name')
    .refine((name) => name.toLowerCase() !== 'authorization', 'use bearer() for the Authorization header'),
});

/**
 * API key auth from a request header, with a shared static key or your own `verify`.
 *
 * @example
 * ```ts
 * auth: apiKey({ headerName: 'x-api-key', verify: (key) => keys.claimsFor(key) ?? false })
 * ```
 */
export function apiKey(options: ApiKeyOptions): ApiKeyAuthConfig {
  const parsed = parseAuthOptions('apiKey', apiKeyOptionsSchema, options);
  requireSecretSource('apiKey', parsed);
  return Object.freeze({
    type: 'api_key',
    headerName: parsed.headerName.toLowerCase(),
    ...(parsed.env === undefined ? {} : { env: parsed.env }),
    ...(options.verify === undefined ? {} : { verify: options.verify }),
  });
}
