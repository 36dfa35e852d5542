import { code, commentSize, markdownCommentBudget, markdownFormatter, md, mdLine, table } from './format-markdown.js';
import { cellReasons, coverageMatrix } from './fuzz-matrix.js';
import { isHarnessFinding, isHarnessNote, replayLine, staticPartOf, type FuzzFormatter, type FuzzReport, type FuzzReportFinding } from './fuzz-report.js';
import { harnessRuleDocsUrl, harnessRuleOrder, harnessRules } from './fuzz-rules.js';
import { oneLine } from './fuzz-text.js';
import { fuzzVerdictOf } from './fuzz-verdict.js';
import { plural } from './verdict.js';

const verdictIcon = { pass: '✅', fail: '❌', warn: '⚠️' } as const;

/** A cell in Markdown: an icon and the word, so it reads without colour (and without the icon). */
const statusCell = { held: '✅ held', failed: '❌ **failed**', 'not-exercised': '⚠️ not exercised', 'not-applicable': '➖ n/a' } as const;

/** How much a cut comment leaves out, from nothing (0) to the most (3). */
type Cut = 0 | 1 | 2 | 3;

/** Rows per rule a cut comment keeps (level 2 and above). */
const rowsWhenCut = 10;

/**
 * The fuzz report as GitHub-flavoured Markdown, within `markdownCommentBudget` like the static format:
 * the verdict, the findings by rule (tool, principal → victim, evidence, and the replay and curl lines
 * folded under each), the tools × properties matrix (held, failed, not exercised and not applicable
 * told apart in words), the reasons of what was not tested, the writes and the notes. A joined report
 * starts with the static Markdown report (in half the budget). A report too big for a comment leaves
 * out, in this order, the replay details and the writes, then all but the first rows of each rule and
 * the cell lists of the reasons, then the matrix, and says so. Every string from the report is escaped
 * as the static format escapes it. No trailing newline.
 */
export const formatFuzzMarkdown: FuzzFormatter = (report, context) => {
  const statics = staticPartOf(report);
  const head = statics === undefined ? '' : `${markdownFormatter(Math.floor(markdownCommentBudget / 2))(statics, context)}\n\n`;
  for (const cut of [0, 1, 2, 3] as const) {
    const text = `${head}${fuzzMarkdown(report, cut)}`;
    if (cut === 3 || commentSize(text) <= markdownCommentBudget) return text;
  }
  return head;
};

function fuzzMarkdown(report: FuzzReport, cut: Cut): string {
  const verdict = fuzzVerdictOf(report);
  const parts: string[] = [];
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
      const shown = cut >= 2 ? group.slice(0, rowsWhenCut) : group;
      parts.push(
        `#### [${md(ruleId)}](${harnessRuleDocsUrl(ruleId)}): ${plural(group.length, rule.severity)}${shown.length < group.length ? ` (${String(shown.length)} shown)` : ''}`,
        mdLine(rule.description),
        table(
          ['severity', 'tool', 'principal → victim', 'message', 'evidence'],
          shown.map((finding) => [finding.severity, finding.tool === null ? 'every tool' : code(finding.tool), who(finding), md(finding.message), md(finding.evidence)]),
        ),
        ...(cut >= 1 ? [] : group.map((finding) => replayDetails(report, finding))),
      );
    }
  }
  if (cut < 3) parts.push('### Matrix', matrixTable(report));
  const reasons = cellReasons(report);
  if (reasons.length > 0) {
    const where = (group: (typeof reasons)[number]) => (cut >= 2 ? plural(group.cells.length, 'cell') : group.cells.map((cell) => `${code(cell.tool ?? '(server)')} ${md(cell.property)}`).join(', '));
    parts.push('### Not tested', reasons.map((group) => `- ${group.status === 'not-exercised' ? '⚠️ **not exercised**' : '➖ not applicable'}: ${md(group.reason)} (${where(group)})`).join('\n'));
  }
  if (report.writes.length > 0 && cut === 0) {
    const rows = report.writes.map((write) => [code(write.tool), md(write.principal), code(oneLine(write.arguments))]);
    parts.push(`<details><summary>${plural(report.writes.length, 'write')}: calls that may have changed data</summary>\n\n${table(['tool', 'principal', 'arguments'], rows)}\n\n</details>`);
  }
  const notes = report.notes.filter(isHarnessNote);
  if (notes.length > 0) parts.push('### Notes of the fuzz', notes.map((note) => `- ${note.tool === undefined ? '' : `${code(note.tool)}: `}${md(note.message)}`).join('\n'));
  if (cut > 0) {
    const left = ['the replay and curl lines', report.writes.length > 0 ? `the ${plural(report.writes.length, 'write')}` : '', cut >= 2 ? `all but ${String(rowsWhenCut)} findings of each rule` : '', cut >= 3 ? 'the matrix' : ''].filter(Boolean);
    parts.push(`> [!WARNING]\n> Left out to fit a GitHub comment: ${left.join(', ')}. For the complete report, run mcify-audit fuzz with \`--format html\`, \`--format sarif\` or \`--format json --output FILE\`.`);
  }
  return parts.join('\n\n');
}

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
