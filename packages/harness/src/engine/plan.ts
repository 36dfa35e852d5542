/**
 * The run's plan: every (tool, property) cell, applicable with an estimate of its requests or not
 * applicable with the reason, and an estimate of the whole run's requests and time. Printed before a
 * run starts, and alone for `--dry-run`.
 *
 * @module
 */
import { formatMs } from './budget.js';
import type { PlanContext, Property, ResolvedFuzzOptions } from './property.js';
import { cellSeed } from './seeds.js';
import { propertyIds, type FuzzTarget, type ListedTool, type PropertyId } from './types.js';

/** One cell of the plan. */
export type PlanCell =
  | { readonly property: PropertyId; readonly tool: string | null; readonly seed: number; readonly applicable: true; readonly estimatedRequests: number }
  | { readonly property: PropertyId; readonly tool: string | null; readonly seed: number; readonly applicable: false; readonly reason: string };

/** Where the run's seed came from: `--seed N`, or drawn at random for this run (and printed, so it replays). */
export type SeedSource = 'given' | 'random';

export interface FuzzPlan {
  readonly seed: number;
  readonly seedSource: SeedSource;
  readonly mode: FuzzTarget['mode'];
  /** The endpoint, without credentials. */
  readonly url: string;
  readonly principals: readonly { readonly name: string; readonly tenant: string; readonly scopes: readonly string[] | undefined }[];
  readonly tools: readonly { readonly name: string; readonly readOnly: boolean; readonly sensitive: boolean; readonly callable: boolean }[];
  /** Tools `--exclude-tool` left out (those the server listed). */
  readonly excludedTools: readonly string[];
  /** `--exclude-tool` names the server does not list. */
  readonly unknownExcludedTools: readonly string[];
  readonly cells: readonly PlanCell[];
  /** Properties of {@link propertyIds} this build has no module for: they have no cells. */
  readonly missingProperties: readonly PropertyId[];
  readonly budget: { readonly runs: number; readonly timeoutMs: number; readonly requestTimeoutMs: number; readonly concurrency: number };
  readonly estimate: {
    /** Harvest plus every applicable cell's estimate. */
    readonly requests: number;
    /** At the assumed latency per request, read cells spread over `concurrency` connections; at most the budget. */
    readonly durationMs: number;
    /** The time per request the estimate assumes, ms: measured on the listing when known (with the harness's own work on top), else a guess by loopback or not. */
    readonly assumedLatencyMs: number;
    /** Whether the estimate exceeds the time budget (some cells will then end not exercised). */
    readonly exceedsBudget: boolean;
  };
  /** `--path` given: only that cell runs. */
  readonly replay: ResolvedFuzzOptions['replay'];
}

/** Time per request assumed when nothing was measured: loopback servers answer fast, remote ones do not. */
const LOOPBACK_LATENCY_MS = 12;
const REMOTE_LATENCY_MS = 60;
/** What a case costs beyond the server's answer (generation, oracles, records), as a factor on the measured latency. */
const HARNESS_OVERHEAD = 2;

/**
 * Plans a run: asks each property for its cells over the listed tools (less the excluded ones). When
 * the run replays one case, only that cell is planned.
 */
