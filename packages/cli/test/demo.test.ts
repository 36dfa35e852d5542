import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const demo = fileURLToPath(new URL('../dist/demo/run-demo.js', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const planted = JSON.parse(readFileSync(join(repoRoot, 'fixtures/servers/orders-vulnerable/planted.json'), 'utf8')) as { ruleId: string; tool: string | null }[];

describe('npm run demo: the full audit of orders-vulnerable', () => {
  let stdout = '';
  beforeAll(async () => {
    // Exits 0, or execFile rejects.
    ({ stdout } = await promisify(execFile)(process.execPath, [demo], { timeout: 150_000, maxBuffer: 16 * 1024 * 1024 }));
  }, 180_000);

  it('shows the static report first, with its planted static flaws counted', () => {
    const start = stdout.indexOf('$ npx mcify-audit fixtures/servers/orders-vulnerable --fail-on never');
    expect(start).toBeGreaterThanOrEqual(0);
    const statics = planted.filter((flaw) => flaw.ruleId.startsWith('mcify/')).length;
    expect(stdout).toContain(`${String(statics)} of ${String(statics)} planted static flaws reported`);
    for (const ruleId of ['mcify/no-identity-in-input', 'mcify/scoped-queries', 'mcify/require-scope-check', 'mcify/token-lifetime']) expect(stdout.slice(start)).toContain(ruleId);
  });

  it('then the fuzz, in-process with a fixed seed, reporting every planted harness flaw with a replay line and the coverage matrix', () => {
    const start = stdout.indexOf('$ npx mcify-audit fuzz --config fixtures/servers/orders-vulnerable --seed 1');
    expect(start).toBeGreaterThan(stdout.indexOf('planted static flaws reported'));
    const fuzz = stdout.slice(start, stdout.indexOf('mcify demo: static and dynamic, joined'));
    for (const flaw of planted.filter((entry) => entry.ruleId.startsWith('harness/'))) expect(fuzz).toContain(flaw.ruleId);
    expect(fuzz).toMatch(/--seed 1 --path '?read-isolation\/orders_get:\d/);
    expect(fuzz).toMatch(/orders_cancel\s.*FAILED/);
    // No token of the run reaches the output: a JWT's header would start like this.
    expect(stdout).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
  });

  it('then the joined summary: static findings the fuzz confirmed on the same tool, and the HTML report', () => {
    const joined = stdout.slice(stdout.indexOf('mcify demo: static and dynamic, joined'));
    expect(joined).toMatch(/confirmed {2}mcify\/scoped-queries {2}orders_get /);
    expect(joined).toMatch(/confirmed {2}mcify\/require-scope-check {2}orders_refund /);
    expect(joined).toMatch(/confirmed {2}mcify\/token-lifetime {2}\(config\) /);
    const html = /HTML report of the joined audit: (\S+)/.exec(joined)?.[1];
    expect(html).toBeDefined();
    expect(existsSync(html ?? '')).toBe(true);
    const page = readFileSync(html ?? '', 'utf8');
    expect(page).toContain('harness/cross-tenant-write');
    expect(page).toContain('mcify/no-untrusted-identity');
  });

  it('ends with how many planted flaws were reported, static and dynamic: all of them', () => {
    const statics = planted.filter((flaw) => flaw.ruleId.startsWith('mcify/')).length;
    const dynamic = planted.filter((flaw) => flaw.ruleId.startsWith('harness/')).length;
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(`${String(statics + dynamic)} of ${String(statics + dynamic)} planted flaws reported (${String(statics)} static, ${String(dynamic)} dynamic)`);
    expect(stdout).not.toContain('but not reported');
  });
});
