/**
 * Booting a config written on the published mcify (`@mcify/core` 1.0.0-alpha) on that project's own
 * `@mcify/runtime`, resolved from the config's folder, behind a loopback server. The harness cannot
 * put its test identity provider behind such a server, so credentials come from the hook's
 * `issueToken`, and the token classes that need a key the server trusts are not tested.
 *
 * @module
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LoadedConfig } from './load-config.js';

/**
 * Why a published-dialect config cannot be booted in-process. The message names the reason and
 * prints the `mcify-audit fuzz --url ...` command to run against the server started by hand; the
 * CLI exits 2 with it.
 */
export class PublishedRuntimeError extends Error {
  override readonly name = 'PublishedRuntimeError';
  /** The black-box command to run instead. */
  readonly command: string;

  constructor(reason: string, file: string, principals: readonly string[], options?: ErrorOptions) {
    const names = principals.length >= 2 ? principals : ['alice', 'bob'];
    const tokens = names.map((name) => `--token ${name}=env:${envName(name)}`).join(' ');
    const command = `mcify-audit fuzz --url http://127.0.0.1:PORT/mcp ${tokens}`;
    super(
      `${file} is written on the published mcify, and ${reason}. Start the server on its own runtime (serveNode from @mcify/runtime/node) on a loopback port, then run: ${command}`,
      options,
    );
    this.command = command;
  }
}

/** `MCIFY_TOKEN_ALICE`: the variable the docs use for a principal's token. */
function envName(principal: string): string {
  return `MCIFY_TOKEN_${principal.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

/** A published-dialect server started on its own runtime. */
export interface PublishedServer {
  /** The MCP endpoint. */
  readonly url: string;
  /** A credential per principal (from the hook's `issueToken`); empty for servers without auth. */
  readonly tokens: Readonly<Record<string, string>>;
  /** The runtime's entry that was loaded (for notes). */
  readonly runtime: string;
  close(): Promise<void>;
}

/** Where `@mcify/runtime/node` is for a config, looked up from its folder upwards, or why not. */
export function resolvePublishedRuntime(configFile: string): { entry: string } | { problem: string } {
  for (let directory = dirname(configFile); ; directory = dirname(directory)) {
    const manifestFile = join(directory, 'node_modules', '@mcify', 'runtime', 'package.json');
    if (existsSync(manifestFile)) {
      let manifest: { exports?: Record<string, unknown> };
      try {
        manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as typeof manifest;
      } catch {
        return { problem: `its @mcify/runtime (${manifestFile}) has an unreadable package.json` };
      }
      const target = conditionalTarget(manifest.exports?.['./node']);
      if (target === undefined) return { problem: `its @mcify/runtime (${realpathSync(dirname(manifestFile))}) has no "./node" export with serveNode` };
      return { entry: join(realpathSync(dirname(manifestFile)), target) };
    }
    if (dirname(directory) === directory) break;
  }
  return { problem: "@mcify/runtime cannot be found from the config's folder (install the project's dependencies: npm install)" };
}

/** The file an `exports` entry points ES modules at (`import`, then `node`, then `default`). */
function conditionalTarget(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (typeof entry !== 'object' || entry === null) return undefined;
  for (const condition of ['import', 'node', 'default']) {
    const found = conditionalTarget((entry as Record<string, unknown>)[condition]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A logger in the published runtime's shape that writes nothing. */
function silentLogger(): Record<string, unknown> {
  const logger: Record<string, unknown> = {};
  for (const level of ['trace', 'debug', 'info', 'warn', 'error']) logger[level] = () => undefined;
  logger.child = () => logger;
  return logger;
}

/**
 * Starts a published-dialect config on its own `@mcify/runtime` on `127.0.0.1`, after the hook's
 * `setup`, with a token per principal from the hook's `issueToken`. Whatever was started is stopped
 * if a later step fails.
 *
 * @throws {PublishedRuntimeError} when the runtime cannot be loaded or started, or the hook cannot issue tokens.
 */
export async function bootPublished(loaded: LoadedConfig, reason: string): Promise<PublishedServer> {
  const hook = loaded.hook;
  const names = Object.keys(hook?.principals ?? {});
  const fail = (why: string, cause?: unknown): never => {
    throw new PublishedRuntimeError(`${reason}; it cannot be fuzzed in-process: ${why}`, loaded.file, names, cause === undefined ? undefined : { cause });
  };
  const found = resolvePublishedRuntime(loaded.file);
  if ('problem' in found) return fail(found.problem);
  let serveNode: unknown;
  try {
    serveNode = ((await import(pathToFileURL(found.entry).href)) as { serveNode?: unknown }).serveNode;
  } catch (error) {
    return fail(`its @mcify/runtime/node (${found.entry}) failed to load: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (typeof serveNode !== 'function') return fail(`its @mcify/runtime/node (${found.entry}) exports no serveNode`);
  const auth = (loaded.config.auth as { type?: string } | undefined)?.type ?? 'none';
  if (hook === undefined || names.length === 0) return fail('it exports no mcifyAudit hook with principals (see docs/audit-hook.md)');
  if (auth !== 'none' && hook.issueToken === undefined) {
    return fail(`its auth is ${auth}, and the harness has no identity provider the published runtime trusts: the mcifyAudit hook needs issueToken(principal) to obtain each principal's credential`);
  }
  const cleanups: (() => unknown)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  };
  try {
    if (hook.teardown !== undefined) cleanups.push(() => hook.teardown?.());
    await hook.setup?.();
    const tokens: Record<string, string> = {};
    if (auth !== 'none' && hook.issueToken !== undefined) {
      for (const [name, principal] of Object.entries(hook.principals)) tokens[name] = await hook.issueToken(name, principal);
    }
    let server: { url: string; close(): Promise<void> };
    try {
      server = (await (serveNode as (config: unknown, options: unknown) => Promise<{ url: string; close(): Promise<void> }>)(loaded.config, {
        port: 0,
        hostname: '127.0.0.1',
        path: '/mcp',
        logger: silentLogger(),
        health: false,
      }));
    } catch (error) {
      return fail(`its serveNode failed to start: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    cleanups.push(() => server.close());
    const base = new URL(server.url);
    return { url: new URL('/mcp', `http://127.0.0.1:${base.port}`).href, tokens, runtime: found.entry, close };
  } catch (error) {
    await close();
    throw error;
  }
}
