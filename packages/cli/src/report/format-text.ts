import { codeFrame, sourceLines, type CodeFrameLine } from './code-frame.js';
import { flowPath, noteLocation, positionOf, type FlowPathStep } from './finding-view.js';
import { dataAccessSummary, noToolsMessage, notesAfterInventory, summarizeTools, type ToolSummary } from './inventory-summary.js';
import { printable } from './printable.js';
import type { Formatter, Report, ReportFinding, ReportNote, ReportSink } from './report.js';
import { plural, verdictLevel, verdictMark, verdictOf, type Verdict } from './verdict.js';

/** SGR codes (on, off) of the few styles the text format uses; each has its own off code so styles nest. */
const styles = {
  bold: [1, 22],
  dim: [2, 22],
  underline: [4, 24],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
} as const;

export type Style = keyof typeof styles;
export type Paint = (style: Style, text: string) => string;

/**
 * Plain ANSI codes rather than `util.styleText`: from Node 22 `styleText` consults `process.stdout` and
 * drops colour on its own, while here the caller (`context.color`) decides, for whatever stream or file
 * the text goes to.
 */
export function painter(color: boolean): Paint {
  if (!color) return (_style, text) => text;
  return (style, text) => `\u001b[${styles[style][0]}m${text}\u001b[${styles[style][1]}m`;
}

const severityStyle = { error: 'red', warning: 'yellow' } as const;

/**
 * The human format for terminals, ESLint-stylish-like: findings grouped by file, each with a code frame
 * of its source (read through `context.sourceOf`; none when unreadable) and its source→sink flow; then
 * the tool inventory, the notes (located by `noteLocation`), the dialect line and a one-line summary
 * (the shared verdict: no ✔ without tools or with files only partly analysed). ANSI colour only when `context.color`; every
 * string from the report or the source is made printable first, so the output holds no escape sequence
 * it did not put there itself. No trailing newline.
 *
 * @example
 * ```ts
 * process.stdout.write(`${formatText(report, { cwd, sourceOf, color: process.stdout.isTTY })}\n`);
 * ```
 */
export const formatText: Formatter = (report, context) => {
  const paint = painter(context.color);
  const linesOf = sourceLines(context);
  const byFile = new Map<string, ReportFinding[]>();
  for (const finding of report.findings) {
    const group = byFile.get(finding.file) ?? [];
    group.push(finding);
    byFile.set(finding.file, group);
  }
  const sections = [...byFile].map(([file, findings]) => fileSection(file, findings, linesOf(file), paint));
  sections.push(toolsSection(report, paint));
  if (notesAfterInventory(report).length > 0) sections.push(notesSection(notesAfterInventory(report), paint));
  const verdict = verdictOf(report);
  sections.push(`${paint('dim', printable(verdict.dialect))}\n${summaryLine(verdict, paint)}`);
  return sections.join('\n\n');
};

function fileSection(file: string, findings: readonly ReportFinding[], lines: readonly string[] | undefined, paint: Paint): string {
  // Aligned positions within a file, as ESLint's stylish format does.
  const width = Math.max(...findings.map((finding) => `${finding.line}:${finding.column}`.length));
  const blocks = findings.map((finding) => {
    const frame = lines === undefined ? undefined : codeFrame(lines, finding);
    return [findingHeader(finding, width, paint), ...(frame === undefined ? [] : frameLines(frame, finding, paint)), ...flowLines(flowPath(finding), paint)].join('\n');
  });
  // A blank line between findings: each spans several lines once it has a frame and a flow.
  return `${paint('underline', printable(file))}\n${blocks.join('\n\n')}`;
}

function findingHeader(finding: ReportFinding, width: number, paint: Paint): string {
  const extras = [finding.tool === null ? '' : printable(finding.tool), finding.confidence === 'high' ? '' : `${finding.confidence} confidence`].filter(Boolean);
  const position = paint('dim', `${finding.line}:${finding.column}`.padEnd(width));
  const severity = paint(severityStyle[finding.severity], finding.severity.padEnd(7));
  const tail = extras.length === 0 ? '' : `  ${paint('dim', `(${extras.join(', ')})`)}`;
  return `  ${position}  ${severity}  ${printable(finding.message)}  ${paint('dim', finding.ruleId)}${tail}`;
}

