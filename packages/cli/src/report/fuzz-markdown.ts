import { code, formatMarkdown, md, mdLine, table } from './format-markdown.js';
import { cellReasons, coverageMatrix } from './fuzz-matrix.js';
import { isHarnessFinding, isHarnessNote, replayLine, staticPartOf, type FuzzFormatter, type FuzzReport, type FuzzReportFinding } from './fuzz-report.js';
import { harnessRuleDocsUrl, harnessRuleOrder, harnessRules } from './fuzz-rules.js';
import { oneLine } from './fuzz-text.js';
import { fuzzVerdictOf } from './fuzz-verdict.js';
import { plural } from './verdict.js';

const verdictIcon = { pass: '✅', fail: '❌', warn: '⚠️' } as const;

/** A cell in Markdown: an icon and the word, so it reads without colour (and without the icon). */
const statusCell = { held: '✅ held', failed: '❌ **failed**', 'not-exercised': '⚠️ not exercised', 'not-applicable': '➖ n/a' } as const;

/**
 * The fuzz report as GitHub-flavoured Markdown: the verdict, the findings by rule (tool, principal →
 * victim, evidence, and the replay and curl lines folded under each), the tools × properties matrix
 * (held, failed, not exercised and not applicable told apart in words), the reasons of what was not
 * tested, the writes and the notes. A joined report starts with the static Markdown report. Every
 * string from the report is escaped as the static format escapes it. No trailing newline.
 */
export const formatFuzzMarkdown: FuzzFormatter = (report, context) => {
  const verdict = fuzzVerdictOf(report);
  const parts: string[] = [];
  const statics = staticPartOf(report);
  if (statics !== undefined) parts.push(formatMarkdown(statics, context));
  parts.push(
    `## ${verdictIcon[verdict.level]} mcify-audit fuzz: ${md(verdict.problems)}`,
    `${md(verdict.scope)}.`,
    ...verdict.lines.map((line) => `> [!WARNING]\n> ${md(line)}`),
    table(
      ['', 'count'],
      [
        ['errors', String(report.summary.errors)],
        ['warnings', String(report.summary.warnings)],
        ['checks held', String(report.summary.held)],
        ['checks failed', String(report.summary.failed)],
        ['checks not exercised', String(report.summary.notExercised)],
        ['checks not applicable', String(report.summary.notApplicable)],
        ['requests', String(report.fuzz.requests)],
      ],
    ),
  );
  const findings = report.findings.filter(isHarnessFinding);
  if (findings.length > 0) {
    parts.push('### Findings of the fuzz');
    for (const ruleId of harnessRuleOrder) {
      const group = findings.filter((finding) => finding.ruleId === ruleId);
      if (group.length === 0) continue;
      const rule = harnessRules[ruleId];
      parts.push(
        `#### [${md(ruleId)}](${harnessRuleDocsUrl(ruleId)}): ${plural(group.length, rule.severity)}`,
        mdLine(rule.description),
        table(
          ['severity', 'tool', 'principal → victim', 'message', 'evidence'],
          group.map((finding) => [finding.severity, finding.tool === null ? 'every tool' : code(finding.tool), who(finding), md(finding.message), md(finding.evidence)]),
        ),
        ...group.map((finding) => replayDetails(report, finding)),
      );
    }
  }
  parts.push('### Matrix', matrixTable(report));
  const reasons = cellReasons(report);
  if (reasons.length > 0) {
    parts.push('### Not tested', reasons.map((group) => `- ${group.status === 'not-exercised' ? '⚠️ **not exercised**' : '➖ not applicable'}: ${md(group.reason)} (${group.cells.map((cell) => `${code(cell.tool ?? '(server)')} ${md(cell.property)}`).join(', ')})`).join('\n'));
  }
  if (report.writes.length > 0) {
    const rows = report.writes.map((write) => [code(write.tool), md(write.principal), code(oneLine(write.arguments))]);
    parts.push(`<details><summary>${plural(report.writes.length, 'write')}: calls that may have changed data</summary>\n\n${table(['tool', 'principal', 'arguments'], rows)}\n\n</details>`);
  }
  const notes = report.notes.filter(isHarnessNote);
  if (notes.length > 0) parts.push('### Notes of the fuzz', notes.map((note) => `- ${note.tool === undefined ? '' : `${code(note.tool)}: `}${md(note.message)}`).join('\n'));
  return parts.join('\n\n');
};

function who(finding: FuzzReportFinding): string {
  if (finding.principal === null) return '—';
  return `${md(finding.principal)}${finding.victim === null ? '' : ` → ${md(finding.victim)}`}`;
}

function replayDetails(report: FuzzReport, finding: FuzzReportFinding): string {
  const lines = [
    `- replay: ${code(replayLine(report, finding.reproduce))}`,
    `- curl: ${code(finding.reproduce.curl)}`,
    ...(finding.input === null ? [] : [`- input: ${code(oneLine(finding.input))}`]),
    ...(finding.file === undefined ? [] : [`- defined at ${code(`${finding.file}:${String(finding.line ?? 1)}`)}`]),
  ];
  return `<details><summary>Replay ${md(finding.ruleId)} on ${md(finding.tool ?? 'every tool')}</summary>\n\n${lines.join('\n')}\n\n</details>`;
}

function matrixTable(report: FuzzReport): string {
  const matrix = coverageMatrix(report);
  if (matrix.rows.length === 0) return 'No check ran.';
  return table(
    ['tool', ...matrix.properties],
    matrix.rows.map((row) => [code(row.label), ...row.cells.map((cell) => (cell === undefined ? '—' : statusCell[cell.status]))]),
  );
}
