/**
 * The static report and the fuzz report of one server, joined: one report whose static findings the
 * fuzz reproduced carry `confirmed: true` and the dynamic finding's `reproduce`. Findings are joined
 * only when the fuzz knew the source, by the tool's file, the line of its `defineTool` and its MCP
 * name, and only along the rule mapping below: a static finding on another tool is never confirmed.
 */
import type { HarnessRuleId } from '@mcify-audit/harness';
import type { RuleId } from '@mcify-audit/analyzer';
import { cellCounts, compareAnyFindings, isHarnessFinding, type ConfirmedFinding, type FuzzReport, type FuzzReportFinding } from './fuzz-report.js';
import type { Report, ReportTool } from './report.js';

/** Which harness rules reproduce which static rule. */
export const confirmingRules: Readonly<Partial<Record<RuleId, readonly HarnessRuleId[]>>> = {
  'mcify/scoped-queries': ['harness/cross-tenant-read', 'harness/cross-tenant-write'],
  'mcify/no-untrusted-identity': ['harness/cross-tenant-read', 'harness/cross-tenant-write'],
  'mcify/no-identity-in-input': ['harness/cross-tenant-read', 'harness/cross-tenant-write'],
  'mcify/require-scope-check': ['harness/scope-not-enforced'],
  // Config-level: confirmed by a forged token the server accepted on every tool (`tool: null`).
  'mcify/token-lifetime': ['harness/forged-token-accepted'],
  'mcify/no-auth-none': ['harness/forged-token-accepted'],
};

/** The join key of a tool: its file, the line of its `defineTool`, and its MCP name. */
function toolKey(file: string, line: number, name: string): string {
  return JSON.stringify([file, line, name]);
}

/**
 * The inventory entry a static finding belongs to: the tool of its name in its file defined last at
 * or before its line (findings are reported in the file of their `defineTool`), as the formats do.
 */
function ownerOf(finding: ConfirmedFinding, tools: readonly ReportTool[]): ReportTool | undefined {
  if (finding.tool === null) return undefined;
  const candidates = tools.filter((tool) => tool.name === finding.tool && tool.file === finding.file);
  return candidates.reduce<ReportTool | undefined>((best, tool) => (tool.line <= finding.line && (best === undefined || tool.line > best.line) ? tool : best), undefined) ?? candidates[0];
}

/** The dynamic findings that confirm a static one, best first (a replay-confirmed finding before the others). */
function confirmationsOf(finding: ConfirmedFinding, staticReport: Report, dynamic: readonly FuzzReportFinding[], fuzz: FuzzReport): FuzzReportFinding[] {
  const rules = confirmingRules[finding.ruleId];
  if (rules === undefined) return [];
  const candidates = dynamic.filter((candidate) => rules.includes(candidate.ruleId));
  let matches: FuzzReportFinding[];
  if (finding.tool === null) {
    matches = candidates.filter((candidate) => candidate.tool === null);
  } else {
    const owner = ownerOf(finding, staticReport.tools);
    if (owner === undefined || owner.name === null) return [];
    const key = toolKey(owner.file, owner.line, owner.name);
    // The fuzz's tool is located at its defineTool; the inventory's line is the same definition's.
    const fuzzTool = fuzz.fuzz.tools.find((tool) => tool.file !== undefined && tool.line !== undefined && toolKey(tool.file, tool.line, tool.name) === key);
    // A definition found at another line (a decorator, a wrapped call) still joins when its file holds one tool of that name.
    const sameFile = fuzz.fuzz.tools.filter((tool) => tool.name === owner.name && tool.file === owner.file);
    const joined = fuzzTool ?? (sameFile.length === 1 && staticReport.tools.filter((tool) => tool.name === owner.name && tool.file === owner.file).length === 1 ? sameFile[0] : undefined);
    if (joined === undefined) return [];
    matches = candidates.filter((candidate) => candidate.tool === joined.name && candidate.file === joined.file);
  }
  return matches.sort((a, b) => (a.confidence === b.confidence ? 0 : a.confidence === 'high' ? -1 : 1));
}

/**
 * Joins a static report and a fuzz report of the same server (both with paths relative to the same
 * working directory). The result is a report of both: the static envelope (dialect, inventory, notes)
 * and findings, the fuzz's findings after them, the fuzz's `coverage`, `writes` and `fuzz`, and the
 * summary counting every finding. A static finding the fuzz reproduced on the same tool (per
 * `confirmingRules`) gets `confirmed: true` and a copy of the dynamic finding's `reproduce`.
 *
 * @example
 * ```ts
 * const joined = joinReports(staticReport, fuzzReport);
 * const confirmed = joined.findings.filter((finding) => 'confirmed' in finding && finding.confirmed === true);
 * ```
 */
export function joinReports(staticReport: Report, fuzz: FuzzReport): FuzzReport {
  const dynamic = fuzz.findings.filter(isHarnessFinding);
  const statics: ConfirmedFinding[] = staticReport.findings.map((finding) => {
    const [best] = confirmationsOf(finding, staticReport, dynamic, fuzz);
    return best === undefined ? finding : { ...finding, confirmed: true as const, reproduce: { ...best.reproduce } };
  });
  const findings = [...statics, ...dynamic].sort(compareAnyFindings);
  return {
    version: 1,
    tool: staticReport.tool,
    dialect: staticReport.dialect,
    summary: {
      files: staticReport.summary.files,
      tools: staticReport.summary.tools,
      errors: findings.filter((finding) => finding.severity === 'error').length,
      warnings: findings.filter((finding) => finding.severity === 'warning').length,
      ...cellCounts(fuzz.coverage),
    },
    tools: staticReport.tools,
    notes: [...staticReport.notes, ...fuzz.notes],
    findings,
    coverage: fuzz.coverage,
    writes: fuzz.writes,
    fuzz: fuzz.fuzz,
  };
}

/** The static findings of a joined report the fuzz confirmed. */
export function confirmedFindings(report: FuzzReport): ConfirmedFinding[] {
  return report.findings.filter((finding): finding is ConfirmedFinding => !isHarnessFinding(finding) && finding.confirmed === true);
}
