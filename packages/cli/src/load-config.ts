import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { McifyConfig } from '@mcify-audit/reference-core';
import { auditHookSchema, type AuditHook } from '@mcify-audit/harness';
import { z } from 'zod';

/** Why a config module could not be loaded. The message says what to fix. */
export class ConfigLoadError extends Error {
  override readonly name = 'ConfigLoadError';
}

/** A loaded config module: the server and, when it exports one, its audit hook. */
export interface LoadedConfig {
  readonly file: string;
  readonly config: McifyConfig;
  readonly hook: AuditHook | undefined;
}

const configFileNames = ['mcify.config.ts', 'mcify.config.mts', 'mcify.config.js', 'mcify.config.mjs'];

/** The shape `defineConfig` returns, checked on whatever the module exported. */
const configShape = z.object({
  name: z.string(),
  version: z.string(),
  auth: z.object({ type: z.enum(['none', 'bearer', 'api_key', 'oauth']) }).passthrough(),
  tools: z.array(z.object({ name: z.string() }).passthrough()),
});

/** The config file a path names: the file itself, or `mcify.config.*` in a directory. */
async function configFile(path: string): Promise<string> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => undefined);
  if (info === undefined) throw new ConfigLoadError(`${path}: no such file or directory.`);
  if (info.isFile()) return absolute;
  for (const name of configFileNames) {
    const candidate = join(absolute, name);
    if ((await stat(candidate).catch(() => undefined))?.isFile() === true) return candidate;
  }
  throw new ConfigLoadError(`${path} is a directory without ${configFileNames.join(', ')}: name the config file.`);
}

let tsxRegistered = false;

/**
 * Loads a config module (TypeScript through `tsx`, or JavaScript), checking that its default export is
 * a `defineConfig(...)` result and its `mcifyAudit` export, if any, an audit hook. Running the module
 * runs its code: only load configs you trust.
 */
export async function loadConfig(path: string): Promise<LoadedConfig> {
  const file = await configFile(path);
  if (!tsxRegistered) {
    // Registered once for the process, so the config shares module instances (@mcify/core, zod) with us.
    const { register } = await import('tsx/esm/api');
    register();
    tsxRegistered = true;
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigLoadError(`${file} failed to load: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (!configShape.safeParse(module.default).success) {
    throw new ConfigLoadError(`${file} must export the server as its default export: export default defineConfig({ ... }).`);
  }
  const hook = module.mcifyAudit;
  if (hook !== undefined) {
    const checked = auditHookSchema.safeParse(hook);
    if (!checked.success) {
      const problems = checked.error.issues.map((issue) => `${issue.path.join('.') || 'mcifyAudit'}: ${issue.message}`).join('; ');
      throw new ConfigLoadError(`${file}: the mcifyAudit export is not an audit hook (${problems}). See docs/audit-hook.md.`);
    }
  }
  return { file, config: module.default as McifyConfig, hook: hook as AuditHook | undefined };
}
