import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const demo = fileURLToPath(new URL('../dist/demo/run-demo.js', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe('npm run demo', () => {
  let stdout = '';
  beforeAll(async () => {
    // Exits 0, or execFile rejects.
    ({ stdout } = await promisify(execFile)(process.execPath, [demo], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }));
  }, 90_000);

  it('runs the orders fixture against real and forged tokens, reports every step as expected, and exits 0', () => {
    const verdicts = stdout.split('\n').filter((line) => /^(PASS|FAIL) /.test(line));
    expect(verdicts).toHaveLength(9);
    expect(verdicts.every((line) => line.startsWith('PASS'))).toBe(true);
    expect(stdout).toMatch(/the "orders" fixture \(embedded Postgres, row-level security\) at http:\/\/127\.0\.0\.1:\d+\/mcp/);
    expect(stdout).toContain('got HTTP 403: This needs the orders:refund scope.');
    expect(stdout).toContain('got tool error: Order ord_acme_1001 not found.');
    expect(stdout).toContain('Every request got the answer a multi-tenant server owes it.');
  });

  it('then shows the static report of orders-vulnerable, which lists its planted flaws', () => {
    const start = stdout.indexOf('$ npx mcify-audit fixtures/servers/orders-vulnerable --fail-on never');
    const report = stdout.slice(start, stdout.lastIndexOf('planted static flaws reported'));
    expect(start).toBeGreaterThan(stdout.indexOf('Every request got the answer'));
    expect(report.length).toBeGreaterThan(1000);
    for (const ruleId of ['mcify/no-identity-in-input', 'mcify/no-untrusted-identity', 'mcify/scoped-queries', 'mcify/require-scope-check', 'mcify/no-secret-in-logs', 'mcify/no-credential-in-input']) {
      expect(report).toContain(ruleId);
    }
    expect(report).toMatch(/✖ \d+ problems \(\d+ errors, \d+ warnings\) in \d+ files, 10 tools\s*\d+ of \d+ $/);
  });

  it('ends with how many of the planted static flaws (planted.json) the report found: all of them', () => {
    const planted = JSON.parse(readFileSync(join(repoRoot, 'fixtures/servers/orders-vulnerable/planted.json'), 'utf8')) as { ruleId: string }[];
    const statics = planted.filter((flaw) => flaw.ruleId.startsWith('mcify/')).length;
    expect(statics).toBeGreaterThanOrEqual(9);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(`${statics} of ${statics} planted static flaws reported`);
    expect(stdout).not.toContain('but not reported');
  });
});
