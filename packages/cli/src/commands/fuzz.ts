/**
 * `mcify-audit fuzz`: property-based isolation fuzzing of a config booted in-process (`--config`) or
 * of any MCP server reached black-box (`--url` and one `--token` per principal). Prints the plan and
 * its estimate first, shows live progress, writes the report in the chosen format, and exits as the
 * static report does (0 or 1 by `--fail-on`, 2 for usage errors and targets that cannot be run).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  blackBoxPrincipals,
  blackBoxTarget,
  formatPlan,
  inProcessTarget,
  parseReproducePath,
  parseTokenSpec,
  planFuzz,
  progressLine,
  ReplayPathError,
  runFuzz,
  Secret,
  TokenSpecError,
  type FuzzOptions,
  type FuzzProgress,
  type FuzzTarget,
  type TokenSpec,
} from '@mcify-audit/harness';
import type { CommandIo } from '../io.js';
import { createProgress } from '../progress.js';
import { formatJunit } from '../report/format-junit.js';
import { formatFuzzHtml } from '../report/fuzz-html.js';
import { formatFuzzMarkdown } from '../report/fuzz-markdown.js';
import { fuzzReport, shellQuote, tokenVariable, type FuzzFormatter, type FuzzReport } from '../report/fuzz-report.js';
import { formatFuzzSarif } from '../report/fuzz-sarif.js';
import { formatFuzzText } from '../report/fuzz-text.js';
import { sourceReader } from './audit.js';
import { UsageError } from '../usage-error.js';
import { fuzzSynopsis } from '../usage.js';
import { cliVersion } from '../version.js';

/** The fuzz report's formats. */
export const fuzzFormats = {
  text: formatFuzzText,
  json: (report) => JSON.stringify(report, null, 2),
  sarif: formatFuzzSarif,
  junit: formatJunit,
  markdown: formatFuzzMarkdown,
  html: formatFuzzHtml,
} satisfies Record<string, FuzzFormatter>;
export type FuzzFormatName = keyof typeof fuzzFormats;

const failOnLevels = ['error', 'warning', 'never'] as const;
type FailOn = (typeof failOnLevels)[number];

/** What the run is pointed at. */
export type FuzzTargetSpec =
  | { readonly kind: 'config'; readonly config: string }
  | { readonly kind: 'url'; readonly url: string; readonly tokens: readonly TokenSpec[]; readonly source: string | undefined; readonly allowRemote: readonly string[] };

/** Options of `mcify-audit fuzz`, parsed and checked. Tokens are `Secret`s. */
export interface FuzzCommandOptions {
  readonly target: FuzzTargetSpec;
  /** What the engine takes (`seed`, `replay`, `runs`, `timeoutMs`, ...). */
  readonly fuzz: FuzzOptions;
  readonly dryRun: boolean;
  readonly format: FuzzFormatName;
  readonly output: string | undefined;
  readonly failOn: FailOn;
  /** `--id PRINCIPAL.FIELD=VALUE`: principal → field → values. */
  readonly ids: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  readonly publicValues: readonly string[];
  /** `--revoked-token NAME=TOKEN`, by principal. */
  readonly revoked: Readonly<Record<string, Secret>>;
  readonly isolate: 'tenant' | 'user' | undefined;
  /**
   * The run's command without its `--seed` and `--path`, for replay lines: the same target and the
   * options that change what a case does, every token as `env:MCIFY_TOKEN_<NAME>`.
   */
  readonly command: string;
}