export function buildPlan(input: {
  readonly target: FuzzTarget;
  readonly options: ResolvedFuzzOptions;
  readonly seedSource: SeedSource;
  readonly listed: readonly ListedTool[];
  readonly properties: readonly Property[];
  readonly mayCall: (tool: ListedTool) => boolean;
  readonly isSensitive: (tool: ListedTool) => boolean;
  /** Whether the server issued an `Mcp-Session-Id` when the tools were listed (undefined: not known). */
  readonly sessionIssued?: boolean;
  /** The listing's mean time per request, ms, when measured. */
  readonly measuredLatencyMs?: number;
}): FuzzPlan {
  const { target, options, listed, properties } = input;
  const excluded = new Set(options.excludeTools);
  const tools = listed.filter((tool) => !excluded.has(tool.name));
  const context: PlanContext = { target, options, tools, mayCall: input.mayCall, isSensitive: input.isSensitive, ...(input.sessionIssued === undefined ? {} : { sessionIssued: input.sessionIssued }) };
  const cells: PlanCell[] = [];
  const writeProperties = new Set(properties.filter((property) => property.writes).map((property) => property.id));
  for (const property of properties) {
    for (const planned of property.plan(context)) {
      if (options.replay !== undefined && (options.replay.property !== property.id || options.replay.tool !== planned.tool)) continue;
      const seed = cellSeed(options.seed, property.id, planned.tool);
      cells.push(
        planned.applicable
          ? { property: property.id, tool: planned.tool, seed, applicable: true, estimatedRequests: Math.max(0, Math.round(planned.estimatedRequests)) }
          : { property: property.id, tool: planned.tool, seed, applicable: false, reason: planned.reason },
      );
    }
  }
  // The harvest: every principal lists the tools, then calls each callable tool about harvestPages times.
  const callable = tools.filter((tool) => input.mayCall(tool)).length;
  const harvestRequests = target.principals.length * (2 + callable * Math.max(1, Math.min(options.harvestPages, 3)));
  let readRequests = 0;
  let writeRequests = 0;
  for (const cell of cells) {
    if (!cell.applicable) continue;
    if (writeProperties.has(cell.property)) writeRequests += cell.estimatedRequests;
    else readRequests += cell.estimatedRequests;
  }
  const measured = input.measuredLatencyMs;
  const assumedLatencyMs = measured !== undefined && Number.isFinite(measured) && measured > 0 ? Math.max(2, Math.round(measured * HARNESS_OVERHEAD)) : target.loopback ? LOOPBACK_LATENCY_MS : REMOTE_LATENCY_MS;
  const unbounded = (harvestRequests + readRequests / Math.max(1, options.concurrency) + writeRequests) * assumedLatencyMs;
  return {
    seed: options.seed,
    seedSource: input.seedSource,
    mode: target.mode,
    url: endpointText(target.url),
    principals: target.principals.map((principal) => ({ name: principal.name, tenant: principal.tenant, scopes: principal.scopes })),
    tools: tools.map((tool) => ({ name: tool.name, readOnly: tool.annotations?.readOnlyHint === true, sensitive: input.isSensitive(tool), callable: input.mayCall(tool) })),
    excludedTools: listed.filter((tool) => excluded.has(tool.name)).map((tool) => tool.name),
    unknownExcludedTools: options.excludeTools.filter((name) => !listed.some((tool) => tool.name === name)),
    cells,
    missingProperties: propertyIds.filter((id) => !properties.some((property) => property.id === id)),
    budget: { runs: options.runs, timeoutMs: options.timeoutMs, requestTimeoutMs: options.requestTimeoutMs, concurrency: options.concurrency },
    estimate: {
      requests: harvestRequests + readRequests + writeRequests,
      durationMs: Math.round(Math.min(unbounded, options.timeoutMs)),
      assumedLatencyMs,
      exceedsBudget: unbounded > options.timeoutMs,
    },
    replay: options.replay,
  };
}

/** The endpoint as printed: no user, password or fragment. */
export function endpointText(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  copy.hash = '';
  return copy.href;
}

/**
 * The plan as text, for the CLI's first lines and `--dry-run`: the seed (and whether it was drawn),
 * the principals, one line per cell, and the estimate. Never a token.
 *
 * @example
 * ```text
 * fuzz plan: in-process http://127.0.0.1:41234/mcp, seed 1234567 (random; --seed 1234567 replays this run)
 * principals: alice (acme), bob (globex), carol (acme)
 * ...
 * ```
 */
export function formatPlan(plan: FuzzPlan): string {
  const lines: string[] = [];
  const seed = plan.seedSource === 'random' ? `seed ${String(plan.seed)} (random; --seed ${String(plan.seed)} replays this run)` : `seed ${String(plan.seed)}`;
  lines.push(`fuzz plan: ${plan.mode} ${plan.url}, ${seed}`);
  lines.push(`principals: ${plan.principals.map((principal) => `${principal.name} (${principal.tenant}${principal.scopes === undefined ? '' : `; ${principal.scopes.join(' ') || 'no scopes'}`})`).join(', ')}`);
  const flags = (tool: FuzzPlan['tools'][number]) => [tool.readOnly ? 'read-only' : undefined, tool.sensitive ? 'sensitive' : undefined, tool.callable ? undefined : 'not called'].filter((flag) => flag !== undefined);
  lines.push(`tools: ${plan.tools.map((tool) => (flags(tool).length === 0 ? tool.name : `${tool.name} (${flags(tool).join(', ')})`)).join(', ') || 'none'}`);
  if (plan.excludedTools.length > 0) lines.push(`excluded: ${plan.excludedTools.join(', ')}`);
  if (plan.unknownExcludedTools.length > 0) lines.push(`--exclude-tool names no listed tool: ${plan.unknownExcludedTools.join(', ')}`);
  if (plan.missingProperties.length > 0) lines.push(`not in this build: ${plan.missingProperties.join(', ')}`);
  if (plan.replay !== undefined) lines.push(`replaying ${plan.replay.property}/${plan.replay.tool ?? '*'}:${plan.replay.path} only`);
  const width = Math.max(0, ...plan.cells.map((cell) => cell.property.length));
  for (const cell of plan.cells) {
    const what = cell.applicable ? `~${String(cell.estimatedRequests)} requests` : `not applicable: ${cell.reason}`;
    lines.push(`  ${cell.property.padEnd(width)}  ${cell.tool ?? '(all tools)'}: ${what}`);
  }
  const applicable = plan.cells.filter((cell) => cell.applicable).length;
  lines.push(
    `estimate: ${String(applicable)} cells, ~${String(plan.estimate.requests)} requests, ~${formatMs(plan.estimate.durationMs)} ` +
      `(budget ${formatMs(plan.budget.timeoutMs)}, ${String(plan.budget.runs)} runs per cell, ${String(plan.budget.concurrency)} concurrent)` +
      (plan.estimate.exceedsBudget ? '; more than the budget: the cells left when it runs out end not exercised (time budget)' : ''),
  );
  return lines.join('\n');
}
