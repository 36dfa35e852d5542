import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plantedOutcome, plantedStaticLines, plantedStaticOutcome, plantedTotalLine, readPlanted, type PlantedFlaw } from '../src/demo/planted.js';
import { staticReportDemo } from '../src/demo/static-report.js';
import type { CommandIo } from '../src/io.js';
import type { ReportFinding } from '../src/report/report.js';
import { repoRoot, temporaryProject } from './support/run-cli.js';

const plantedFile = 'fixtures/servers/orders-vulnerable/planted.json';

const flaw = (ruleId: string, tool: string | null, file = 'src/tools.ts'): PlantedFlaw => ({ ruleId, tool, file, description: `${ruleId} in ${tool ?? 'the config'}` });
const finding = (ruleId: string, tool: string | null, file = 'src/tools.ts') => ({ ruleId, tool, file }) as ReportFinding;

describe('planted static flaws', () => {
  it('counts a planted mcify/ flaw as reported only when a finding has its rule, tool and file; harness/ entries are not static', () => {
    const planted = [flaw('mcify/scoped-queries', 'orders_get'), flaw('mcify/scoped-queries', 'orders_cancel'), flaw('mcify/token-lifetime', null, 'mcify.config.ts'), flaw('mcify/no-pii-in-logs', 'orders_summary'), flaw('harness/cross-tenant-read', 'orders_get')];
    const outcome = plantedStaticOutcome(planted, {
      findings: [
        finding('mcify/scoped-queries', 'orders_get'),
        // Same rule, another tool; same rule and tool, another file: neither is the planted flaw.
        finding('mcify/scoped-queries', 'orders_list'),
        finding('mcify/no-pii-in-logs', 'orders_summary', 'src/other.ts'),
        finding('mcify/token-lifetime', null, 'mcify.config.ts'),
      ],
    });
    expect(outcome.reported.map((entry) => entry.tool)).toEqual(['orders_get', null]);
    expect(outcome.missed.map((entry) => `${entry.ruleId} ${entry.tool ?? ''}`)).toEqual(['mcify/scoped-queries orders_cancel', 'mcify/no-pii-in-logs orders_summary']);
    expect(plantedStaticLines(outcome, 'planted.json')).toEqual([
      'Planted in planted.json but not reported:',
      '  mcify/scoped-queries  orders_cancel  src/tools.ts: mcify/scoped-queries in orders_cancel',
      '  mcify/no-pii-in-logs  orders_summary  src/tools.ts: mcify/no-pii-in-logs in orders_summary',
      '2 of 4 planted static flaws reported',
    ]);
    expect(plantedStaticLines({ reported: outcome.reported, missed: [] }, 'planted.json')).toEqual(['2 of 2 planted static flaws reported']);
  });

  it('counts planted harness/ flaws against the fuzz findings (rule, tool, file), and totals both kinds', () => {
    const planted = [flaw('mcify/scoped-queries', 'orders_get'), flaw('harness/cross-tenant-read', 'orders_get'), flaw('harness/forged-token-accepted', null, 'mcify.config.ts'), flaw('harness/cross-tenant-write', 'orders_cancel')];
    const dynamic = plantedOutcome(
      planted,
      [
        finding('harness/cross-tenant-read', 'orders_get'),
        finding('harness/forged-token-accepted', null, 'mcify.config.ts'),
        // The static rule on the same tool is not the dynamic flaw; the write on another tool is not this one.
        finding('mcify/scoped-queries', 'orders_cancel'),
        finding('harness/cross-tenant-write', 'orders_refund'),
      ],
      'harness/',
    );
    expect(dynamic.reported.map((entry) => `${entry.ruleId} ${entry.tool ?? '*'}`)).toEqual(['harness/cross-tenant-read orders_get', 'harness/forged-token-accepted *']);
    expect(dynamic.missed.map((entry) => `${entry.ruleId} ${entry.tool ?? '*'}`)).toEqual(['harness/cross-tenant-write orders_cancel']);
    const statics = plantedOutcome(planted, [finding('mcify/scoped-queries', 'orders_get')], 'mcify/');
    expect(plantedTotalLine(statics, dynamic)).toBe('3 of 4 planted flaws reported (1 static, 2 dynamic)');
  });

  it("reads the fixture's planted.json, and refuses a file that is not one", () => {
    expect(readPlanted(join(repoRoot, plantedFile)).filter((entry) => entry.ruleId.startsWith('mcify/')).length).toBeGreaterThanOrEqual(9);
    const project = temporaryProject({ 'planted.json': JSON.stringify([{ ruleId: 'mcify/scoped-queries', file: 'a.ts', description: '' }]) });
    try {
      expect(() => readPlanted(join(project.root, 'planted.json'))).toThrow(/planted\.json is not a list of planted flaws: 0\.tool: Required/);
    } finally {
      project.remove();
    }
  });

  it('the demo names every planted flaw the real report misses, ends with N of M, and fails', async () => {
    const planted = JSON.parse(readFileSync(join(repoRoot, plantedFile), 'utf8')) as PlantedFlaw[];
    const statics = planted.filter((entry) => entry.ruleId.startsWith('mcify/')).length;
    // Two flaws the fixture does not have: one in a tool that does not exist, one under a rule its tool does not break.
    const extra = [flaw('mcify/scoped-queries', 'orders_archive', 'fixtures/servers/orders-vulnerable/src/tools/orders.ts'), flaw('mcify/no-credential-in-input', 'orders_list', 'fixtures/servers/orders-vulnerable/src/tools/orders.ts')];
    const project = temporaryProject({ 'planted.json': JSON.stringify([...planted, ...extra]) });
    const stdout: string[] = [];
    const io: CommandIo = { stdout: (line) => stdout.push(line), stderr: () => undefined, untilStopped: () => Promise.resolve() };
    try {
      const code = await staticReportDemo({ repoRoot, plantedFile: join(project.root, 'planted.json'), io });
      expect(code).toBe(1);
    } finally {
      project.remove();
    }
    const lines = stdout.join('\n').split('\n');
    expect(lines.at(-1)).toBe(`${statics} of ${statics + 2} planted static flaws reported`);
    const missed = lines.slice(lines.findIndex((line) => line.endsWith('but not reported:')) + 1, -1);
    expect(missed).toEqual(extra.map((entry) => `  ${entry.ruleId}  ${entry.tool ?? ''}  ${entry.file}: ${entry.description}`));
    // The report itself was printed before, as the command prints it.
    expect(stdout.join('\n')).toMatch(/\$ npx mcify-audit fixtures\/servers\/orders-vulnerable --fail-on never[\s\S]*mcify\/scoped-queries[\s\S]*✖ \d+ problems/);
  }, 120_000);
});
