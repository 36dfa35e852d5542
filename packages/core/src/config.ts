import type { AuthConfig } from './auth/config.js';
import { McifyConfigError } from './errors.js';
import type { AnyTool } from './tool.js';

export interface ConfigSpec {
  name: string;
  version: string;
  description?: string;
  /** Server-level auth; omitted means none. */
  auth?: AuthConfig;
  tools?: readonly AnyTool[];
}

/** A server definition, frozen. */
export interface McifyConfig {
  readonly name: string;
  readonly version: string;
  readonly description: string | undefined;
  readonly auth: AuthConfig;
  readonly tools: readonly AnyTool[];
}

/**
 * Defines a server: its identity, its server-level auth and its tools. Rejects duplicate tool names.
 *
 * @example
 * ```ts
 * export default defineConfig({ name: 'orders', version: '1.0.0', auth: oauth({ ... }), tools: [listOrders] });
 * ```
 */
export function defineConfig(spec: ConfigSpec): McifyConfig {
  const candidate = spec as Partial<ConfigSpec> | undefined;
  if (typeof candidate?.name !== 'string' || candidate.name === '') {
    throw new McifyConfigError('MCIFY_INVALID_CONFIG', 'defineConfig({ name }) needs a non-empty server name.');
  }
  if (typeof candidate.version !== 'string' || candidate.version === '') {
    throw new McifyConfigError('MCIFY_INVALID_CONFIG', `defineConfig({ name: '${candidate.name}' }) needs \`version\`, e.g. '1.0.0'.`);
  }
  const tools = candidate.tools ?? [];
  const seen = new Set<string>();
  for (const tool of tools) {
    if (seen.has(tool.name)) {
      throw new McifyConfigError(
        'MCIFY_DUPLICATE_TOOL',
        `Two tools are named "${tool.name}" in server "${candidate.name}": tool names must be unique.`,
      );
    }
    seen.add(tool.name);
  }
  return Object.freeze({
    name: candidate.name,
    version: candidate.version,
    description: candidate.description,
    auth: candidate.auth ?? Object.freeze({ type: 'none' }),
    tools: Object.freeze([...tools]),
  });
}
