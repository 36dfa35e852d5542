/**
 * The orchestrator: options resolved, tools listed, the plan made and reported, the hygiene monitor
 * attached before any request, the harvest, then every cell of the plan — read properties' cells
 * concurrently (bounded), write properties' cells one at a time, server hygiene last — within the
 * run's time budget. Whatever happens, a {@link FuzzResult} comes back: cells the budget did not reach
 * are *not exercised: time budget*.
 *
 * @module
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { ConnectError } from '../client/mcp-client.js';
import { createDeadline, formatMs, isBudgetAbort, type RunDeadline } from './budget.js';
import { buildPlan, endpointText, type FuzzPlan, type PlanCell, type SeedSource } from './plan.js';
import { cellCounter, safeListener, type ProgressListener } from './progress.js';
import { fuzzEngine, isFinishing, type FuzzEngine } from './properties.js';
import type { Harvest, Property, ResolvedFuzzOptions, RunContext } from './property.js';
import { createRunContext, createTraffic, isSensitiveTool, mayCallTool, type EngineContext, type TargetTraffic } from './run-context.js';
import { parseReproducePath, ReplayPathError } from './seeds.js';
import { propertyIds, type Cell, type FuzzResult, type FuzzTarget, type HarnessNote, type ListedTool, type PrincipalClient, type PropertyId } from './types.js';

// ---------------------------------------------------------------------------------------------------
// Options

/** A run's options as given (CLI flags, `describeIsolation` options); every field optional. */
export interface FuzzOptions {
  /** The run's seed (`--seed`). Default: drawn at random for the run, and printed in the plan and the result. */
  readonly seed?: number;
  /** `--path P` (`<property>/<tool>:<fast-check path>`), or the parsed form: only that case runs. Needs `seed`. */
  readonly replay?: string | { readonly property: PropertyId; readonly tool: string | null; readonly path: string };
  /** fast-check runs per (tool, property) (`--runs`); default 100. */
  readonly runs?: number;
  /** The whole run's wall-clock budget, ms (`--timeout` × 1000); default 300 000. */
  readonly timeoutMs?: number;
  /** Per request, ms; default 10 000. */
  readonly requestTimeoutMs?: number;
  /** `--allow-writes`: black-box may call tools not annotated `readOnlyHint: true`. */
  readonly allowWrites?: boolean;
  /** `--exclude-tool NAME`, repeatable. */
  readonly excludeTools?: readonly string[];
  /** `--harvest-pages`; default 5. */
  readonly harvestPages?: number;
  /** `--max-skew` seconds; default 60. */
  readonly maxSkewSec?: number;
  /** Concurrent read cells; default 4. */
  readonly concurrency?: number;
  /**
   * The pool hashes of the run being replayed (the report's `pools`): a replay whose harvested pools
   * differ gets a `pools-differ` note, since the same path may then draw other values.
   */
  readonly expectedPools?: Readonly<Record<string, string>>;
}

/** The options of a run, resolved: the contract's {@link ResolvedFuzzOptions}, plus where the seed came from and the pools to compare. */
export interface FuzzRunOptions extends ResolvedFuzzOptions {
  readonly seedSource: SeedSource;
  readonly expectedPools: Readonly<Record<string, string>> | undefined;
}

/** Why options cannot be used; the message names each problem by its option. */
export class FuzzOptionsError extends Error {
  override readonly name = 'FuzzOptionsError';
}

export const fuzzDefaults = {
  runs: 100,
  timeoutMs: 300_000,
  requestTimeoutMs: 10_000,
  harvestPages: 5,
  maxSkewSec: 60,
  concurrency: 4,
} as const;

const replaySchema = z.object({ property: z.enum(propertyIds), tool: z.string().min(1).nullable(), path: z.string().regex(/^\d+(:\d+)*$/) });

