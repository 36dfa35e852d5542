/**
 * Loading a config module (`mcify.config.ts`) and its audit hook, in either dialect, for `serve`,
 * `fuzz --config` and the static report's `--load`. The subpath `@mcify-audit/harness/load-config`
 * loads only this module, `tsx` (on first use) and zod: not the reference runtime, not the MCP SDK.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { McifyConfig } from '@mcify-audit/reference-core';
import { auditHookSchema, type AuditHook } from './audit-hook.js';
import { z } from 'zod';

/** Why a config module could not be loaded. The message says what to fix. */
export class ConfigLoadError extends Error {
  override readonly name = 'ConfigLoadError';
}

/**
 * A server as `defineConfig` returns it, in either dialect: this repository's reference core (the
 * guide's API: `auth` always set, tools with `middlewares`) or the published `@mcify/core` 1.0.0-alpha
 * (`auth` and `tools` optional, `oauth_provider` auth, middlewares composed into the handler). Only what
 * both have is typed; everything else is read as unknown.
 */
export interface LoadedServer {
  readonly name: string;
  readonly version: string;
  readonly auth?: { readonly type: string };
  readonly tools?: readonly unknown[];
}

/** A loaded config module: the server and, when it exports one, its audit hook. */
export interface LoadedConfig {
  readonly file: string;
  readonly config: LoadedServer;
  readonly hook: AuditHook | undefined;
}

const configFileNames = ['mcify.config.ts', 'mcify.config.mts', 'mcify.config.js', 'mcify.config.mjs'];

/** Every `auth` type either dialect's `defineConfig` accepts. */
const authTypes = ['none', 'bearer', 'api_key', 'oauth', 'oauth_provider'] as const;

/**
 * The shape `defineConfig` returns in either dialect, checked on whatever the module exported. Shape
 * only, not `instanceof`: the config runs on its own copy of its framework.
 */
const configShape = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  auth: z.object({ type: z.enum(authTypes) }).passthrough().optional(),
  tools: z.array(z.object({ name: z.string() }).passthrough()).optional(),
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
  const checked = configShape.safeParse(module.default);
  if (!checked.success) throw new ConfigLoadError(notAConfig(file, module.default, checked.error));
  const hook = module.mcifyAudit;
  if (hook !== undefined) {
    const checked = auditHookSchema.safeParse(hook);
    if (!checked.success) {
      const problems = checked.error.issues.map((issue) => `${issue.path.join('.') || 'mcifyAudit'}: ${issue.message}`).join('; ');
      throw new ConfigLoadError(`${file}: the mcifyAudit export is not an audit hook (${problems}). See docs/audit-hook.md.`);
    }
  }
  return { file, config: module.default as LoadedServer, hook: hook as AuditHook | undefined };
}

/** Why a default export is not a server, naming what is wrong with it. */
function notAConfig(file: string, exported: unknown, error: z.ZodError): string {
  const fix = 'export default defineConfig({ name, version, auth, tools }).';
  if (exported === undefined) return `${file} has no default export: export the server as its default export, ${fix}`;
  const problems = error.issues
    .map((issue) => {
      const path = issue.path.join('.');
      if (issue.code === 'invalid_enum_value' && path === 'auth.type') return `auth.type is ${JSON.stringify(issue.received)}, not one of ${authTypes.join(', ')}`;
      return `${path === '' ? 'the default export' : path}: ${issue.message}`;
    })
    .join('; ');
  return `${file}: the default export is not a server defined with defineConfig (${problems}). Export the server as its default export: ${fix}`;
}

/**
 * What keeps a loaded server from running on this package's reference runtime, which implements the
 * mcify API the guide documents: `none`, `bearer`, `apiKey` and `oauth({ issuer, audience })`, with tools
 * from the reference `defineTool`. Undefined when nothing does.
 */
export function referenceRuntimeGap(config: LoadedServer): string | undefined {
  const auth = config.auth as (Record<string, unknown> & { readonly type: string }) | undefined;
  if (auth?.type === 'oauth_provider') return 'its auth is oauthProvider() (type oauth_provider: mcify as its own OAuth authorization server)';
  if (auth?.type === 'oauth' && typeof auth.issuer !== 'string') return "its auth is the published oauth({ provider, authorizationUrl, tokenUrl }), which names no token issuer to verify against";
  const published = (config.tools ?? []).find((tool) => typeof tool === 'object' && tool !== null && !Array.isArray((tool as { middlewares?: unknown }).middlewares));
  if (published !== undefined) return `its tools come from the published defineTool (${String((published as { name?: unknown }).name)} has no middlewares list)`;
  return undefined;
}

/**
 * The loaded server as the reference runtime takes it, or a `ConfigLoadError` saying why it cannot run
 * there and what to run instead.
 */
export function referenceConfigOf(loaded: LoadedConfig, command: string): McifyConfig {
  const gap = referenceRuntimeGap(loaded.config);
  // The reference defineConfig always sets auth; a server without one is served unauthenticated either way.
  if (gap === undefined) return { ...(loaded.config as McifyConfig), auth: (loaded.config.auth as McifyConfig['auth'] | undefined) ?? { type: 'none' } };
  throw new ConfigLoadError(
    `${loaded.file} cannot be started by "${command}": ${gap}, and mcify-audit's reference runtime implements the guide's API only (auth none, bearer, apiKey, oauth({ issuer, audience })). ` +
      'Start the server on its own runtime (e.g. serveNode from @mcify/runtime/node) on a loopback port, then run: mcify-audit fuzz --url http://127.0.0.1:PORT/mcp --token NAME=TOKEN ... ' +
      '(the static report, mcify-audit PATH, and its runtime schema check, --load CONFIG, work on this config as it is).',
  );
}
