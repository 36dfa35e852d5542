/**
 * The SARIF formatter on real reports: the labelled corpus (fixtures/lint) analysed as one program, and
 * small projects written to a temporary directory. Every log must pass Microsoft's SARIF validator with
 * its default rules and with GitHub's ingestion rules, and carry what code scanning needs: rule metadata,
 * locations relative to %SRCROOT%, code flows, notifications and fingerprints that survive edits
 * elsewhere in the file.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeProgram, ruleDocsUrl, ruleIds, rules, type Finding, type RuleId } from '@mcify-audit/analyzer';
import { corpusCases, repoRoot } from '../../analyzer/test/corpus-cases.js';
import { scanCompilerOptions } from '../src/project/projects.js';
import { fingerprintKey } from '../src/report/fingerprint.js';
import { formatSarif } from '../src/report/format-sarif.js';
import { createReport, reportDialect, reportFinding, reportNote, reportTool, type FormatContext, type Report } from '../src/report/report.js';
import { describeResults, validateSarif, type ValidationResult } from './support/sarif-validator.js';

/** The parts of a SARIF log these tests read. */
interface SarifRegion {
  readonly startLine: number;
  readonly startColumn?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}
interface SarifPhysicalLocation {
  readonly artifactLocation: { readonly uri: string; readonly uriBaseId?: string };
  readonly region?: SarifRegion;
}
interface SarifLocation {
  readonly physicalLocation: SarifPhysicalLocation;
  readonly message?: { readonly text: string };
}
interface SarifRule {
  readonly id: string;
  readonly name?: string;
  readonly shortDescription?: { readonly text: string };
  readonly fullDescription?: { readonly text: string; readonly markdown?: string };
  readonly help?: { readonly text: string; readonly markdown?: string };
  readonly helpUri?: string;
  readonly defaultConfiguration?: { readonly level?: string };
  readonly properties?: { readonly tags?: readonly string[]; readonly precision?: string; readonly 'security-severity'?: string; readonly 'problem.severity'?: string };
}
interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: string;
  readonly message: { readonly text: string };
  readonly locations: readonly SarifLocation[];
  readonly partialFingerprints: Readonly<Record<string, string>>;
  readonly codeFlows?: readonly { readonly threadFlows: readonly { readonly locations: readonly { readonly location: SarifLocation }[] }[] }[];
  readonly properties: { readonly confidence: string; readonly tool: string | null; readonly messageId: string; readonly field?: string };
}
interface SarifRun {
  readonly tool: { readonly driver: { readonly name: string; readonly version?: string; readonly semanticVersion?: string; readonly informationUri?: string; readonly rules: readonly SarifRule[] } };
  readonly results: readonly SarifResult[];
  readonly originalUriBaseIds: Readonly<Record<string, { readonly uri: string }>>;
  readonly columnKind: string;
  readonly invocations: readonly {
    readonly executionSuccessful: boolean;
    readonly toolExecutionNotifications: readonly { readonly level: string; readonly message: { readonly text: string }; readonly descriptor: { readonly id: string }; readonly locations?: readonly SarifLocation[] }[];
  }[];
  readonly properties?: { readonly dialect?: unknown; readonly summary?: unknown; readonly tools?: unknown };
}
interface SarifLog {
  readonly $schema: string;
  readonly version: string;
  readonly runs: readonly SarifRun[];
}

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The options the CLI gives a directory without a tsconfig. */
const compilerOptions = scanCompilerOptions;

interface Analysis {
  readonly findings: readonly Finding[];
  readonly report: Report;
}

/** Analyses `files` as one program and builds the report the CLI would, paths relative to `cwd`. */
function analyze(files: readonly string[], cwd: string): Analysis {
  const result = analyzeProgram(ts.createProgram(files, compilerOptions), {}, files);
  const report = createReport({
    version,
    dialect: reportDialect(result.dialect, cwd),
    files: files.length,
    tools: result.tools.map((tool) => reportTool(tool, cwd)),
    notes: result.notes.map((note) => reportNote(note, cwd)),
    findings: result.findings.map((finding) => reportFinding(finding, cwd)),
  });
  return { findings: result.findings, report };
}

function contextFor(cwd: string): FormatContext {
  return {
    cwd,
    sourceOf: (file) => {
      try {
        return readFileSync(join(cwd, file), 'utf8');
      } catch {
        return undefined;
      }
    },
    color: false,
  };
}