const optionsSchema = z
  .object({
    seed: z.number().int().min(0).max(0x7fffffff).optional(),
    replay: z.union([z.string(), replaySchema]).optional(),
    runs: z.number().int().min(1).max(1_000_000).default(fuzzDefaults.runs),
    timeoutMs: z.number().int().min(1).default(fuzzDefaults.timeoutMs),
    requestTimeoutMs: z.number().int().min(1).default(fuzzDefaults.requestTimeoutMs),
    allowWrites: z.boolean().default(false),
    excludeTools: z.array(z.string().min(1)).default([]),
    harvestPages: z.number().int().min(0).max(1000).default(fuzzDefaults.harvestPages),
    maxSkewSec: z.number().min(0).default(fuzzDefaults.maxSkewSec),
    concurrency: z.number().int().min(1).max(64).default(fuzzDefaults.concurrency),
    expectedPools: z.record(z.string()).optional(),
  })
  .strict();

/**
 * Applies the defaults (runs 100, timeout 300 s, request 10 s, harvest pages 5, max skew 60 s,
 * concurrency 4) and checks the options. The default seed is random: each run draws one, and the plan
 * and the result print it, so `--seed N` replays the run; a fixed default would re-test the same
 * inputs on every run of a CI job and never find what those inputs miss.
 *
 * @throws {FuzzOptionsError} naming each option that is wrong; {@link ReplayPathError} for a bad `replay` path.
 * @example
 * ```ts
 * resolveFuzzOptions({ runs: 25, seed: 7 }); // { seed: 7, seedSource: 'given', runs: 25, timeoutMs: 300000, ... }
 * ```
 */
