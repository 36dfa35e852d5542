import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandIo } from './io.js';
import { analyzerEntry, assertCompilerApi, TypeScriptApiError } from './project/typescript-api.js';
import { UsageError } from './usage-error.js';
import { usage } from './usage.js';

/*
 * This module imports only what every command needs. Each command imports its own modules when it runs:
 * `--help`, `--version` and the static report load neither the reference framework, the harness nor
 * the MCP SDK (a test records every module they load).
 */

/**
 * `--help` or `--version` anywhere before a `--` (after which everything is a PATH): they win over
 * the command and the other arguments, whatever those are. `help` as the first word is `--help`.
 */
function informational(args: readonly string[]): 'help' | 'version' | undefined {
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  if (args[0] === 'help' || options.some((arg) => arg === '--help' || arg === '-h')) return 'help';
  if (options.some((arg) => arg === '--version' || arg === '-v')) return 'version';
  return undefined;
}

/**
 * `mcify-audit serve`. Its modules load here, and with them the errors it reports as a plain message
 * (a config that does not load, a server that does not boot): other commands never load them.
 */
async function serveCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const [{ parseServeArgs, serve }, { ConfigLoadError }, { BootError }, { McifyConfigError }] = await Promise.all([
    import('./commands/serve.js'),
    import('./load-config.js'),
    import('@mcify-audit/harness'),
    import('@mcify-audit/reference-core'),
  ]);
  try {
    return await serve(parseServeArgs(args), io);
  } catch (error) {
    if (error instanceof ConfigLoadError || error instanceof BootError || error instanceof McifyConfigError) {
      io.stderr(`mcify-audit: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

/**
 * `mcify-audit fuzz`. A target that cannot be booted or reached (a config that does not load, a
 * published config without its runtime, whose message prints the `fuzz --url` command to run, a URL
 * outside loopback, tools that cannot be listed) is a plain message and exit 2.
 */
async function fuzzCommand(args: readonly string[], io: CommandIo, cwd: string): Promise<number> {
  const [{ fuzz, parseFuzzArgs }, { ConfigLoadError }, harness, { McifyConfigError }] = await Promise.all([
    import('./commands/fuzz.js'),
    import('./load-config.js'),
    import('@mcify-audit/harness'),
    import('@mcify-audit/reference-core'),
  ]);
  const targetErrors = [ConfigLoadError, McifyConfigError, harness.BootError, harness.PublishedRuntimeError, harness.TargetError, harness.TokenSpecError, harness.FuzzRunError, harness.FuzzOptionsError, harness.ReplayPathError];
  try {
    return await fuzz(parseFuzzArgs(args, { cwd }), io, cwd);
  } catch (error) {
    if (targetErrors.some((kind) => error instanceof kind)) {
      io.stderr(`mcify-audit: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}

/**
 * Runs the `mcify-audit` command line and returns its exit code: 0 success, 1 findings, 2 usage or
 * internal error (ESLint's convention).
 */
export async function runCli(args: readonly string[], io: CommandIo, cwd: string = process.cwd()): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (informational(args)) {
      case 'help':
        io.stdout(usage);
        return 0;
      case 'version':
        io.stdout((await import('./version.js')).cliVersion);
        return 0;
      case undefined:
        break;
    }
    switch (command) {
      case 'serve':
        return await serveCommand(rest, io);
      case 'fuzz':
        return await fuzzCommand(rest, io, cwd);
      default: {
        if (command !== undefined && /^[a-z][a-z-]*$/.test(command) && !existsSync(resolve(cwd, command))) {
          throw new UsageError(`unknown command "${command}": the commands are serve and fuzz; any other argument is a PATH to audit, and there is no ${command} here.`);
        }
        // The analysis needs TypeScript's compiler API: check it before anything imports the analyzer.
        await assertCompilerApi(analyzerEntry());
        const { audit, parseAuditArgs } = await import('./commands/audit.js');
        return await audit(parseAuditArgs(args), io, cwd);
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`mcify-audit: ${error.message}`);
      if (!error.message.includes('usage:')) io.stderr(`run "mcify-audit --help" for usage.`);
      return 2;
    }
    if (error instanceof TypeScriptApiError) {
      io.stderr(`mcify-audit: ${error.message}`);
      return 2;
    }
    io.stderr(`mcify-audit: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 2;
  }
}
