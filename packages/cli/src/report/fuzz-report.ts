/**
 * The fuzz report: a run's `FuzzResult` in the JSON report's shape (docs/report.schema.json). It is the
 * static report's envelope (`version: 1`, `tool`, `summary`, `tools`, `notes`, `findings`) with
 * additive fields only: harness findings carry `principal`, `victim`, `input`, `evidence`,
 * `exchanges` and `reproduce`, and the report adds `coverage` (every cell), `writes` and `fuzz`.
 */
import type { Cell, CellStatus, Exchange, FuzzResult, HarnessFinding, HarnessNoteCode, HarnessRuleId, PropertyId, Secret, WriteRecord } from '@mcify-audit/harness';
import { propertyOrder } from './fuzz-rules.js';
import { compareFindings, reportPath, type FormatContext, type Report, type ReportDialect, type ReportFinding, type ReportFlowStep, type ReportNote, type ReportTool } from './report.js';

/** How to replay one counterexample: the `curl` line and the run's `--seed` and `--path`. */
export interface ReportReproduce {
  readonly curl: string;
  readonly seed: number;
  readonly path: string;
}

/** An HTTP exchange of a finding's evidence, as the report carries it (tokens replaced by labels). */
export type ReportExchange = Exchange;

/** A harness finding in the report: located at the tool's `defineTool` when the source is known. */
export interface FuzzReportFinding {
  readonly ruleId: HarnessRuleId;
  readonly severity: 'error' | 'warning';
  readonly confidence: 'high' | 'medium';
  readonly messageId: string;
  readonly message: string;
  readonly data: Readonly<Record<string, string>>;
  /** Relative to the working directory; only when the source is known (the tool's file, else the config file). */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly tool: string | null;
  /** Always empty: a dynamic finding has no source→sink path (the field keeps findings one shape). */
  readonly flow: readonly ReportFlowStep[];
  readonly principal: string | null;
  readonly victim: string | null;
  /** The shrunk tool arguments. */
  readonly input: unknown;
  /** What shows it, in one sentence. */
  readonly evidence: string;
  /** The exchanges that show it. */
  readonly exchanges: readonly ReportExchange[];
  readonly reproduce: ReportReproduce;
}

/** A static finding the fuzz reproduced on the same tool (see `join.ts`). */
export interface ConfirmedFinding extends ReportFinding {
  readonly confirmed?: true;
  readonly reproduce?: ReportReproduce;
}

/** Any finding of a fuzz or joined report. */
export type AnyReportFinding = ConfirmedFinding | FuzzReportFinding;

/** Whether a finding is the harness's. */
export function isHarnessFinding(finding: AnyReportFinding): finding is FuzzReportFinding {
  return finding.ruleId.startsWith('harness/');
}

/** A note of the harness (`rate-limited`, `time-budget`, ...), with the tool it is about. */
export interface FuzzReportNote {
  readonly code: HarnessNoteCode;
  readonly message: string;
  readonly tool?: string;
}

/** One (tool, property) cell of the coverage matrix. */
export interface CoverageCell {
  readonly tool: string | null;
  readonly property: PropertyId;
  readonly status: CellStatus;
  /** Why it is not exercised, not applicable or failed. */
  readonly reason?: string;
  readonly cases: number;
  readonly requests: number;
  readonly seed: number;
}

