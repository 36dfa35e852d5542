/**
 * The fuzz report as SARIF 2.1.0: the harness's rules in the driver (with `helpUri` to their section of
 * docs/harness.md), one result per harness finding. A finding whose tool's source is known has a
 * physical location (the tool's `defineTool`, or the config file for target-wide findings) and the
 * MCP tool as a logical location; without the source it has only the logical location, which SARIF
 * allows and GitHub code scanning does not accept (upload such a log elsewhere, or fuzz with `--config`
 * or `--source`). A joined report is the static SARIF log with these rules and results added, its
 * confirmed static results carrying `confirmed` and `reproduce`.
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { repositoryUrl } from '@mcify-audit/analyzer';
import type { HarnessRuleId } from '@mcify-audit/harness';
import { formatSarif } from './format-sarif.js';
import { isHarnessFinding, isHarnessNote, replayLine, staticPartOf, type FuzzFormatter, type FuzzReport, type FuzzReportFinding } from './fuzz-report.js';
import { harnessRuleDocsUrl, harnessRuleOrder, harnessRules } from './fuzz-rules.js';

const srcRoot = '%SRCROOT%';

/** The `partialFingerprints` key of harness results: rule, tool, principal and victim, not the case. */
export const harnessFingerprintKey = 'mcifyAuditHarness/v1';

interface SarifRun {
  tool: { driver: { name: string; version: string; semanticVersion: string; informationUri: string; rules: unknown[] } };
  invocations: { executionSuccessful: boolean; toolExecutionNotifications: unknown[] }[];
  originalUriBaseIds: Record<string, { uri: string }>;
  columnKind: string;
  results: Record<string, unknown>[];
  properties: Record<string, unknown>;
}

