/**
 * The command line's usage text. A module of its own, importing nothing: `--help` and the commands'
 * error messages show it without loading what the commands need.
 */

/** The synopsis of the static report. */
export const auditSynopsis =
  'mcify-audit [PATH...] [--format text|json|sarif|markdown|html] [--output FILE] [--fail-on error|warning|never] [--tsconfig FILE] [--load CONFIG] [--baseline FILE] [--pass-with-no-tools]';

/** The synopsis of `serve`. */
export const serveUsage = 'mcify-audit serve CONFIG [--port N] [--host H]';

/** The synopsis of `fuzz`. */
export const fuzzSynopsis =
  'mcify-audit fuzz (--config CONFIG | --url URL --token NAME[@TENANT][scope,...]=TOKEN|env:VAR|@FILE ... [--source PATH]) [--seed N] [--path P] [--runs N] [--timeout SEC] [--exclude-tool NAME ...] [--allow-writes] [--dry-run] [--allow-remote HOST] [--format text|json|sarif|junit|markdown|html] [--output FILE] [--fail-on error|warning|never]';

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
  ${fuzzSynopsis}
      Property-based isolation fuzzing: can one tenant read or change another's data, do forged
      tokens and missing scopes get refused? Prints the plan first; every finding has a replay line.
      --config CONFIG       boot CONFIG in-process with its mcifyAudit hook's principals
      --url URL             fuzz a running MCP server (Streamable HTTP) black-box
      --token SPEC          a principal: NAME[@TENANT][scope,...]=TOKEN, TOKEN as env:VAR, @FILE or
                            the token itself; at least two tenants (a NAME without @TENANT is its own)
      --source PATH         with --url: the server's source, to point findings at each defineTool
      --seed N              the run's seed (default: random, printed in the plan and the report)
      --path P              with --seed: replay only the case P (<property>/<tool>:<path>)
      --runs N              cases per (tool, property) (default 100)
      --timeout SEC         wall-clock budget of the whole run (default 300)
      --exclude-tool NAME   leave a tool out (repeatable)
      --allow-writes        with --url: also call tools not marked readOnlyHint (changes data)
      --dry-run             print the plan (tools x properties, estimated requests) and exit 0
      --allow-remote HOST   with --url: accept a non-loopback HOST (the URL's host)
      -f, --format F        text (default), json, sarif, junit, markdown or html
      -o, --output FILE     write the report to FILE instead of stdout
      --fail-on L           exit 1 on findings at level L or above: error (default), warning, never
      --id P.FIELD=VALUE    an id of principal P no list returns (repeatable)
      --public-value V      a value every tenant may see, never a cross-tenant finding (repeatable)
      --revoked-token N=T   a revoked credential T of principal N, which must be refused (repeatable)
      --isolate I           tenant (default): isolation between tenants; user: also between users
      --harvest-pages N     pages followed per tool while collecting ids (default 5)
      --max-skew SEC        seconds past exp that count as expired, whatever the server allows (default 60)
  mcify-audit --help | --version
      -h, --help            print this help (also after a command or other arguments)
      -v, --version         print the version

exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage or internal error, including no file
to analyse and no mcify tool found (unless --pass-with-no-tools), and a fuzz target that cannot be
booted or reached`;
