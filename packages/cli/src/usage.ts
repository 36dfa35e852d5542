/**
 * The command line's usage text. A module of its own, importing nothing: `--help` and the commands'
 * error messages show it without loading what the commands need.
 */

/** The synopsis of the static report. */
export const auditSynopsis =
  'mcify-audit [PATH...] [--format text|json|sarif|markdown|html] [--output FILE] [--fail-on error|warning|never] [--tsconfig FILE] [--load CONFIG] [--baseline FILE] [--pass-with-no-tools]';

/** The synopsis of `serve`. */
export const serveUsage = 'mcify-audit serve CONFIG [--port N] [--host H]';

/** What `--help` prints: every command and option. */
export const usage = `usage:
  ${auditSynopsis}
      Static report of the mcify servers under PATH (a directory, a file or a tsconfig; default ".").
      -f, --format F        text (default), json, sarif, markdown or html
      -o, --output FILE     write the report to FILE instead of stdout
      --fail-on L           exit 1 on findings at level L or above: error (default), warning, never
      -p, --tsconfig F      analyse this tsconfig's program; PATHs then select the files to report
      --load CONFIG         also import CONFIG (runs its code) and check the input schemas it builds
      --baseline F          report only findings that are not in F (a saved --format json report)
      --pass-with-no-tools  accept files that define no mcify tool (exit 0 or 1 as findings say, not 2)
  ${serveUsage}
      Start CONFIG on the reference runtime with a local test identity provider; print one JSON line
      {"url", "tokens", "principals"} on stdout; serve until SIGINT/SIGTERM.
      --port N              port to listen on (default 0: any free port)
      --host H              interface to listen on (default 127.0.0.1)
  mcify-audit --help | --version
      -h, --help            print this help (also after a command or other arguments)
      -v, --version         print the version

exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage or internal error, including no file
to analyse and no mcify tool found (unless --pass-with-no-tools)`;
