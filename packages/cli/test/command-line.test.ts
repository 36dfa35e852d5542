import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cliVersion } from '../src/version.js';
import { repoRoot, run, temporaryProject } from './support/run-cli.js';

const bin = join(repoRoot, 'packages/cli/bin/mcify-audit.js');
const recorder = fileURLToPath(new URL('support/module-recorder.mjs', import.meta.url));

/** Runs `node --import module-recorder.mjs ARGS` in `cwd`; resolves with its exit code and every module it loaded. */
async function recorded(args: readonly string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string; modules: string[] }> {
  const folder = mkdtempSync(join(tmpdir(), 'mcify-audit-modules-'));
  const log = join(folder, 'modules.txt');
  try {
    let outcome: { code: number; stdout: string; stderr: string };
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', recorder, ...args], { cwd, env: { ...process.env, MCIFY_AUDIT_MODULE_LOG: log }, timeout: 120_000 });
      outcome = { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      outcome = { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
    let modules: string[] = [];
    try {
      modules = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    } catch {
      // Nothing recorded: the assertions below say so.
    }
    return { ...outcome, modules };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Modules a run without `serve` or `--load` must not load: the reference framework, the harness, the MCP
 * SDK (under their workspace folders or installed names), the user's framework, and tsx, which only
 * `--load` needs to run a config.
 */
const forbidden = [
  /\/packages\/(core|runtime|harness)\//,
  /\/node_modules\/@mcify-audit\/(reference-core|reference-runtime|harness)\//,
  /\/node_modules\/@mcify\/(core|runtime)\//,
  /\/@modelcontextprotocol\/sdk\//,
  /\/node_modules\/tsx\//,
];

const loadedForbidden = (modules: readonly string[]) => modules.filter((module) => forbidden.some((pattern) => pattern.test(module.split('\\').join('/'))));

describe('what a command loads', () => {
  const project = temporaryProject({
    'src/server.ts': `import { defineConfig, defineTool, oauth } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { z } from 'zod';

export const ordersList = defineTool({
  name: 'orders_list',
  description: 'List your orders.',
  middlewares: [requireAuth()],
  input: z.object({ userId: z.string() }),
  handler: async (input) => ({ userId: input.userId }),
});

export default defineConfig({ name: 'shop', version: '1.0.0', auth: oauth({ issuer: 'https://idp.example.com', audience: 'shop', jwksUri: 'https://idp.example.com/jwks' }), tools: [ordersList] });
`,
  });
  afterAll(() => {
    project.remove();
  });

  it('the recorder sees the modules the forbidden patterns name when something does load them', async () => {
    // The control: without it, a recorder that recorded nothing, or patterns that match nothing, would pass the tests below.
    const result = await recorded(['--input-type=module', '-e', "await import('@mcify-audit/harness');"], join(repoRoot, 'packages/cli'));
    expect(result.code, result.stderr).toBe(0);
    const hits = loadedForbidden(result.modules);
    expect(hits.some((module) => /\/packages\/harness\/|\/@mcify-audit\/harness\//.test(module))).toBe(true);
    expect(hits.some((module) => module.includes('/@modelcontextprotocol/sdk/'))).toBe(true);
  }, 120_000);

  it.each([[['--version']], [['--help']], [['serve', '--help']], [['.', '-v']]])('%j loads no runtime, harness, framework or MCP SDK, nor even the analyzer', async (args) => {
    const result = await recorded([bin, ...args], project.root);
    expect(result.code, result.stderr).toBe(0);
    expect(result.modules.some((module) => module.endsWith('/packages/cli/dist/cli.js'))).toBe(true);
    expect(loadedForbidden(result.modules)).toEqual([]);
    expect(result.modules.filter((module) => /\/packages\/analyzer\/|\/typescript\/lib\//.test(module))).toEqual([]);
  }, 120_000);

  it('the static report loads the analyzer and TypeScript, and no runtime, harness, framework or MCP SDK', async () => {
    const result = await recorded([bin, '.', '--format', 'json'], project.root);
    expect(result.code, result.stderr).toBe(1);
    expect((JSON.parse(result.stdout) as { findings: { ruleId: string }[] }).findings.map((finding) => finding.ruleId)).toContain('mcify/no-identity-in-input');
    expect(result.modules.some((module) => module.includes('/packages/analyzer/dist/'))).toBe(true);
    expect(result.modules.some((module) => module.endsWith('/typescript/lib/typescript.js'))).toBe(true);
    expect(loadedForbidden(result.modules)).toEqual([]);
  }, 120_000);
});

describe('--help and --version', () => {
  it.each([
    [['--help']],
    [['-h']],
    [['help']],
    [['serve', '--help']],
    [['serve', 'mcify.config.ts', '--port', '8080', '--help']],
    [['fuzz', '--help']],
    [['.', '--format', 'json', '--help']],
    [['--no-such-option', '-h']],
  ])('%j prints the usage and exits 0', async (args) => {
    const result = await run(args);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^usage:\n {2}mcify-audit \[PATH\.\.\.\]/);
    expect(result.stderr).toBe('');
  });

  it.each([[['--version']], [['-v']], [['.', '--version']], [['serve', '-v']], [['fuzz', '--version']], [['--format', 'json', '-v']]])('%j prints the version and exits 0', async (args) => {
    const result = await run(args);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(cliVersion);
    expect(cliVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('takes --help over --version, and neither after --, where every argument is a PATH', async () => {
    expect((await run(['--version', '--help'])).stdout).toMatch(/^usage:/);
    const path = await run(['--', '--help']);
    expect(path.code).toBe(2);
    expect(path.stderr).toContain('--help: no such file or directory');
  });

  it('lists every option of every command', async () => {
    const help = (await run(['--help'])).stdout;
    for (const option of ['-f, --format', '-o, --output', '--fail-on', '-p, --tsconfig', '--load', '--baseline', '--pass-with-no-tools', '--port', '--host', '-h, --help', '-v, --version']) {
      expect(help, option).toContain(option);
    }
    expect(help).toContain('mcify-audit serve CONFIG [--port N] [--host H]');
    for (const option of ['--config CONFIG', '--url URL', '--token SPEC', '--source PATH', '--seed N', '--path P', '--runs N', '--timeout SEC', '--exclude-tool NAME', '--allow-writes', '--dry-run', '--allow-remote HOST']) {
      expect(help, option).toContain(option);
    }
  });

  it('still rejects an unknown command, and fuzz without a target, saying what to give', async () => {
    const unknown = await run(['lint']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "lint"');
    const fuzz = await run(['fuzz']);
    expect(fuzz.code).toBe(2);
    expect(fuzz.stderr).toContain('fuzz needs a target: --config mcify.config.ts');
    expect(fuzz.stderr).toContain('usage: mcify-audit fuzz (--config CONFIG | --url URL');
  });
});
