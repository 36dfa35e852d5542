import { dialectNoteMessage } from '@mcify-audit/analyzer';
import type { Report, ReportDialect } from './report.js';

/** `1 file`, `2 files`: the nouns formats count are all regular. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The report's outcome in words, shared by every format's headline and summary line. Its string fields
 * other than `problems` and `scope` are sentences a format may show under the headline (empty when
 * there is nothing to say); the others are facts for choosing the mark and colour.
 */
export interface Verdict {
  /**
   * The ✔ is earned: tools were found, every file was analysed whole, and nothing was found (warnings
   * count: they are problems too, whatever `--fail-on` decides).
   */
  readonly clean: boolean;
  /** How many findings there are, and how many of them are errors. */
  readonly findings: number;
  readonly errors: number;
  /** At least one tool, resource or prompt was found: a run without any audited nothing. */
  readonly audited: boolean;
  /** How many files only partly parsed (`parse-error` notes): their findings have low confidence. */
  readonly partlyAnalysed: number;
  /** `12 problems (9 errors, 3 warnings)`, `no problems`, or `no mcify tools found` when nothing was audited nor found. */
  readonly problems: string;
  /** What was analysed: `40 files, 25 tools`. */
  readonly scope: string;
  /** `2 files only partly analysed`, or `''` when every file parsed. */
  readonly partial: string;
  /** Which mcify dialect the advice is written in, and why: `Advice is written in the published mcify dialect: ….` */
  readonly dialect: string;
}

/**
 * The verdict of a report, from its summary and notes.
 *
 * @example
 * ```ts
 * const verdict = verdictOf(report);
 * console.log(`${verdictMark(verdict)} ${verdict.problems} in ${verdict.scope}`);
 * ```
 */
export function verdictOf(report: Report): Verdict {
  const { errors, warnings, files, tools } = report.summary;
  const total = errors + warnings;
  const audited = tools > 0;
  const partlyAnalysed = new Set(report.notes.filter((note) => note.code === 'parse-error').map((note) => note.file ?? '')).size;
  const problems = total === 0 ? (audited ? 'no problems' : 'no mcify tools found') : `${plural(total, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
  return {
    clean: total === 0 && audited && partlyAnalysed === 0,
    findings: total,
    errors,
    audited,
    partlyAnalysed,
    problems,
    scope: `${plural(files, 'file')}, ${plural(tools, 'tool')}`,
    partial: partlyAnalysed === 0 ? '' : `${plural(partlyAnalysed, 'file')} only partly analysed`,
    dialect: dialectSentence(report.dialect),
  };
}

function dialectSentence({ name, reason }: ReportDialect): string {
  return name === 'mixed' ? `Advice is written in more than one mcify dialect: ${reason}.` : dialectNoteMessage({ name, reason });
}

/**
 * The verdict's mark: `✔` only when it is clean; `✖` when something was found or nothing was audited;
 * `⚠` when nothing was found in files that were only partly analysed.
 */
export function verdictMark(verdict: Verdict): '✔' | '✖' | '⚠' {
  if (verdict.clean) return '✔';
  return verdict.findings > 0 || !verdict.audited ? '✖' : '⚠';
}

/** How bad the verdict is, for colours and icons: `fail` on errors or when nothing was audited, `warn` on warnings or a partial analysis. */
export function verdictLevel(verdict: Verdict): 'pass' | 'fail' | 'warn' {
  if (verdict.clean) return 'pass';
  return verdict.errors > 0 || !verdict.audited ? 'fail' : 'warn';
}
