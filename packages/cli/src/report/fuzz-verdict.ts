import { everythingHeld, isHarnessFinding, type FuzzReport } from './fuzz-report.js';
import { plural } from './verdict.js';

/**
 * A fuzz report's outcome in words, shared by every fuzz format. "Every check held" only when nothing
 * was found, at least one check held, and no cell was left not exercised (budget, interruption or
 * inputs that never reached an object): a cell not exercised is never shown as held.
 */
export interface FuzzVerdict {
  readonly level: 'pass' | 'fail' | 'warn';
  readonly mark: '✔' | '✖' | '⚠';
  /** `3 problems (2 errors, 1 warning)`, `every check held`, `no problems found, 4 checks not exercised`. */
  readonly problems: string;
  /** `12 held, 1 failed, 4 not exercised, 20 not applicable`. */
  readonly checks: string;
  /** `in-process run of http://127.0.0.1:4100/mcp as alice, bob, carol: 6 tools, 1 234 requests in 12.3 s, seed 42`. */
  readonly scope: string;
  /** Sentences to show under the headline (why the verdict is not ✔, when it is not). */
  readonly lines: readonly string[];
}

/** `12.3 s`, `850 ms`. */
export function duration(ms: number): string {
  return ms < 1000 ? `${String(Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The verdict of a fuzz (or joined) report. */
export function fuzzVerdictOf(report: FuzzReport): FuzzVerdict {
  const { summary, fuzz } = report;
  const harness = report.findings.filter(isHarnessFinding);
  const statics = report.findings.length - harness.length;
  const total = summary.errors + summary.warnings;
  const checks = `${String(summary.held)} held, ${String(summary.failed)} failed, ${String(summary.notExercised)} not exercised, ${String(summary.notApplicable)} not applicable`;
  const cells = summary.held + summary.failed + summary.notExercised + summary.notApplicable;
  const principals = fuzz.principals.map((principal) => principal.name).join(', ');
  const scope = `${fuzz.mode} run of ${fuzz.url}${principals === '' ? '' : ` as ${principals}`}: ${plural(fuzz.tools.length, 'tool')}, ${plural(fuzz.requests, 'request')} in ${duration(fuzz.durationMs)}, seed ${String(fuzz.seed)}`;
  const lines: string[] = [];
  if (fuzz.interrupted) lines.push('The run was interrupted: the checks it did not finish are not exercised.');
  if (fuzz.budgetExhausted && !fuzz.interrupted) lines.push('The time budget (--timeout) ran out: the checks it did not reach are not exercised. Give a longer --timeout, or fewer --runs.');
  if (summary.notExercised > 0 && !fuzz.interrupted && !fuzz.budgetExhausted) {
    lines.push(`${plural(summary.notExercised, 'check')} not exercised (the reasons are listed with the matrix): they are not shown as held.`);
  }
  if (fuzz.replay !== undefined) lines.push(`This run replayed one case (--path ${fuzz.replay}); the other cells did not run.`);
  let problems: string;
  if (total > 0) {
    const split = statics > 0 ? ` — ${String(statics)} static, ${String(harness.length)} from the fuzz` : '';
    problems = `${plural(total, 'problem')} (${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')})${split}`;
  } else if (everythingHeld(report)) {
    problems = 'every check held';
  } else if (fuzz.replay !== undefined && summary.failed === 0 && summary.notExercised === 0 && summary.held > 0) {
    problems = 'the replayed case held: it did not reproduce';
  } else if (summary.held === 0 && summary.notExercised === 0) {
    problems = cells === 0 ? 'nothing was tested: no check ran' : 'nothing was tested: every check is not applicable';
  } else if (summary.notExercised > 0) {
    problems = `no problems found, but ${plural(summary.notExercised, 'check')} not exercised`;
  } else {
    problems = summary.failed > 0 ? `${plural(summary.failed, 'check')} failed` : 'no problems found, but the run did not finish';
  }
  const level = total > 0 ? (summary.errors > 0 ? 'fail' : 'warn') : everythingHeld(report) ? 'pass' : 'warn';
  return { level, mark: level === 'pass' ? '✔' : total > 0 ? '✖' : '⚠', problems, checks, scope, lines };
}
