import { parseArgs } from 'node:util';
import { loadConfig, referenceConfigOf } from '../load-config.js';
import { UsageError } from '../usage-error.js';
import { serveUsage } from '../usage.js';
import type { CommandIo } from '../io.js';

/** Options of `mcify-audit serve`, parsed. */
export interface ServeOptions {
  readonly config: string;
  readonly port: number;
  readonly host: string;
}

export function parseServeArgs(args: readonly string[]): ServeOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { port: { type: 'string' }, host: { type: 'string' } },
    });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\nusage: ${serveUsage}`);
  }
  const [config, ...extra] = parsed.positionals;
  if (config === undefined || extra.length > 0) throw new UsageError(`serve takes one CONFIG.\nusage: ${serveUsage}`);
  const port = Number(parsed.values.port ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port must be an integer from 0 to 65535, got ${parsed.values.port ?? ''}.`);
  return { config, port, host: parsed.values.host ?? '127.0.0.1' };
}

/**
 * `mcify-audit serve`: boots the config with a local test identity provider in place of its issuer,
 * seeds it through its audit hook, prints one JSON line (`url`, `tokens`, `principals`) on stdout, and
 * serves until SIGINT or SIGTERM, then stops cleanly and resolves 0.
 */
export async function serve(options: ServeOptions, io: CommandIo): Promise<number> {
  // Loaded here, not at the top: parsing arguments, --help and the static report need no runtime.
  const [{ isLoopbackHostname }, { bootConfig }] = await Promise.all([import('@mcify-audit/reference-core'), import('@mcify-audit/harness')]);
  if (!isLoopbackHostname(options.host)) {
    io.stderr(`warning: serving on ${options.host}, reachable from other machines, with tokens anyone holding this output can use.`);
  }
  const loaded = await loadConfig(options.config);
  const config = referenceConfigOf(loaded, 'mcify-audit serve');
  if (loaded.hook === undefined) io.stderr(`note: ${loaded.file} exports no mcifyAudit hook, so no principals or tokens (see docs/audit-hook.md).`);
  const booted = await bootConfig(config, loaded.hook, { port: options.port, hostname: options.host });
  // Listen for the stop signal before announcing the server: a client may stop it as soon as it reads the line.
  const stopped = io.untilStopped();
  io.stdout(JSON.stringify({ url: booted.url, tokens: booted.tokens, principals: booted.principals }));
  await stopped;
  await booted.close();
  return 0;
}
