import { dirname, resolve } from 'node:path';
import ts from 'typescript';
import type { ConfigCheck, DraftFinding, ToolCheck } from './checks/check.js';
import { noAuthNone, tokenLifetime } from './checks/config-rules.js';
import { inputFieldFindings, noCredentialInInput, noIdentityInInput } from './checks/input-fields.js';
import { noPiiInLogs } from './checks/no-pii-in-logs.js';
import { noSecretInLogs } from './checks/no-secret-in-logs.js';
import { noUntrustedIdentity } from './checks/no-untrusted-identity.js';
import { scopedQueries } from './checks/scoped-queries.js';
import { requireAuthCheck, requireScopeCheck, scopeGatesOf } from './checks/tool-gates.js';
import { decideDialect, dialectNoteMessage, type Dialect, type DialectName } from './dialect.js';
import { lineColumn } from './discovery/ast.js';
import { Discovery } from './discovery/discover.js';
import type { ToolFacts } from './discovery/facts.js';
import { createHandlerAnalyzer } from './flow/analyze-handler.js';
import type { HandlerFlow } from './flow/handler-flow.js';
import type { Finding, FlowLocation, SourceLocation } from './finding.js';
import { resolveOptions, type AnalyzerOptions, type ResolvedOptions } from './options.js';
import { ruleMessage, rules, type RuleId } from './rules.js';
import { inputFields, type InputField } from './schema/input-fields.js';
import { Suppressions } from './suppressions.js';

/** How a front end wants results. */
export interface AnalysisSettings {
  /**
   * Whether `// eslint-disable-next-line mcify/<rule>` suppresses findings (default true). ESLint applies
   * its own directives, and reports unused ones, so the ESLint plugin turns this off.
   */
  readonly eslintDirectives?: boolean;
  /**
   * Called as the analysis goes: once per file discovered, then once per definition checked. Front ends
   * show progress on large programs with it.
   */
  readonly onProgress?: (progress: AnalysisProgress) => void;
}

/** How far an analysis has got. */
export interface AnalysisProgress {
  readonly phase: 'discovering' | 'checking';
  readonly done: number;
  readonly total: number;
}

/** A tool, resource or prompt as the inventory lists it. */
export interface ToolInventoryEntry {
  readonly name: string | null;
  readonly kind: 'tool' | 'resource' | 'prompt';
  readonly file: string;
  readonly line: number;
  /** Has `requireAuth()` (or a configured guard). */
  readonly requiresAuth: boolean;
  /**
   * What decides per caller whether the tool may run: scope-gating middlewares as written
   * (`requireAuth({ scopes: ['orders:refund'] })`) and guards in the handler on `ctx.auth` before any
   * data access. Empty when nothing does.
   */
  readonly scopeGates: readonly string[];
  /** Every input field path (`filter.status`). */
  readonly inputFields: readonly string[];
  /** The input fields that name the caller's identity (`mcify/no-identity-in-input`). */
  readonly identityFields: readonly string[];
  /** The input fields that carry a credential (`mcify/no-credential-in-input`). */
  readonly credentialFields: readonly string[];
  /** Data-access and upstream calls of the handler, and whether the validated token scopes each. */
  readonly sinks: readonly InventorySink[];
}

/** A data-access or upstream call in a handler, as the inventory lists it. */
export interface InventorySink {
  /** `prisma`, `drizzle`, `sql`, `fetch`, ... */
  readonly family: string;
  /** A short name: `db.order.findMany`, `ctx.fetch`. */
  readonly label: string;
  readonly file: string;
  readonly line: number;
  /** A value from the validated token constrains it, or a guard on its result or before it covers it. */
  readonly scoped: boolean;
}

/**
 * What kind of note a note is, for front ends that count, group or act on notes:
 * - `no-tools`: the analysed files define no tool, resource or prompt (front ends merging several analyses say it once);
 * - `dialect`: which mcify dialect advice is written in, and why;
 * - `parse-error`: a source file has a syntax error (its findings have low confidence);
 * - `tsconfig-error`: a tsconfig does not parse (front ends that read tsconfigs report it);
 * - `handler-not-followed`: the dataflow engine gave up on a handler;
 * - `analysis-stopped`: a check failed on a file, so its findings there may be incomplete;
 * - `suppression-unknown-rule`, `suppression-no-rule`, `suppression-no-reason`, `suppression-unused`:
 *   a suppression comment that names no mcify rule, names none at all, gives no reason (not honoured),
 *   or suppresses nothing.
 */