/** A babel-like frame: a gutter of line numbers, `>` on reported lines, a caret line under each. */
function frameLines(frame: readonly CodeFrameLine[], finding: ReportFinding, paint: Paint): string[] {
  const gutter = Math.max(...frame.map((line) => String(line.number).length));
  return frame.flatMap((line) => {
    const number = String(line.number).padStart(gutter);
    if (line.marker === undefined) return [`      ${paint('dim', `${number} |`)} ${line.text}`];
    // Tabs stay tabs under the line, so the caret lands under the same column on any tab width.
    const lead = line.text.slice(0, line.marker.start).replace(/[^\t]/g, ' ');
    const carets = '^'.repeat(line.marker.end - line.marker.start);
    return [
      `    ${paint('bold', paint(severityStyle[finding.severity], '>'))} ${paint('dim', `${number} |`)} ${line.text}`,
      `      ${paint('dim', `${' '.repeat(gutter)} |`)} ${lead}${paint(severityStyle[finding.severity], carets)}`,
    ];
  });
}

function flowLines(path: readonly FlowPathStep[], paint: Paint): string[] {
  if (path.length === 0) return [];
  return [`    ${paint('bold', 'flow:')}`, ...path.map((step) => `      ${paint('dim', step.role.padEnd(6))}  ${printable(positionOf(step))}  ${printable(step.message)}`)];
}

const fieldLabelWidth = 'credential fields'.length;

function toolsSection(report: Report, paint: Paint): string {
  if (report.tools.length === 0) return `${paint('bold', 'Tools')}\n  ${noToolsMessage}`;
  const blocks = summarizeTools(report).map((summary) => toolBlock(summary, paint));
  return [paint('bold', `Tools (${report.tools.length})`), ...blocks].join('\n');
}

function toolBlock(summary: ToolSummary, paint: Paint): string {
  const { tool } = summary;
  const none = paint('dim', 'none');
  const list = (items: readonly string[], style: Style): string => (items.length === 0 ? none : paint(style, items.map(printable).join(', ')));
  const kind = tool.kind === 'tool' ? '' : ` (${tool.kind})`;
  const problems = summary.findings.length === 0 ? '' : `  ${paint(summary.findings.some((finding) => finding.severity === 'error') ? 'red' : 'yellow', plural(summary.findings.length, 'problem'))}`;
  const field = (label: string, value: string): string => `    ${label.padEnd(fieldLabelWidth)}  ${value}`;
  return [
    `  ${paint('bold', printable(summary.label))}${kind}  ${paint('dim', printable(summary.location))}${problems}`,
    field('auth', tool.requiresAuth ? paint('green', 'requireAuth') : paint('yellow', 'no requireAuth')),
    field('scope gates', tool.scopeGates.length === 0 ? none : tool.scopeGates.map(printable).join('; ')),
    field('identity fields', list(tool.identityFields, 'red')),
    field('credential fields', list(tool.credentialFields, 'red')),
    field('data access', summary.unscopedSinks.length > 0 ? paint('red', dataAccessSummary(summary)) : dataAccessSummary(summary)),
    ...tool.sinks.map((sink) => sinkLine(sink, paint)),
  ].join('\n');
}

function sinkLine(sink: ReportSink, paint: Paint): string {
  const mark = sink.scoped ? paint('green', 'scoped  ') : paint('red', 'unscoped');
  return `      ${mark}  ${printable(sink.label)}  ${paint('dim', printable(`${sink.file}:${sink.line}`))}`;
}

function notesSection(notes: readonly ReportNote[], paint: Paint): string {
  return [
    paint('bold', 'Notes'),
    ...notes.map((note) => {
      const location = noteLocation(note);
      return `  ${location === undefined ? '' : `${paint('dim', printable(location))}: `}${printable(note.message)}`;
    }),
  ].join('\n');
}

/** `✔ no problems in 3 files, 2 tools`; a partial analysis is said after the scope. */
function summaryLine(verdict: Verdict, paint: Paint): string {
  const text = `${verdictMark(verdict)} ${verdict.problems} in ${verdict.scope}${verdict.partial === '' ? '' : `; ${verdict.partial}`}`;
  const level = verdictLevel(verdict);
  if (level === 'pass') return paint('green', text);
  return paint('bold', paint(level === 'fail' ? 'red' : 'yellow', text));
}
