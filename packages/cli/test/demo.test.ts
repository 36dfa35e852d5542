import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const demo = fileURLToPath(new URL('../dist/demo/run-demo.js', import.meta.url));

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

  it('ends with the static report of orders-vulnerable, which lists its planted flaws', () => {
    const report = stdout.slice(stdout.indexOf('$ npx mcify-audit fixtures/servers/orders-vulnerable --fail-on never'));
    expect(report.length).toBeGreaterThan(1000);
    for (const ruleId of ['mcify/no-identity-in-input', 'mcify/no-untrusted-identity', 'mcify/scoped-queries', 'mcify/require-scope-check', 'mcify/no-secret-in-logs', 'mcify/no-credential-in-input']) {
      expect(report).toContain(ruleId);
    }
    expect(report).toMatch(/✖ \d+ problems \(\d+ errors, \d+ warnings\) in \d+ files, 10 tools\s*$/);
  });
});
