import type { CellStatus } from '@mcify-audit/harness';
import { htmlFindingGroups } from './format-html.js';
import { cellFindings, coverageMatrix } from './fuzz-matrix.js';
import { isHarnessFinding, isHarnessNote, replayLine, staticPartOf, type CoverageCell, type FuzzFormatter, type FuzzReport, type FuzzReportFinding } from './fuzz-report.js';
import { harnessRuleDocsUrl, harnessRuleOrder, harnessRules } from './fuzz-rules.js';
import { oneLine } from './fuzz-text.js';
import { fuzzVerdictOf } from './fuzz-verdict.js';
import { lineBreak, type Rich } from './html/markup.js';
import { renderPage, type HtmlFinding, type HtmlFindingGroup, type HtmlNote, type HtmlRow } from './html/page.js';
import { noteLocation } from './finding-view.js';
import { notesAfterInventory } from './inventory-summary.js';
import { plural } from './verdict.js';

/** How a matrix cell reads: a mark and words (so it reads without colour), and its colour. */
const cellLook: Readonly<Record<CellStatus, { readonly tone: 'yes' | 'no' | 'warn' | 'muted'; readonly text: string }>> = {
  held: { tone: 'yes', text: '✔ held' },
  failed: { tone: 'no', text: '✖ failed' },
  'not-exercised': { tone: 'warn', text: '⚠ not tested: not exercised' },
  'not-applicable': { tone: 'muted', text: '– not tested: not applicable' },
};

/**
 * The fuzz report as the shared HTML page (`html/page.ts`): the verdict and counts, the findings by
 * rule (tool, principal → victim, evidence; the input, replay and curl lines folded under each), then
 * the tools × properties matrix, each cell held, failed or not tested told apart in colour and in
 * words (with the reason), a failed cell linking to its finding; then the writes and notes. A joined
 * report's static findings come first, grouped by rule as in the static page.
 */
export const formatFuzzHtml: FuzzFormatter = (report, context) => {
  const verdict = fuzzVerdictOf(report);
  const statics = staticPartOf(report);
  const harness = report.findings.filter(isHarnessFinding);
  const ids = new Map(harness.map((finding, index) => [finding, `fuzz-finding-${String(index + 1)}`]));
  const groups: HtmlFindingGroup[] = statics === undefined ? [] : htmlFindingGroups(statics, context).groups;
  for (const ruleId of harnessRuleOrder) {
    const group = harness.filter((finding) => finding.ruleId === ruleId);
    if (group.length === 0) continue;
    const rule = harnessRules[ruleId];
    groups.push({ title: ruleId, href: harnessRuleDocsUrl(ruleId), counts: plural(group.length, rule.severity), description: rule.description, findings: group.map((finding) => htmlFinding(report, finding, ids.get(finding) ?? '')) });
  }
  const matrix = coverageMatrix(report);
  const rows: HtmlRow[] = matrix.rows.map((row) => ({
    flagged: row.cells.some((cell) => cell?.status === 'failed'),
    cells: [{ code: row.label }, ...row.cells.map((cell) => (cell === undefined ? ({ tone: 'muted', content: '—' } as const) : matrixCell(cell, harness, ids)))],
  }));
  const notes: HtmlNote[] = [
    ...(statics === undefined ? [] : notesAfterInventory(statics).map((note) => ({ ...(noteLocation(note) === undefined ? {} : { location: noteLocation(note) ?? '' }), message: note.message }))),
    ...report.notes.filter(isHarnessNote).map((note) => ({ ...(note.tool === undefined ? {} : { location: note.tool }), message: note.message })),
    ...report.writes.map((write) => ({ location: write.tool, message: `Write made as ${write.principal} (restore the data if needed): ${oneLine(write.arguments)}` })),
  ];
  return renderPage({
    title: `mcify-audit fuzz: ${verdict.problems}`,
    verdict: {
      level: verdict.level,
      headline: `${verdict.mark} ${verdict.problems}`,
      lines: [`${verdict.scope}.`, `Checks: ${verdict.checks}.`, ...verdict.lines],
      counts: [
        { label: 'errors', value: report.summary.errors },
        { label: 'warnings', value: report.summary.warnings },
        { label: 'checks held', value: report.summary.held },
        { label: 'checks failed', value: report.summary.failed },
        { label: 'checks not exercised', value: report.summary.notExercised },
        { label: 'checks not applicable', value: report.summary.notApplicable },
        { label: 'requests', value: report.fuzz.requests },
      ],
    },
    groups,
    table: {
      heading: 'Matrix',
      rowNoun: 'tool',
      columns: [{ label: 'tool' }, ...matrix.properties.map((property) => ({ label: property }))],
      rows,
      empty: 'No check ran: the server listed no tool.',
    },
    notes,
  });
};

function htmlFinding(report: FuzzReport, finding: FuzzReportFinding, id: string): HtmlFinding {
  const who: Rich[] = finding.principal === null ? [] : [`${finding.principal}${finding.victim === null ? '' : ` → ${finding.victim}`}`];
  return {
    id,
    severity: finding.severity,
    ...(finding.file === undefined ? {} : { location: `${finding.file}:${String(finding.line ?? 1)}:${String(finding.column ?? 1)}` }),
    about: [['tool ', { code: finding.tool ?? 'every tool' }], ...who, ...(finding.confidence === 'high' ? [] : [`${finding.confidence} confidence`])],
    message: `${finding.message} Evidence: ${finding.evidence}`,
    steps: {
      summary: 'Input and replay',
      items: [
        ...(finding.input === null ? [] : [{ role: 'input', text: oneLine(finding.input) }]),
        { role: 'replay', text: replayLine(report, finding.reproduce) },
        { role: 'curl', text: finding.reproduce.curl },
      ],
    },
    data: { rule: finding.ruleId, 'message-id': finding.messageId, tool: finding.tool ?? '', principal: finding.principal ?? '', victim: finding.victim ?? '', path: finding.reproduce.path },
  };
}

function matrixCell(cell: CoverageCell, findings: readonly FuzzReportFinding[], ids: ReadonlyMap<FuzzReportFinding, string>): Rich {
  const look = cellLook[cell.status];
  if (cell.status === 'failed') {
    const [finding] = cellFindings(cell, findings);
    const mark = { tone: look.tone, content: look.text } as const;
    return finding === undefined ? mark : { href: `#${ids.get(finding) ?? ''}`, content: mark };
  }
  if (cell.status === 'held') return { tone: look.tone, content: `${look.text} (${plural(cell.cases, 'case')})` };
  return [{ tone: look.tone, content: look.text }, ...(cell.reason === undefined ? [] : [lineBreak, { tone: 'muted' as const, content: cell.reason }])];
}
