import { ruleDocsUrl } from '@mcify-audit/analyzer';
import { codeFrame, sourceLines } from './code-frame.js';
import { findingsByRule, flowPath, noteLocation, positionOf } from './finding-view.js';
import { codeList, lineBreak, type Rich } from './html/markup.js';
import { renderPage, type HtmlFinding, type HtmlFindingGroup, type HtmlRow, type HtmlVerdict } from './html/page.js';
import { dataAccessSummary, inventoryColumns, noToolsMessage, notesAfterInventory, overviewCounts, summarizeTools, type ToolSummary } from './inventory-summary.js';
import type { FormatContext, Formatter, Report, ReportFinding } from './report.js';
import { plural, verdictLevel, verdictMark, verdictOf, type Verdict } from './verdict.js';

/**
 * The static report as the shared HTML page (see `html/page.ts`): the verdict and overview counts, a
 * table of contents, the findings grouped by rule with a code frame of each (read through
 * `context.sourceOf`; none when unreadable) and their source→sink flows, the tool inventory (tools with
 * findings first), then the notes. Self-contained: no script, nothing loaded from elsewhere.
 *
 * @example
 * ```ts
 * await writeFile('mcify-audit.html', formatHtml(report, { cwd, sourceOf, color: false }));
 * ```
 */
export const formatHtml: Formatter = (report, context) => {
  const verdict = verdictOf(report);
  const tools = summarizeTools(report);
  const { groups, ids } = htmlFindingGroups(report, context);
  return renderPage({
    title: `mcify-audit: ${verdict.problems}`,
    verdict: htmlVerdict(report, verdict, tools),
    groups,
    table: {
      heading: 'Tools',
      rowNoun: 'tool',
      columns: inventoryColumns.map((label) => ({ label, numeric: label === 'findings' })),
      rows: tools.map((summary) => toolRow(summary, ids)),
      empty: noToolsMessage,
    },
    notes: notesAfterInventory(report).map((note) => {
      const location = noteLocation(note);
      return { ...(location === undefined ? {} : { location }), message: note.message };
    }),
  });
};

/**
 * The static findings as the page's groups (by rule, each finding with its code frame and flow), and
 * each finding's element id (`finding-N`, in report order) for links to it. `first` numbers the ids
 * from there, so another part of a page (a joined report's fuzz findings) can follow them.
 */
export function htmlFindingGroups(report: Pick<Report, 'findings'>, context: FormatContext, first = 1): { groups: HtmlFindingGroup[]; ids: Map<ReportFinding, string> } {
  const linesOf = sourceLines(context);
  // Ids in report order, so a tool row can link to its first finding.
  const ids = new Map(report.findings.map((finding, index) => [finding, `finding-${String(index + first)}`]));
  const findingOf = (finding: ReportFinding): HtmlFinding => {
    const lines = linesOf(finding.file);
    const frame = lines === undefined ? undefined : codeFrame(lines, finding);
    const path = flowPath(finding);
    return {
      id: ids.get(finding) ?? '',
      severity: finding.severity,
      location: positionOf(finding),
      about: [...(finding.tool === null ? [] : [['tool ', { code: finding.tool }] as Rich]), ...(finding.confidence === 'high' ? [] : [`${finding.confidence} confidence`])],
      message: finding.message,
      ...(frame === undefined ? {} : { frame }),
      steps: { summary: `Source → sink flow (${plural(path.length, 'step')})`, items: path.map((step) => ({ role: step.role, location: positionOf(step), text: step.message })) },
      data: { rule: finding.ruleId, 'message-id': finding.messageId, file: finding.file, line: String(finding.line), column: String(finding.column), tool: finding.tool ?? '', ...(finding.field === undefined ? {} : { field: finding.field }) },
    };
  };
  const groups = findingsByRule(report.findings).map((group) => ({
    title: group.rule.id,
    href: ruleDocsUrl(group.rule.id),
    counts: group.counts,
    description: group.rule.description,
    findings: group.findings.map(findingOf),
  }));
  return { groups, ids };
}

/**
 * The shared verdict (`verdictOf`) as the page's opening: its mark and problems as the headline, and
 * every other sentence the verdict has (what was analysed, what was only partly analysed, the dialect:
 * whatever it says) as a paragraph under it.
 */
function htmlVerdict(report: Report, verdict: Verdict, tools: readonly ToolSummary[]): HtmlVerdict {
  const others = Object.entries(verdict).flatMap(([key, value]) => (key !== 'problems' && key !== 'scope' && typeof value === 'string' && value !== '' ? [value] : []));
  return {
    level: verdictLevel(verdict),
    headline: `${verdictMark(verdict)} ${verdict.problems}`,
    lines: [`${verdict.scope} analysed by mcify-audit ${report.tool.version}.`, ...others],
    counts: overviewCounts(report, tools),
  };
}

function toolRow(summary: ToolSummary, ids: ReadonlyMap<ReportFinding, string>): HtmlRow {
  const { tool } = summary;
  const first = summary.findings[0];
  const count = String(summary.findings.length);
  return {
    flagged: summary.findings.length > 0,
    cells: [
      [{ code: summary.label }, ...(tool.kind === 'tool' ? [] : [' ', { tone: 'muted', content: `(${tool.kind})` } as const])],
      { code: summary.location },
      tool.requiresAuth ? { tone: 'yes', content: '✔ requireAuth' } : { tone: 'no', content: '✖ none' },
      codeList(tool.scopeGates, lineBreak),
      codeList(tool.identityFields, ', '),
      codeList(tool.credentialFields, ', '),
      summary.unscopedSinks.length > 0 ? { tone: 'no', content: dataAccessSummary(summary) } : dataAccessSummary(summary),
      first === undefined ? count : { href: `#${ids.get(first) ?? ''}`, content: count },
    ],
  };
}
