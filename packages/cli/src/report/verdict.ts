import type { Report } from './report.js';

/** `1 file`, `2 files`: the nouns formats count are all regular. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The report's outcome in words, shared by every format's headline and summary line. */
export interface Verdict {
  /** No findings at all (warnings count: they are problems too, whatever `--fail-on` decides). */
  readonly clean: boolean;
  /** `12 problems (9 errors, 3 warnings)`, or `no problems`. */
  readonly problems: string;
  /** What was analysed: `40 files, 25 tools`. */
  readonly scope: string;
}

/**
 * The verdict of a report, from its summary.
 *
 * @example
 * ```ts
 * const { clean, problems, scope } = verdictOf(report);
 * console.log(`${clean ? '✔' : '✖'} ${problems} in ${scope}`);
 * ```
 */
export function verdictOf(report: Report): Verdict {
  const { errors, warnings, files, tools } = report.summary;
  const total = errors + warnings;
  return {
    clean: total === 0,
    problems: total === 0 ? 'no problems' : `${plural(total, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`,
    scope: `${plural(files, 'file')}, ${plural(tools, 'tool')}`,
  };
}
