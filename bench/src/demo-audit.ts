/**
 * Wall time of `npm run demo` (the full audit of orders-vulnerable: static report, fuzz, joined
 * summary, HTML report), beside `tsc --noEmit` of the same fixture folder as a same-run reference.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatNumber, median, type BenchContext, type Benchmark, type BenchmarkReport } from './benchmark.js';
import { repoRoot } from './fuzz-support.js';

const REPETITIONS = 2;

function timed(args: readonly string[]): { ms: number; status: number | null; stderr: string } {
  const start = performance.now();
  const result = spawnSync(process.execPath, [...args], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ms: performance.now() - start, status: result.status, stderr: result.stderr };
}

export const demoAudit: Benchmark = {
  name: 'demo-audit',
  description: 'wall time of npm run demo (full audit of orders-vulnerable), and tsc -p fixtures/servers as reference',
  run(context: BenchContext): Promise<BenchmarkReport> {
    const failures: string[] = [];
    const demo: number[] = [];
    const tsc: number[] = [];
    for (let round = 0; round < REPETITIONS; round += 1) {
      context.log(`round ${String(round + 1)}: demo`);
      const run = timed([join(repoRoot, 'packages', 'cli', 'dist', 'demo', 'run-demo.js')]);
      if (run.status !== 0) failures.push(`npm run demo exited ${String(run.status)}: ${run.stderr.slice(-500)}`);
      demo.push(run.ms);
      context.log(`round ${String(round + 1)}: tsc`);
      const reference = timed([join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'fixtures/servers', '--noEmit']);
      tsc.push(reference.ms);
    }
    const ratio = median(demo) / median(tsc);
    return Promise.resolve({
      failures,
      table: {
        columns: ['run', 'median ms', 'runs'],
        rows: [
          ['npm run demo (full audit)', formatNumber(median(demo)), demo.map((ms) => formatNumber(ms)).join(' ')],
          ['tsc -p fixtures/servers --noEmit', formatNumber(median(tsc)), tsc.map((ms) => formatNumber(ms)).join(' ')],
        ],
      },
      summary: `the full demo audit takes ${formatNumber(median(demo) / 1000, 1)} s, ${formatNumber(ratio, 1)}× a type check of the fixtures`,
      data: { demoMs: demo, tscMs: tsc, ratio },
    });
  },
};