export type AnalysisNoteCode =
  | 'no-tools'
  | 'dialect'
  | 'parse-error'
  | 'tsconfig-error'
  | 'handler-not-followed'
  | 'analysis-stopped'
  | 'suppression-unknown-rule'
  | 'suppression-no-rule'
  | 'suppression-no-reason'
  | 'suppression-unused';

/** Something the user should know that is not a finding. */
export interface AnalysisNote {
  readonly message: string;
  readonly file?: string;
  /** 1-based, where the note has a position in `file`. */
  readonly line?: number;
  /** 1-based, with `line`. */
  readonly column?: number;
  readonly code?: AnalysisNoteCode;
}

export interface AnalysisResult {
  readonly findings: readonly Finding[];
  readonly tools: readonly ToolInventoryEntry[];
  /** Includes a `dialect` note saying the same as `dialect`. */
  readonly notes: readonly AnalysisNote[];
  /** The mcify dialect messages are written in, and why it was chosen. */
  readonly dialect: Dialect;
}

/** What the `no-tools` note says. */
export const noToolsMessage = 'No mcify tools were found (no defineTool, defineResource or definePrompt call from @mcify/core).';

const toolChecks: readonly ToolCheck[] = [noIdentityInInput, noCredentialInInput, requireAuthCheck, requireScopeCheck, noUntrustedIdentity, scopedQueries, noSecretInLogs, noPiiInLogs];
const configChecks: readonly ConfigCheck[] = [noAuthNone];

/**
 * Analyses a whole program with its type checker: every source file that is not a declaration file
 * nor under `node_modules` (or only `files`, when given).
 *
 * @example
 * ```ts
 * const program = ts.createProgram(['src/mcify.config.ts'], { allowJs: true, noEmit: true });
 * const { findings } = analyzeProgram(program);
 * ```
 */
export function analyzeProgram(program: ts.Program, options?: AnalyzerOptions, files?: readonly string[], settings: AnalysisSettings = {}): AnalysisResult {
  const wanted = files === undefined ? undefined : new Set(files.map((file) => file.replace(/\\/g, '/')));
  const sourceFiles = program
    .getSourceFiles()
    .filter((file) => !file.isDeclarationFile && !/[\\/]node_modules[\\/]/.test(file.fileName) && (wanted === undefined || wanted.has(file.fileName)));
  return run(sourceFiles, resolveOptions(options), program.getTypeChecker(), settings, (file) => program.getSyntacticDiagnostics(file));
}

/** Analyses one file on its own, without a type checker (lower confidence where types would help). */
export function analyzeSourceFile(sourceFile: ts.SourceFile, options?: AnalyzerOptions, settings: AnalysisSettings = {}): AnalysisResult {
  return run([sourceFile], resolveOptions(options), undefined, settings, parseDiagnosticsOf);
}

