/**
 * What every benchmark module exports, and the helpers they share. A benchmark measures, checks that
 * what it measured is meaningful (e.g. no error responses), and reports a table plus JSON data.
 *
 * @module
 */

/** Settings every benchmark receives from the runner. */
export interface BenchContext {
  /** Seconds of load per measured run (`BENCH_DURATION`, default 5). */
  readonly durationSec: number;
  /** Progress lines, written to stderr so stdout stays the report. */
  log(message: string): void;
}

/** A table for the human-readable report: one header row, then rows of cells. */
export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** What a benchmark hands back to the runner. */
export interface BenchmarkReport {
  /**
   * Reasons the measurement is not valid (error responses, a failed pre-check). Non-empty makes the
   * run fail: a number measured over errors means nothing. Slow numbers are never a failure.
   */
  readonly failures: readonly string[];
  readonly table: Table;
  /** One-line reading of the result, e.g. the ratio in words. */
  readonly summary: string;
  /** Machine-readable results, written to `.bench-results/<name>.json`. */
  readonly data: Readonly<Record<string, unknown>>;
}

/** One benchmark module. Add new ones to the list in `run.ts`. */
export interface Benchmark {
  /** File-name-safe id, e.g. `auth-overhead`. */
  readonly name: string;
  /** One line: what it measures. */
  readonly description: string;
  run(context: BenchContext): Promise<BenchmarkReport>;
}

/** Arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Median (mean of the two middle values for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

/** Formats a number with a fixed number of decimals and thousands separators. */
export function formatNumber(value: number, decimals = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
