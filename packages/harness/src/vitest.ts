/**
 * `@mcify-audit/harness/vitest`: the isolation harness as a vitest suite.
 *
 * ```ts
 * // test/isolation.test.ts
 * import { describeIsolation } from '@mcify-audit/harness/vitest';
 *
 * describeIsolation('mcify.config.ts', { runs: 50, seed: 1 });
 * ```
 *
 * At collection time the target boots (in-process from a config path, or black-box from
 * `{ url, tokens }`) and lists its tools; each (property, tool) cell of the plan becomes one test.
 * The first test to run starts the whole fuzz run (the cells share one harvest and one budget);
 * every test then reads its cell from the result. The target stops in `afterAll`.
 *
 * @module
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import type { FuzzPlan, PlanCell } from './engine/plan.js';
import { planFuzz, resolveFuzzOptions, runFuzz, type FuzzOptions, type FuzzRunOptions } from './engine/run-fuzz.js';
import type { Cell, FuzzResult, FuzzTarget, HarnessFinding } from './engine/types.js';
import { blackBoxTarget } from './target/black-box.js';
import { inProcessTarget, type InProcessOptions } from './target/in-process.js';
import { parseTokenSpec } from './target/token-spec.js';

/** A black-box target: the endpoint and a token per principal, e.g. `mcify-audit serve`'s JSON line. */
export interface BlackBoxIsolationTarget {
  readonly url: string;
  /**
   * A token per principal (`{ alice: 'eyJ...' }`, as `serve` prints them), or `--token` values
   * (`['alice@acme[orders:read]=env:ALICE_TOKEN', ...]`).
   */
  readonly tokens: Readonly<Record<string, string>> | readonly string[];
  /** Each principal's tenant and scopes (`serve`'s `principals`). A principal without one is alone in its own tenant. */
  readonly principals?: Readonly<Record<string, { readonly tenant?: string; readonly scopes?: readonly string[] }>>;
}

/** The options of `mcify-audit fuzz`, as the run and the target take them. */
export interface IsolationOptions extends FuzzOptions {
  /** `--allow-remote HOST` (black-box only). */
  readonly allowRemote?: readonly string[];
  /** `--isolate user`: users of one tenant must not see each other's data either. */
  readonly isolate?: 'tenant' | 'user';
  /** `--id PRINCIPAL.FIELD=VALUE`: principal → field → ids no list reaches. */
  readonly ids?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** `--public-value`. */
  readonly publicValues?: readonly string[];
  /** `--source PATH` (black-box): the server's source, to point findings at each tool's `defineTool`. */
  readonly source?: string;
  /** The server's logs, in-process (default: none). */
  readonly logging?: InProcessOptions['logging'];
  /**
   * What a cell that ended *not exercised* (no generated input reached an object, so nothing was
   * proved) does to its test: `'fail'` (default) or `'pass'`. Prefer giving the harness ids (`ids`,
   * the hook's `objects`) or `excludeTools` over `'pass'`.
   */
  readonly notExercised?: 'fail' | 'pass';
}

const fuzzOptionKeys = ['seed', 'replay', 'runs', 'timeoutMs', 'requestTimeoutMs', 'allowWrites', 'excludeTools', 'harvestPages', 'maxSkewSec', 'concurrency', 'expectedPools'] as const satisfies readonly (keyof FuzzOptions)[];

/** The run's options among the suite's (the rest are the target's). */
function fuzzOptionsOf(options: IsolationOptions): FuzzOptions {
  return Object.fromEntries(fuzzOptionKeys.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]));
}

/** Time to boot, harvest and close, on top of the run's budget. */
const OVERHEAD_MS = 60_000;

function describeName(target: string | BlackBoxIsolationTarget): string {
  if (typeof target !== 'string') return `isolation of ${target.url}`;
  const path = relative(process.cwd(), resolve(target));
  return `isolation of ${path === '' ? target : path}`;
}

function tokenSpecsOf(target: BlackBoxIsolationTarget): string[] {
  if (Array.isArray(target.tokens)) return [...(target.tokens as readonly string[])];
  return Object.entries(target.tokens as Readonly<Record<string, string>>).map(([name, token]) => {
    const principal = target.principals?.[name];
    const tenant = principal?.tenant === undefined ? '' : `@${principal.tenant}`;
    const scopes = principal?.scopes === undefined ? '' : `[${principal.scopes.join(',')}]`;
    return `${name}${tenant}${scopes}=${token}`;
  });
}

async function bootTarget(target: string | BlackBoxIsolationTarget, options: IsolationOptions): Promise<FuzzTarget> {
  const shared = {
    ...(options.isolate === undefined ? {} : { isolate: options.isolate }),
    ...(options.ids === undefined ? {} : { ids: options.ids }),
    ...(options.publicValues === undefined ? {} : { publicValues: options.publicValues }),
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
  };
  if (typeof target === 'string') {
    return inProcessTarget(isAbsolute(target) ? target : resolve(target), { ...shared, ...(options.logging === undefined ? {} : { logging: options.logging }) });
  }
  return blackBoxTarget({
    url: target.url,
    tokens: tokenSpecsOf(target).map((spec) => parseTokenSpec(spec)),
    ...shared,
    ...(options.allowRemote === undefined ? {} : { allowRemote: options.allowRemote }),
    ...(options.source === undefined ? {} : { source: options.source }),
  });
}

