/**
 * Requests until the first finding: for each planted harness flaw of `orders-vulnerable`, how many
 * requests its cell sent before the answer that became the finding, over 10 seeds (in-process, one cell
 * at a time so the count is the cell's own). The issue asks for a median of at most 200 per flaw.
 *
 * The count is the finding's first evidence exchange's number minus the number of requests sent when
 * its cell started (for the target-wide forged-token finding, the first authentication cell's start).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inProcessTarget, runFuzz, type FuzzResult } from '@mcify-audit/harness';
import { formatNumber, median, type BenchContext, type Benchmark, type BenchmarkReport } from './benchmark.js';
import { countingTarget, repoRoot } from './fuzz-support.js';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const fixture = join(repoRoot, 'fixtures', 'servers', 'orders-vulnerable');

interface PlantedEntry {
  readonly ruleId: string;
  readonly tool: string | null;
}

export const fuzzFirstFinding: Benchmark = {
  name: 'fuzz-first-finding',
  description: 'requests until the first finding of each planted harness flaw of orders-vulnerable, 10 seeds',
  async run(context: BenchContext): Promise<BenchmarkReport> {
    const planted = (JSON.parse(readFileSync(join(fixture, 'planted.json'), 'utf8')) as PlantedEntry[]).filter((flaw) => flaw.ruleId.startsWith('harness/'));
    const key = (ruleId: string, tool: string | null) => `${ruleId} ${tool ?? '*'}`;
    const counts = new Map<string, number[]>(planted.map((flaw) => [key(flaw.ruleId, flaw.tool), []]));
    const missed: string[] = [];
    const booted = await inProcessTarget(join(fixture, 'mcify.config.ts'), { source: false });
    try {
      for (const seed of SEEDS) {
        await booted.reset?.();
        const counted = countingTarget(booted);
        const started = new Map<string, number>();
        context.log(`seed ${String(seed)}`);
        const result: FuzzResult = await runFuzz(counted.target, { seed, runs: 100, concurrency: 1 }, {
          onProgress: (event) => {
            if (event.kind !== 'cell-start') return;
            const cell = `${event.property}/${event.tool ?? '*'}`;
            if (!started.has(cell)) started.set(cell, counted.sent());
            if (event.property === 'authentication' && !started.has('authentication/first')) started.set('authentication/first', counted.sent());
          },
        });
        for (const flaw of planted) {
          const findings = result.findings.filter((finding) => finding.ruleId === flaw.ruleId && finding.tool === flaw.tool);
          const requests = findings.flatMap((finding) => {
            const [property] = finding.reproduce.path.split('/');
            const start = started.get(finding.tool === null ? `${property ?? ''}/first` : `${property ?? ''}/${finding.tool}`);
            const first = Math.min(...finding.evidence.exchanges.map((exchange) => exchange.seq));
            return start === undefined || !Number.isFinite(first) ? [] : [first - start];
          });
          if (requests.length === 0) missed.push(`seed ${String(seed)}: ${key(flaw.ruleId, flaw.tool)}`);
          else counts.get(key(flaw.ruleId, flaw.tool))?.push(Math.min(...requests));
        }
      }
    } finally {
      await booted.close();
    }
    const rows = [...counts].map(([flaw, values]) => [flaw, String(values.length), values.length === 0 ? '-' : formatNumber(median(values)), values.length === 0 ? '-' : String(Math.max(...values))]);
    const worst = Math.max(...[...counts.values()].map((values) => (values.length === 0 ? Infinity : median(values))));
    return {
      failures: missed.map((miss) => `not found: ${miss}`),
      table: { columns: ['planted flaw', 'seeds found', 'median requests', 'max requests'], rows },
      summary: `worst median ${formatNumber(worst)} requests until the first finding (the issue asks for at most 200 per flaw)`,
      data: { seeds: SEEDS, requestsUntilFirstFinding: Object.fromEntries(counts), missed },
    };
  },
};
