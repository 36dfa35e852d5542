import { noToolsMessage } from '@mcify-audit/analyzer';
import type { Report, ReportFinding, ReportNote, ReportSink, ReportTool } from './report.js';

/** What every format says when the analysed files define no tool, resource or prompt (the analyzer's note). */
export { noToolsMessage };

/**
 * The notes a format lists after the inventory: all but the no-tools note, which the inventory section
 * already says, and the dialect note, which the verdict says (`verdictOf(report).dialect`), unless the
 * projects of the run differ in dialect and each note says which is whose.
 */
export function notesAfterInventory(report: Report): readonly ReportNote[] {
  return report.notes.filter((note) => note.code !== 'no-tools' && (note.code !== 'dialect' || report.dialect.name === 'mixed'));
}

/** The inventory table's columns, in order, for the formats that draw one. */
export const inventoryColumns = ['tool', 'file:line', 'auth', 'scope gate', 'identity fields', 'credential fields', 'data access', 'findings'] as const;

/** A tool of the inventory with what the formats show next to it. */
export interface ToolSummary {
  readonly tool: ReportTool;
  /** The tool's name, or `(unnamed resource)` and the like. */
  readonly label: string;
  /** `file:line` of its definition. */
  readonly location: string;
  readonly scopedSinks: readonly ReportSink[];
  readonly unscopedSinks: readonly ReportSink[];
  /** The findings reported against this tool. */
  readonly findings: readonly ReportFinding[];
}

/** A tool's name as formats show it: unnamed tools (a name computed at run time) still get a label. */
export function toolLabel(tool: Pick<ReportTool, 'name' | 'kind'>): string {
  return tool.name ?? `(unnamed ${tool.kind})`;
}

/**
 * Every tool of the report, in report order, with its data-access calls split by scoping and the
 * findings reported against it.
 *
 * A finding names its tool only by name, and names repeat across files (and, rarely, within one), so a
 * finding goes to the tool of the same name in the same file (findings are reported in the file of their
 * `defineTool`) that is defined last at or before the finding's line.
 */
export function summarizeTools(report: Report): ToolSummary[] {
  const byKey = new Map<string, ReportTool[]>();
  for (const tool of report.tools) {
    if (tool.name === null) continue;
    const key = `${tool.file}\0${tool.name}`;
    const tools = byKey.get(key) ?? [];
    tools.push(tool);
    byKey.set(key, tools);
  }
  const findingsOf = new Map<ReportTool, ReportFinding[]>();
  for (const finding of report.findings) {
    if (finding.tool === null) continue;
    const candidates = byKey.get(`${finding.file}\0${finding.tool}`) ?? [];
    const owner = candidates.reduce<ReportTool | undefined>((best, tool) => (tool.line <= finding.line && (best === undefined || tool.line > best.line) ? tool : best), undefined) ?? candidates[0];
    if (owner === undefined) continue;
    const list = findingsOf.get(owner) ?? [];
    list.push(finding);
    findingsOf.set(owner, list);
  }
  return report.tools.map((tool) => ({
    tool,
    label: toolLabel(tool),
    location: `${tool.file}:${tool.line}`,
    scopedSinks: tool.sinks.filter((sink) => sink.scoped),
    unscopedSinks: tool.sinks.filter((sink) => !sink.scoped),
    findings: findingsOf.get(tool) ?? [],
  }));
}

/**
 * How much of a tool's data access the validated token constrains, in words: `2 of 3 scoped`, or
 * `none` for a tool without data-access or upstream calls.
 */
export function dataAccessSummary(summary: Pick<ToolSummary, 'scopedSinks' | 'unscopedSinks'>): string {
  const total = summary.scopedSinks.length + summary.unscopedSinks.length;
  return total === 0 ? 'none' : `${summary.scopedSinks.length} of ${total} scoped`;
}

/** The counts a report's overview table shows (markdown and HTML), as label and value. */
export function overviewCounts(report: Report, tools: readonly ToolSummary[]): { readonly label: string; readonly value: number }[] {
  return [
    { label: 'errors', value: report.summary.errors },
    { label: 'warnings', value: report.summary.warnings },
    { label: 'files analysed', value: report.summary.files },
    { label: 'tools', value: report.summary.tools },
    { label: 'tools without requireAuth', value: tools.filter((summary) => !summary.tool.requiresAuth).length },
    { label: 'tools with unscoped data access', value: tools.filter((summary) => summary.unscopedSinks.length > 0).length },
  ];
}