export function resolveFuzzOptions(options: FuzzOptions | FuzzRunOptions = {}): FuzzRunOptions {
  if ('seedSource' in options) return options;
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new FuzzOptionsError(`Fuzz options: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`).join('; ')}.`);
  }
  const value = parsed.data;
  const replay = typeof value.replay === 'string' ? replayOf(value.replay) : value.replay;
  if (replay !== undefined && value.seed === undefined) {
    throw new FuzzOptionsError('Fuzz options: a replay (--path) needs the seed it was found with (--seed N, as printed in the finding\'s "reproduce").');
  }
  return {
    seed: value.seed ?? randomInt(0, 0x7fffffff),
    seedSource: value.seed === undefined ? 'random' : 'given',
    replay,
    runs: value.runs,
    timeoutMs: value.timeoutMs,
    requestTimeoutMs: value.requestTimeoutMs,
    allowWrites: value.allowWrites,
    excludeTools: [...new Set(value.excludeTools)],
    harvestPages: value.harvestPages,
    maxSkewSec: value.maxSkewSec,
    concurrency: value.concurrency,
    expectedPools: value.expectedPools,
  };
}

/**
 * A `--path` value read back. A fast-check path has `:` between its steps (`4:2` after shrinking), so
 * the tool ends at the first `:` after the property whose remainder is such a path.
 */
function replayOf(text: string): { property: PropertyId; tool: string | null; path: string } {
  const parsed = parseReproducePath(text);
  const tool = parsed.tool ?? '*';
  const split = /^(.*?):(\d+(?::\d+)*)$/.exec(`${tool}:${parsed.path}`);
  if (split?.[1] === undefined || split[2] === undefined) return parsed;
  return { property: parsed.property, tool: split[1] === '*' ? null : split[1], path: split[2] };
}

// ---------------------------------------------------------------------------------------------------
// Running

/** What the caller controls while a run goes. */
export interface FuzzControl {
  /** Told of the plan, each phase and each cell (the CLI's live line, vitest). */
  readonly onProgress?: ProgressListener;
  /** Aborting it ends the run as a spent budget would (Ctrl-C): the result still comes back. */
  readonly signal?: AbortSignal;
  /** The properties and harvest to run with (default: every property this build has, {@link fuzzEngine}). */
  readonly engine?: FuzzEngine;
}

/** Why a run could not go on: the tools could not be listed, or the harvest failed. Never carries a token. */
export class FuzzRunError extends Error {
  override readonly name = 'FuzzRunError';
}

/** How long a cell may run past the budget before the run stops waiting for it. */
const OVERRUN_GRACE_MS = 2_000;

/** The reason of cells the budget did not reach. */
export const TIME_BUDGET = 'time budget';
/** The reason of cells left when the caller's signal stopped the run (Ctrl-C). */
export const INTERRUPTED = 'interrupted';

/**
 * Lists the target's tools (as its first principal) and plans the run without running it: what
 * `--dry-run` prints. Sends `initialize` and `tools/list` only.
 *
 * @throws {FuzzRunError} when the tools cannot be listed.
 */
export async function planFuzz(target: FuzzTarget, options: FuzzOptions | FuzzRunOptions = {}, control: Pick<FuzzControl, 'engine' | 'signal'> = {}): Promise<FuzzPlan> {
  const resolved = resolveFuzzOptions(options);
  const deadline = createDeadline(resolved.timeoutMs, control.signal);
  const traffic = createTraffic(target, resolved, deadline);
  const engine = control.engine ?? fuzzEngine();
  const monitor = engine.monitor?.(target, traffic.log);
  try {
    const listing = await listTools(traffic, target);
    return makePlan(target, resolved, listing, [...engine.properties, ...(monitor === undefined ? [] : [monitor.property])]);
  } finally {
    deadline.dispose();
    monitor?.detach?.();
    await traffic.close?.();
  }
}

/**
 * Runs the harness against a target and returns its result. The target is not closed.
 *
 * @throws {FuzzRunError} when the tools cannot be listed; {@link FuzzOptionsError} for bad options;
 *   {@link ReplayPathError} when the replayed cell is not in this run.
 * @example
 * ```ts
 * const target = await inProcessTarget('fixtures/servers/orders-vulnerable/mcify.config.ts');
 * try {
 *   const result = await runFuzz(target, { runs: 25, seed: 1 }, { onProgress: (event) => console.error(progressLine(event)) });
 *   console.log(result.findings.map((finding) => `${finding.ruleId} ${finding.tool ?? '*'}`));
 * } finally {
 *   await target.close();
 * }
 * ```
 */
export async function runFuzz(target: FuzzTarget, options: FuzzOptions | FuzzRunOptions = {}, control: FuzzControl = {}): Promise<FuzzResult> {
  const started = performance.now();
  const resolved = resolveFuzzOptions(options);
  const emit = safeListener(control.onProgress);
  const engine = control.engine ?? fuzzEngine();
  const deadline = createDeadline(resolved.timeoutMs, control.signal);
  const traffic = createTraffic(target, resolved, deadline);
  const context = createRunContext({ target, options: resolved, tools: [], deadline, traffic });
  // Before any request: the monitor sees every exchange of the run, the listing included.
  const monitor = engine.monitor?.(target, traffic.log);
  try {
    emit({ kind: 'phase', phase: 'listing' });
    const listing = await listTools(traffic, target);
    const listed = listing.tools;
    const excluded = new Set(resolved.excludeTools);
    const tools = listed.filter((tool) => !excluded.has(tool.name));
    context.setTools(tools);
    const properties = [...engine.properties, ...(monitor === undefined ? [] : [monitor.property])];
    const plan = makePlan(target, resolved, listing, properties);
    if (resolved.replay !== undefined && plan.cells.length === 0) {
      const { property, tool } = resolved.replay;
      throw new ReplayPathError(`--path names the cell ${property}/${tool ?? '*'}, which this run does not have: ${tool !== null && !tools.some((listedTool) => listedTool.name === tool) ? `the server lists no tool ${tool}` : `${property} has no such cell`}.`);
    }
    emit({ kind: 'plan', plan });
    for (const name of plan.unknownExcludedTools) context.note({ code: 'target', message: `--exclude-tool ${name}: the server lists no such tool.` });

    let harvested = false;
    if (!deadline.expired()) {
      emit({ kind: 'phase', phase: 'harvest' });
      try {
        context.setHarvest(await engine.harvest(context));
        harvested = true;
      } catch (error) {
        if (!isBudgetAbort(error, deadline)) {
          throw new FuzzRunError(`The harvest of ${endpointText(target.url)} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
      }
    }
    if (harvested) comparePools(context, resolved);

    emit({ kind: 'phase', phase: 'properties' });
    const byId = new Map(properties.map((property) => [property.id, property]));
    const cells = new Map<PlanCell, Cell>();
    const run = (cell: PlanCell) => runCell(cell, byId.get(cell.property), context, deadline, emit, harvested);
    const applicable = plan.cells.filter((cell) => cell.applicable);
    const last = (cell: PlanCell) => cell.property === 'server-hygiene';
    const writes = (cell: PlanCell) => byId.get(cell.property)?.writes === true;
    await pool(
      applicable.filter((cell) => !writes(cell) && !last(cell)),
      resolved.concurrency,
      async (cell) => {
        cells.set(cell, await run(cell));
      },
    );
    for (const cell of applicable.filter((candidate) => writes(candidate) && !last(candidate))) cells.set(cell, await run(cell));
    // Properties that report after their cells (authentication, over every tool) do so even when the budget cut some cells.
    if (harvested) {
      for (const property of properties.filter(isFinishing)) {
        await property.finish(context).catch((error: unknown) => {
          if (!isBudgetAbort(error, deadline)) context.note({ code: 'target', message: `${property.id} could not report: ${error instanceof Error ? error.message : String(error)}` });
        });
      }
    }
    for (const cell of applicable.filter(last)) cells.set(cell, await run(cell));
    for (const cell of plan.cells) if (!cell.applicable) cells.set(cell, { tool: cell.tool, property: cell.property, status: 'not-applicable', reason: cell.reason, cases: 0, requests: 0, seed: cell.seed });

    const ordered = plan.cells.map((cell) => cells.get(cell)).filter((cell): cell is Cell => cell !== undefined);
    const unreached = ordered.filter((cell) => cell.status === 'not-exercised' && (cell.reason?.startsWith(TIME_BUDGET) === true || cell.reason?.startsWith(INTERRUPTED) === true));
    const budgetExhausted = unreached.length > 0;
    if (budgetExhausted) {
      const why = deadline.endedBy === 'interrupted' ? 'the run was interrupted' : `the time budget of ${formatMs(resolved.timeoutMs)} ran out`;
      context.note({ code: 'time-budget', message: `${why}: ${String(unreached.length)} of ${String(applicable.length)} cells were not exercised (${deadline.endedBy === 'interrupted' ? INTERRUPTED : TIME_BUDGET}).` });
    }
    const { rateLimited, answers } = traffic.gate.counters;
    if (traffic.gate.rateLimitedShare() > 0.2) {
      context.note({ code: 'rate-limited', message: `${String(rateLimited)} of ${String(answers)} answers were 429 (rate limited): the cells had fewer requests than planned; raise the server's limit for the audit or lower --concurrency.` });
    }
    const collected = context.collected();
    emit({ kind: 'phase', phase: 'done' });
    return {
      seed: resolved.seed,
      mode: target.mode,
      url: endpointText(target.url),
      principals: target.principals.map((principal) => ({ name: principal.name, tenant: principal.tenant, scopes: principal.scopes })),
      tools: tools.map((tool) => ({ name: tool.name, readOnly: tool.annotations?.readOnlyHint === true, sensitive: context.isSensitive(tool), source: target.source?.tools.get(tool.name) })),
      cells: ordered,
      findings: collected.findings,
      notes: collected.notes,
      writes: collected.writes,
      pools: harvested ? { ...context.harvest.poolHashes } : {},
      requests: traffic.requestCount(),
      durationMs: Math.round(performance.now() - started),
      budgetExhausted,
    };
  } finally {
    deadline.dispose();
    monitor?.detach?.();
    await context.close();
  }
}