/** Where `env:` and `@FILE` token forms are read from. */
export interface FuzzArgsContext {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

const usageLine = `usage: ${fuzzSynopsis}`;

function isFormat(value: string): value is FuzzFormatName {
  return Object.hasOwn(fuzzFormats, value);
}

function integer(flag: string, text: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${String(min)} to ${String(max)}, e.g. ${flag} ${String(Math.max(min, Math.min(max, 25)))}; got ${JSON.stringify(text)}.`);
  }
  return value;
}

function seconds(flag: string, text: string | undefined, { positive }: { positive: boolean }): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new UsageError(`${flag} is a number of seconds${positive ? ' above 0' : ''}, e.g. ${flag} 60; got ${JSON.stringify(text)}.`);
  }
  return value;
}

/** `--token`, `--revoked-token`: a TokenSpecError's message is safe (it never repeats a token). */
function tokenSpec(text: string, context: FuzzArgsContext): TokenSpec {
  try {
    return parseTokenSpec(text, context);
  } catch (error) {
    if (error instanceof TokenSpecError) throw new UsageError(error.message);
    throw error;
  }
}

const principalName = /^[A-Za-z0-9_.-]{1,64}$/;

function parseIds(values: readonly string[]): Record<string, Record<string, string[]>> {
  const ids: Record<string, Record<string, string[]>> = {};
  for (const text of values) {
    const match = /^([^.=]+)\.([^=]+)=(.+)$/.exec(text);
    if (match === null || !principalName.test(match[1] ?? '')) {
      throw new UsageError(`--id is PRINCIPAL.FIELD=VALUE, an id no list of the server returns, e.g. --id bob.orderId=ord_globex_2001; got ${JSON.stringify(text)}.`);
    }
    const [, principal = '', field = '', value = ''] = match;
    const fields = (ids[principal] ??= {});
    (fields[field] ??= []).push(value);
  }
  return ids;
}

/** A `--token` spec as the replay line repeats it: the token read from `MCIFY_TOKEN_<NAME>`. */
function replayToken(spec: TokenSpec): string {
  const tenant = spec.tenant === undefined ? '' : `@${spec.tenant}`;
  const scopes = spec.scopes === undefined ? '' : `[${spec.scopes.join(',')}]`;
  return `--token ${shellQuote(`${spec.name}${tenant}${scopes}=env:${tokenVariable(spec.name)}`)}`;
}

/**
 * Parses `mcify-audit fuzz`'s arguments. `--token` values are read (`env:VAR`, `@FILE`) and checked
 * here: at least two tenants, distinct names and tokens.
 *
 * @throws {UsageError} saying what to type instead; never repeating a token.
 * @example
 * ```ts
 * parseFuzzArgs(['--url', 'http://127.0.0.1:8080/mcp', '--token', 'alice@acme=env:ALICE_TOKEN', '--token', 'bob@globex=env:BOB_TOKEN']);
 * ```
 */
export function parseFuzzArgs(args: readonly string[], context: FuzzArgsContext = {}): FuzzCommandOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        url: { type: 'string' },
        token: { type: 'string', multiple: true },
        source: { type: 'string' },
        seed: { type: 'string' },
        path: { type: 'string' },
        runs: { type: 'string' },
        timeout: { type: 'string' },
        'exclude-tool': { type: 'string', multiple: true },
        'allow-writes': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        'allow-remote': { type: 'string', multiple: true },
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        'fail-on': { type: 'string' },
        id: { type: 'string', multiple: true },
        'public-value': { type: 'string', multiple: true },
        'revoked-token': { type: 'string', multiple: true },
        isolate: { type: 'string' },
        'harvest-pages': { type: 'string' },
        'max-skew': { type: 'string' },
      },
    });
  } catch (error) {
    // node's messages name the option, and a value only when it is an option's name itself.
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${usageLine}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 0) {
    throw new UsageError(`fuzz takes no PATH (got ${JSON.stringify(positionals[0])}): give the server with --config CONFIG, or --url URL and a --token per principal.\n${usageLine}`);
  }
  if (values.config !== undefined && values.url !== undefined) throw new UsageError(`give --config CONFIG (in-process) or --url URL (black-box), not both.\n${usageLine}`);
  if (values.config === undefined && values.url === undefined) {
    throw new UsageError(`fuzz needs a target: --config mcify.config.ts to boot the config in-process, or --url http://127.0.0.1:8080/mcp --token alice@acme=env:ALICE_TOKEN --token bob@globex=env:BOB_TOKEN for a running server.\n${usageLine}`);
  }
  const tokenArgs = values.token ?? [];
  const format = values.format ?? 'text';
  if (!isFormat(format)) throw new UsageError(`--format must be one of ${Object.keys(fuzzFormats).join(', ')}; got "${format}".`);
  const failOn = values['fail-on'] ?? 'error';
  if (!(failOnLevels as readonly string[]).includes(failOn)) throw new UsageError(`--fail-on must be one of ${failOnLevels.join(', ')}; got "${failOn}".`);
  const isolate = values.isolate;
  if (isolate !== undefined && isolate !== 'tenant' && isolate !== 'user') throw new UsageError(`--isolate must be tenant (isolation between tenants, the default) or user (also between users of one tenant); got "${isolate}".`);

