import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPlan } from '../src/engine/plan.js';
import type { FuzzProgress } from '../src/engine/progress.js';
import { FuzzOptionsError, INTERRUPTED, planFuzz, resolveFuzzOptions, runFuzz, TIME_BUDGET } from '../src/engine/run-fuzz.js';
import { cellSeed, ReplayPathError } from '../src/engine/seeds.js';
import type { FuzzTarget } from '../src/engine/types.js';
import { inProcessTarget } from '../src/target/in-process.js';

const fixtures = resolve(import.meta.dirname, '../../../fixtures/servers');

describe('resolveFuzzOptions', () => {
  it('applies the defaults, and draws a random seed when none is given', () => {
    const resolved = resolveFuzzOptions();
    expect(resolved).toMatchObject({ runs: 100, timeoutMs: 300_000, requestTimeoutMs: 10_000, harvestPages: 5, maxSkewSec: 60, concurrency: 4, allowWrites: false, excludeTools: [], replay: undefined, seedSource: 'random' });
    expect(Number.isInteger(resolved.seed) && resolved.seed >= 0 && resolved.seed <= 0x7fffffff).toBe(true);
    const seeds = new Set(Array.from({ length: 5 }, () => resolveFuzzOptions().seed));
    expect(seeds.size).toBeGreaterThan(1);
  });

  it('keeps a given seed, parses a replay path, and is idempotent', () => {
    const resolved = resolveFuzzOptions({ seed: 7, runs: 10, replay: 'read-isolation/orders_get:3:1:0' });
    expect(resolved).toMatchObject({ seed: 7, seedSource: 'given', runs: 10, replay: { property: 'read-isolation', tool: 'orders_get', path: '3:1:0' } });
    expect(resolveFuzzOptions({ seed: 7, replay: 'authentication/*:106' }).replay).toEqual({ property: 'authentication', tool: null, path: '106' });
    expect(resolveFuzzOptions(resolved)).toBe(resolved);
  });

  it('names each wrong option, and refuses a replay without its seed', () => {
    expect(() => resolveFuzzOptions({ runs: 0, concurrency: 1.5 })).toThrow(FuzzOptionsError);
    expect(() => resolveFuzzOptions({ runs: 0, concurrency: 1.5 })).toThrow(/runs: .*; concurrency: /);
    expect(() => resolveFuzzOptions({ replay: 'authentication/*:1' })).toThrow(/needs the seed/);
    expect(() => resolveFuzzOptions({ seed: 1, replay: 'nonsense' })).toThrow(ReplayPathError);
  });
});

