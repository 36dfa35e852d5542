/**
 * The fuzz report (`fuzzReport`) on constructed results: the contract's shape (validated against
 * docs/report.schema.json), locations only where the source is known, the summary's cell counts, a
 * verdict that never says everything held while a cell is not exercised, and no token anywhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { fuzzReport, redactSecrets, replayLine, secretSegmentLength, tokenVariable, type FuzzReport, type FuzzReportFinding } from '../src/report/fuzz-report.js';
import { fuzzVerdictOf } from '../src/report/fuzz-verdict.js';
import { Secret } from '@mcify-audit/harness';
import { tokenEnvVar } from '../../harness/src/client/curl.js';
import { cleanResult, configFile, secrets, tokens, vulnerableResult } from './fuzz-results.js';
import { repoRoot } from './support/run-cli.js';

const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'report.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

/** Asserts the value is a valid report (schema), after a JSON round trip as a reader would see it. */
function expectValid(report: unknown): void {
  const parsed = JSON.parse(JSON.stringify(report)) as unknown;
  expect(validate(parsed), JSON.stringify(validate.errors, null, 2)).toBe(true);
}

const command = 'mcify-audit fuzz --config fixtures/servers/orders-vulnerable';

function build(result = vulnerableResult(), extra: Partial<Parameters<typeof fuzzReport>[1]> = {}): FuzzReport {
  return fuzzReport(result, { cwd: repoRoot, version: '0.1.0', command, configFile, secrets, ...extra });
}

const byRule = (report: FuzzReport, ruleId: string) => report.findings.find((finding) => finding.ruleId === ruleId) as FuzzReportFinding;