function runOf(sarif: string): SarifRun {
  const log = JSON.parse(sarif) as SarifLog;
  expect(log.runs).toHaveLength(1);
  const [run] = log.runs;
  if (run === undefined) throw new Error('no run');
  return run;
}

function firstLocation(result: SarifResult): SarifPhysicalLocation {
  const location = result.locations[0]?.physicalLocation;
  if (location === undefined) throw new Error(`${result.ruleId} has no location`);
  return location;
}

/** The file a location points at: its URI resolved against what its uriBaseId stands for. */
function resolveLocation(run: SarifRun, location: SarifPhysicalLocation): string {
  const base = run.originalUriBaseIds[location.artifactLocation.uriBaseId ?? ''];
  if (base === undefined) throw new Error(`unknown uriBaseId ${String(location.artifactLocation.uriBaseId)}`);
  return fileURLToPath(new URL(location.artifactLocation.uri, base.uri));
}

/** Every artifact location of a run: results, their code flows, and notifications. */
function allLocations(run: SarifRun): SarifPhysicalLocation[] {
  return [
    ...run.results.flatMap((result) => [
      ...result.locations.map((location) => location.physicalLocation),
      ...(result.codeFlows ?? []).flatMap((flow) => flow.threadFlows.flatMap((thread) => thread.locations.map((step) => step.location.physicalLocation))),
    ]),
    ...run.invocations.flatMap((invocation) => invocation.toolExecutionNotifications.flatMap((notification) => (notification.locations ?? []).map((location) => location.physicalLocation))),
  ];
}

/** Asserts the validator found no error and no warning, listing everything it found if it did. */
function expectClean(results: readonly ValidationResult[]): void {
  const problems = results.filter((result) => result.level === 'error' || result.level === 'warning');
  expect(problems, `the SARIF validator reported:\n${describeResults(problems)}`).toEqual([]);
}

/** Prints what the validator said, by kind, rule and level, so a run shows the notes it leaves. */
function printSummary(label: string, results: readonly ValidationResult[]): void {
  const counts = new Map<string, number>();
  for (const result of results) counts.set(`${result.kind} ${result.ruleId} ${result.level}`, (counts.get(`${result.kind} ${result.ruleId} ${result.level}`) ?? 0) + 1);
  const lines = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([key, count]) => `  ${key}: ${String(count)}`);
  process.stdout.write(`\nSARIF validator, ${label}: ${String(results.filter((result) => result.level === 'error').length)} errors, ${String(results.filter((result) => result.level === 'warning').length)} warnings\n${lines.join('\n')}\n`);
}

/** The first paragraph of a rule's documentation page, whitespace normalised. */
function docsSummary(ruleId: RuleId): string {
  const page = readFileSync(join(repoRoot, 'docs', 'rules', `${ruleId.slice('mcify/'.length)}.md`), 'utf8');
  const paragraph = page.split(/\n\s*\n/)[1] ?? '';
  return paragraph.replace(/\s+/g, ' ').trim();
}