/** The syntax errors the parser recorded on a source file (`parseDiagnostics`, which every parsed file has). */
function parseDiagnosticsOf(sourceFile: ts.SourceFile): readonly ts.Diagnostic[] {
  return (sourceFile as ts.SourceFile & { readonly parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
}

/** A node's 1-based position, for notes. */
function positionOf(node: ts.Node): { line: number; column: number } {
  return lineColumn(node.getSourceFile(), node.getStart());
}

/** One `parse-error` note per file with syntax errors (its first error), by file. */
function parseErrors(sourceFiles: readonly ts.SourceFile[], syntaxErrorsOf: (file: ts.SourceFile) => readonly ts.Diagnostic[]): Map<ts.SourceFile, AnalysisNote> {
  const notes = new Map<ts.SourceFile, AnalysisNote>();
  for (const sourceFile of sourceFiles) {
    const [first] = syntaxErrorsOf(sourceFile);
    if (first === undefined) continue;
    const at = lineColumn(sourceFile, first.start ?? 0);
    const text = ts.flattenDiagnosticMessageText(first.messageText, ' ');
    notes.set(sourceFile, {
      code: 'parse-error',
      file: sourceFile.fileName,
      line: at.line,
      column: at.column,
      message: `Syntax error: ${text} (TS${String(first.code)}). This file is only partly analysed: its findings have low confidence, and some may be missing.`,
    });
  }
  return notes;
}

/**
 * The folder the dialect is resolved from: that of the first file defining mcify tools or a config,
 * else of the first analysed file.
 */
function projectDirectory(sourceFiles: readonly ts.SourceFile[], files: readonly { readonly tools: readonly ToolFacts[]; readonly configs: readonly unknown[] }[]): string | undefined {
  const index = files.findIndex((file) => file.tools.length > 0 || file.configs.length > 0);
  const file = sourceFiles[index === -1 ? 0 : index];
  return file === undefined ? undefined : dirname(resolve(file.fileName));
}

function run(
  sourceFiles: readonly ts.SourceFile[],
  options: ResolvedOptions,
  checker: ts.TypeChecker | undefined,
  settings: AnalysisSettings,
  syntaxErrorsOf: (file: ts.SourceFile) => readonly ts.Diagnostic[],
): AnalysisResult {
  const discovery = new Discovery(options, checker);
  const notes: AnalysisNote[] = [];
  const drafts: DraftFinding[] = [];
  const analyzeHandler = createHandlerAnalyzer({ options, checker, discovery });
  const flows = new Map<ToolFacts, HandlerFlow>();
  const emptyFlow: HandlerFlow = { readsAuth: false, readsIdentity: false, sinks: [], logCalls: [], authGuards: [] };
  const flowOf = (tool: ToolFacts): HandlerFlow => {
    let flow = flows.get(tool);
    if (flow === undefined) {
      try {
        flow = analyzeHandler(tool);
      } catch (error) {
        notes.push({ code: 'handler-not-followed', message: `Could not follow the handler of ${tool.names[0] ?? 'a tool'}: ${error instanceof Error ? error.message : String(error)}`, file: tool.sourceFile.fileName, ...positionOf(tool.call) });
        flow = emptyFlow;
      }
      flows.set(tool, flow);
    }
    return flow;
  };

  const progress = settings.onProgress;
  const files = sourceFiles.map((sourceFile, index) => {
    const facts = discovery.file(sourceFile);
    progress?.({ phase: 'discovering', done: index + 1, total: sourceFiles.length });
    return facts;
  });
  const configs = files.flatMap((file) => file.configs);
  const tools = files.flatMap((file) => file.tools);
  const multiUser = (tool: ToolFacts): boolean => {
    const owners = configs.filter((config) => config.tools.includes(tool) || (config.sourceFile === tool.sourceFile && config.toolsIncomplete));
    if (owners.length === 0) return true;
    const unauthenticated = owners.every((config) => config.auth.kind === 'none' || config.auth.kind === 'absent');
    return !unauthenticated || flowOf(tool).readsAuth;
  };
  // Both input-field rules and the inventory read a tool's fields: resolve them from the schema once.
  const fields = new Map<ToolFacts, readonly InputField[]>();
  const inputFieldsOf = (tool: ToolFacts): readonly InputField[] => {
    let found = fields.get(tool);
    if (found === undefined) {
      found = inputFields(tool.input, checker);
      fields.set(tool, found);
    }
    return found;
  };
  const dialect = decideDialect(options.dialect, projectDirectory(sourceFiles, files), tools, checker);
  notes.push({ code: 'dialect', message: dialectNoteMessage(dialect) });
  const broken = parseErrors(sourceFiles, syntaxErrorsOf);
  notes.push(...broken.values());
  const context = { options, checker, dialect: dialect.name, discovery, flowOf, inputFieldsOf, multiUser, report: (draft: DraftFinding) => drafts.push(draft) };

  tools.forEach((tool, index) => {
    for (const check of toolChecks) guard(notes, tool.sourceFile, () => { check(tool, context); });
    progress?.({ phase: 'checking', done: index + 1, total: tools.length });
  });
  for (const config of configs) {
    for (const check of configChecks) guard(notes, config.sourceFile, () => { check(config, context); });
  }
  for (const sourceFile of sourceFiles) guard(notes, sourceFile, () => { tokenLifetime(sourceFile, context); });
  if (tools.length === 0) notes.push({ code: 'no-tools', message: noToolsMessage });

  const suppressions = new Suppressions(settings.eslintDirectives ?? true);
  const findings = finalise(drafts, options, suppressions, new Set(broken.keys()));
  notes.push(...suppressions.notes(sourceFiles));
  return { findings, tools: tools.map((tool) => inventoryEntry(tool, flowOf, inputFieldsOf, options, dialect.name)), notes, dialect };
}

/** Runs one check; a failure becomes a note, never an exception. */
function guard(notes: AnalysisNote[], sourceFile: ts.SourceFile, work: () => void): void {
  try {
    work();
  } catch (error) {
    notes.push({ code: 'analysis-stopped', message: `Analysis stopped early in this file: ${error instanceof Error ? error.message : String(error)}`, file: sourceFile.fileName });
  }
}

function locationOf(node: ts.Node): SourceLocation {
  const sourceFile = node.getSourceFile();
  const start = lineColumn(sourceFile, node.getStart(sourceFile));
  const end = lineColumn(sourceFile, node.getEnd());
  // A multi-line node is reported on its first line.
  const lineEnd = sourceFile.getLineEndOfPosition(node.getStart(sourceFile));
  const endOfFirst = lineColumn(sourceFile, lineEnd);
  return { file: sourceFile.fileName, line: start.line, column: start.column, ...(end.line === start.line ? { endLine: end.line, endColumn: end.column } : { endLine: endOfFirst.line, endColumn: endOfFirst.column }) };
}

/** Locates drafts, fans tool findings out per MCP name, drops suppressed and switched-off ones, de-duplicates. */
function finalise(drafts: readonly DraftFinding[], options: ResolvedOptions, suppressions: Suppressions, broken: ReadonlySet<ts.SourceFile>): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const draft of drafts) {
    const location = locationOf(draft.node);
    if (suppressions.suppresses(draft.node.getSourceFile(), location.line, draft.ruleId)) continue;
    const severity = options.severity[draft.ruleId] ?? rules[draft.ruleId].severity;
    if (severity === 'off') continue;
    const flow: FlowLocation[] = (draft.flow ?? []).map((step) => {
      const at = lineColumn(step.node.getSourceFile(), step.node.getStart(step.node.getSourceFile()));
      return { file: step.node.getSourceFile().fileName, line: at.line, column: at.column, message: step.message };
    });
    const names = draft.tool === undefined || draft.tool.names.length === 0 ? [null] : draft.tool.names;
    for (const tool of names) {
      const key = `${draft.ruleId}|${draft.messageId}|${location.file}|${String(location.line)}|${String(location.column)}|${tool ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const subject = draft.subject?.getSourceFile() === draft.node.getSourceFile() ? { start: draft.subject.getStart(), end: draft.subject.getEnd() } : undefined;
      findings.push({
        ruleId: draft.ruleId,
        severity,
        confidence: broken.has(draft.node.getSourceFile()) ? 'low' : draft.confidence,
        messageId: draft.messageId,
        data: draft.data,
        message: ruleMessage(draft.ruleId, draft.messageId, draft.data),
        location,
        tool,
        flow,
        ...(subject === undefined ? {} : { subject }),
        ...(draft.field === undefined ? {} : { field: draft.field }),
      });
    }
  }
  return findings.sort((a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column);
}

function inventoryEntry(
  tool: ToolFacts,
  flowOf: (tool: ToolFacts) => HandlerFlow,
  inputFieldsOf: (tool: ToolFacts) => readonly InputField[],
  options: ResolvedOptions,
  dialect: DialectName,
): ToolInventoryEntry {
  const flow = flowOf(tool);
  const fields = inputFieldsOf(tool).map((field) => field.path);
  const flagged = (ruleId: RuleId) =>
    tool.kind === 'resource' ? [] : fields.filter((path) => inputFieldFindings(path, '', options, dialect).some((found) => found.ruleId === ruleId)).map((path) => path.join('.'));
  const { middlewares, guards } = scopeGatesOf(tool, flow);
  const gates = [
    ...middlewares.map((middleware) => shortText(middleware.node)),
    ...guards.map((guard) => `handler guard at line ${String(lineColumn(guard.node.getSourceFile(), guard.node.getStart()).line)}: ${shortText(guard.node)}`),
  ];
  return {
    name: tool.names[0] ?? null,
    kind: tool.kind,
    file: tool.sourceFile.fileName,
    line: lineColumn(tool.sourceFile, tool.call.getStart()).line,
    requiresAuth: tool.middlewares.some((middleware) => middleware.requiresAuth),
    scopeGates: gates,
    inputFields: fields.map((path) => path.join('.')),
    identityFields: flagged('mcify/no-identity-in-input'),
    credentialFields: flagged('mcify/no-credential-in-input'),
    sinks: flow.sinks.map((sink) => ({
      family: sink.family,
      label: sink.label,
      file: sink.reportNode.getSourceFile().fileName,
      line: lineColumn(sink.reportNode.getSourceFile(), sink.reportNode.getStart()).line,
      scoped: sink.scopedByAuth || sink.guarded,
    })),
  };
}

/** A node's source text on one line, shortened for listings. */
function shortText(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