/** A tool the server listed, and where it is defined when the source is known. */
export interface FuzzReportTool {
  readonly name: string;
  readonly readOnly: boolean;
  readonly sensitive: boolean;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/** What the run was. */
export interface FuzzRunInfo {
  readonly mode: 'in-process' | 'black-box';
  readonly url: string;
  readonly seed: number;
  readonly requests: number;
  readonly durationMs: number;
  /** The wall-clock budget ran out before every cell finished. */
  readonly budgetExhausted: boolean;
  /** The run was stopped (SIGINT) before every cell finished. */
  readonly interrupted: boolean;
  /** A hash of each principal's harvested pool: a replay whose pools differ says so. */
  readonly pools: Readonly<Record<string, string>>;
  readonly principals: readonly { readonly name: string; readonly tenant: string; readonly scopes?: readonly string[] }[];
  readonly tools: readonly FuzzReportTool[];
  /**
   * The command that replays a case once `--seed N --path P` is appended: the same target, with
   * `env:MCIFY_TOKEN_<NAME>` in place of every token.
   */
  readonly command: string;
  /** The `--path` this run replayed, when it replayed one case. */
  readonly replay?: string;
}

/** The summary: the static report's counts, and the cells by status. */
export interface FuzzReportSummary {
  readonly files: number;
  readonly tools: number;
  readonly errors: number;
  readonly warnings: number;
  readonly held: number;
  readonly failed: number;
  readonly notExercised: number;
  readonly notApplicable: number;
}

/** The fuzz report (or a static report joined with one): the JSON format is exactly this. */
export interface FuzzReport {
  readonly version: 1;
  readonly tool: { readonly name: 'mcify-audit'; readonly version: string };
  /** Only in a joined report: the static analysis's dialect. */
  readonly dialect?: ReportDialect;
  readonly summary: FuzzReportSummary;
  /** The static inventory: empty in a fuzz report, the static report's in a joined one. */
  readonly tools: readonly ReportTool[];
  readonly notes: readonly (ReportNote | FuzzReportNote)[];
  readonly findings: readonly AnyReportFinding[];
  readonly coverage: readonly CoverageCell[];
  readonly writes: readonly WriteRecord[];
  readonly fuzz: FuzzRunInfo;
}

/** What `fuzzReport` needs besides the result. */
export interface FuzzReportOptions {
  /** The working directory: report paths are relative to it. */
  readonly cwd: string;
  /** mcify-audit's version. */
  readonly version: string;
  /** The replay command's target part (see `FuzzRunInfo.command`). */
  readonly command: string;
  /** The config file (absolute), when the run was in-process: where target-wide findings point. */
  readonly configFile?: string | undefined;
  /** Every credential of the run: whatever a property recorded, none of them reaches the report. */
  readonly secrets?: readonly Secret[];
  readonly interrupted?: boolean;
  readonly replay?: string | undefined;
}

/** The cells counted by status. */
export function cellCounts(cells: readonly { readonly status: CellStatus }[]): Pick<FuzzReportSummary, 'held' | 'failed' | 'notExercised' | 'notApplicable'> {
  const count = (status: CellStatus) => cells.filter((cell) => cell.status === status).length;
  return { held: count('held'), failed: count('failed'), notExercised: count('not-exercised'), notApplicable: count('not-applicable') };
}

/** Orders harness findings by rule, tool and principal, so every format lists them the same way. */
export function compareHarnessFindings(a: FuzzReportFinding, b: FuzzReportFinding): number {
  return a.ruleId.localeCompare(b.ruleId) || (a.tool ?? '').localeCompare(b.tool ?? '') || (a.principal ?? '').localeCompare(b.principal ?? '') || a.reproduce.path.localeCompare(b.reproduce.path);
}

/** Orders findings: static ones as the static report does, then the harness's. */
export function compareAnyFindings(a: AnyReportFinding, b: AnyReportFinding): number {
  const ah = isHarnessFinding(a);
  const bh = isHarnessFinding(b);
  if (ah && bh) return compareHarnessFindings(a, b);
  if (!ah && !bh) return compareFindings(a, b);
  return ah ? 1 : -1;
}

function coverageCell(cell: Cell): CoverageCell {
  return {
    tool: cell.tool,
    property: cell.property,
    status: cell.status,
    ...(cell.reason === undefined || cell.reason === '' ? {} : { reason: cell.reason }),
    cases: cell.cases,
    requests: cell.requests,
    seed: cell.seed,
  };
}

/** Cells in matrix order: tools as the server listed them (target-wide last), properties in run order. */
function compareCells(toolOrder: readonly string[]) {
  // A tool the server did not list (it should not happen) goes after the listed ones.
  const rank = (tool: string | null) => (tool === null ? toolOrder.length : toolOrder.includes(tool) ? toolOrder.indexOf(tool) : toolOrder.length - 0.5);
  return (a: CoverageCell, b: CoverageCell) => rank(a.tool) - rank(b.tool) || (a.tool ?? '').localeCompare(b.tool ?? '') || propertyOrder.indexOf(a.property) - propertyOrder.indexOf(b.property);
}

function location(finding: HarnessFinding, result: FuzzResult, options: FuzzReportOptions): Pick<FuzzReportFinding, 'file' | 'line' | 'column' | 'endLine' | 'endColumn'> {
  const source = finding.tool === null ? undefined : result.tools.find((tool) => tool.name === finding.tool)?.source;
  if (source !== undefined) {
    return { file: reportPath(source.file, options.cwd), line: source.line, column: source.column, endLine: source.endLine, endColumn: source.endColumn };
  }
  // A target-wide finding (or a tool whose definition was not found) points at the config: its first line.
  if (options.configFile !== undefined) return { file: reportPath(options.configFile, options.cwd), line: 1, column: 1, endLine: 1, endColumn: 1 };
  return {};
}

function harnessFinding(finding: HarnessFinding, result: FuzzResult, options: FuzzReportOptions): FuzzReportFinding {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    confidence: finding.confidence,
    messageId: finding.messageId,
    message: finding.message,
    data: finding.data,
    ...location(finding, result, options),
    tool: finding.tool,
    flow: [],
    principal: finding.principal,
    victim: finding.victim,
    input: finding.input === undefined ? null : finding.input,
    evidence: finding.evidence.summary,
    exchanges: finding.evidence.exchanges,
    reproduce: { curl: finding.reproduce.curl, seed: finding.reproduce.seed, path: finding.reproduce.path },
  };
}

