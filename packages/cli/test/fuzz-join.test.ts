/**
 * `joinReports`: the static and the fuzz report of one server joined by (file, defineTool line, MCP
 * name) along the rule mapping. Both sides: what is confirmed, and what is not (another tool, another
 * file, an unmapped rule, no source). Then the joined report in every format, on the real static
 * report of orders-vulnerable.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FuzzResult } from '@mcify-audit/harness';
import { buildAuditReport, parseAuditArgs } from '../src/commands/audit.js';
import { formatJunit } from '../src/report/format-junit.js';
import { formatFuzzHtml } from '../src/report/fuzz-html.js';
import { formatFuzzMarkdown } from '../src/report/fuzz-markdown.js';
import { fuzzReport, isHarnessFinding, type FuzzReport } from '../src/report/fuzz-report.js';
import { formatFuzzSarif } from '../src/report/fuzz-sarif.js';
import { formatFuzzText } from '../src/report/fuzz-text.js';
import { confirmedFindings, joinReports } from '../src/report/join.js';
import { createReport, type Report, type ReportFinding, type ReportTool } from '../src/report/report.js';
import { expectValid, pair } from './fuzz-cli-support.js';
import { configFile, secrets, vulnerableResult } from './fuzz-results.js';
import { parseXml } from './fuzz-xml.js';
import { repoRoot } from './support/run-cli.js';
import { describeResults, validateSarif } from './support/sarif-validator.js';

const orders = 'fixtures/servers/orders-vulnerable/src/tools/orders.ts';
const context = { cwd: repoRoot, sourceOf: () => undefined, color: false };

function tool(name: string, line: number, file = orders): ReportTool {
  return { name, kind: 'tool', file, line, requiresAuth: true, scopeGates: [], inputFields: [], identityFields: [], credentialFields: [], sinks: [] };
}

function finding(ruleId: ReportFinding['ruleId'], toolName: string | null, line: number, file = toolName === null ? 'fixtures/servers/orders-vulnerable/mcify.config.ts' : orders): ReportFinding {
  return { ruleId, severity: 'error', confidence: 'high', messageId: 'm', message: `${ruleId} on ${toolName ?? 'the config'}`, data: {}, file, line, column: 3, endLine: line, endColumn: 9, tool: toolName, flow: [] };
}

/** The static side: the tools at the lines the constructed fuzz result puts them (20, 50, 80, 110), and a same-named tool in another file. */
function staticReport(): Report {
  return createReport({
    version: '0.1.0',
    dialect: { name: 'guide', reason: 'test' },
    files: 3,
    tools: [tool('orders_list', 20), tool('orders_get', 50), tool('orders_cancel', 80), tool('orders_refund', 110), tool('orders_get', 5, 'src/other.ts'), tool('profile_get', 3, 'src/profile.ts')],
    notes: [],
    findings: [
      finding('mcify/scoped-queries', 'orders_get', 58),
      finding('mcify/scoped-queries', 'orders_get', 9, 'src/other.ts'),
      finding('mcify/no-identity-in-input', 'orders_list', 25),
      finding('mcify/scoped-queries', 'orders_cancel', 90),
      finding('mcify/require-scope-check', 'orders_refund', 110),
      finding('mcify/require-auth', 'orders_refund', 110),
      finding('mcify/token-lifetime', null, 34),
      finding('mcify/no-secret-in-logs', 'profile_get', 4, 'src/profile.ts'),
    ],
  });
}

function fuzzOf(result: FuzzResult = vulnerableResult()): FuzzReport {
  return fuzzReport(result, { cwd: repoRoot, version: '0.1.0', command: 'mcify-audit fuzz --config fixtures/servers/orders-vulnerable', configFile, secrets });
}

