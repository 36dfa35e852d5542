/**
 * `mcify-audit fuzz --url` end to end, black-box against the flawed fixture booted with `bootConfig`
 * on a loopback port: the dry run, a run with `--allow-writes`, the replay of a finding from its own
 * replay line (tokens read from MCIFY_TOKEN_<NAME>, as the docs say), the other formats, and SIGINT.
 * No token of the run appears in any output.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootConfig, type BootedServer } from '@mcify-audit/harness';
import config, { mcifyAudit } from '../../../fixtures/servers/orders-vulnerable/mcify.config.js';
import { replayLine, secretSegmentLength, tokenVariable, type FuzzReport } from '../src/report/fuzz-report.js';
import { jsonReport, runFuzzCli, type FuzzRun } from './fuzz-cli-support.js';
import { descendants, parseXml } from './fuzz-xml.js';

let server: BootedServer;
let target: string[];
const variables: string[] = [];

/** A shell line as this report writes it (words, some single-quoted) back into arguments. */
function words(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((match) => (match[1] === undefined ? (match[2] ?? '') : match[1].replaceAll("'\\''", "'")));
}

/** No token of the booted server, nor a 16-character piece of one. */
function expectNoToken(text: string): void {
  for (const token of Object.values(server.tokens)) {
    for (let start = 0; start + secretSegmentLength <= token.length; start += 11) expect(text).not.toContain(token.slice(start, start + secretSegmentLength));
  }
}

beforeAll(async () => {
  server = await bootConfig(config, mcifyAudit, { logging: { sink: () => undefined } });
  target = ['--url', server.url];
  for (const [name, token] of Object.entries(server.tokens)) {
    const variable = tokenVariable(name);
    process.env[variable] = token;
    variables.push(variable);
    const principal = server.principals[name];
    target.push('--token', `${name}@${principal?.tenant ?? name}[${(principal?.scopes ?? []).join(',')}]=env:${variable}`);
  }
}, 60_000);

afterAll(async () => {
  for (const variable of variables) Reflect.deleteProperty(process.env, variable);
  await server.close();
});

