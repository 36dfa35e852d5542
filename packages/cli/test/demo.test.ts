import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const demo = fileURLToPath(new URL('../dist/demo/run-demo.js', import.meta.url));

describe('npm run demo', () => {
  it('runs the orders fixture against real and forged tokens, reports every step as expected, and exits 0', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [demo], { timeout: 20_000 });
    const verdicts = stdout.split('\n').filter((line) => /^(PASS|FAIL) /.test(line));
    expect(verdicts).toHaveLength(9);
    expect(verdicts.every((line) => line.startsWith('PASS'))).toBe(true);
    expect(stdout).toMatch(/the "orders" fixture \(embedded Postgres, row-level security\) at http:\/\/127\.0\.0\.1:\d+\/mcp/);
    expect(stdout).toContain('got HTTP 403: This needs the orders:refund scope.');
    expect(stdout).toContain('got tool error: Order ord_acme_1001 not found.');
    expect(stdout).toContain('Every request got the answer a multi-tenant server owes it.');
  });
});
