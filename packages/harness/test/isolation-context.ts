/**
 * A real run context over an in-process fixture, for the isolation tests (harvest, read and write
 * isolation, stateful): the fixture booted by `inProcessTarget`, the client layer's traffic, the
 * run context, and the harvest set on it.
 */
import { fileURLToPath } from 'node:url';
import { createDeadline, type RunDeadline } from '../src/engine/budget.js';
import { harvestAll } from '../src/engine/harvest.js';
import type { ResolvedFuzzOptions } from '../src/engine/property.js';
import { createRunContext, createTraffic, type EngineContext } from '../src/engine/run-context.js';
import type { FuzzTarget } from '../src/engine/types.js';
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