describe('fuzzReport', () => {
  it('is the static envelope with the fuzz fields, and validates against the schema', () => {
    const report = build();
    expectValid(report);
    expect(report.version).toBe(1);
    expect(report.tool).toEqual({ name: 'mcify-audit', version: '0.1.0' });
    expect(report.tools).toEqual([]);
    expect(report).not.toHaveProperty('dialect');
    expect(report.summary).toEqual({ files: 0, tools: 5, errors: 4, warnings: 1, held: 4, failed: 5, notExercised: 2, notApplicable: 7 });
    expect(report.fuzz).toMatchObject({ mode: 'in-process', url: 'http://127.0.0.1:41234/mcp', seed: 42, requests: 412, durationMs: 5321, budgetExhausted: true, interrupted: false, command });
    expect(report.fuzz.principals).toEqual([
      { name: 'alice', tenant: 'acme', scopes: ['orders:read', 'orders:write', 'orders:refund'] },
      { name: 'bob', tenant: 'globex', scopes: ['orders:read'] },
      { name: 'carol', tenant: 'acme', scopes: ['orders:read'] },
    ]);
    expect(report.writes).toEqual([
      { tool: 'orders_cancel', principal: 'alice', arguments: { orderId: 'ord_globex_2002' } },
      { tool: 'orders_refund', principal: 'carol', arguments: { orderId: 'ord_acme_1001', amount: 5 } },
    ]);
    expect(report.notes).toContainEqual({ code: 'unsupported-schema', message: '#/properties/tags: contains (not applied)', tool: 'orders_list' });
    // Every cell, in matrix order: tools as listed, target-wide cells last, properties in run order.
    expect(report.coverage).toHaveLength(vulnerableResult().cells.length);
    expect(report.coverage.slice(0, 3).map((cell) => `${cell.tool ?? '*'} ${cell.property}`)).toEqual(['orders_list read-isolation', 'orders_list scope-enforcement', 'orders_list write-isolation']);
    expect(report.coverage.at(-1)).toMatchObject({ tool: null, property: 'server-hygiene' });
    expect(report.coverage.find((cell) => cell.tool === 'orders_refund' && cell.property === 'write-isolation')).toEqual({ tool: 'orders_refund', property: 'write-isolation', status: 'not-exercised', reason: 'time budget', cases: 10, requests: 20, seed: 1010 });
    // Findings: by rule, each with the fuzz fields.
    expect(report.findings.map((finding) => `${finding.ruleId} ${finding.tool ?? '-'}`)).toEqual([
      'harness/cross-tenant-read orders_get',
      'harness/cross-tenant-write orders_cancel',
      'harness/forged-token-accepted -',
      'harness/missing-www-authenticate -',
      'harness/scope-not-enforced orders_refund',
    ]);
    const read = byRule(report, 'harness/cross-tenant-read');
    expect(read).toMatchObject({ principal: 'alice', victim: 'bob', input: { orderId: 'ord_globex_2001' }, flow: [], reproduce: { seed: 42, path: 'read-isolation/orders_get:3:1:0' } });
    expect(read.evidence).toMatch(/^ord_globex_2001 \(seen by bob/);
    expect(read.exchanges).toHaveLength(1);
  });

  it("locates findings at the tool's defineTool, target-wide ones at the config, and omits the location without a source", () => {
    const report = build();
    expect(byRule(report, 'harness/cross-tenant-read')).toMatchObject({ file: 'fixtures/servers/orders-vulnerable/src/tools/orders.ts', line: 50, column: 14, endLine: 70, endColumn: 3 });
    expect(byRule(report, 'harness/forged-token-accepted')).toMatchObject({ file: 'fixtures/servers/orders-vulnerable/mcify.config.ts', line: 1, column: 1 });
    expect(report.fuzz.tools.find((tool) => tool.name === 'orders_get')).toEqual({ name: 'orders_get', readOnly: true, sensitive: false, file: 'fixtures/servers/orders-vulnerable/src/tools/orders.ts', line: 50, column: 14 });
    expect(report.fuzz.tools.find((tool) => tool.name === 'profile_get')).toEqual({ name: 'profile_get', readOnly: true, sensitive: false });

    // Black-box without --source: no location at all, and still a valid report.
    const blackBox = vulnerableResult({ mode: 'black-box', tools: vulnerableResult().tools.map((tool) => ({ ...tool, source: undefined })) });
    const bare = build(blackBox, { configFile: undefined, command: 'mcify-audit fuzz --url http://127.0.0.1:41234/mcp --token alice@acme=env:MCIFY_TOKEN_ALICE' });
    expectValid(bare);
    for (const finding of bare.findings) {
      for (const field of ['file', 'line', 'column', 'endLine', 'endColumn']) expect(finding, `${finding.ruleId} ${field}`).not.toHaveProperty(field);
    }
  });

  it('builds the replay line from the run command, the seed and the path', () => {
    const report = build();
    expect(replayLine(report, byRule(report, 'harness/cross-tenant-read').reproduce)).toBe(`${command} --seed 42 --path read-isolation/orders_get:3:1:0`);
    expect(replayLine(report, byRule(report, 'harness/forged-token-accepted').reproduce)).toBe(`${command} --seed 42 --path 'authentication/*:5'`);
    expect(tokenVariable('alice')).toBe('MCIFY_TOKEN_ALICE');
    expect(tokenVariable('svc.bot-1')).toBe('MCIFY_TOKEN_SVC_BOT_1');
    // The same variable the engine's curl lines read.
    for (const name of ['alice', 'svc.bot-1', 'Ünï_x', 'a-b.c_d']) expect(tokenVariable(name)).toBe(tokenEnvVar(name));
  });

  it('holds no token, nor any 16-character piece of one, even when a server echoed one', () => {
    // The constructed result has bob's token in a recorded response body.
    expect(JSON.stringify(vulnerableResult())).toContain(tokens.bob);
    const text = JSON.stringify(build());
    for (const token of Object.values(tokens)) {
      for (let start = 0; start + secretSegmentLength <= token.length; start += 7) expect(text).not.toContain(token.slice(start, start + secretSegmentLength));
    }
    expect(text).toContain("[bob's token]");
  });

  it('redacts whole short secrets, overlapping pieces and keys', () => {
    const short = new Secret('the pin', 'abc123');
    const long = new Secret("alice's token", 'A'.repeat(8) + 'B'.repeat(20) + 'C'.repeat(8));
    const value = { note: 'pin abc123 twice abc123', [`k${'B'.repeat(16)}`]: `x${'A'.repeat(8)}${'B'.repeat(20)}y`, list: ['BBBBBBBBBBBBBBBB tail', 42, null] };
    expect(redactSecrets(value, [short, long])).toEqual({ note: 'pin [the pin] twice [the pin]', "k[alice's token]": "x[alice's token]y", list: ["[alice's token] tail", 42, null] });
    expect(redactSecrets(value, [])).toBe(value);
  });
});

describe('the fuzz verdict', () => {
  it('counts the findings and the cells, and says why it is not clean', () => {
    const verdict = fuzzVerdictOf(build());
    expect(verdict).toMatchObject({ level: 'fail', mark: '✖', problems: '5 problems (4 errors, 1 warning)', checks: '4 held, 5 failed, 2 not exercised, 7 not applicable' });
    expect(verdict.scope).toBe('in-process run of http://127.0.0.1:41234/mcp as alice, bob, carol: 5 tools, 412 requests in 5.3 s, seed 42');
    expect(verdict.lines.join(' ')).toMatch(/time budget \(--timeout\) ran out/);
  });

  it('says every check held only when nothing was found and no cell was left not exercised', () => {
    expect(fuzzVerdictOf(build(cleanResult()))).toMatchObject({ level: 'pass', mark: '✔', problems: 'every check held' });
    const oneLeft = cleanResult();
    const cells = oneLeft.cells.map((cell, index) => (index === 3 ? { ...cell, status: 'not-exercised' as const, reason: 'every answer was -32602' } : cell));
    const verdict = fuzzVerdictOf(build({ ...oneLeft, cells }));
    expect(verdict).toMatchObject({ level: 'warn', mark: '⚠', problems: 'no problems found, but 1 check not exercised' });
    expect(verdict.lines.join(' ')).toMatch(/not shown as held/);
    // A run cut short by the budget or an interruption is not clean either, whatever the cells say.
    expect(fuzzVerdictOf(build({ ...cleanResult(), budgetExhausted: true })).level).toBe('warn');
    expect(fuzzVerdictOf(build(cleanResult(), { interrupted: true })).problems).not.toBe('every check held');
    // A replay of one case that held says so, not that every check held.
    const replayed = cleanResult();
    expect(fuzzVerdictOf(build({ ...replayed, cells: replayed.cells.filter((cell) => cell.tool === 'orders_get' && cell.property === 'read-isolation') }, { replay: 'read-isolation/orders_get:3' }))).toMatchObject({ level: 'warn', problems: 'the replayed case held: it did not reproduce' });
    // Nothing applicable: nothing was tested.
    const nothing = cleanResult();
    expect(fuzzVerdictOf(build({ ...nothing, cells: nothing.cells.map((cell) => ({ ...cell, status: 'not-applicable' as const, reason: 'writes not allowed' })) })).problems).toBe('nothing was tested: every check is not applicable');
  });
});
