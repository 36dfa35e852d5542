import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { McifyConfigError } from '@mcify-audit/reference-core';
import { BootError } from '@mcify-audit/harness';
import { parseServeArgs, serve, serveUsage } from './commands/serve.js';
import type { CommandIo } from './io.js';
import { ConfigLoadError } from './load-config.js';
import { analyzerEntry, assertCompilerApi, TypeScriptApiError } from './project/typescript-api.js';
import { UsageError } from './usage-error.js';

const auditSynopsis =
  'mcify-audit [PATH...] [--format text|json|sarif|markdown|html] [--output FILE] [--fail-on error|warning|never] [--tsconfig FILE] [--load CONFIG] [--baseline FILE]';

const usage = `usage:
  ${auditSynopsis}
      Static report of the mcify servers under PATH (a directory, a file or a tsconfig; default ".").
      -f, --format F     text (default), json, sarif, markdown or html
      -o, --output FILE  write the report to FILE instead of stdout
      --fail-on L        exit 1 on findings at level L or above: error (default), warning, never
      -p, --tsconfig F   analyse this tsconfig's program; PATHs then select the files to report
      --load CONFIG      also import CONFIG (runs its code) and check the input schemas it builds
      --baseline F       report only findings that are not in F (a saved --format json report)
  ${serveUsage}
      Start CONFIG on the reference runtime with a local test identity provider; print one JSON line
      {"url", "tokens", "principals"} on stdout; serve until SIGINT/SIGTERM.

exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage or internal error`;

/**
 * Runs the `mcify-audit` command line and returns its exit code: 0 success, 1 findings, 2 usage or
 * internal error (ESLint's convention).
 */
export async function runCli(args: readonly string[], io: CommandIo, cwd: string = process.cwd()): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'serve':
        return await serve(parseServeArgs(rest), io);
      case '--help':
      case '-h':
      case 'help':
        io.stdout(usage);
        return 0;
      case '--version':
        io.stdout((await import('./version.js')).cliVersion);
        return 0;
      case 'fuzz':
        throw new UsageError('"fuzz" is not part of this release yet; the static report and "serve" are.');
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
    if (error instanceof ConfigLoadError || error instanceof BootError || error instanceof McifyConfigError || error instanceof TypeScriptApiError) {
      io.stderr(`mcify-audit: ${error.message}`);
      return 2;
    }
    io.stderr(`mcify-audit: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 2;
  }
}