/**
 * A run's result as the JSON report. Every string in it has had every credential of the run (and
 * every 16-character piece of one) replaced by the credential's label, whatever the engine recorded.
 *
 * @example
 * ```ts
 * const report = fuzzReport(result, { cwd, version: cliVersion, command: 'mcify-audit fuzz --config mcify.config.ts', secrets });
 * console.log(JSON.stringify(report, null, 2));
 * ```
 */
export function fuzzReport(result: FuzzResult, options: FuzzReportOptions): FuzzReport {
  const toolOrder = result.tools.map((tool) => tool.name);
  const findings = result.findings.map((finding) => harnessFinding(finding, result, options)).sort(compareHarnessFindings);
  const coverage = result.cells.map(coverageCell).sort(compareCells(toolOrder));
  const report: FuzzReport = {
    version: 1,
    tool: { name: 'mcify-audit', version: options.version },
    summary: {
      files: 0,
      tools: result.tools.length,
      errors: findings.filter((finding) => finding.severity === 'error').length,
      warnings: findings.filter((finding) => finding.severity === 'warning').length,
      ...cellCounts(coverage),
    },
    tools: [],
    notes: result.notes.map((note) => ({ code: note.code, message: note.message, ...(note.tool === undefined ? {} : { tool: note.tool }) })),
    findings,
    coverage,
    writes: result.writes.map((write) => ({ tool: write.tool, principal: write.principal, arguments: write.arguments === undefined ? null : write.arguments })),
    fuzz: {
      mode: result.mode,
      url: result.url,
      seed: result.seed,
      requests: result.requests,
      durationMs: Math.round(result.durationMs),
      budgetExhausted: result.budgetExhausted,
      interrupted: options.interrupted === true,
      pools: result.pools,
      principals: result.principals.map((principal) => ({ name: principal.name, tenant: principal.tenant, ...(principal.scopes === undefined ? {} : { scopes: principal.scopes }) })),
      tools: result.tools.map((tool) => ({
        name: tool.name,
        readOnly: tool.readOnly,
        sensitive: tool.sensitive,
        ...(tool.source === undefined ? {} : { file: reportPath(tool.source.file, options.cwd), line: tool.source.line, column: tool.source.column }),
      })),
      command: options.command,
      ...(options.replay === undefined ? {} : { replay: options.replay }),
    },
  };
  return redactSecrets(report, options.secrets ?? []);
}

/** The length of the shortest piece of a credential that counts as the credential (the harness's `secret-reflected` rule). */
export const secretSegmentLength = 16;

/**
 * `value` with every credential, and every `secretSegmentLength`-character piece of one, replaced by
 * `[<label>]` in every string it holds (keys included). Credentials shorter than a piece are replaced
 * whole. Defence in depth: the engine records labels, not tokens, and a report must hold none even
 * when a server echoes one back.
 */
