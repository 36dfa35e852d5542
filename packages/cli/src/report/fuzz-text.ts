import { cellReasons, coverageMatrix, shortStatus } from './fuzz-matrix.js';
import { isHarnessFinding, isHarnessNote, replayLine, staticPartOf, type FuzzFormatter, type FuzzReport, type FuzzReportFinding } from './fuzz-report.js';
import { fuzzVerdictOf, type FuzzVerdict } from './fuzz-verdict.js';
import { formatText, painter, type Paint } from './format-text.js';
import { printable } from './printable.js';
import { plural } from './verdict.js';

const severityStyle = { error: 'red', warning: 'yellow' } as const;
const statusStyle = { held: 'green', failed: 'red', 'not-exercised': 'yellow', 'not-applicable': 'dim' } as const;

/** A tool's input (or a write's arguments) on one line. */
export function oneLine(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/**
 * The fuzz report for terminals: the verdict, the findings (rule, tool, principal → victim, the
 * evidence, where the tool is defined, the replay line and the curl line), the tools × properties
 * matrix, the reasons of the cells not exercised or not applicable, the writes made, the notes, and a
 * summary line. A joined report starts with the static text report. Colour only when `context.color`;
 * every string from the report is made printable first. No trailing newline.
 */
export const formatFuzzText: FuzzFormatter = (report, context) => {
  const paint = painter(context.color);
  const verdict = fuzzVerdictOf(report);
  const sections: string[] = [];
  const statics = staticPartOf(report);
  if (statics !== undefined) sections.push(formatText(statics, context));
  sections.push(headline(verdict, paint));
  const findings = report.findings.filter(isHarnessFinding);
  if (findings.length > 0) sections.push([paint('bold', `Findings (${String(findings.length)})`), ...findings.map((finding) => findingBlock(report, finding, paint))].join('\n\n'));
  sections.push(matrixSection(report, paint));
  const reasons = cellReasons(report);
  if (reasons.length > 0) {
    sections.push(
      [
        paint('bold', 'Not tested'),
        ...reasons.map((group) => {
          const where = group.cells.map((cell) => `${cell.tool ?? '(server)'} ${cell.property}`).join(', ');
          const word = group.status === 'not-exercised' ? paint('yellow', 'not exercised') : paint('dim', 'not applicable');
          return `  ${word}: ${printable(group.reason)}  ${paint('dim', `(${printable(where)})`)}`;
        }),
      ].join('\n'),
    );
  }
  if (report.writes.length > 0) {
    sections.push(
      [
        paint('bold', `Writes (${String(report.writes.length)}): calls that may have changed data; restore it if needed`),
        ...report.writes.map((write) => `  ${printable(write.tool)}  ${paint('dim', `as ${printable(write.principal)}`)}  ${printable(oneLine(write.arguments))}`),
      ].join('\n'),
    );
  }
  const notes = report.notes.filter(isHarnessNote);
  if (notes.length > 0) sections.push([paint('bold', 'Notes'), ...notes.map((note) => `  ${note.tool === undefined ? '' : `${paint('dim', printable(note.tool))}: `}${printable(note.message)}`)].join('\n'));
  sections.push(summaryLine(verdict, paint));
  return sections.join('\n\n');
};

function styleOf(verdict: FuzzVerdict): 'green' | 'red' | 'yellow' {
  return verdict.level === 'pass' ? 'green' : verdict.level === 'fail' ? 'red' : 'yellow';
}

function headline(verdict: FuzzVerdict, paint: Paint): string {
  return [
    paint('bold', paint(styleOf(verdict), `${verdict.mark} mcify-audit fuzz: ${verdict.problems}`)),
    `  ${printable(verdict.scope)}`,
    `  checks: ${verdict.checks}`,
    ...verdict.lines.map((line) => `  ${paint('yellow', printable(line))}`),
  ].join('\n');
}

function findingBlock(report: FuzzReport, finding: FuzzReportFinding, paint: Paint): string {
  const who = finding.principal === null ? '' : `  ${printable(finding.principal)}${finding.victim === null ? '' : ` → ${printable(finding.victim)}`}`;
  const where = finding.file === undefined ? undefined : `${finding.file}:${String(finding.line ?? 1)}:${String(finding.column ?? 1)}`;
  return [
    `  ${paint(severityStyle[finding.severity], finding.severity.padEnd(7))}  ${paint('bold', finding.ruleId)}  ${printable(finding.tool ?? '(every tool)')}${who}${finding.confidence === 'high' ? '' : paint('dim', `  (${finding.confidence} confidence)`)}`,
    `    ${printable(finding.message)}`,
    `    ${paint('dim', 'evidence')}  ${printable(finding.evidence)}`,
    ...(finding.input === null ? [] : [`    ${paint('dim', 'input   ')}  ${printable(oneLine(finding.input))}`]),
    ...(where === undefined ? [] : [`    ${paint('dim', 'defined ')}  ${printable(where)}`]),
    `    ${paint('dim', 'replay  ')}  ${printable(replayLine(report, finding.reproduce))}`,
    `    ${paint('dim', 'curl    ')}  ${printable(finding.reproduce.curl)}`,
  ].join('\n');
}

function matrixSection(report: FuzzReport, paint: Paint): string {
  const matrix = coverageMatrix(report);
  if (matrix.rows.length === 0) return `${paint('bold', 'Matrix')}\n  no check ran`;
  const firstWidth = Math.max('tool'.length, ...matrix.rows.map((row) => printable(row.label).length));
  const widths = matrix.properties.map((property) => Math.max(property.length, ...Object.values(shortStatus).map((word) => word.length)));
  const header = `  ${'tool'.padEnd(firstWidth)}  ${matrix.properties.map((property, index) => property.padEnd(widths[index] ?? 0)).join('  ')}`.trimEnd();
  const rows = matrix.rows.map((row) => {
    const cells = row.cells.map((cell, index) => {
      const width = widths[index] ?? 0;
      if (cell === undefined) return paint('dim', '—'.padEnd(width));
      return paint(statusStyle[cell.status], shortStatus[cell.status].padEnd(width));
    });
    return `  ${printable(row.label).padEnd(firstWidth)}  ${cells.join('  ')}`.trimEnd();
  });
  return [paint('bold', `Matrix (${plural(report.fuzz.tools.length, 'tool')} × ${String(matrix.properties.length)} properties)`), paint('dim', header), ...rows].join('\n');
}

function summaryLine(verdict: FuzzVerdict, paint: Paint): string {
  const text = `${verdict.mark} ${verdict.problems}; ${verdict.checks}`;
  return verdict.level === 'pass' ? paint('green', text) : paint('bold', paint(styleOf(verdict), text));
}
