/**
 * A real run context over an in-process fixture, for the isolation tests (harvest, read and write
 * isolation, stateful): the fixture booted by `inProcessTarget`, the client layer's traffic, the
 * run context, and the harvest set on it.
 */
import { fileURLToPath } from 'node:url';
import { createDeadline, type RunDeadline } from '../src/engine/budget.js';
import { harvestAll } from '../src/engine/harvest.js';
import type { Deadline, ResolvedFuzzOptions, RunContext } from '../src/engine/property.js';
import { createRunContext, createTraffic, type EngineContext } from '../src/engine/run-context.js';
import type { FuzzTarget, HarnessFinding, ListedTool, PrincipalClient, WriteRecord } from '../src/engine/types.js';
import { inProcessTarget, type InProcessOptions } from '../src/target/in-process.js';

export const fixtureConfig = (name: 'orders' | 'orders-vulnerable' | 'ledger-sessions'): string =>
  fileURLToPath(new URL(`../../../fixtures/servers/${name}/mcify.config.ts`, import.meta.url));

export function fuzzOptions(changes: Partial<ResolvedFuzzOptions> = {}): ResolvedFuzzOptions {
  return {
    seed: 42,
    replay: undefined,
    runs: 20,
    timeoutMs: 60_000,
    requestTimeoutMs: 10_000,
    allowWrites: false,
    excludeTools: [],
    harvestPages: 5,
    maxSkewSec: 60,
    concurrency: 4,
    ...changes,
  };
}

export interface IsolationRun {
  readonly target: FuzzTarget;
  readonly context: EngineContext;
  readonly deadline: RunDeadline;
  close(): Promise<void>;
}

/** Boots the fixture, lists its tools as the first principal, harvests, and returns the context. */
export async function isolationRun(name: Parameters<typeof fixtureConfig>[0], options: Partial<ResolvedFuzzOptions> = {}, target: InProcessOptions = {}): Promise<IsolationRun> {
  const booted = await inProcessTarget(fixtureConfig(name), { source: false, ...target });
  const resolved = fuzzOptions(options);
  const deadline = createDeadline(resolved.timeoutMs);
  const traffic = createTraffic(booted, resolved, deadline);
  try {
    const first = booted.principals[0];
    if (first === undefined) throw new Error(`${name} has no principals`);
    const lister = await traffic.openClient({ label: first.name, principal: first.name, token: first.token?.reveal() });
    const tools = await lister.listTools();
    await lister.close();
    const context = createRunContext({ target: booted, options: resolved, tools, deadline, traffic });
    context.setHarvest(await harvestAll(context));
    return {
      target: booted,
      context,
      deadline,
      async close() {
        await context.close();
        deadline.dispose();
        await booted.close();
      },
    };
  } catch (error) {
    deadline.dispose();
    await booted.close();
    throw error;
  }
}

/** A deadline that never runs out, for scripted servers. */
export const openDeadline: Deadline = { remainingMs: () => 60_000, expired: () => false, signal: new AbortController().signal };

/**
 * A run context over a scripted server (`client` answers each principal's calls): harvested first, as
 * the orchestrator does; findings and writes go to the arrays given; raw traffic and forged clients
 * are not available.
 */
export async function runContextOver(parts: {
  readonly target: FuzzTarget;
  readonly tools: readonly ListedTool[];
  readonly client: (name: string) => Promise<PrincipalClient>;
  readonly runs: number;
  readonly findings: HarnessFinding[];
  readonly writes?: WriteRecord[];
}): Promise<RunContext> {
  const base = { target: parts.target, options: fuzzOptions({ runs: parts.runs }), tools: parts.tools, deadline: openDeadline, client: parts.client, mayCall: () => true, isSensitive: () => false, note: () => undefined };
  const harvest = await harvestAll(base);
  return {
    ...base,
    harvest,
    clientWith: () => Promise.reject(new Error('not used')),
    raw: () => Promise.reject(new Error('not used')),
    seedFor: () => 1,
    curl: () => 'curl ...',
    finding: (finding: HarnessFinding) => parts.findings.push(finding),
    write: (record: WriteRecord) => parts.writes?.push(record),
  };
}