describe('runFuzz on orders-vulnerable', () => {
  let target: FuzzTarget;
  beforeAll(async () => {
    target = await inProcessTarget(join(fixtures, 'orders-vulnerable/mcify.config.ts'), { source: false });
  }, 60_000);
  afterAll(async () => {
    await target.close();
  });

  it('plans tools x properties with estimates, less the excluded tools (--dry-run)', async () => {
    const plan = await planFuzz(target, { seed: 5, runs: 10, excludeTools: ['integrations_connect', 'no_such_tool'] });
    expect(plan.seed).toBe(5);
    expect(plan.seedSource).toBe('given');
    expect(plan.tools.map((tool) => tool.name)).not.toContain('integrations_connect');
    expect(plan.excludedTools).toEqual(['integrations_connect']);
    expect(plan.unknownExcludedTools).toEqual(['no_such_tool']);
    const properties = [...new Set(plan.cells.map((cell) => cell.property))];
    expect(properties).toContain('authentication');
    expect(properties).toContain('server-hygiene');
    for (const property of properties) {
      // Every property has a cell for every tool it plans, each with its seed.
      const tools = plan.cells.filter((cell) => cell.property === property).map((cell) => cell.tool);
      expect(tools.length).toBeGreaterThan(0);
      expect(tools).not.toContain('integrations_connect');
    }
    for (const cell of plan.cells) expect(cell.seed).toBe(cellSeed(5, cell.property, cell.tool));
    expect(plan.cells.some((cell) => cell.applicable && cell.estimatedRequests > 0)).toBe(true);
    expect(plan.estimate.requests).toBeGreaterThan(plan.cells.reduce((sum, cell) => sum + (cell.applicable ? cell.estimatedRequests : 0), 0) - 1);
    expect(plan.estimate.durationMs).toBeGreaterThan(0);
    const text = formatPlan(plan);
    expect(text).toMatch(/^fuzz plan: in-process http:\/\/127\.0\.0\.1:\d+\/mcp, seed 5$/m);
    expect(text).toMatch(/^ {2}authentication +orders_get: ~\d+ requests$/m);
    expect(text).toMatch(/^estimate: \d+ cells, ~\d+ requests/m);
    expect(text).toContain('--exclude-tool names no listed tool: no_such_tool');
    for (const principal of target.principals) expect(text).not.toContain(principal.token?.reveal() ?? '\0');
  });

  it('prints a random seed so that it can be replayed', async () => {
    const plan = await planFuzz(target, { runs: 10 });
    expect(plan.seedSource).toBe('random');
    expect(formatPlan(plan)).toContain(`seed ${String(plan.seed)} (random; --seed ${String(plan.seed)} replays this run)`);
  });

  it('turns every cell the budget does not reach into not exercised (time budget), and still returns the result', async () => {
    const events: FuzzProgress[] = [];
    const result = await runFuzz(target, { seed: 3, runs: 10, timeoutMs: 1 }, { onProgress: (event) => events.push(event) });
    expect(result.budgetExhausted).toBe(true);
    expect(result.tools.length).toBe(10);
    const applicable = result.cells.filter((cell) => cell.status !== 'not-applicable');
    expect(applicable.length).toBeGreaterThan(0);
    for (const cell of applicable) expect(cell).toMatchObject({ status: 'not-exercised', reason: TIME_BUDGET });
    expect(result.cells.some((cell) => cell.status === 'held')).toBe(false);
    expect(result.notes.find((note) => note.code === 'time-budget')?.message).toMatch(/time budget of 1 ms ran out: \d+ of \d+ cells were not exercised/);
    expect(events[0]).toEqual({ kind: 'phase', phase: 'listing' });
    expect(events.some((event) => event.kind === 'plan')).toBe(true);
    expect(events.filter((event) => event.kind === 'cell-end')).toHaveLength(applicable.length);
  });

  it('stops when the caller aborts (Ctrl-C): the cells left are not exercised (interrupted), and the result comes back', async () => {
    const stop = new AbortController();
    const result = await runFuzz(target, { seed: 5, runs: 10 }, { signal: stop.signal, onProgress: (event) => {
      if (event.kind === 'cell-start') stop.abort();
    } });
    expect(result.budgetExhausted).toBe(true);
    const left = result.cells.filter((cell) => cell.status === 'not-exercised' && cell.reason === INTERRUPTED);
    expect(left.length).toBeGreaterThan(0);
    expect(result.cells.filter((cell) => cell.reason === TIME_BUDGET)).toEqual([]);
    expect(result.notes.find((note) => note.code === 'time-budget')?.message).toMatch(/^the run was interrupted: /);
  });

  it('replays one cell only, and says when the pools differ from the replayed run', async () => {
    const events: FuzzProgress[] = [];
    const result = await runFuzz(
      target,
      { seed: 11, runs: 10, replay: 'authentication/orders_get:0', expectedPools: { alice: 'not-the-hash' } },
      { onProgress: (event) => events.push(event) },
    );
    expect(result.cells.map((cell) => [cell.property, cell.tool])).toEqual([['authentication', 'orders_get']]);
    expect(result.cells[0]?.seed).toBe(cellSeed(11, 'authentication', 'orders_get'));
    expect(events.flatMap((event) => (event.kind === 'cell-start' ? [event.tool] : []))).toEqual(['orders_get']);
    expect(result.notes.find((note) => note.code === 'pools-differ')?.message).toMatch(/^The harvested pools of alice(, \w+)* differ/);
    expect(Object.keys(result.pools).sort()).toEqual(['alice', 'bob', 'carol', 'dave']);
  });

  it('reports exactly the planted harness flaws, on the tools they are planted on', async () => {
    const planted = (JSON.parse(readFileSync(join(fixtures, 'orders-vulnerable/planted.json'), 'utf8')) as { ruleId: string; tool: string | null }[])
      .filter((entry) => entry.ruleId.startsWith('harness/'))
      .map((entry) => `${entry.ruleId} ${entry.tool ?? '*'}`);
    const result = await runFuzz(target, { seed: 4, runs: 20 });
    const reported = [...new Set(result.findings.map((finding) => `${finding.ruleId} ${finding.tool ?? '*'}`))];
    expect(reported.sort()).toEqual([...new Set(planted)].sort());
    expect(result.budgetExhausted).toBe(false);
    // Every cell ends in one of the four states, a reason on all but held ones.
    for (const cell of result.cells) if (cell.status !== 'held') expect(cell.reason, `${cell.property} ${String(cell.tool)}`).toBeTypeOf('string');
    // Successful non-read calls are listed for the user to restore, and every finding replays by seed and path.
    expect(result.writes.length).toBeGreaterThan(0);
    for (const finding of result.findings) {
      expect(finding.reproduce.seed).toBe(4);
      expect(finding.reproduce.path).toMatch(new RegExp(`^[a-z-]+/${finding.tool ?? '\\*'}:\\d+(:\\d+)*$`));
      expect(finding.reproduce.curl).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    }
    const text = JSON.stringify(result);
    for (const principal of target.principals) expect(text).not.toContain(principal.token?.reveal() ?? '\0');
  }, 30_000);

  it('refuses to replay a cell the run does not have', async () => {
    await expect(runFuzz(target, { seed: 1, replay: 'authentication/no_such_tool:0' })).rejects.toThrow(/the server lists no tool no_such_tool/);
  });
});