  const seed = integer('--seed', values.seed, 0, 0x7fffffff);
  if (values.path !== undefined) {
    if (seed === undefined) throw new UsageError(`--path replays one case of a run: give the run's --seed too, as the finding's replay line does (--seed N --path ${values.path}).`);
    try {
      parseReproducePath(values.path);
    } catch (error) {
      if (error instanceof ReplayPathError) throw new UsageError(error.message);
      throw error;
    }
  }
  const runs = integer('--runs', values.runs, 1, 1_000_000);
  const timeout = seconds('--timeout', values.timeout, { positive: true });
  const harvestPages = integer('--harvest-pages', values['harvest-pages'], 0, 1000);
  const maxSkew = seconds('--max-skew', values['max-skew'], { positive: false });
  const publicValues = values['public-value'] ?? [];
  if (publicValues.some((value) => value === '')) throw new UsageError('--public-value needs a value every tenant may see, e.g. --public-value USD.');
  const ids = parseIds(values.id ?? []);

  const revoked: Record<string, Secret> = {};
  for (const text of values['revoked-token'] ?? []) {
    const spec = tokenSpec(text, context);
    if (spec.tenant !== undefined || spec.scopes !== undefined) throw new UsageError(`--revoked-token is NAME=TOKEN with NAME a principal's name (no @TENANT or [scopes]), e.g. --revoked-token alice=env:ALICE_REVOKED_TOKEN.`);
    if (revoked[spec.name] !== undefined) throw new UsageError(`--revoked-token: two revoked tokens for ${spec.name}; give one per principal.`);
    revoked[spec.name] = new Secret(`${spec.name}'s revoked token`, spec.token.reveal());
  }

  let target: FuzzTargetSpec;
  const replayFlags: string[] = [];
  if (values.url !== undefined) {
    if (tokenArgs.length === 0) {
      throw new UsageError(`--url needs a --token per principal, in at least two tenants: --token alice@acme=env:ALICE_TOKEN --token bob@globex=@tokens/bob.txt (NAME[@TENANT][scope,...]=TOKEN|env:VAR|@FILE).`);
    }
    const tokens = tokenArgs.map((text) => tokenSpec(text, context));
    try {
      blackBoxPrincipals(tokens);
    } catch (error) {
      if (error instanceof TokenSpecError) throw new UsageError(error.message);
      throw error;
    }
    const names = new Set(tokens.map((spec) => spec.name));
    for (const principal of [...Object.keys(ids), ...Object.keys(revoked)]) {
      if (!names.has(principal)) throw new UsageError(`${Object.hasOwn(ids, principal) ? '--id' : '--revoked-token'} names ${principal}, who has no --token; the principals are ${[...names].join(', ')}.`);
    }
    target = { kind: 'url', url: values.url, tokens, source: values.source, allowRemote: values['allow-remote'] ?? [] };
    replayFlags.push(`--url ${shellQuote(values.url)}`, ...tokens.map(replayToken));
    if (values.source !== undefined) replayFlags.push(`--source ${shellQuote(values.source)}`);
    for (const host of values['allow-remote'] ?? []) replayFlags.push(`--allow-remote ${shellQuote(host)}`);
    if (values['allow-writes'] === true) replayFlags.push('--allow-writes');
  } else {
    const config = values.config ?? '';
    if (tokenArgs.length > 0) throw new UsageError('--token is for --url targets: with --config, the principals and their tokens come from the config\'s mcifyAudit hook (docs/audit-hook.md).');
    if (values.source !== undefined) throw new UsageError("--source is for --url targets: with --config, the source is the config's own folder.");
    if (values['allow-remote'] !== undefined) throw new UsageError('--allow-remote is for --url targets: a --config server always listens on loopback.');
    target = { kind: 'config', config };
    replayFlags.push(`--config ${shellQuote(config)}`);
  }
  if (isolate !== undefined) replayFlags.push(`--isolate ${isolate}`);
  for (const [principal, fields] of Object.entries(ids)) for (const [field, list] of Object.entries(fields)) for (const value of list) replayFlags.push(`--id ${shellQuote(`${principal}.${field}=${value}`)}`);
  for (const value of publicValues) replayFlags.push(`--public-value ${shellQuote(value)}`);
  for (const name of Object.keys(revoked)) replayFlags.push(`--revoked-token ${shellQuote(`${name}=env:MCIFY_REVOKED_TOKEN_${tokenVariable(name).slice('MCIFY_TOKEN_'.length)}`)}`);
  if (harvestPages !== undefined) replayFlags.push(`--harvest-pages ${String(harvestPages)}`);
  if (maxSkew !== undefined) replayFlags.push(`--max-skew ${String(maxSkew)}`);

