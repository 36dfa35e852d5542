import { McifyConfigError } from '@mcify/core';
import { BootError } from '@mcify-audit/harness';
import { parseServeArgs, serve, serveUsage } from './commands/serve.js';
import type { CommandIo } from './io.js';
import { ConfigLoadError } from './load-config.js';
import { UsageError } from './usage-error.js';

const usage = `usage:
  ${serveUsage}
      Start CONFIG on the reference runtime with a local test identity provider; print one JSON line
      {"url", "tokens", "principals"} on stdout; serve until SIGINT/SIGTERM.

exit codes: 0 success, 1 findings, 2 usage or internal error`;

/**
 * Runs the `mcify-audit` command line and returns its exit code: 0 success, 1 findings, 2 usage or
 * internal error (ESLint's convention).
 */
export async function runCli(args: readonly string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'serve':
        return await serve(parseServeArgs(rest), io);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        (command === undefined ? io.stderr : io.stdout)(usage);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}".`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`mcify-audit: ${error.message}`);
      if (!error.message.includes('usage:')) io.stderr(usage);
      return 2;
    }
    if (error instanceof ConfigLoadError || error instanceof BootError || error instanceof McifyConfigError) {
      io.stderr(`mcify-audit: ${error.message}`);
      return 2;
    }
    io.stderr(`mcify-audit: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 2;
  }
}
