/**
 * SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer): one run whose driver describes
 * every rule, one result per finding with its location relative to `%SRCROOT%` (the working
 * directory), stable `partialFingerprints`, and the finding's flow as a code flow.
 */
import { pathToFileURL } from 'node:url';
import { repositoryUrl, ruleDocsUrl, ruleIds, rules, type RuleId, type RuleMeta, type Severity } from '@mcify-audit/analyzer';
import { fingerprintKey, fingerprints } from './fingerprint.js';
import type { Formatter, ReportFinding, ReportFlowStep, ReportNote } from './report.js';

/** The base id every result location is relative to; `originalUriBaseIds` maps it to the working directory. */
const srcRoot = '%SRCROOT%';

type Level = 'error' | 'warning' | 'note';

interface Message {
  readonly text: string;
  readonly markdown?: string;
}

interface Region {
  readonly startLine: number;
  readonly startColumn?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

interface PhysicalLocation {
  readonly artifactLocation: { readonly uri: string; readonly uriBaseId: typeof srcRoot };
  readonly region?: Region;
}

interface Location {
  readonly physicalLocation: PhysicalLocation;
  readonly message?: Message;
}

interface ReportingDescriptor {
  readonly id: RuleId;
  readonly name: string;
  readonly shortDescription: Message;
  readonly fullDescription: Message;
  readonly help: Message;
  readonly helpUri: string;
  readonly defaultConfiguration: { readonly level: Level };
  readonly properties: {
    readonly tags: readonly string[];
    readonly precision: RuleMeta['precision'];
    readonly 'security-severity': string;
    readonly 'problem.severity': Severity;
  };
}

interface Result {
  readonly ruleId: RuleId;
  readonly ruleIndex: number;
  readonly level: Level;
  readonly message: Message;
  readonly locations: readonly Location[];
  readonly partialFingerprints: Readonly<Record<string, string>>;
  readonly codeFlows?: readonly { readonly threadFlows: readonly { readonly locations: readonly { readonly location: Location }[] }[] }[];
  readonly properties: { readonly confidence: ReportFinding['confidence']; readonly tool: string | null; readonly messageId: string; readonly field?: string };
}

interface Notification {
  readonly level: Level;
  readonly message: Message;
  /** The note's code (`parse-error`, `dialect`, ...): what kind of notification it is, whatever its wording. */
  readonly descriptor: { readonly id: string };
  readonly locations?: readonly Location[];
}

const levelOf: Readonly<Record<Severity, Level>> = { error: 'error', warning: 'warning' };

/** `mcify/no-auth-none` → `NoAuthNone`: SARIF's `name` is a Pascal-case friendly name. */
function friendlyName(ruleId: RuleId): string {
  return ruleId
    .slice('mcify/'.length)
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** The rationale's Markdown as plain text: it only uses inline code, whose backticks a plain-text view would show. */
function plain(markdown: string): string {
  return markdown.replace(/`([^`]*)`/g, '$1');
}

/**
 * A report path (relative, POSIX) as a URI reference: each segment percent-encoded, so a space, `#`,
 * `%` or a colon in a first segment (which would read as a scheme) cannot change what it points at.
 */
function sarifUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/**
 * Plain-text SARIF messages may carry embedded links, `[text](target)`, which GitHub renders; a literal
 * bracket pair that happens to be followed by `(` (`[requireAuth()](...)`) would be read as one, so
 * its `[` is escaped (SARIF 2.1.0 §3.11.6). Other brackets are left alone, so the text reads the same
 * in consumers that show it verbatim.
 */
function messageText(text: string): string {
  return text.replace(/\[(?=[^\]]*\]\()/g, '\\[');
}

/**
 * Whether a finding's message names its MCP tool: its rule's template for the message id has a
 * `{{tool}}` placeholder, filled with the tool's name. Read from the ids, not the wording.
 */
function namesTool(finding: ReportFinding): boolean {
  const template = rules[finding.ruleId].messages[finding.messageId];
  return template !== undefined && /\{\{\s*tool\s*\}\}/.test(template) && finding.data.tool === finding.tool;
}

function describeRule(ruleId: RuleId): ReportingDescriptor {
  const rule = rules[ruleId];
  const url = ruleDocsUrl(ruleId);
  const cwes = rule.cwe.map((cwe) => `CWE-${String(cwe)}`);
  return {
    id: ruleId,
    name: friendlyName(ruleId),
    shortDescription: { text: rule.description },
    fullDescription: { text: `${rule.description} ${plain(rule.rationale)}`, markdown: `${rule.description} ${rule.rationale}` },
    help: {
      text: `${rule.description} ${plain(rule.rationale)}\n\nWeaknesses: ${cwes.join(', ')}. Default severity: ${rule.severity}. Documentation: ${url}`,
      markdown: [
        `**${rule.description}**`,
        rule.rationale,
        `Weaknesses: ${rule.cwe.map((cwe) => `[CWE-${String(cwe)}](https://cwe.mitre.org/data/definitions/${String(cwe)}.html)`).join(', ')}. Default severity: ${rule.severity}.`,
        `See [${ruleId}](${url}) for what the rule catches, examples, and the options that affect it.`,
      ].join('\n\n'),
    },
    helpUri: url,
    defaultConfiguration: { level: levelOf[rule.severity] },
    properties: {
      // GitHub shows `external/cwe/cwe-N` tags as CWE links and filters on `security`.
      tags: ['security', 'mcp', ...rule.cwe.map((cwe) => `external/cwe/cwe-${String(cwe)}`)],
      precision: rule.precision,
      // GitHub reads a decimal string, not a number.
      'security-severity': rule.securitySeverity.toFixed(1),
      'problem.severity': rule.severity,
    },
  };
}

function artifact(file: string): PhysicalLocation['artifactLocation'] {
  return { uri: sarifUri(file), uriBaseId: srcRoot };
}

function findingLocation(finding: ReportFinding): PhysicalLocation {
  return {
    artifactLocation: artifact(finding.file),
    region: { startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: finding.endColumn },
  };
}

/**
 * A flow step's region. Steps carry only a start; a region without an end means "to the end of the
 * line" in SARIF, and that is what this spells out from the source (trailing whitespace
 * trimmed), because consumers and the validator expect explicit ends. Without the source (or past its
 * end) the end is left to that default.
 */
function stepRegion(step: ReportFlowStep, lineOf: (file: string, line: number) => string | undefined): Region {
  const lineText = lineOf(step.file, step.line)?.trimEnd();
  const start = { startLine: step.line, startColumn: step.column };
  return lineText === undefined ? start : { ...start, endLine: step.line, endColumn: Math.max(step.column, lineText.length + 1) };
}

function codeFlowOf(finding: ReportFinding, lineOf: (file: string, line: number) => string | undefined): NonNullable<Result['codeFlows']> {
  // The path ends where the finding is reported, so a viewer walks from the source to the sink. When the
  // flow's own last step is the sink, it takes the finding's region instead of repeating the location.
  const sink = finding.flow.at(-1);
  const endsAtFinding = sink?.file === finding.file && sink.line === finding.line && sink.column === finding.column;
  const steps = (endsAtFinding ? finding.flow.slice(0, -1) : finding.flow).map((step) => ({
    location: { physicalLocation: { artifactLocation: artifact(step.file), region: stepRegion(step, lineOf) }, message: { text: messageText(step.message) } },
  }));
  const last = { location: { physicalLocation: findingLocation(finding), message: { text: messageText(endsAtFinding ? sink.message : finding.message) } } };
  return [{ threadFlows: [{ locations: [...steps, last] }] }];
}

/** Notes that say the analysis is incomplete: a file or tsconfig that did not parse, a check that stopped. */
const incompleteCodes: ReadonlySet<string> = new Set(['parse-error', 'tsconfig-error', 'analysis-stopped', 'no-tools']);

/** A note as a tool execution notification, located where the note is (its line and column when it has them). */
function notificationOf(note: ReportNote): Notification {
  const head = { level: incompleteCodes.has(note.code) ? 'warning' : 'note', message: { text: messageText(note.message) }, descriptor: { id: note.code } } as const;
  if (note.file === undefined) return head;
  const region = note.line === undefined ? undefined : { startLine: note.line, ...(note.column === undefined ? {} : { startColumn: note.column }) };
  return { ...head, locations: [{ physicalLocation: { artifactLocation: artifact(note.file), ...(region === undefined ? {} : { region }) } }] };
}

/** The working directory as the absolute `file:` URL `%SRCROOT%` stands for; SARIF requires the trailing slash. */
function srcRootUri(cwd: string): string {
  const href = pathToFileURL(cwd).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * Formats a report as a SARIF 2.1.0 log (JSON, two-space indent) that GitHub code scanning accepts.
 * Every rule is described, not only those with findings, so a rule whose alerts all got fixed still
 * has its metadata. `context.sourceOf` feeds the fingerprints and the ends of flow-step regions.
 *
 * @example
 * ```ts
 * const sarif = formatSarif(report, { cwd: process.cwd(), sourceOf: (file) => readFileSync(file, 'utf8'), color: false });
 * ```
 */
export const formatSarif: Formatter = (report, context) => {
  const prints = fingerprints(report.findings, context.sourceOf);
  // Each file is read and split once, however many flow steps point into it.
  const linesOf = new Map<string, readonly string[] | undefined>();
  const lineOf = (file: string, line: number): string | undefined => {
    if (!linesOf.has(file)) linesOf.set(file, context.sourceOf(file)?.split(/\r?\n/));
    return linesOf.get(file)?.[line - 1];
  };
  const results: Result[] = report.findings.map((finding, index) => {
    // Name the MCP tool when the message does not: a schema shared by several tools gives one finding
    // per tool at the same place, and the alerts would otherwise read the same.
    const tool = finding.tool === null || namesTool(finding) ? '' : ` (MCP tool: ${finding.tool})`;
    return {
      ruleId: finding.ruleId,
      ruleIndex: ruleIds.indexOf(finding.ruleId),
      level: levelOf[finding.severity],
      message: { text: messageText(`${finding.message}${tool}`) },
      locations: [{ physicalLocation: findingLocation(finding) }],
      partialFingerprints: { [fingerprintKey]: prints[index] ?? '' },
      ...(finding.flow.length > 0 ? { codeFlows: codeFlowOf(finding, lineOf) } : {}),
      properties: { confidence: finding.confidence, tool: finding.tool, messageId: finding.messageId, ...(finding.field === undefined ? {} : { field: finding.field }) },
    };
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: repositoryUrl,
            rules: ruleIds.map(describeRule),
          },
        },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: report.notes.map(notificationOf) }],
        originalUriBaseIds: { [srcRoot]: { uri: srcRootUri(context.cwd) } },
        columnKind: 'utf16CodeUnits',
        results,
        properties: { dialect: report.dialect, summary: report.summary, tools: report.tools },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};
