import { relative, sep } from 'node:path';
import type { AnalysisNote, Finding, InventorySink, ToolInventoryEntry } from '@mcify-audit/analyzer';
import type { Confidence, RuleId, Severity } from '@mcify-audit/analyzer';

/** One step of a finding's source→sink path. */
export interface ReportFlowStep {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** A finding as the JSON report carries it (the CLI contract's shape). */
export interface ReportFinding {
  readonly ruleId: RuleId;
  readonly severity: Severity;
  readonly confidence: Confidence;
  readonly message: string;
  /** Relative to the working directory, POSIX separators, no `./`. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** The MCP tool name, or null for config-level findings. */
  readonly tool: string | null;
  readonly flow: readonly ReportFlowStep[];
}

/** A data-access or upstream call of a tool's handler: the analyzer's shape, `file` relative to the working directory. */
export type ReportSink = InventorySink;

/** A tool (or resource, prompt) in the inventory: the analyzer's shape, paths relative to the working directory. */
export type ReportTool = ToolInventoryEntry;

/** Something the reader should know that is not a finding. */
export interface ReportNote {
  readonly message: string;
  readonly file?: string;
}

/** The static report: the JSON format is exactly this (docs/report.schema.json). */
export interface Report {
  readonly version: 1;
  readonly tool: { readonly name: 'mcify-audit'; readonly version: string };
  readonly summary: { readonly files: number; readonly tools: number; readonly errors: number; readonly warnings: number };
  readonly tools: readonly ReportTool[];
  readonly notes: readonly ReportNote[];
  readonly findings: readonly ReportFinding[];
}

/** What formatters may use besides the report. */
export interface FormatContext {
  /** The working directory: report paths are relative to it. */
  readonly cwd: string;
  /** The text of a report file (path as in the report), or undefined when it cannot be read. */
  readonly sourceOf: (file: string) => string | undefined;
  /** Whether the output is a terminal that shows colour (text format only). */
  readonly color: boolean;
}

/** Turns a report into the text of one format. */
export type Formatter = (report: Report, context: FormatContext) => string;

/** A path as reports show it: relative to `cwd`, POSIX separators, without `./`. */
export function reportPath(file: string, cwd: string): string {
  const path = relative(cwd, file).split(sep).join('/');
  return path === '' ? '.' : path;
}

/** An analyzer finding in the report's shape. */
export function reportFinding(finding: Finding, cwd: string): ReportFinding {
  const { location } = finding;
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    confidence: finding.confidence,
    message: finding.message,
    file: reportPath(location.file, cwd),
    line: location.line,
    column: location.column,
    endLine: location.endLine,
    endColumn: location.endColumn,
    tool: finding.tool,
    flow: finding.flow.map((step) => ({ file: reportPath(step.file, cwd), line: step.line, column: step.column, message: step.message })),
  };
}

/** An analyzer inventory entry in the report's shape. */
export function reportTool(entry: ToolInventoryEntry, cwd: string): ReportTool {
  return {
    name: entry.name,
    kind: entry.kind,
    file: reportPath(entry.file, cwd),
    line: entry.line,
    requiresAuth: entry.requiresAuth,
    scopeGates: entry.scopeGates,
    inputFields: entry.inputFields,
    identityFields: entry.identityFields,
    credentialFields: entry.credentialFields,
    sinks: entry.sinks.map((sink) => ({ ...sink, file: reportPath(sink.file, cwd) })),
  };
}

/** An analyzer note in the report's shape. */
export function reportNote(note: AnalysisNote, cwd: string): ReportNote {
  return note.file === undefined ? { message: note.message } : { message: note.message, file: reportPath(note.file, cwd) };
}

/** Orders findings by file, line, column and rule, so every format lists them the same way. */
export function compareFindings(a: ReportFinding, b: ReportFinding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId) || (a.tool ?? '').localeCompare(b.tool ?? '');
}

/** Assembles the report and its summary. */
export function createReport(parts: { version: string; files: number; tools: readonly ReportTool[]; notes: readonly ReportNote[]; findings: readonly ReportFinding[] }): Report {
  const findings = [...parts.findings].sort(compareFindings);
  return {
    version: 1,
    tool: { name: 'mcify-audit', version: parts.version },
    summary: {
      files: parts.files,
      tools: parts.tools.length,
      errors: findings.filter((finding) => finding.severity === 'error').length,
      warnings: findings.filter((finding) => finding.severity === 'warning').length,
    },
    tools: [...parts.tools].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || (a.name ?? '').localeCompare(b.name ?? '')),
    notes: parts.notes,
    findings,
  };
}