  const fuzz: FuzzOptions = {
    ...(seed === undefined ? {} : { seed }),
    ...(values.path === undefined ? {} : { replay: values.path }),
    ...(runs === undefined ? {} : { runs }),
    ...(timeout === undefined ? {} : { timeoutMs: Math.round(timeout * 1000) }),
    allowWrites: values['allow-writes'] === true,
    excludeTools: values['exclude-tool'] ?? [],
    ...(harvestPages === undefined ? {} : { harvestPages }),
    ...(maxSkew === undefined ? {} : { maxSkewSec: maxSkew }),
  };
  return {
    target,
    fuzz,
    dryRun: values['dry-run'] === true,
    format,
    output: values.output,
    failOn: failOn as FailOn,
    ids,
    publicValues,
    revoked,
    isolate,
    command: `mcify-audit fuzz ${replayFlags.join(' ')}`,
  };
}

/** Builds the target: boots the config, or resolves the URL. Errors are the engine's (exit 2). */
async function openTarget(options: FuzzCommandOptions, cwd: string): Promise<FuzzTarget> {
  const common = {
    ...(options.isolate === undefined ? {} : { isolate: options.isolate }),
    ids: options.ids,
    publicValues: options.publicValues,
    revoked: options.revoked,
  };
  if (options.target.kind === 'config') {
    const target = await inProcessTarget(resolve(cwd, options.target.config), common);
    const names = new Set(target.principals.map((principal) => principal.name));
    const unknown = [...Object.keys(options.ids), ...Object.keys(options.revoked)].find((name) => !names.has(name));
    if (unknown !== undefined) {
      await target.close();
      throw new UsageError(`${Object.hasOwn(options.ids, unknown) ? '--id' : '--revoked-token'} names ${unknown}, who is not a principal of the config's mcifyAudit hook; the principals are ${[...names].join(', ') || 'none'}.`);
    }
    return target;
  }
  return blackBoxTarget({
    url: options.target.url,
    tokens: options.target.tokens,
    allowRemote: options.target.allowRemote,
    ...(options.target.source === undefined ? {} : { source: resolve(cwd, options.target.source) }),
    ...common,
  });
}

/** Every credential and declared secret of the target, and the test IdP's private key: none of them may reach a report. */
function secretsOf(target: FuzzTarget): Secret[] {
  return [
    ...target.principals.flatMap((principal) => (principal.token === undefined ? [] : [principal.token])),
    ...Object.values(target.revoked),
    ...target.secrets,
    ...(target.issuer?.privateMaterial ?? []).map((material) => new Secret("the test identity provider's private key", material)),
  ];
}

/** The exit code of a fuzz report: 1 when a finding is at or above `--fail-on`, else 0. */
export function fuzzExitCode(report: Pick<FuzzReport, 'summary'>, failOn: FailOn): 0 | 1 {
  if (failOn === 'never') return 0;
  if (report.summary.errors > 0) return 1;
  return failOn === 'warning' && report.summary.warnings > 0 ? 1 : 0;
}

/** Live progress: a transient line on a terminal; plain lines (one per finished cell) otherwise. */
function progressDisplay(io: CommandIo) {
  // The engine already throttles its per-request events (one per cell every 200 ms).
  const live = createProgress(io.status, { delayMs: 0, intervalMs: 0 });
  let cells = 0;
  let done = 0;
  return {
    onProgress(event: FuzzProgress) {
      if (event.kind === 'plan') cells = event.plan.cells.filter((cell) => cell.applicable).length;
      if (event.kind === 'cell-end' && event.cell.status !== 'not-applicable') done += 1;
      const line = progressLine(event);
      if (line === undefined) return;
      if (io.status !== undefined) {
        live.update(`fuzz ${String(done)}/${String(cells)} cells · ${line}`);
      } else if (event.kind === 'cell-end' || event.kind === 'phase') {
        io.stderr(`mcify-audit: ${line}`);
      }
    },
    done: () => {
      live.done();
    },
  };
}

