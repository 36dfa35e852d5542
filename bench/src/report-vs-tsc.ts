/**
 * The static report vs tsc, end to end: the wall time of `mcify-audit PATH --format sarif` (process start,
 * program, analysis, SARIF written) over the time of `tsc --noEmit` on the same files with the same
 * compiler options, each in a fresh child process — what a CI step pays for either. Ratios are the
 * result; the milliseconds depend on the machine.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { resolveProjects } from 'mcify-audit';
import { formatNumber, median, type BenchContext, type Benchmark, type BenchmarkReport } from './benchmark.js';

const REPETITIONS = 3;
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repoRoot, 'packages', 'cli', 'bin', 'mcify-audit.js');
const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

/** A folder without a tsconfig, as the CLI scans it. */
interface Input {
  readonly id: string;
  readonly path: string;
}

const inputs: readonly Input[] = [
  { id: 'lint corpus', path: 'fixtures/lint' },
  { id: 'orders-vulnerable', path: 'fixtures/servers/orders-vulnerable' },
];

/** The files and options the CLI analyses for a folder, so tsc checks exactly the same program. */
function tscArguments(path: string): string[] {
  const { projects } = resolveProjects([path], undefined, repoRoot);
  const [project] = projects;
  if (project === undefined || projects.length !== 1) throw new Error(`${path}: expected one scanned project`);
  const { options } = project;
  // --ignoreConfig: the repository's own tsconfig.json must not replace the scanned program.
  const flags = ['--ignoreConfig', '--noEmit', '--allowJs', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--allowImportingTsExtensions', '--resolveJsonModule', '--jsx', 'preserve'];
  const types = options.types ?? [];
  // TypeScript 6 includes no @types package unless told: the same as the CLI's empty list.
  return [...flags, ...(types.length === 0 ? [] : ['--types', types.join(',')]), ...project.rootNames];
}

function timed(args: readonly string[]): { ms: number; status: number | null; stdout: string; stderr: string } {
  const start = performance.now();
  const result = spawnSync(process.execPath, [...args], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ms: performance.now() - start, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export const reportVsTsc: Benchmark = {
  name: 'report-vs-tsc',
  description: 'mcify-audit PATH --format sarif vs tsc --noEmit on the same program, each a fresh process',
  run(context: BenchContext): Promise<BenchmarkReport> {
    const failures: string[] = [];
    const rows: string[][] = [];
    const data: Record<string, unknown> = {};
    const output = mkdtempSync(join(tmpdir(), 'mcify-bench-'));
    try {
      for (const input of inputs) {
        const tscArgs = [tsc, ...tscArguments(input.path)];
        const sarif = join(output, 'report.sarif');
        const cliArgs = [cli, input.path, '--format', 'sarif', '--fail-on', 'never', '--output', sarif];
        const times = { report: [] as number[], tsc: [] as number[] };
        let results = 0;
        for (let repetition = 0; repetition < REPETITIONS; repetition += 1) {
          context.log(`report-vs-tsc: ${input.id}, repetition ${String(repetition + 1)} of ${String(REPETITIONS)}`);
          // Alternate the order so neither side always runs with a warm file cache.
          const order = repetition % 2 === 0 ? (['report', 'tsc'] as const) : (['tsc', 'report'] as const);
          for (const side of order) {
            const run = timed(side === 'report' ? cliArgs : tscArgs);
            // An option error makes tsc stop before checking anything: a time measured then means nothing.
            if (side === 'tsc' && /error TS(5|6)\d{3}/.test(run.stdout)) failures.push(`${input.id}: tsc did not check the program: ${run.stdout.slice(0, 300)}`);
            if (side === 'report') {
              if (run.status !== 0) failures.push(`${input.id}: mcify-audit exited ${String(run.status)}: ${run.stderr.slice(0, 300)}`);
              results = (JSON.parse(readFileSync(sarif, 'utf8')) as { runs: { results: unknown[] }[] }).runs[0]?.results.length ?? 0;
            }
            times[side].push(run.ms);
          }
        }
        // A report without findings on inputs that have planted ones would mean a broken analysis.
        if (results === 0) failures.push(`${input.id}: the SARIF log has no results`);
        const report = median(times.report);
        const check = median(times.tsc);
        rows.push([input.id, 'mcify-audit --format sarif', formatNumber(report), `${formatNumber(report / check, 2)}×`, String(results)]);
        rows.push([input.id, 'tsc --noEmit', formatNumber(check), '1.00×', '']);
        data[input.id] = { reportMs: times.report, tscMs: times.tsc, ratio: report / check, results };
      }
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
    const ratios = Object.entries(data).map(([id, value]) => `${id} ${formatNumber((value as { ratio: number }).ratio, 2)}×`);
    return Promise.resolve({
      failures,
      table: { columns: ['input', 'measurement', 'median ms', 'vs tsc', 'results'], rows },
      summary: `the whole static report takes ${ratios.join(', ')} the time of tsc --noEmit on the same program (median of ${String(REPETITIONS)}, fresh processes)`,
      data,
    });
  },
};
