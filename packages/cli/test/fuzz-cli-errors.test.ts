/**
 * `mcify-audit fuzz` on targets it cannot run: exit 2 with a message that says what to do — the
 * `fuzz --url` command for a published config without its runtime, the config's own error, the
 * `--allow-remote` flag for a host outside loopback, the server that does not answer.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFuzzCli } from './fuzz-cli-support.js';

const folder = mkdtempSync(join(tmpdir(), 'mcify-audit-fuzz-errors-'));
mkdirSync(join(folder, 'published'));
writeFileSync(
  join(folder, 'published', 'mcify.config.mjs'),
  "export default { name: 'published', version: '1.0.0', auth: { type: 'oauth_provider' }, tools: [] };\n" +
    "export const mcifyAudit = { principals: { ann: { tenant: 'a' }, ben: { tenant: 'b' } }, issueToken: (name) => 'token-of-' + name };\n",
);
mkdirSync(join(folder, 'throws'));
writeFileSync(join(folder, 'throws', 'mcify.config.mjs'), "throw new Error('the database is not configured');\n");
process.env.MCIFY_ERRORS_A = 'a-token-that-is-long-enough-to-matter';
process.env.MCIFY_ERRORS_B = 'b-token-that-is-long-enough-to-matter';
const tokens = ['--token', 'ann@a=env:MCIFY_ERRORS_A', '--token', 'ben@b=env:MCIFY_ERRORS_B'];

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
  Reflect.deleteProperty(process.env, 'MCIFY_ERRORS_A');
  Reflect.deleteProperty(process.env, 'MCIFY_ERRORS_B');
});

describe('mcify-audit fuzz exits 2 and says what to do', () => {
  it('for a published config without its runtime: the fuzz --url command to run', async () => {
    const run = await runFuzzCli(['fuzz', '--config', join(folder, 'published')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^mcify-audit: .*mcify\.config\.mjs is written on the published mcify, .* then run: mcify-audit fuzz --url http:\/\/127\.0\.0\.1:PORT\/mcp --token ann=env:MCIFY_TOKEN_ANN --token ben=env:MCIFY_TOKEN_BEN$/s);
  }, 60_000);

  it("for a config that does not load: the config's own error", async () => {
    const run = await runFuzzCli(['fuzz', '--config', join(folder, 'throws'), '--format', 'json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^mcify-audit: .*mcify\.config\.mjs failed to load: the database is not configured/);
  }, 60_000);

  it('for a config that is not there', async () => {
    const run = await runFuzzCli(['fuzz', '--config', join(folder, 'missing.config.ts')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/missing\.config\.ts: no such file or directory/);
  });

  it('for a host outside loopback: confirm it with --allow-remote', async () => {
    const run = await runFuzzCli(['fuzz', '--url', 'http://192.0.2.10:8080/mcp', ...tokens]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/192\.0\.2\.10 is not a loopback address\..* confirm with --allow-remote 192\.0\.2\.10\./);
    expect(run.stderr).not.toContain('a-token-that-is-long-enough');
  });

  it('for a server that does not answer MCP', async () => {
    // A port that accepts connections and closes them at once.
    const dead = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const address = dead.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const run = await runFuzzCli(['fuzz', '--url', `http://127.0.0.1:${String(port)}/mcp`, ...tokens, '--timeout', '20']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^mcify-audit: /);
      expect(run.stderr).not.toMatch(/internal error/);
      expect(run.stderr).not.toContain('a-token-that-is-long-enough');
    } finally {
      await new Promise((resolve) => dead.close(resolve));
    }
  }, 60_000);

  it('for a command line without a target: the usage', async () => {
    const run = await runFuzzCli(['fuzz']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^mcify-audit: fuzz needs a target: --config mcify\.config\.ts/);
    expect(run.stderr).toContain('usage: mcify-audit fuzz (--config CONFIG | --url URL');
  });
});