function friendlyName(ruleId: HarnessRuleId): string {
  return ruleId
    .slice('harness/'.length)
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

function describeRule(ruleId: HarnessRuleId) {
  const rule = harnessRules[ruleId];
  const url = harnessRuleDocsUrl(ruleId);
  const cwes = rule.cwe.map((cwe) => `CWE-${String(cwe)}`);
  return {
    id: ruleId,
    name: friendlyName(ruleId),
    shortDescription: { text: rule.description },
    fullDescription: { text: `${rule.description} ${rule.rationale}` },
    help: {
      text: `${rule.description} ${rule.rationale}\n\nWeaknesses: ${cwes.join(', ')}. Default severity: ${rule.severity}. Documentation: ${url}`,
      markdown: [
        `**${rule.description}**`,
        rule.rationale,
        `Weaknesses: ${rule.cwe.map((cwe) => `[CWE-${String(cwe)}](https://cwe.mitre.org/data/definitions/${String(cwe)}.html)`).join(', ')}. Default severity: ${rule.severity}.`,
        `See [${ruleId}](${url}) for the oracle, its limits and how to replay a finding.`,
      ].join('\n\n'),
    },
    helpUri: url,
    defaultConfiguration: { level: rule.severity },
    properties: {
      tags: ['security', 'mcp', 'dynamic', ...rule.cwe.map((cwe) => `external/cwe/cwe-${String(cwe)}`)],
      // A finding is a counterexample the server answered, replayed before it is reported.
      precision: 'very-high',
      'security-severity': rule.securitySeverity.toFixed(1),
      'problem.severity': rule.severity,
    },
  };
}

/** See format-sarif.ts: a `[text](` in a plain message would read as a link. */
function messageText(text: string): string {
  return text.replace(/\[(?=[^\]]*\]\()/g, '\\[');
}

function sarifUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function srcRootUri(cwd: string): string {
  const href = pathToFileURL(cwd).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/** The MCP tool (or the server, for target-wide findings) as a SARIF logical location. */
function logicalLocation(report: FuzzReport, finding: FuzzReportFinding) {
  return finding.tool === null ? { name: 'MCP server', fullyQualifiedName: report.fuzz.url, kind: 'module' } : { name: finding.tool, fullyQualifiedName: finding.tool, kind: 'function' };
}

function harnessResult(report: FuzzReport, finding: FuzzReportFinding, ruleIndex: number): Record<string, unknown> {
  const physical =
    finding.file === undefined
      ? {}
      : {
          physicalLocation: {
            artifactLocation: { uri: sarifUri(finding.file), uriBaseId: srcRoot },
            region: { startLine: finding.line ?? 1, startColumn: finding.column ?? 1, endLine: finding.endLine ?? finding.line ?? 1, endColumn: finding.endColumn ?? finding.column ?? 1 },
          },
        };
  const who = finding.principal === null ? '' : ` (${finding.principal}${finding.victim === null ? '' : ` → ${finding.victim}`})`;
  const tool = finding.tool === null ? '' : ` (MCP tool: ${finding.tool})`;
  const print = createHash('sha256')
    .update([finding.ruleId, finding.tool ?? '', finding.principal ?? '', finding.victim ?? ''].join('\0'))
    .digest('hex')
    .slice(0, 32);
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: finding.severity,
    message: { text: messageText(`${finding.message}${tool}${who} Evidence: ${finding.evidence} Replay: ${replayLine(report, finding.reproduce)}`) },
    locations: [{ ...physical, logicalLocations: [logicalLocation(report, finding)] }],
    partialFingerprints: { [harnessFingerprintKey]: print },
    properties: {
      confidence: finding.confidence,
      tool: finding.tool,
      messageId: finding.messageId,
      principal: finding.principal,
      victim: finding.victim,
      input: finding.input,
      evidence: finding.evidence,
      reproduce: finding.reproduce,
      replay: replayLine(report, finding.reproduce),
    },
  };
}

/**
 * Formats a fuzz (or joined) report as a SARIF 2.1.0 log (JSON, two-space indent).
 *
 * @example
 * ```ts
 * await writeFile('fuzz.sarif', formatFuzzSarif(report, { cwd, sourceOf, color: false }));
 * ```
 */
export const formatFuzzSarif: FuzzFormatter = (report, context) => {
  const statics = staticPartOf(report);
  let run: SarifRun;
  if (statics === undefined) {
    run = {
      tool: { driver: { name: report.tool.name, version: report.tool.version, semanticVersion: report.tool.version, informationUri: repositoryUrl, rules: [] } },
      invocations: [{ executionSuccessful: true, toolExecutionNotifications: [] }],
      originalUriBaseIds: { [srcRoot]: { uri: srcRootUri(context.cwd) } },
      columnKind: 'utf16CodeUnits',
      results: [],
      properties: {},
    };
  } else {
    const log = JSON.parse(formatSarif(statics, context)) as { runs: SarifRun[] };
    const [first] = log.runs;
    if (first === undefined) throw new Error('the static SARIF log has no run');
    run = first;
    // The static results are in the static part's order: mark those the fuzz confirmed.
    statics.findings.forEach((finding, index) => {
      const result = run.results[index];
      if (result === undefined || finding.confirmed !== true) return;
      result.properties = { ...(result.properties as Record<string, unknown>), confirmed: true, reproduce: finding.reproduce, ...(finding.reproduce === undefined ? {} : { replay: replayLine(report, finding.reproduce) }) };
    });
  }
  const offset = run.tool.driver.rules.length;
  run.tool.driver.rules.push(...harnessRuleOrder.map(describeRule));
  for (const finding of report.findings.filter(isHarnessFinding)) run.results.push(harnessResult(report, finding, offset + harnessRuleOrder.indexOf(finding.ruleId)));
  const notifications = run.invocations[0]?.toolExecutionNotifications;
  for (const note of report.notes.filter(isHarnessNote)) {
    notifications?.push({ level: note.code === 'time-budget' || note.code === 'target' ? 'warning' : 'note', message: { text: messageText(note.tool === undefined ? note.message : `${note.tool}: ${note.message}`) }, descriptor: { id: note.code } });
  }
  run.properties = { ...run.properties, summary: report.summary, fuzz: report.fuzz, coverage: report.coverage, writes: report.writes };
  const log = { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] };
  return `${JSON.stringify(log, null, 2)}\n`;
};

