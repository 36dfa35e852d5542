/**
 * Benchmark runner (`npm run bench`): runs every benchmark in {@link benchmarks} (or those named on the
 * command line), prints a table per benchmark, and writes `.bench-results/<name>.json`. Exits 1 when a
 * benchmark could not measure validly (errors, failed pre-checks); numbers themselves never fail.
 *
 * Usage: `node bench/dist/run.js [name...]`; `BENCH_DURATION=<seconds>` sets the load duration per run.
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { analyzerVsTsc } from './analyzer-vs-tsc.js';
import { authOverhead } from './auth-overhead.js';
import { demoAudit } from './demo-audit.js';
import { fuzzFirstFinding } from './fuzz-first-finding.js';
import { fuzzThroughput } from './fuzz-throughput.js';
import { reportVsTsc } from './report-vs-tsc.js';
import type { BenchContext, Benchmark, BenchmarkReport, Table } from './benchmark.js';

/** Every benchmark, in run order. A new benchmark is a module plus one entry here. */
const benchmarks: readonly Benchmark[] = [authOverhead, analyzerVsTsc, reportVsTsc, fuzzThroughput, fuzzFirstFinding, demoAudit];

const DEFAULT_DURATION_SEC = 5;
const resultsDir = fileURLToPath(new URL('../../.bench-results/', import.meta.url));

function durationFromEnv(): number {
  const raw = process.env.BENCH_DURATION;
  if (raw === undefined || raw.trim() === '') return DEFAULT_DURATION_SEC;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 600) {
    throw new Error(`BENCH_DURATION must be a number of seconds in (0, 600], got ${JSON.stringify(raw)}.`);
  }
  return value;
}

function renderTable(table: Table): string {
  const widths = table.columns.map((column, index) =>
    Math.max(column.length, ...table.rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${widths.map((width, index) => (index < 2 ? (cells[index] ?? '').padEnd(width) : (cells[index] ?? '').padStart(width))).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [line(table.columns), rule, ...table.rows.map(line)].join('\n');
}

function environment(): Record<string, unknown> {
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpuCount: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
  };
}

async function runOne(benchmark: Benchmark, context: BenchContext): Promise<BenchmarkReport> {
  try {
    return await benchmark.run(context);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { failures: [`threw: ${message}`], table: { columns: ['status'], rows: [['error']] }, summary: 'not measured', data: {} };
  }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !benchmarks.some((benchmark) => benchmark.name === name));
  if (unknown.length > 0) {
    throw new Error(`Unknown benchmark ${unknown.join(', ')}; known: ${benchmarks.map((benchmark) => benchmark.name).join(', ')}.`);
  }
  const selected = wanted.length === 0 ? benchmarks : benchmarks.filter((benchmark) => wanted.includes(benchmark.name));
  const context: BenchContext = {
    durationSec: durationFromEnv(),
    log: (message) => {
      process.stderr.write(`  … ${message}\n`);
    },
  };
  const env = environment();
  process.stdout.write(`mcify benchmarks — node ${process.version}, ${String(env.cpuCount)} CPUs, ${context.durationSec} s per run\n`);
  await mkdir(resultsDir, { recursive: true });

  let failed = 0;
  for (const benchmark of selected) {
    process.stdout.write(`\n${benchmark.name}: ${benchmark.description}\n`);
    const startedAt = new Date();
    const report = await runOne(benchmark, context);
    const ok = report.failures.length === 0;
    if (!ok) failed++;
    process.stdout.write(`\n${renderTable(report.table)}\n\n${report.summary}\n`);
    for (const failure of report.failures) process.stdout.write(`FAILED: ${failure}\n`);
    const file = `${resultsDir}${benchmark.name}.json`;
    const json = {
      name: benchmark.name,
      description: benchmark.description,
      ok,
      failures: report.failures,
      date: startedAt.toISOString(),
      elapsedSec: (Date.now() - startedAt.getTime()) / 1000,
      environment: env,
      summary: report.summary,
      results: report.data,
    };
    await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
    process.stdout.write(`results: ${file}\n`);
  }
  if (failed > 0) {
    process.stdout.write(`\n${failed} of ${selected.length} benchmark(s) could not measure validly.\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