/**
 * Runs the fuzz and returns its report without writing it: opens the target, prints the plan
 * (through `planTo`), shows progress, closes the target. SIGINT (the io's stop signal) stops the run:
 * the report of what ran comes back, the cells left not exercised. What `fuzz` and the demo share.
 *
 * @example
 * ```ts
 * const report = await buildFuzzReport(parseFuzzArgs(['--config', 'fixtures/servers/orders-vulnerable', '--runs', '25']), io, repoRoot);
 * ```
 */
export async function buildFuzzReport(options: FuzzCommandOptions, io: CommandIo, cwd: string = process.cwd(), planTo: (line: string) => void = io.stderr): Promise<FuzzReport> {
  const target = await openTarget(options, cwd);
  try {
    const interrupt = new AbortController();
    let finished = false;
    void io.untilStopped().then(() => {
      if (finished) return;
      io.stderr('mcify-audit: interrupted: stopping the run and writing the report of what ran (the cells left are not exercised).');
      interrupt.abort();
    });
    const display = progressDisplay(io);
    let result;
    try {
      result = await runFuzz(target, options.fuzz, {
        signal: interrupt.signal,
        onProgress: (event) => {
          if (event.kind === 'plan') {
            display.done();
            planTo(`${formatPlan(event.plan)}\n`);
          }
          display.onProgress(event);
        },
      });
    } finally {
      finished = true;
      display.done();
    }
    return fuzzReport(result, {
      cwd,
      version: cliVersion,
      command: options.command,
      configFile: target.source?.configFile ?? (options.target.kind === 'config' ? resolve(cwd, options.target.config) : undefined),
      secrets: secretsOf(target),
      interrupted: interrupt.signal.aborted,
      replay: typeof options.fuzz.replay === 'string' ? options.fuzz.replay : undefined,
    });
  } finally {
    await target.close();
  }
}

/**
 * `mcify-audit fuzz`: prints the plan (stdout before a text report, stderr for the other formats or
 * with `--output`), runs it (or stops there with `--dry-run`: the plan on stdout, as JSON with
 * `--format json`), writes the report, and returns 0 or 1 by `--fail-on`. SIGINT stops the run and
 * still writes the report of what ran.
 */
export async function fuzz(options: FuzzCommandOptions, io: CommandIo, cwd: string = process.cwd()): Promise<number> {
  if (options.dryRun) {
    const target = await openTarget(options, cwd);
    try {
      const plan = await planFuzz(target, options.fuzz);
      // The plan holds no credential: principals by name, tenant and scopes.
      io.stdout(options.format === 'json' ? JSON.stringify(plan, null, 2) : formatPlan(plan));
      return 0;
    } finally {
      await target.close();
    }
  }
  const planTo = options.format === 'text' && options.output === undefined ? io.stdout : io.stderr;
  const report = await buildFuzzReport(options, io, cwd, planTo);
  const text = fuzzFormats[options.format](report, { cwd, sourceOf: sourceReader(cwd), color: options.output === undefined && options.format === 'text' && io.color === true });
  if (options.output === undefined) {
    io.stdout(text.endsWith('\n') ? text.slice(0, -1) : text);
  } else {
    const file = resolve(cwd, options.output);
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
    } catch (error) {
      throw new UsageError(`--output ${options.output}: cannot write the report (${error instanceof Error ? error.message : String(error)}).`);
    }
    const { errors, warnings, held, failed, notExercised, notApplicable } = report.summary;
    io.stderr(
      `mcify-audit: wrote the ${options.format} fuzz report to ${options.output}: ${String(errors)} error(s), ${String(warnings)} warning(s); checks ${String(held)} held, ${String(failed)} failed, ${String(notExercised)} not exercised, ${String(notApplicable)} not applicable.`,
    );
  }
  return fuzzExitCode(report, options.failOn);
}
