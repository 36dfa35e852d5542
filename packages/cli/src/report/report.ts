import { dirname, relative, resolve, sep } from 'node:path';
import type { AnalysisNote, AnalysisNoteCode, Dialect, DialectName, Finding, InventorySink, ToolInventoryEntry } from '@mcify-audit/analyzer';
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
  /** The key of the message template in the rule's `messages`: stable across releases and wording changes. */
  readonly messageId: string;
  /** The message: the template rendered with `data`. */
  readonly message: string;
  /** The template's placeholders' values (`field`, `tool`, `sink`, ...). */
  readonly data: Readonly<Record<string, string>>;
  /** Relative to the working directory, POSIX separators, no `./`. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** The MCP tool name, or null for config-level findings. */
  readonly tool: string | null;
  /** The input field path (`filter.userId`), for the input-field rules. */
  readonly field?: string;
  readonly flow: readonly ReportFlowStep[];
}

/** A data-access or upstream call of a tool's handler: the analyzer's shape, `file` relative to the working directory. */
export type ReportSink = InventorySink;

/** A tool (or resource, prompt) in the inventory: the analyzer's shape, paths relative to the working directory. */
export type ReportTool = ToolInventoryEntry;

/**
 * What kind of note a note is: the analyzer's codes (`no-tools`, `dialect`, `parse-error`,
 * `tsconfig-error`, ...) and the command line's own:
 * - `tsconfig-diagnostic`: what TypeScript says about a tsconfig that it could read (a deprecated option,
 *   an `extends` or `types` entry it cannot find, a reference without a tsconfig, no source files);
 * - `unresolved-import`: an import the program could not resolve;
 * - `load-failed`: the config `--load` names failed to load;
 * - `runtime-check`: what the runtime schema check of `--load` could not do or saw only at run time;
 * - `baseline`, `baseline-outdated`: what `--baseline` did, and that the baseline predates message ids.
 */
export type ReportNoteCode = AnalysisNoteCode | 'tsconfig-diagnostic' | 'unresolved-import' | 'load-failed' | 'runtime-check' | 'baseline' | 'baseline-outdated' | 'note';

/** Something the reader should know that is not a finding. */
export interface ReportNote {
  /** What kind of note it is: stable across releases, unlike the message. */
  readonly code: ReportNoteCode;
  readonly message: string;
  readonly file?: string;
  /** 1-based, where the note has a position in `file`. */
  readonly line?: number;
  /** 1-based, with `line`. */
  readonly column?: number;
}

/**
 * The mcify dialect the advice is written in, and why: the analysis's, or `mixed` when the projects of
 * one run were analysed in different dialects (their `dialect` notes say which and why).
 */
export interface ReportDialect {
  readonly name: DialectName | 'mixed';
  readonly reason: string;
}

/** The static report: the JSON format is exactly this (docs/report.schema.json). */
export interface Report {
  readonly version: 1;
  readonly tool: { readonly name: 'mcify-audit'; readonly version: string };
  readonly dialect: ReportDialect;
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
    messageId: finding.messageId,
    message: finding.message,
    data: finding.data,
    file: reportPath(location.file, cwd),
    line: location.line,
    column: location.column,
    endLine: location.endLine,
    endColumn: location.endColumn,
    tool: finding.tool,
    ...(finding.field === undefined ? {} : { field: finding.field }),
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

/**
 * Absolute paths below `cwd` in a sentence, relative as report paths are: the dialect's reason names
 * the `package.json` it read.
 */
function relativeTo(text: string, cwd: string): string {
  const root = resolve(cwd);
  // At the filesystem's root, absolute paths are as short as they get.
  if (dirname(root) === root) return text;
  return text.split(`${root}${sep}`).join('');
}

/** An analyzer (or project) note in the report's shape: paths relative to `cwd`, the position when it has one. */
export function reportNote(note: Omit<AnalysisNote, 'code'> & { readonly code?: ReportNoteCode | undefined }, cwd: string): ReportNote {
  const message = note.code === 'dialect' ? relativeTo(note.message, cwd) : note.message;
  return {
    code: note.code ?? 'note',
    message,
    ...(note.file === undefined ? {} : { file: reportPath(note.file, cwd) }),
    ...(note.file === undefined || note.line === undefined ? {} : { line: note.line, ...(note.column === undefined ? {} : { column: note.column }) }),
  };
}

/** An analysis's dialect in the report's shape. */
export function reportDialect(dialect: Dialect, cwd: string): ReportDialect {
  return { name: dialect.name, reason: relativeTo(dialect.reason, cwd) };
}

/**
 * The dialect of a run from those of its analyses (one per project): theirs when they agree, else
 * `mixed`. A run always analyses something: `createReport` is never called without a project.
 */
export function runDialect(dialects: readonly ReportDialect[]): ReportDialect {
  const names = [...new Set(dialects.map((dialect) => dialect.name))];
  const [first] = dialects;
  if (first === undefined) return { name: 'published', reason: 'nothing was analysed' };
  if (names.length === 1) return first;
  const count = (name: string) => dialects.filter((dialect) => dialect.name === name).length;
  return { name: 'mixed', reason: `${String(count('guide'))} of ${String(dialects.length)} projects are in the guide dialect and ${String(count('published'))} in the published one; the dialect notes say which and why` };
}

/** Orders findings by file, line, column and rule, so every format lists them the same way. */
export function compareFindings(a: ReportFinding, b: ReportFinding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId) || (a.tool ?? '').localeCompare(b.tool ?? '');
}

/** Assembles the report and its summary. */
export function createReport(parts: { version: string; dialect: ReportDialect; files: number; tools: readonly ReportTool[]; notes: readonly ReportNote[]; findings: readonly ReportFinding[] }): Report {
  const findings = [...parts.findings].sort(compareFindings);
  return {
    version: 1,
    tool: { name: 'mcify-audit', version: parts.version },
    dialect: parts.dialect,
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
