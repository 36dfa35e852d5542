import { z } from 'zod';
import { McifyConfigError } from '../errors.js';

/** Options shared by `bearer()` and `apiKey()`: where the static secret is, or how to verify one. */
export const secretOptionsSchema = z
  .object({
    env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .optional(),
    verify: z.function().optional(),
  })
  .strict();

/** Parses helper options with `schema`, turning a failure into a configuration error naming the helper. */
export function parseAuthOptions<S extends z.ZodTypeAny>(helper: string, schema: S, options: unknown): z.output<S> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data as z.output<S>;
  const problems = parsed.error.issues
    .map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`)
    .join('; ');
  throw new McifyConfigError('MCIFY_INVALID_AUTH', `${helper}(...) options are invalid: ${problems}.`);
}

/** Rejects a helper given neither a static secret nor a verifier: it could never accept anyone. */
export function requireSecretSource(helper: string, options: { env?: string | undefined; verify?: unknown }): void {
  if (options.env === undefined && options.verify === undefined) {
    throw new McifyConfigError(
      'MCIFY_INVALID_AUTH',
      `${helper}(...) needs \`verify: (secret) => ...\` (per-user secrets) or \`env: 'VAR_NAME'\` (one shared secret).`,
    );
  }
}