function makePlan(target: FuzzTarget, options: FuzzRunOptions, listing: Listing, properties: readonly Property[]): FuzzPlan {
  return buildPlan({
    target,
    options,
    sessionIssued: listing.sessionIssued,
    ...(listing.latencyMs === undefined ? {} : { measuredLatencyMs: listing.latencyMs }),
    seedSource: options.seedSource,
    listed: listing.tools,
    properties,
    mayCall: (tool) => mayCallTool(target, options, tool),
    isSensitive: (tool) => isSensitiveTool(target, tool),
  });
}

/**
 * The tools as the first principal sees them (anonymously for a server without principals), through a
 * connection of its own that the budget does not cut: the plan needs the tools whatever the budget.
 */
async function listTools(traffic: TargetTraffic, target: FuzzTarget): Promise<Listing> {
  const first = target.principals[0];
  let client: PrincipalClient | undefined;
  try {
    const open = () => traffic.openClient({ label: first?.name ?? 'anonymous', principal: first?.name ?? null, token: first?.token?.reveal(), unbounded: true });
    // Once more on a transport error: a kept-alive connection the server closed while idle resets on reuse.
    client = await open().catch((error: unknown) => {
      if (error instanceof ConnectError && error.kind === 'transport') return open();
      throw error;
    });
    const tools = await client.listTools();
    const timed = traffic.log.exchanges().filter((exchange) => !('error' in exchange.response));
    const latencyMs = timed.length === 0 ? undefined : timed.reduce((sum, exchange) => sum + exchange.durationMs, 0) / timed.length;
    return { tools, sessionIssued: client.sessionId !== undefined, latencyMs };
  } catch (error) {
    const who = first === undefined ? 'without credentials' : `as ${first.name}`;
    throw new FuzzRunError(`Could not list the tools of ${endpointText(target.url)} ${who}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    await client?.close().catch(() => undefined);
  }
}

/** What the listing found: the tools, whether a session was issued, the mean time per request. */
interface Listing {
  readonly tools: ListedTool[];
  readonly sessionIssued: boolean;
  readonly latencyMs: number | undefined;
}

/** A `pools-differ` note when a replay's harvest is not the one the path was found on. */
function comparePools(context: EngineContext, options: FuzzRunOptions): void {
  const expected = options.expectedPools;
  if (expected === undefined) return;
  const actual = context.harvest.poolHashes;
  const differ = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].filter((principal) => expected[principal] !== actual[principal]).sort();
  if (differ.length === 0) return;
  context.note({
    code: 'pools-differ',
    message: `The harvested pools of ${differ.join(', ')} differ from the run being replayed: the data changed, so the same seed and path may draw other values${options.replay === undefined ? '' : ' and the case may not reproduce'}.`,
  });
}

/** Runs `work` over `items`, at most `limit` at a time, in order of start. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** One cell, within the budget; never throws. */
async function runCell(cell: PlanCell, property: Property | undefined, context: EngineContext, deadline: RunDeadline, emit: ProgressListener, harvested: boolean): Promise<Cell> {
  const base = { tool: cell.tool, property: cell.property, seed: cell.seed };
  const stopped = () => (deadline.endedBy === 'interrupted' ? INTERRUPTED : TIME_BUDGET);
  const unreached: Cell = { ...base, status: 'not-exercised', reason: stopped(), cases: 0, requests: 0 };
  if (deadline.expired() || !harvested) {
    emit({ kind: 'cell-end', cell: unreached });
    return unreached;
  }
  emit({ kind: 'cell-start', property: cell.property, tool: cell.tool });
  const counter = cellCounter(emit, cell.property, cell.tool);
  let result: Cell;
  try {
    if (property === undefined) throw new Error(`no module for ${cell.property}`);
    const outcome = await withinBudget(property.run(cell.tool, cellContext(context, () => {
      counter.count();
    })), deadline);
    if (outcome === undefined) {
      result = { ...unreached, reason: stopped(), requests: counter.requests };
    } else {
      const cut = deadline.expired() && outcome.status === 'held' && outcome.cases < context.options.runs && context.options.replay === undefined;
      result = {
        ...base,
        status: cut ? 'not-exercised' : outcome.status,
        // A property that stopped on the deadline says "time budget"; an interrupt is said as such.
        reason: cut ? `${stopped()} (${String(outcome.cases)} of ${String(context.options.runs)} cases ran)` : stopped() === INTERRUPTED && outcome.reason?.startsWith(TIME_BUDGET) === true ? INTERRUPTED + outcome.reason.slice(TIME_BUDGET.length) : outcome.reason,
        cases: outcome.cases,
        requests: outcome.requests > 0 ? outcome.requests : counter.requests,
      };
    }
  } catch (error) {
    if (isBudgetAbort(error, deadline)) {
      result = { ...unreached, reason: stopped(), requests: counter.requests };
    } else {
      const message = error instanceof Error ? error.message : String(error);
      context.note({ code: 'target', message: `${cell.property} on ${cell.tool ?? 'the target'} stopped with an error: ${message}`, ...(cell.tool === null ? {} : { tool: cell.tool }) } satisfies HarnessNote);
      result = { ...base, status: 'not-exercised', reason: `the check stopped with an error: ${message}`, cases: 0, requests: counter.requests };
    }
  }
  emit({ kind: 'cell-end', cell: result });
  return result;
}

/** The cell's outcome, or undefined when the budget ran out and the cell did not stop within the grace period. */
async function withinBudget<T>(work: Promise<T>, deadline: RunDeadline): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const overrun = new Promise<undefined>((resolve) => {
    const start = () => {
      timer = setTimeout(() => {
        resolve(undefined);
      }, OVERRUN_GRACE_MS);
    };
    if (deadline.signal.aborted) start();
    else {
      onAbort = start;
      deadline.signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    return await Promise.race([work, overrun]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort !== undefined) deadline.signal.removeEventListener('abort', onAbort);
    work.catch(() => undefined);
  }
}

/** The cell's view of the context: the same clients and collectors, with the cell's requests counted for its progress. */
function cellContext(context: EngineContext, count: () => void): RunContext {
  const counted = (client: PrincipalClient, shared: boolean): PrincipalClient =>
    new Proxy(client, {
      get(target, key, receiver) {
        if (shared && key === 'close') return () => Promise.resolve();
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        if (key === 'callTool' || key === 'listTools' || key === 'rpc') {
          return (...args: unknown[]) => {
            count();
            return (value as (...parameters: unknown[]) => unknown).apply(target, args);
          };
        }
        return (value as (...parameters: unknown[]) => unknown).bind(target);
      },
    });
  return {
    get target() {
      return context.target;
    },
    get options() {
      return context.options;
    },
    get tools() {
      return context.tools;
    },
    get harvest(): Harvest {
      return context.harvest;
    },
    get deadline() {
      return context.deadline;
    },
    client: async (principal) => counted(await context.client(principal), true),
    clientWith: async (request) => counted(await context.clientWith(request), false),
    raw: (request) => {
      count();
      return context.raw(request);
    },
    seedFor: (property, tool) => context.seedFor(property, tool),
    mayCall: (tool) => context.mayCall(tool),
    isSensitive: (tool) => context.isSensitive(tool),
    curl: (exchange) => context.curl(exchange),
    finding: (finding) => {
      context.finding(finding);
    },
    note: (note) => {
      context.note(note);
    },
    write: (record) => {
      context.write(record);
    },
  };
}