describe('formatSarif on the labelled corpus', () => {
  const files = corpusCases().flatMap((corpusCase) => corpusCase.files);
  let corpus: Analysis;
  let sarif: string;
  let run: SarifRun;
  let validation: ValidationResult[];

  beforeAll(async () => {
    corpus = analyze(files, repoRoot);
    sarif = formatSarif(corpus.report, contextFor(repoRoot));
    run = runOf(sarif);
    validation = await validateSarif(sarif);
    printSummary(`corpus (${String(run.results.length)} results)`, validation);
  }, 300_000);

  it('is a SARIF 2.1.0 log, two-space indented, from mcify-audit', () => {
    expect(corpus.findings.length).toBeGreaterThan(100);
    const log = JSON.parse(sarif) as SarifLog;
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(sarif).toBe(`${JSON.stringify(log, null, 2)}\n`);
    const { driver } = run.tool;
    expect(driver.name).toBe('mcify-audit');
    expect(driver.version).toBe(version);
    expect(driver.semanticVersion).toBe(version);
    expect(driver.informationUri).toBe('https://github.com/mcify-audit/mcify-audit');
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.properties?.summary).toEqual(corpus.report.summary);
    expect(run.properties?.tools).toEqual(corpus.report.tools);
  });

  it('passes the SARIF validator with no error and no warning, with its default rules and with the GitHub ingestion rules', () => {
    // The default rules always leave notes (no snippets, no version control details), so their output was
    // read; that the GitHub rules' output is read too is shown on a broken log below.
    expect(validation.some((result) => result.kind === 'sarif')).toBe(true);
    expectClean(validation);
  });

  it('reports every finding of the analysis as a result with its rule, file, region and level', () => {
    const expected = corpus.findings
      .map((finding) => {
        const file = relative(repoRoot, finding.location.file).split('\\').join('/');
        const { line, column, endLine, endColumn } = finding.location;
        return `${finding.ruleId} ${file} ${String(line)}:${String(column)}-${String(endLine)}:${String(endColumn)} ${finding.severity} ${finding.tool ?? '-'}`;
      })
      .sort();
    const found = run.results
      .map((result) => {
        const { artifactLocation, region } = firstLocation(result);
        return `${result.ruleId} ${artifactLocation.uri} ${String(region?.startLine)}:${String(region?.startColumn)}-${String(region?.endLine)}:${String(region?.endColumn)} ${result.level} ${result.properties.tool ?? '-'}`;
      })
      .sort();
    expect(found).toEqual(expected);
    // Both levels occur, so the severity → level mapping is exercised both ways.
    expect(new Set(run.results.map((result) => result.level))).toEqual(new Set(['error', 'warning']));
    for (const [index, result] of run.results.entries()) {
      const finding = corpus.report.findings[index];
      expect(result.message.text.startsWith(finding?.message ?? '\0'), result.message.text).toBe(true);
      expect(result.properties.confidence).toBe(finding?.confidence);
      expect(run.tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
    }
  });

  it('names the MCP tool in every tool finding message', () => {
    for (const result of run.results) {
      if (result.properties.tool !== null) expect(result.message.text).toContain(result.properties.tool);
    }
  });

  it('describes every rule, with descriptions, help, documentation link, level and security severity', () => {
    const described = run.tool.driver.rules;
    expect(described.map((rule) => rule.id)).toEqual([...ruleIds]);
    for (const rule of described) {
      const meta = rules[rule.id as RuleId];
      expect(rule.name).toMatch(/^(?:[A-Z][a-z]+)+$/);
      expect(rule.name?.toLowerCase()).toBe(rule.id.slice('mcify/'.length).replace(/-/g, ''));
      expect(rule.shortDescription?.text).toBe(meta.description);
      expect(rule.fullDescription?.text.length).toBeGreaterThan(meta.description.length + 40);
      expect(rule.fullDescription?.text).not.toContain('`');
      expect(rule.help?.text).toContain(ruleDocsUrl(meta.id));
      expect(rule.help?.markdown).toContain(`(${ruleDocsUrl(meta.id)})`);
      expect(rule.helpUri).toBe(ruleDocsUrl(meta.id));
      expect(rule.defaultConfiguration?.level).toBe(meta.severity);
      const properties = rule.properties;
      expect(properties?.tags).toContain('security');
      for (const cwe of meta.cwe) expect(properties?.tags).toContain(`external/cwe/cwe-${String(cwe)}`);
      expect(properties?.precision).toMatch(/^(very-high|high|medium|low)$/);
      expect(properties?.['problem.severity']).toBe(meta.severity);
      const severity = properties?.['security-severity'] ?? '';
      expect(severity).toMatch(/^\d+(\.\d+)?$/);
      expect(Number(severity)).toBe(meta.securitySeverity);
      expect(Number(severity)).toBeGreaterThan(0);
      expect(Number(severity)).toBeLessThanOrEqual(10);
    }
    expect(Number(described.find((rule) => rule.id === 'mcify/no-auth-none')?.properties?.['security-severity'])).toBeGreaterThanOrEqual(9);
    expect(Number(described.find((rule) => rule.id === 'mcify/token-lifetime')?.properties?.['security-severity'])).toBeLessThan(4);
  });

  it("takes each rule's full description from its documentation page's summary", () => {
    for (const ruleId of ruleIds) {
      const meta = rules[ruleId];
      expect(docsSummary(ruleId), ruleId).toContain(`${meta.description} ${meta.rationale}`);
      const fullDescription = run.tool.driver.rules.find((rule) => rule.id === ruleId)?.fullDescription;
      expect(fullDescription?.markdown).toBe(`${meta.description} ${meta.rationale}`);
      expect(fullDescription?.text).toBe(`${meta.description} ${meta.rationale}`.replace(/`/g, ''));
    }
  });

  it('gives every location a relative URI under %SRCROOT%, the working directory, naming a real file and line', () => {
    const base = run.originalUriBaseIds['%SRCROOT%']?.uri;
    expect(base).toBe(pathToFileURL(repoRoot).href);
    expect(base?.endsWith('/')).toBe(true);
    const locations = allLocations(run);
    expect(locations.length).toBeGreaterThan(run.results.length);
    for (const location of locations) {
      const { uri, uriBaseId } = location.artifactLocation;
      expect(uriBaseId).toBe('%SRCROOT%');
      expect(uri).not.toMatch(/^(\.\/|\/|[a-z][a-z0-9+.-]*:)/i);
      expect(uri).toMatch(/^fixtures\/lint\//);
      const lines = readFileSync(resolveLocation(run, location), 'utf8').split('\n');
      expect(lines.length).toBeGreaterThanOrEqual(location.region?.startLine ?? 1);
    }
  });

  it('gives a code flow exactly to the findings with a flow: its steps, ending at the reported location', () => {
    const withFlow = corpus.report.findings.filter((finding) => finding.flow.length > 0).length;
    expect(withFlow).toBeGreaterThan(10);
    expect(run.results.filter((result) => result.codeFlows !== undefined)).toHaveLength(withFlow);
    for (const [index, result] of run.results.entries()) {
      const finding = corpus.report.findings[index];
      if (finding === undefined) throw new Error(`no finding for result ${String(index)}`);
      if (finding.flow.length === 0) {
        expect(result.codeFlows).toBeUndefined();
        continue;
      }
      expect(result.codeFlows).toHaveLength(1);
      const threads = result.codeFlows?.[0]?.threadFlows ?? [];
      expect(threads).toHaveLength(1);
      const steps = threads[0]?.locations.map((step) => step.location) ?? [];
      // A flow whose last step is the reported location ends there, with the finding's region.
      const sink = finding.flow.at(-1);
      const endsAtFinding = sink?.file === finding.file && sink.line === finding.line && sink.column === finding.column;
      expect(steps).toHaveLength(endsAtFinding ? finding.flow.length : finding.flow.length + 1);
      (endsAtFinding ? finding.flow.slice(0, -1) : finding.flow).forEach((flowStep, stepIndex) => {
        const step = steps[stepIndex];
        expect(step?.physicalLocation.artifactLocation.uri).toBe(flowStep.file);
        expect(step?.physicalLocation.region?.startLine).toBe(flowStep.line);
        expect(step?.physicalLocation.region?.startColumn).toBe(flowStep.column);
        expect(step?.message?.text).toBe(flowStep.message);
      });
      expect(steps.at(-1)?.physicalLocation).toEqual(firstLocation(result));
      expect(steps.at(-1)?.message?.text).toBe(endsAtFinding ? sink.message : finding.message);
    }
  });

  it('fingerprints every result uniquely, and identically when files are analysed again', () => {
    const prints = run.results.map((result) => result.partialFingerprints[fingerprintKey]);
    expect(prints.every((print) => typeof print === 'string' && /^[0-9a-f]{32}$/.test(print))).toBe(true);
    expect(new Set(prints).size).toBe(run.results.length);
    // A fresh analysis of part of the corpus (fingerprints depend on the file only, not on the program).
    const mixed = 'fixtures/lint/mixed/';
    const again = runOf(formatSarif(analyze(files.filter((file) => relative(repoRoot, file).split('\\').join('/').startsWith(mixed)), repoRoot).report, contextFor(repoRoot)));
    const before = run.results.filter((result) => firstLocation(result).artifactLocation.uri.startsWith(mixed));
    expect(before.length).toBeGreaterThan(10);
    expect(again.results.map((result) => result.partialFingerprints[fingerprintKey])).toEqual(before.map((result) => result.partialFingerprints[fingerprintKey]));
    // Formatting is deterministic too: the same report gives the same log, byte for byte.
    expect(formatSarif(corpus.report, contextFor(repoRoot))).toBe(sarif);
  }, 180_000);
});

/** A small project with one tool that has three findings, an unused suppression (a note) and an awkward path. */
const toolSource = (top = '', logLine = "    ctx.logger.info('listing orders', { userId });") =>
  `${top}import { defineTool } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { PrismaClient } from '@prisma/client';
import { z } from 'zod';

const prisma = new PrismaClient();

export const ordersList = defineTool({
  name: 'orders_list',
  description: 'List the orders of a customer account.',
  middlewares: [requireAuth({ scopes: ['orders:read'] })],
  input: z.object({
    userId: z.string(),
  }),
  handler: async ({ userId }, ctx) => {
${logLine}
    // mcify-audit-ignore mcify/token-lifetime -- nothing here is a token lifetime
    const limit = 50;
    return prisma.order.findMany({ where: { userId }, take: limit });
  },
});
`;

/** A log as plain JSON, to break on purpose. */
interface MutableLog {
  runs: [{ tool: { driver: { rules: Record<string, unknown>[] } }; results: Record<string, unknown>[] }];
}

describe('formatSarif on a project in a temporary directory', () => {
  let root: string;
  /** A folder with a space and a file with `#`: both must be percent-encoded in URIs. */
  const relativePath = 'src/my tools/orders#v1.ts';
  let file: string;

  const analyzeWith = (source: string): { report: Report; sarif: string; run: SarifRun } => {
    writeFileSync(file, source);
    const { report } = analyze([file], root);
    const sarif = formatSarif(report, contextFor(root));
    return { report, sarif, run: runOf(sarif) };
  };
  const printsByRule = (run: SarifRun): Map<string, string | undefined> => {
    const ruleIdsFound = run.results.map((result) => result.ruleId);
    // One finding per rule in this file, so the rule id identifies the finding across versions.
    expect(new Set(ruleIdsFound).size).toBe(ruleIdsFound.length);
    return new Map(run.results.map((result) => [result.ruleId, result.partialFingerprints[fingerprintKey]]));
  };
  const linesByRule = (run: SarifRun): Map<string, number | undefined> => new Map(run.results.map((result) => [result.ruleId, firstLocation(result).region?.startLine]));

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'mcify-sarif-project-'));
    file = join(root, ...relativePath.split('/'));
    mkdirSync(join(root, 'src', 'my tools'), { recursive: true });
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('passes the validator, percent-encodes the path, and turns notes into tool execution notifications', async () => {
    const { report, sarif, run } = analyzeWith(toolSource());
    expect(report.findings.map((finding) => finding.ruleId).sort()).toEqual(['mcify/no-identity-in-input', 'mcify/no-pii-in-logs', 'mcify/no-untrusted-identity']);
    const validation = await validateSarif(sarif);
    printSummary('temporary project', validation);
    expectClean(validation);

    for (const result of run.results) {
      const location = firstLocation(result);
      expect(location.artifactLocation.uri).toBe('src/my%20tools/orders%23v1.ts');
      expect(resolveLocation(run, location)).toBe(file);
    }
    expect(run.originalUriBaseIds['%SRCROOT%']?.uri).toBe(`${pathToFileURL(root).href}/`);

    // The unused suppression is a note of the analysis, with its file.
    expect(report.notes.length).toBeGreaterThan(0);
    const notifications = run.invocations[0]?.toolExecutionNotifications ?? [];
    expect(run.invocations[0]?.executionSuccessful).toBe(true);
    expect(notifications.map((notification) => notification.message.text)).toEqual(report.notes.map((note) => note.message));
    expect(notifications.some((notification) => notification.message.text.includes('suppresses nothing'))).toBe(true);
    notifications.forEach((notification, index) => {
      const note = report.notes[index];
      expect(notification.level).toBe('note');
      // The note's code identifies the notification, whatever its wording.
      expect(notification.descriptor.id).toBe(note?.code);
      if (note?.file === undefined) expect(notification.locations).toBeUndefined();
      else expect(notification.locations?.map((location) => location.physicalLocation.artifactLocation)).toEqual([{ uri: 'src/my%20tools/orders%23v1.ts', uriBaseId: '%SRCROOT%' }]);
      if (note?.line !== undefined) expect(notification.locations?.[0]?.physicalLocation.region).toEqual({ startLine: note.line, startColumn: note.column });
    });
    expect(notifications.map((notification) => notification.descriptor.id)).toEqual(expect.arrayContaining(['dialect', 'suppression-unused']));
    expect(run.properties?.dialect).toEqual(report.dialect);
    for (const result of run.results) expect(result.properties.messageId).toMatch(/^[a-z][A-Za-z]+$/);
    expect(run.results.find((result) => result.ruleId === 'mcify/no-identity-in-input')?.properties.field).toBe('userId');
  }, 120_000);

  it('gives a file that does not parse a warning notification at its position, and still passes the validator', async () => {
    const { report, sarif, run } = analyzeWith(`${toolSource()}\nconst broken = (;\n`);
    const note = report.notes.find((entry) => entry.code === 'parse-error');
    expect(note?.line).toBeGreaterThan(1);
    const notification = run.invocations[0]?.toolExecutionNotifications.find((entry) => entry.descriptor.id === 'parse-error');
    expect(notification?.level).toBe('warning');
    expect(notification?.locations).toEqual([{ physicalLocation: { artifactLocation: { uri: 'src/my%20tools/orders%23v1.ts', uriBaseId: '%SRCROOT%' }, region: { startLine: note?.line, startColumn: note?.column } } }]);
    for (const result of run.results) expect(result.properties.confidence).toBe('low');
    expectClean(await validateSarif(sarif));
  }, 120_000);

  it('keeps fingerprints when lines are inserted above the findings, and changes one when its line is edited', () => {
    const before = analyzeWith(toolSource()).run;
    const shifted = analyzeWith(toolSource('// A header comment added later.\n\n/* and a block */\n')).run;
    // The findings did move, so equal fingerprints are not equal line numbers in disguise.
    for (const [ruleId, line] of linesByRule(before)) expect(linesByRule(shifted).get(ruleId)).toBe((line ?? 0) + 3);
    expect(printsByRule(shifted)).toEqual(printsByRule(before));
    expect(printsByRule(before).size).toBe(3);

    const edited = printsByRule(analyzeWith(toolSource('', "    ctx.logger.info('listing the orders', { userId });")).run);
    const original = printsByRule(before);
    expect(edited.get('mcify/no-pii-in-logs')).not.toBe(original.get('mcify/no-pii-in-logs'));
    // Only the edited line's finding changes.
    expect(edited.get('mcify/no-identity-in-input')).toBe(original.get('mcify/no-identity-in-input'));
    expect(edited.get('mcify/no-untrusted-identity')).toBe(original.get('mcify/no-untrusted-identity'));
  }, 60_000);

  it('gives a valid log with no result for a project without findings, and every rule still described', async () => {
    const clean = join(root, 'clean.ts');
    writeFileSync(clean, 'export const answer = 42;\n');
    const { report } = analyze([clean], root);
    expect(report.findings).toEqual([]);
    const sarif = formatSarif(report, contextFor(root));
    const run = runOf(sarif);
    expect(run.results).toEqual([]);
    expect(run.tool.driver.rules.map((rule) => rule.id)).toEqual([...ruleIds]);
    // "No mcify tools were found" is a note without a file: a notification without a location.
    const notifications = run.invocations[0]?.toolExecutionNotifications ?? [];
    expect(notifications.map((notification) => notification.message.text)).toEqual(report.notes.map((note) => note.message));
    expect(notifications.length).toBeGreaterThan(0);
    expect(notifications.every((notification) => notification.locations === undefined)).toBe(true);
    expectClean(await validateSarif(sarif));
  }, 120_000);

  it('catches broken logs: the validator support reports schema, SARIF and GitHub ingestion errors', async () => {
    // A proof that "no error" above means something: the same log, broken. Two logs, because the
    // multitool reports nothing at all on one it cannot deserialize (the schema check covers that).
    const { sarif } = analyzeWith(toolSource());
    const invalid = JSON.parse(sarif) as MutableLog;
    const [invalidResult] = invalid.runs[0].results;
    if (invalidResult === undefined) throw new Error('the project has no result');
    invalidResult.level = 'fatal';
    const broken = JSON.parse(sarif) as MutableLog;
    const [brokenRule] = broken.runs[0].tool.driver.rules;
    const [brokenResult] = broken.runs[0].results;
    if (brokenRule === undefined || brokenResult === undefined) throw new Error('the project has no result');
    delete brokenRule.fullDescription;
    brokenResult.locations = [{ physicalLocation: { artifactLocation: { uri: '/src/orders.ts', uriBaseId: '%SRCROOT%' }, region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 } } }];
    const [invalidErrors, brokenErrors] = (await Promise.all([validateSarif(JSON.stringify(invalid)), validateSarif(JSON.stringify(broken))])).map((results) => results.filter((result) => result.level === 'error'));
    expect(invalidErrors?.some((error) => error.kind === 'schema' && error.message.includes('/runs/0/results/0/level')), describeResults(invalidErrors ?? [])).toBe(true);
    expect(brokenErrors?.some((error) => error.kind === 'sarif' && error.ruleId === 'SARIF1004'), describeResults(brokenErrors ?? [])).toBe(true);
    expect(brokenErrors?.some((error) => error.kind === 'ghas' && error.ruleId === 'GH2012' && error.message.includes('fullDescription')), describeResults(brokenErrors ?? [])).toBe(true);
  }, 120_000);
});
