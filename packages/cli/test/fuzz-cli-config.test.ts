/**
 * `mcify-audit fuzz --config` end to end on the deliberately flawed fixture (25 runs per cell, as the
 * fixture's own isolation suite: the budget the planted flaws are found in): the report is the
 * contract's, locates findings at each tool's defineTool, and holds exactly the planted harness flaws
 * of the properties this build has; joined with the static report, the static findings the fuzz
 * reproduced are confirmed, and no other.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAuditReport, parseAuditArgs } from '../src/commands/audit.js';
import { readPlanted } from '../src/demo/planted.js';
import { confirmedFindings, joinReports } from '../src/report/join.js';
import { isHarnessFinding, type FuzzReport } from '../src/report/fuzz-report.js';
import { formatFuzzSarif } from '../src/report/fuzz-sarif.js';
import { formatFuzzText } from '../src/report/fuzz-text.js';
import { expectValid, jsonReport, jwtLike, pair, propertiesOf, runFuzzCli, type FuzzRun } from './fuzz-cli-support.js';
import { repoRoot } from './support/run-cli.js';
import { describeResults, validateSarif } from './support/sarif-validator.js';

const fixture = 'fixtures/servers/orders-vulnerable';
const planted = readPlanted(`${repoRoot}${fixture}/planted.json`);
const seed = 1;

describe(`mcify-audit fuzz --config ${fixture} --runs 25 --format json`, () => {
  let run: FuzzRun;
  let report: FuzzReport;
  beforeAll(async () => {
    run = await runFuzzCli(['fuzz', '--config', fixture, '--runs', '25', '--seed', String(seed), '--format', 'json']);
    report = jsonReport(run.stdout);
  }, 120_000);

  it('exits 1 with a schema-valid report on stdout alone, the plan and progress on stderr', () => {
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout.startsWith('{')).toBe(true);
    expect(run.stderr).toMatch(/^fuzz plan: in-process http:\/\/127\.0\.0\.1:\d+\/mcp, seed 1$/m);
    expect(run.stderr).toMatch(/^estimate: \d+ cells, ~\d+ requests/m);
    expect(run.stderrLines.filter((line) => line.startsWith('mcify-audit: ') && / cases, \d+ requests$/.test(line)).length).toBeGreaterThan(5);
    expect(report.fuzz).toMatchObject({ mode: 'in-process', seed, interrupted: false, command: `mcify-audit fuzz --config ${fixture}` });
  });

  it('reports exactly the planted harness flaws of the properties this build has', () => {
    const built = new Set(report.coverage.map((cell) => cell.property));
    const expected = planted.filter((flaw) => flaw.ruleId.startsWith('harness/') && (propertiesOf[flaw.ruleId] ?? []).some((property) => built.has(property as never)));
    expect(expected.length).toBeGreaterThanOrEqual(3);
    const found = [...new Set(report.findings.map(pair))].sort();
    expect(found).toEqual([...new Set(expected.map(pair))].sort());
    // A correct tool is not flagged: profile_get, orders_summary, integrations_list.
    for (const tool of ['profile_get', 'orders_summary', 'integrations_list']) expect(report.findings.filter((finding) => finding.tool === tool)).toEqual([]);
  });

  it("locates each finding at its tool's defineTool (target-wide ones at the config), and carries the replay fields", () => {
    for (const finding of report.findings.filter(isHarnessFinding)) {
      expect(finding.file, pair(finding)).toBe(finding.tool === null ? `${fixture}/mcify.config.ts` : `${fixture}/src/tools/orders.ts`);
      expect(finding.reproduce.seed).toBe(seed);
      expect(finding.reproduce.path).toMatch(/^[a-z-]+\/[^:]+:\d+(:\d+)*$/);
      expect(finding.reproduce.curl).toMatch(/(^|' )curl -sS /);
      expect(finding.evidence.length).toBeGreaterThan(10);
    }
    const tools = new Map(report.fuzz.tools.map((tool) => [tool.name, tool]));
    expect(tools.get('orders_get')).toMatchObject({ file: `${fixture}/src/tools/orders.ts` });
    expect(report.summary.held).toBeGreaterThan(0);
    expect(report.summary.failed).toBeGreaterThan(0);
    expect(report.summary.held + report.summary.failed + report.summary.notExercised + report.summary.notApplicable).toBe(report.coverage.length);
  });

  it('holds no token, in JSON or text', () => {
    expect(run.stdout).not.toMatch(jwtLike);
    expect(run.stderr).not.toMatch(jwtLike);
    expect(formatFuzzText(report, { cwd: repoRoot, sourceOf: () => undefined, color: false })).not.toMatch(jwtLike);
  });

  it('is a SARIF log the validator accepts, with a physical location for every result', async () => {
    const sarif = formatFuzzSarif(report, { cwd: repoRoot, sourceOf: () => undefined, color: false });
    const results = (JSON.parse(sarif) as { runs: { results: { locations: { physicalLocation?: unknown }[] }[] }[] }).runs[0]?.results ?? [];
    expect(results).toHaveLength(report.findings.length);
    for (const result of results) expect(result.locations[0]?.physicalLocation).toBeDefined();
    const problems = await validateSarif(sarif);
    expect(problems.filter((problem) => problem.level === 'error'), describeResults(problems)).toEqual([]);
  }, 60_000);

  it('joins with the static report: the findings the fuzz reproduced are confirmed, on the same tool only', async () => {
    const staticReport = await buildAuditReport(parseAuditArgs([fixture]), { stdout: () => undefined, stderr: () => undefined, untilStopped: () => Promise.resolve() }, repoRoot);
    const joined = joinReports(staticReport, report);
    expectValid(joined);
    const confirmed = confirmedFindings(joined).map(pair).sort();
    const dynamicTools = new Set(report.findings.map((finding) => finding.tool));
    // Every confirmed finding is on a tool (or the config) where the fuzz found something of a mapped rule...
    for (const finding of confirmedFindings(joined)) expect(dynamicTools.has(finding.tool), pair(finding)).toBe(true);
    expect(confirmed).toContain('mcify/scoped-queries orders_get');
    expect(confirmed).toContain('mcify/require-scope-check orders_refund');
    expect(confirmed).toContain('mcify/token-lifetime -');
    // ...and static findings elsewhere, or of unmapped rules, are not.
    const unconfirmed = joined.findings.filter((finding) => !isHarnessFinding(finding) && !('confirmed' in finding)).map(pair);
    expect(unconfirmed).toContain('mcify/no-credential-in-input integrations_connect');
    expect(unconfirmed).toContain('mcify/no-pii-in-logs orders_summary');
    expect(joined.summary.errors + joined.summary.warnings).toBe(joined.findings.length);
    expect(joined.findings.filter(isHarnessFinding)).toHaveLength(report.findings.length);
  }, 60_000);
});