export function redactSecrets<T>(value: T, secrets: readonly Secret[]): T {
  // Each piece with the labels of the secrets it is part of (a JWT's header is every token's).
  const pieces = new Map<string, string[]>();
  const whole: { value: string; label: string }[] = [];
  for (const secret of secrets) {
    const text = secret.reveal();
    if (text.length === 0) continue;
    if (text.length < secretSegmentLength) whole.push({ value: text, label: secret.label });
    for (let start = 0; start + secretSegmentLength <= text.length; start += 1) {
      const piece = text.slice(start, start + secretSegmentLength);
      const labels = pieces.get(piece) ?? [];
      if (!labels.includes(secret.label)) labels.push(secret.label);
      pieces.set(piece, labels);
    }
  }
  if (pieces.size === 0 && whole.length === 0) return value;
  const scrub = (text: string): string => {
    let out = text;
    for (const entry of whole) out = out.split(entry.value).join(`[${entry.label}]`);
    if (pieces.size === 0 || out.length < secretSegmentLength) return out;
    // Runs of characters covered by pieces, each named after the secret most of its pieces belong to.
    const runs: { from: number; to: number; votes: Map<string, number> }[] = [];
    for (let start = 0; start + secretSegmentLength <= out.length; start += 1) {
      const labels = pieces.get(out.slice(start, start + secretSegmentLength));
      if (labels === undefined) continue;
      const last = runs.at(-1);
      const run = last !== undefined && start <= last.to ? last : { from: start, to: start, votes: new Map<string, number>() };
      if (run !== last) runs.push(run);
      run.to = start + secretSegmentLength;
      for (const label of labels) run.votes.set(label, (run.votes.get(label) ?? 0) + 1);
    }
    if (runs.length === 0) return out;
    let result = '';
    let at = 0;
    for (const run of runs) {
      const [label = 'a secret'] = [...run.votes].sort((a, b) => b[1] - a[1]).map(([name]) => name);
      result += `${out.slice(at, run.from)}[${label}]`;
      at = run.to;
    }
    return result + out.slice(at);
  };
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return scrub(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, item]) => [scrub(key), walk(item)]));
    return node;
  };
  return walk(value) as T;
}

/** The line that replays a finding's case: the run's command with its `--seed` and `--path`. */
export function replayLine(report: Pick<FuzzReport, 'fuzz'>, reproduce: ReportReproduce): string {
  return `${report.fuzz.command} --seed ${String(reproduce.seed)} --path ${shellQuote(reproduce.path)}`;
}

/** A shell word: as it is when it is safe, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** The environment variable a replay reads a principal's token from (the `curl` lines use the same). */
export function tokenVariable(principal: string): string {
  return `MCIFY_TOKEN_${principal.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Whether the report says every check held: never with a failed or not-exercised cell, nor a run cut short or replaying one case. */
export function everythingHeld(report: Pick<FuzzReport, 'summary' | 'fuzz'>): boolean {
  const { summary, fuzz } = report;
  return summary.errors + summary.warnings === 0 && summary.failed === 0 && summary.notExercised === 0 && summary.held > 0 && !fuzz.budgetExhausted && !fuzz.interrupted && fuzz.replay === undefined;
}

/** Turns a fuzz (or joined) report into the text of one format. */
export type FuzzFormatter = (report: FuzzReport, context: FormatContext) => string;

/**
 * The static part of a joined report (its dialect, inventory and `mcify/` findings), for the static
 * formats; undefined for a report of the fuzz alone.
 */
export function staticPartOf(report: FuzzReport): (Omit<Report, 'findings'> & { readonly findings: readonly ConfirmedFinding[] }) | undefined {
  if (report.dialect === undefined) return undefined;
  const findings = report.findings.filter((finding): finding is ConfirmedFinding => !isHarnessFinding(finding));
  return {
    version: 1,
    tool: report.tool,
    dialect: report.dialect,
    summary: {
      files: report.summary.files,
      tools: report.tools.length,
      errors: findings.filter((finding) => finding.severity === 'error').length,
      warnings: findings.filter((finding) => finding.severity === 'warning').length,
    },
    tools: report.tools,
    notes: report.notes.filter((note): note is ReportNote => !isHarnessNote(note)),
    findings,
  };
}

const harnessNoteCodes: ReadonlySet<string> = new Set<HarnessNoteCode>(['rate-limited', 'overloaded', 'time-budget', 'pools-differ', 'not-tested', 'unsupported-schema', 'writes-listed', 'harvest', 'target']);

/** Whether a note is the harness's (rather than the static analysis's). */
export function isHarnessNote(note: ReportNote | FuzzReportNote): note is FuzzReportNote {
  return harnessNoteCodes.has(note.code);
}