describe('mcify-audit fuzz --url', () => {
  it('--dry-run prints the plan and exits 0, without running the properties or writing a report', async () => {
    const run = await runFuzzCli(['fuzz', ...target, '--dry-run', '--seed', '7']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^fuzz plan: black-box http:\/\/127\.0\.0\.1:\d+\/mcp, seed 7\n/);
    expect(run.stdout).toMatch(/^principals: alice \(acme; /m);
    // Without --allow-writes and without readOnlyHint annotations, nothing is called.
    expect(run.stdout).toMatch(/not applicable: writes not allowed/);
    expect(run.stdout).toMatch(/^estimate: /m);
    expect(run.stdout).not.toMatch(/"version": 1/);
    expectNoToken(run.stdout + run.stderr);
    // As JSON with --format json: the plan's cells and estimate, for scripts.
    const json = await runFuzzCli(['fuzz', ...target, '--dry-run', '--seed', '7', '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const plan = JSON.parse(json.stdout) as { seed: number; mode: string; cells: { property: string; applicable: boolean; reason?: string }[]; estimate: { requests: number } };
    expect(plan).toMatchObject({ seed: 7, mode: 'black-box' });
    expect(plan.cells.some((cell) => !cell.applicable && cell.reason === 'writes not allowed')).toBe(true);
    expectNoToken(json.stdout + json.stderr);
  }, 60_000);

  describe('with --allow-writes', () => {
    let run: FuzzRun;
    let report: FuzzReport;
    beforeAll(async () => {
      run = await runFuzzCli(['fuzz', ...target, '--allow-writes', '--runs', '10', '--seed', '1', '--format', 'json', '--exclude-tool', 'orders_export']);
      report = jsonReport(run.stdout);
    }, 120_000);

    it('finds the cross-tenant reads, lists its writes, and locates nothing without a source', () => {
      expect(run.code, run.stderr).toBe(1);
      expect(report.fuzz.mode).toBe('black-box');
      expect(report.fuzz.tools.map((tool) => tool.name)).not.toContain('orders_export');
      expect(report.findings.map((finding) => `${finding.ruleId} ${finding.tool ?? '-'}`)).toContain('harness/cross-tenant-read orders_get');
      for (const finding of report.findings) expect(finding).not.toHaveProperty('file');
      expect(report.writes.length).toBeGreaterThan(0);
      expect(report.fuzz.command.startsWith(`mcify-audit fuzz --url ${server.url} --token 'alice@acme[`)).toBe(true);
      expect(report.fuzz.command).toMatch(/ --allow-writes$/);
      expectNoToken(run.stdout + run.stderr);
    });

    it("replays a finding from its own replay line, and each format of the replay holds no token", async () => {
      const finding = report.findings.find((candidate) => candidate.ruleId === 'harness/cross-tenant-read' && candidate.tool === 'orders_get');
      if (finding?.reproduce === undefined) throw new Error('no finding to replay');
      const line = replayLine(report, finding.reproduce);
      expect(line).toMatch(/^mcify-audit fuzz --url http:\/\/127\.0\.0\.1:\d+\/mcp --token 'alice@acme\[[^\]]*\]=env:MCIFY_TOKEN_ALICE' .* --allow-writes --seed 1 --path read-isolation\/orders_get:[\d:]+$/);
      const replay = await runFuzzCli([...words(line).slice(1), '--format', 'junit']);
      expect(replay.code, replay.stderr).toBe(1);
      expect(replay.stderr).toMatch(/^replaying read-isolation\/orders_get:[\d:]+ only$/m);
      const xml = parseXml(replay.stdout);
      const failures = descendants(xml, 'failure');
      expect(failures.map((failure) => failure.attributes.type)).toContain('harness/cross-tenant-read');
      expect(descendants(xml, 'testcase')).toHaveLength(1);
      expectNoToken(replay.stdout + replay.stderr);
      // On a terminal: one live line (tool, property, cases), no plain progress lines.
      const live = await runFuzzCli([...words(line).slice(1), '--format', 'json'], { tty: true });
      expect(live.status.some((text) => /^mcify-audit: fuzz \d+\/1 cells · read-isolation orders_get: /.test(text)), live.status.join('\n')).toBe(true);
      expect(live.status.at(-1)).toBe('');
      expect(live.stderrLines.filter((text) => text.startsWith('mcify-audit: read-isolation'))).toEqual([]);
      expect(replay.stderrLines.some((text) => /^mcify-audit: read-isolation orders_get: failed .*cases, \d+ requests$/.test(text))).toBe(true);
      expectNoToken(live.status.join('\n'));
      // With --source, the same finding points at the tool's defineTool.
      const located = jsonReport((await runFuzzCli([...words(line).slice(1), '--source', 'fixtures/servers/orders-vulnerable', '--format', 'json'])).stdout);
      expect(located.findings.find((entry) => entry.ruleId === 'harness/cross-tenant-read')).toMatchObject({ tool: 'orders_get', file: 'fixtures/servers/orders-vulnerable/src/tools/orders.ts', line: 67 });
      expect(located.fuzz.command).toContain(' --source fixtures/servers/orders-vulnerable');
      for (const format of ['text', 'sarif', 'markdown', 'html']) {
        const output = await runFuzzCli([...words(line).slice(1), '--format', format]);
        expect(output.code, output.stderr).toBe(1);
        expect(output.stdout).toContain('cross-tenant-read');
        expectNoToken(output.stdout + output.stderr);
      }
    }, 60_000);
  });

  it('--timeout: the cells the budget does not reach are not exercised, the report is still written (--output), and the verdict is not held', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mcify-fuzz-output-'));
    try {
      const run = await runFuzzCli(['fuzz', ...target, '--allow-writes', '--runs', '1000', '--timeout', '2', '--seed', '3', '--format', 'html', '--output', join(folder, 'out', 'fuzz.html')]);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^mcify-audit: wrote the html fuzz report to .*fuzz\.html: \d+ error\(s\), \d+ warning\(s\); checks \d+ held, \d+ failed, [1-9]\d* not exercised, \d+ not applicable\.$/m);
      const html = readFileSync(join(folder, 'out', 'fuzz.html'), 'utf8');
      expect(html).toContain('⚠ not tested: not exercised</span><br><span class="muted">time budget');
      expect(html).not.toContain('every check held');
      expect(html).toContain('The time budget (--timeout) ran out');
      expectNoToken(html + run.stderr);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);

  it('SIGINT stops the run and writes the report of what ran: the cells left are not exercised', async () => {
    const run = await runFuzzCli(['fuzz', ...target, '--allow-writes', '--runs', '10', '--seed', '1', '--format', 'json'], { stopWhen: /^mcify-audit: harvest\.\.\.$/ });
    expect(run.stderr).toContain('mcify-audit: interrupted: stopping the run and writing the report of what ran');
    const report = jsonReport(run.stdout);
    expect(report.fuzz.interrupted).toBe(true);
    expect(report.summary.notExercised).toBeGreaterThan(0);
    expect(report.summary.held).toBe(0);
    expect(run.code).toBe(report.summary.errors > 0 ? 1 : 0);
    expectNoToken(run.stdout + run.stderr);
  }, 60_000);
});
