import { printable } from './printable.js';
import type { FormatContext } from './report.js';

/** A reported range: 1-based lines and columns, `endColumn` exclusive (as findings carry them). */
export interface SourceRange {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** One line of a code frame. */
export interface CodeFrameLine {
  /** The 1-based line number in the file. */
  readonly number: number;
  /** The line's text, made printable and clipped to the frame's width (`…` marks a cut). */
  readonly text: string;
  /** On reported lines only: the reported part, as 0-based offsets into `text`, `end` exclusive and after `start`. */
  readonly marker?: { readonly start: number; readonly end: number };
}

/** How much of the file a code frame shows. */
export interface CodeFrameOptions {
  /** Lines shown before and after the reported ones (default 2). */
  readonly context?: number;
  /** The widest text shown per line; longer lines (minified code) are cut around the reported column (default 160). */
  readonly maxWidth?: number;
  /** The most reported lines shown; a longer range is cut after them, without trailing context (default 8). */
  readonly maxMarkedLines?: number;
}

/**
 * Splits a file into lines the way TypeScript counts them (CRLF, LF, CR, U+2028, U+2029), so the line
 * numbers of findings index the result.
 */
export function splitLines(source: string): string[] {
  return source.split(/\r\n|[\n\r\u2028\u2029]/);
}

/**
 * The lines of report files, read once each through `context.sourceOf`: a report has many findings per
 * file, and reading may mean a disk access.
 */
export function sourceLines(context: FormatContext): (file: string) => readonly string[] | undefined {
  const cache = new Map<string, readonly string[] | undefined>();
  return (file) => {
    if (!cache.has(file)) {
      const source = context.sourceOf(file);
      cache.set(file, source === undefined ? undefined : splitLines(source));
    }
    return cache.get(file);
  };
}

/** Characters of left context kept before the reported column when a long line must be cut. */
const leadWhenCut = 20;

/**
 * The code frame of `range` in a file's `lines`: the reported lines with `context` lines around them,
 * each reported line with the offsets of its reported part, so every format draws it its own way
 * (caret line, `<mark>`). Undefined when the range is not in the file (the file changed since the
 * analysis), so a stale frame is never shown.
 *
 * @example
 * ```ts
 * const frame = codeFrame(splitLines(source), { line: 3, column: 5, endLine: 3, endColumn: 9 });
 * ```
 */
export function codeFrame(lines: readonly string[], range: SourceRange, options: CodeFrameOptions = {}): CodeFrameLine[] | undefined {
  const context = options.context ?? 2;
  const maxWidth = options.maxWidth ?? 160;
  const maxMarked = options.maxMarkedLines ?? 8;
  const first = range.line;
  if (first < 1 || first > lines.length) return undefined;
  const last = Math.min(Math.max(range.endLine, first), lines.length);
  const lastMarked = Math.min(last, first + maxMarked - 1);
  const cut = lastMarked < last;

  // One horizontal offset for the whole frame keeps its lines aligned with each other.
  const startOffset = range.column - 1;
  const offset = startOffset + leadWhenCut > maxWidth ? startOffset - leadWhenCut : 0;
  const prefix = offset > 0 ? '…' : '';

  const frame: CodeFrameLine[] = [];
  const from = Math.max(1, first - context);
  const to = cut ? lastMarked : Math.min(lines.length, last + context);
  for (let number = from; number <= to; number += 1) {
    const raw = lines[number - 1] ?? '';
    const visible = raw.slice(offset, offset + maxWidth);
    const text = printable(`${prefix}${visible}${raw.length > offset + maxWidth ? '…' : ''}`);
    if (number < first || number > lastMarked) {
      frame.push({ number, text });
      continue;
    }
    const indent = raw.length - raw.trimStart().length;
    const start = number === first ? startOffset : indent;
    const end = number === last ? range.endColumn - 1 : raw.length;
    // Offsets into `text`: shifted by the cut and the `…` before it, kept inside the visible part but
    // always one character wide, so a range that is empty or past the line's end still gets a caret.
    const markStart = Math.min(Math.max(start - offset, 0), visible.length) + prefix.length;
    const markEnd = Math.max(Math.min(end - offset, visible.length) + prefix.length, markStart + 1);
    frame.push({ number, text, marker: { start: markStart, end: markEnd } });
  }
  return frame;
}