/** The `mcify-audit fuzz` command that replays one finding. */
function replayCommand(target: string | BlackBoxIsolationTarget, finding: HarnessFinding): string {
  const where =
    typeof target === 'string'
      ? `--config ${relative(process.cwd(), resolve(target)) || target}`
      : `--url ${target.url} ${tokenSpecsOf(target)
          .map((spec) => `--token ${spec.slice(0, spec.indexOf('='))}=env:MCIFY_TOKEN_${spec.slice(0, spec.search(/[@[=]/)).toUpperCase().replace(/[^A-Z0-9]/g, '_')}`)
          .join(' ')}`;
  return `mcify-audit fuzz ${where} --seed ${String(finding.reproduce.seed)} --path ${finding.reproduce.path}`;
}

function cellName(cell: PlanCell): string {
  return `${cell.property} · ${cell.tool ?? 'all tools'}`;
}

function findingsOf(result: FuzzResult, cell: Pick<Cell, 'property' | 'tool'>): HarnessFinding[] {
  return result.findings.filter((finding) => finding.reproduce.path.startsWith(`${cell.property}/`) && (cell.tool === null || finding.tool === cell.tool || finding.tool === null));
}

function failureMessage(target: string | BlackBoxIsolationTarget, result: FuzzResult, cell: Cell): string {
  const findings = findingsOf(result, cell);
  const lines = [`${cell.property} failed on ${cell.tool ?? 'the server'} (seed ${String(result.seed)}):`];
  for (const finding of findings) {
    lines.push(`- ${finding.ruleId}: ${finding.message}`);
    lines.push(`  ${finding.evidence.summary}`);
    lines.push(`  replay: ${replayCommand(target, finding)}`);
  }
  if (findings.length === 0) lines.push(`- ${cell.reason ?? 'see the run report'}`);
  return lines.join('\n');
}

/**
 * Declares a vitest suite that fuzzes `target` for tenant isolation: one test per (property, tool)
 * cell. A failing test's message carries each finding and the `mcify-audit fuzz ... --seed N --path P`
 * line that replays it. `options` are the CLI's (`runs`, `seed`, `timeoutMs`, `excludeTools`,
 * `allowWrites`, ...). Each test's timeout is the run's budget plus boot time, since whichever test
 * runs first waits for the whole run.
 *
 * @example
 * ```ts
 * describeIsolation('fixtures/servers/orders/mcify.config.ts', { runs: 25, seed: 7 });
 * describeIsolation({ url: 'http://127.0.0.1:8080/mcp', tokens: { alice: process.env.ALICE!, bob: process.env.BOB! } }, { allowWrites: true });
 * ```
 */
export function describeIsolation(target: string | BlackBoxIsolationTarget, options: IsolationOptions = {}): void {
  describe(describeName(target), async () => {
    const notExercised = options.notExercised ?? 'fail';
    // One seed for the plan and the run, printed in every failure: drawn here when not given.
    const resolved: FuzzRunOptions = resolveFuzzOptions(fuzzOptionsOf(options));
    const booted = await bootTarget(target, options);
    afterAll(() => booted.close());
    let plan: FuzzPlan;
    try {
      plan = await planFuzz(booted, resolved);
    } catch (error) {
      await booted.close();
      throw error;
    }
    let running: Promise<FuzzResult> | undefined;
    const result = () => (running ??= runFuzz(booted, resolved));
    const timeout = resolved.timeoutMs + OVERHEAD_MS;
    for (const planned of plan.cells) {
      it(
        planned.applicable ? cellName(planned) : `${cellName(planned)} (not applicable: ${planned.reason})`,
        async () => {
          const outcome = await result();
          const cell = outcome.cells.find((candidate) => candidate.property === planned.property && candidate.tool === planned.tool);
          if (cell === undefined) throw new Error(`${cellName(planned)}: the run has no such cell (it was planned; this is a harness bug).`);
          switch (cell.status) {
            case 'held':
            case 'not-applicable':
              return;
            case 'failed':
              throw new Error(failureMessage(target, outcome, cell));
            case 'not-exercised':
              if (notExercised === 'pass') return;
              throw new Error(
                `${cellName(planned)} was not exercised (${cell.reason ?? 'no generated input reached an object'}): nothing was proved. ` +
                  'Give the harness ids to use (the hook\'s objects, or ids), raise runs or timeoutMs, exclude the tool, or pass notExercised: "pass".',
              );
          }
        },
        timeout,
      );
    }
  });
}