describe('joinReports', () => {
  it('confirms the static findings the fuzz reproduced on the same tool, with its reproduce', () => {
    const fuzz = fuzzOf();
    const joined = joinReports(staticReport(), fuzz);
    expectValid(joined);
    expect(confirmedFindings(joined).map((entry) => `${pair(entry)} ${entry.file}`)).toEqual([
      'mcify/token-lifetime - fixtures/servers/orders-vulnerable/mcify.config.ts',
      `mcify/scoped-queries orders_get ${orders}`,
      `mcify/scoped-queries orders_cancel ${orders}`,
      `mcify/require-scope-check orders_refund ${orders}`,
    ]);
    const get = confirmedFindings(joined).find((entry) => entry.tool === 'orders_get');
    const dynamic = fuzz.findings.filter(isHarnessFinding).find((entry) => entry.ruleId === 'harness/cross-tenant-read');
    expect(get?.reproduce).toEqual(dynamic?.reproduce);
    expect(get?.reproduce?.path).toBe('read-isolation/orders_get:3:1:0');
  });

  it('does not confirm a finding on another tool, in another file, or of an unmapped rule', () => {
    const joined = joinReports(staticReport(), fuzzOf());
    const notConfirmed = joined.findings.filter((entry) => !isHarnessFinding(entry) && !('confirmed' in entry)).map((entry) => `${pair(entry)} ${entry.file}`);
    expect(notConfirmed).toEqual([
      // The fuzz found nothing on orders_list.
      `mcify/no-identity-in-input orders_list ${orders}`,
      // Not a rule a fuzz finding reproduces.
      `mcify/require-auth orders_refund ${orders}`,
      // A tool of the same name in another file is another tool.
      'mcify/scoped-queries orders_get src/other.ts',
      'mcify/no-secret-in-logs profile_get src/profile.ts',
    ]);
    // The joined report: the static envelope, every finding, and the fuzz's sections.
    expect(joined.dialect).toEqual({ name: 'guide', reason: 'test' });
    expect(joined.tools).toHaveLength(6);
    expect(joined.findings.filter(isHarnessFinding)).toHaveLength(5);
    expect(joined.summary).toMatchObject({ files: 3, tools: 6, errors: 12, warnings: 1, held: 4, failed: 5 });
    expect(joined.coverage).toHaveLength(18);
  });

  it("joins a definition found at another line only when its file has one tool of that name", () => {
    const moved = vulnerableResult();
    const shifted = { ...moved, tools: moved.tools.map((entry) => (entry.source === undefined ? entry : { ...entry, source: { ...entry.source, line: entry.source.line + 1 } })) };
    expect(confirmedFindings(joinReports(staticReport(), fuzzOf(shifted))).map(pair)).toEqual(['mcify/token-lifetime -', 'mcify/scoped-queries orders_get', 'mcify/scoped-queries orders_cancel', 'mcify/require-scope-check orders_refund']);
    // Two orders_get in orders.ts: the line must then match.
    const base = staticReport();
    const twice = createReport({ version: '0.1.0', dialect: base.dialect, files: base.summary.files, notes: base.notes, findings: base.findings, tools: [...base.tools, tool('orders_get', 200)] });
    expect(confirmedFindings(joinReports(twice, fuzzOf(shifted))).map(pair)).not.toContain('mcify/scoped-queries orders_get');
    expect(confirmedFindings(joinReports(twice, fuzzOf())).map(pair)).toContain('mcify/scoped-queries orders_get');
  });

  it('confirms nothing on a tool when the fuzz did not know the source; the config-level mapping needs a forged token accepted on every tool', () => {
    const blackBox = vulnerableResult({ mode: 'black-box', tools: vulnerableResult().tools.map((entry) => ({ ...entry, source: undefined })) });
    const bare = fuzzReport(blackBox, { cwd: repoRoot, version: '0.1.0', command: 'mcify-audit fuzz --url http://127.0.0.1:1/mcp', secrets });
    expect(confirmedFindings(joinReports(staticReport(), bare)).map(pair)).toEqual(['mcify/token-lifetime -']);
    const noForged = vulnerableResult();
    const withoutForged = { ...noForged, findings: noForged.findings.filter((entry) => entry.ruleId !== 'harness/forged-token-accepted') };
    expect(confirmedFindings(joinReports(staticReport(), fuzzOf(withoutForged))).map(pair)).not.toContain('mcify/token-lifetime -');
  });
});

describe('the joined report of orders-vulnerable in every format', () => {
  it('text, markdown, html, sarif and junit show both sides; the SARIF validates and marks the confirmed results', async () => {
    const real = await buildAuditReport(parseAuditArgs(['fixtures/servers/orders-vulnerable']), { stdout: () => undefined, stderr: () => undefined, untilStopped: () => Promise.resolve() }, repoRoot);
    // A static report is still valid against the schema that now admits fuzz reports.
    expectValid(real);
    // The fuzz's tools where the static inventory has them.
    const lines = new Map(real.tools.map((entry) => [entry.name, entry]));
    const result = vulnerableResult();
    const located = {
      ...result,
      tools: result.tools.map((entry) => {
        const at = lines.get(entry.name);
        return at === undefined ? entry : { ...entry, source: { file: join(repoRoot, at.file), line: at.line, column: 1, endLine: at.line, endColumn: 2, sensitive: entry.sensitive } };
      }),
    };
    const joined = joinReports(real, fuzzOf(located));
    expectValid(joined);
    expect(confirmedFindings(joined).map(pair).sort()).toEqual(['mcify/require-scope-check orders_refund', 'mcify/scoped-queries orders_cancel', 'mcify/scoped-queries orders_get', 'mcify/token-lifetime -']);

    const text = formatFuzzText(joined, context);
    expect(text).toContain('mcify/no-credential-in-input');
    expect(text).toContain('harness/cross-tenant-read');
    expect(text).toMatch(/— \d+ static, 5 from the fuzz/);
    expect(formatFuzzMarkdown(joined, context)).toMatch(/^## ❌ mcify-audit: /);
    const html = formatFuzzHtml(joined, context);
    expect(html).toContain('id="group-mcify-scoped-queries"');
    expect(html).toContain('id="group-harness-cross-tenant-read"');
    const junit = parseXml(formatJunit(joined, context));
    expect(junit.children.map((suite) => suite.attributes.name)).toContain('findings');

    const sarif = formatFuzzSarif(joined, context);
    const run = (JSON.parse(sarif) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; properties: { confirmed?: boolean; tool: string | null } }[] }[] }).runs[0];
    const rules = run?.tool.driver.rules ?? [];
    expect(rules.some((rule) => rule.id === 'mcify/scoped-queries') && rules.some((rule) => rule.id === 'harness/scope-not-enforced')).toBe(true);
    for (const entry of run?.results ?? []) expect(rules[entry.ruleIndex]?.id).toBe(entry.ruleId);
    expect((run?.results ?? []).filter((entry) => entry.properties.confirmed === true).map((entry) => `${entry.ruleId} ${entry.properties.tool ?? '-'}`).sort()).toEqual(confirmedFindings(joined).map(pair).sort());
    const problems = await validateSarif(sarif);
    expect(problems.filter((problem) => problem.level === 'error'), describeResults(problems)).toEqual([]);
  }, 60_000);
});
