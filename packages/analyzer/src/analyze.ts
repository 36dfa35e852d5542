import ts from 'typescript';
import type { ConfigCheck, DraftFinding, ToolCheck } from './checks/check.js';
import { noAuthNone, tokenLifetime } from './checks/config-rules.js';
import { noCredentialInInput, noIdentityInInput } from './checks/input-fields.js';
import { noPiiInLogs } from './checks/no-pii-in-logs.js';
import { noSecretInLogs } from './checks/no-secret-in-logs.js';
import { noUntrustedIdentity } from './checks/no-untrusted-identity.js';
import { scopedQueries } from './checks/scoped-queries.js';
import { requireAuthCheck, requireScopeCheck } from './checks/tool-gates.js';
import { lineColumn } from './discovery/ast.js';
import { Discovery } from './discovery/discover.js';
import type { ToolFacts } from './discovery/facts.js';
import { createHandlerAnalyzer } from './flow/analyze-handler.js';
import type { HandlerFlow } from './flow/handler-flow.js';
import type { Finding, FlowLocation, SourceLocation } from './finding.js';
import { resolveOptions, type AnalyzerOptions, type ResolvedOptions } from './options.js';
import { rules } from './rules.js';
import { inputFields } from './schema/input-fields.js';
import { isSuppressed } from './suppressions.js';

/** How a front end wants results. */
export interface AnalysisSettings {
  /**
   * Whether `// eslint-disable-next-line mcify/<rule>` suppresses findings (default true). ESLint applies
   * its own directives, and reports unused ones, so the ESLint plugin turns this off.
   */
  readonly eslintDirectives?: boolean;
}

/** A tool, resource or prompt as the inventory lists it. */
export interface ToolInventoryEntry {
  readonly name: string | null;
  readonly kind: 'tool' | 'resource' | 'prompt';
  readonly file: string;
  readonly line: number;
  /** Has `requireAuth()` (or a configured guard). */
  readonly requiresAuth: boolean;
  /** Has a per-tool scope gate. */
  readonly scopeGate: boolean;
  readonly inputFields: readonly string[];
  readonly sinks: readonly { readonly family: string; readonly line: number; readonly scoped: boolean }[];
}

/** Something the user should know that is not a finding. */
export interface AnalysisNote {
  readonly message: string;
  readonly file?: string;
}

export interface AnalysisResult {
  readonly findings: readonly Finding[];
  readonly tools: readonly ToolInventoryEntry[];
  readonly notes: readonly AnalysisNote[];
}

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
  return run(sourceFiles, resolveOptions(options), program.getTypeChecker(), settings);
}

/** Analyses one file on its own, without a type checker (lower confidence where types would help). */
export function analyzeSourceFile(sourceFile: ts.SourceFile, options?: AnalyzerOptions, settings: AnalysisSettings = {}): AnalysisResult {
  return run([sourceFile], resolveOptions(options), undefined, settings);
}

function run(sourceFiles: readonly ts.SourceFile[], options: ResolvedOptions, checker: ts.TypeChecker | undefined, settings: AnalysisSettings): AnalysisResult {
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
        notes.push({ message: `Could not follow the handler of ${tool.names[0] ?? 'a tool'}: ${error instanceof Error ? error.message : String(error)}`, file: tool.sourceFile.fileName });
        flow = emptyFlow;
      }
      flows.set(tool, flow);
    }
    return flow;
  };

  const files = sourceFiles.map((sourceFile) => discovery.file(sourceFile));
  const configs = files.flatMap((file) => file.configs);
  const multiUser = (tool: ToolFacts): boolean => {
    const owners = configs.filter((config) => config.tools.includes(tool) || (config.sourceFile === tool.sourceFile && config.toolsIncomplete));
    if (owners.length === 0) return true;
    const unauthenticated = owners.every((config) => config.auth.kind === 'none' || config.auth.kind === 'absent');
    return !unauthenticated || flowOf(tool).readsAuth;
  };
  const context = { options, checker, discovery, flowOf, multiUser, report: (draft: DraftFinding) => drafts.push(draft) };

  const tools = files.flatMap((file) => file.tools);
  for (const tool of tools) {
    for (const check of toolChecks) guard(notes, tool.sourceFile, () => { check(tool, context); });
  }
  for (const config of configs) {
    for (const check of configChecks) guard(notes, config.sourceFile, () => { check(config, context); });
  }
  for (const sourceFile of sourceFiles) guard(notes, sourceFile, () => { tokenLifetime(sourceFile, context); });
  if (tools.length === 0) notes.push({ message: 'No mcify tools were found (no defineTool, defineResource or definePrompt call from @mcify/core).' });

  return { findings: finalise(drafts, options, settings.eslintDirectives ?? true), tools: tools.map((tool) => inventoryEntry(tool, flowOf, checker)), notes };
}

/** Runs one check; a failure becomes a note, never an exception. */
function guard(notes: AnalysisNote[], sourceFile: ts.SourceFile, work: () => void): void {
  try {
    work();
  } catch (error) {
    notes.push({ message: `Analysis stopped early in this file: ${error instanceof Error ? error.message : String(error)}`, file: sourceFile.fileName });
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
function finalise(drafts: readonly DraftFinding[], options: ResolvedOptions, eslintDirectives: boolean): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const draft of drafts) {
    const severity = options.severity[draft.ruleId] ?? rules[draft.ruleId].severity;
    if (severity === 'off') continue;
    const location = locationOf(draft.node);
    if (isSuppressed(draft.node.getSourceFile(), location.line, draft.ruleId, eslintDirectives)) continue;
    const flow: FlowLocation[] = (draft.flow ?? []).map((step) => {
      const at = lineColumn(step.node.getSourceFile(), step.node.getStart(step.node.getSourceFile()));
      return { file: step.node.getSourceFile().fileName, line: at.line, column: at.column, message: step.message };
    });
    const names = draft.tool === undefined || draft.tool.names.length === 0 ? [null] : draft.tool.names;
    for (const tool of names) {
      const key = `${draft.ruleId}|${location.file}|${String(location.line)}|${String(location.column)}|${tool ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const subject = draft.subject?.getSourceFile() === draft.node.getSourceFile() ? { start: draft.subject.getStart(), end: draft.subject.getEnd() } : undefined;
      findings.push({ ruleId: draft.ruleId, severity, confidence: draft.confidence, message: draft.message, location, tool, flow, ...(subject === undefined ? {} : { subject }) });
    }
  }
  return findings.sort((a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column);
}

function inventoryEntry(tool: ToolFacts, flowOf: (tool: ToolFacts) => HandlerFlow, checker: ts.TypeChecker | undefined): ToolInventoryEntry {
  const flow = flowOf(tool);
  return {
    name: tool.names[0] ?? null,
    kind: tool.kind,
    file: tool.sourceFile.fileName,
    line: lineColumn(tool.sourceFile, tool.call.getStart()).line,
    requiresAuth: tool.middlewares.some((middleware) => middleware.requiresAuth),
    scopeGate: tool.middlewares.some((middleware) => middleware.scopeGate),
    inputFields: inputFields(tool.input, checker).map((field) => field.path.join('.')),
    sinks: flow.sinks.map((sink) => ({
      family: sink.family,
      line: lineColumn(sink.reportNode.getSourceFile(), sink.reportNode.getStart()).line,
      scoped: sink.scopedByAuth || sink.guarded,
    })),
  };
}
