/**
 * The harness is framework-neutral: `mcify-audit fuzz --url`, installed from the packed tarballs in the
 * project on the published mcify, against two servers that are not ours (the published
 * `@mcify/runtime` 1.0.0-alpha.3, and the official SDK's stateful `McpServer`), reports exactly each
 * server's planted.json, and on the fixed variant of each exactly planted-fixed.json (what the framework
 * does by itself). Then `describeIsolation({ url, tokens })` from the installed
 * `@mcify-audit/harness/vitest`, run by the project's own vitest: green on the fixed server, red with
 * replay lines on the planted one. No token appears in any output.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { publishedProject } from './support/published-project.js';
import { fuzzTokenArguments, neutralServersFolder, neutralServersSource, startNeutralServer, type NeutralServer, type NeutralServerName, type NeutralServerVariant } from './servers/support.js';

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command with extra environment (the tokens), without the repository's npm and vitest settings. */
function runWith(argv: readonly string[], cwd: string, env: Readonly<Record<string, string>>, timeoutMs = 240_000): Promise<Ran> {
  const [command, ...args] = argv;
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|VITEST|NODE_OPTIONS$|TEST$)/i.test(key)));
  return new Promise((resolve, reject) => {
    execFile(command ?? '', args, { cwd, env: { ...base, ...env }, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(new Error(`${argv.join(' ')} did not run: ${error.message}\n${stderr.slice(-3000)}`));
        return;
      }
      resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}

const servers: NeutralServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function started(name: NeutralServerName, variant: NeutralServerVariant): Promise<NeutralServer> {
  const server = await startNeutralServer(name, { variant, timeoutMs: 60_000 });
  servers.push(server);
  return server;
}

function expectNoToken(server: NeutralServer, ...texts: string[]): void {
  for (const token of Object.values(server.tokens)) for (const text of texts) expect(text.includes(token)).toBe(false);
}

/** Without terminal colour codes, whatever the reporter decided. */
// eslint-disable-next-line no-control-regex -- the escape character is exactly what is removed
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

const pairsOf = (findings: readonly { readonly ruleId: string; readonly tool: string | null }[]) => [...new Set(findings.map((finding) => `${finding.ruleId} ${finding.tool ?? '*'}`))].sort();

describe.each([
  ['mcify-published', 'planted'],
  ['mcify-published', 'fixed'],
  ['sdk-stateful', 'planted'],
  ['sdk-stateful', 'fixed'],
] as const)('mcify-audit fuzz --url against %s (%s)', (name, variant) => {
  it('reports exactly what the server plants (or, fixed, what its framework does by itself)', async () => {
    const project = await publishedProject();
    const server = await started(name, variant);
    const { args, env } = fuzzTokenArguments(server);
    const ran = await runWith(['npx', '--no', '--', 'mcify-audit', 'fuzz', '--url', server.url, ...args, '--allow-writes', '--seed', '1', '--runs', '25', '--format', 'json'], project.root, env);
    expect(ran.stderr).not.toContain('internal error');
    const report = JSON.parse(ran.stdout) as { findings: { ruleId: string; tool: string | null }[]; fuzz: { mode: string } };
    expect(report.fuzz.mode).toBe('black-box');
    expect(pairsOf(report.findings)).toEqual(pairsOf(server.planted));
    const errors = server.planted.some((flaw) => !['harness/missing-www-authenticate', 'harness/wrong-status'].includes(flaw.ruleId));
    expect(ran.code).toBe(errors ? 1 : 0);
    expectNoToken(server, ran.stdout, ran.stderr);
  }, 300_000);
});

describe('mcify-audit fuzz --config on a config written on the published mcify', () => {
  it("boots it in-process on the project's own @mcify/runtime, reports exactly its planted.json, and says which token classes it could not test", async () => {
    const project = await publishedProject();
    const config = join(await neutralServersFolder(), 'mcify-published', 'mcify.config.mjs');
    const ran = await runWith(['npx', '--no', '--', 'mcify-audit', 'fuzz', '--config', config, '--seed', '1', '--runs', '25', '--format', 'json'], project.root, {});
    expect(ran.stderr).not.toContain('internal error');
    const report = JSON.parse(ran.stdout) as { findings: { ruleId: string; tool: string | null; file?: string }[]; fuzz: { mode: string }; notes: { code: string; message: string }[] };
    expect(report.fuzz.mode).toBe('in-process');
    const planted = JSON.parse(readFileSync(join(neutralServersSource, 'mcify-published', 'planted.json'), 'utf8')) as { ruleId: string; tool: string | null }[];
    expect(pairsOf(report.findings)).toEqual(pairsOf(planted));
    expect(ran.code).toBe(1);
    // No key the server trusts: the classes that need one are listed as not tested, with the reason.
    const notTested = report.notes.filter((note) => note.code === 'not-tested').map((note) => note.message).join('\n');
    expect(notTested).toMatch(/class 7\b/);
    expect(notTested).toMatch(/class 14\b/);
  }, 300_000);
});

describe('describeIsolation({ url, tokens }) in the project, run by its own vitest', () => {
  async function suite(server: NeutralServer): Promise<Ran> {
    const folder = join(await neutralServersFolder(), `isolation-${server.variant}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'isolation.test.ts'),
      [
        "import { describeIsolation } from '@mcify-audit/harness/vitest';",
        '',
        'describeIsolation(',
        "  { url: process.env.NEUTRAL_URL ?? '', tokens: JSON.parse(process.env.NEUTRAL_TOKENS ?? '{}'), principals: JSON.parse(process.env.NEUTRAL_PRINCIPALS ?? '{}') },",
        '  { allowWrites: true, seed: 1, runs: 25 },',
        ');',
        '',
      ].join('\n'),
    );
    const project = await publishedProject();
    return runWith([process.execPath, join(project.root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', folder], folder, {
      NEUTRAL_URL: server.url,
      NEUTRAL_TOKENS: JSON.stringify(server.tokens),
      NEUTRAL_PRINCIPALS: JSON.stringify(server.principals),
      NO_COLOR: '1',
    }).then((ran) => ({ ...ran, stdout: plain(ran.stdout), stderr: plain(ran.stderr) }));
  }

  it('is green on the fixed SDK server: one passing test per cell', async () => {
    const server = await started('sdk-stateful', 'fixed');
    const ran = await suite(server);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    // One test per planned cell (52 on this server: 7 properties over its tools and the target), every one passed.
    expect(ran.stdout).toMatch(/Tests\s+(\d+) passed \(\1\)/);
    expect(Number(/Tests\s+(\d+) passed/.exec(ran.stdout)?.[1])).toBeGreaterThan(20);
    expect(ran.stdout).not.toMatch(/failed/);
    expectNoToken(server, ran.stdout, ran.stderr);
  }, 300_000);

  it('is red on the planted SDK server, each failure naming the flaw and the line that replays it', async () => {
    const server = await started('sdk-stateful', 'planted');
    const ran = await suite(server);
    const output = ran.stdout + ran.stderr;
    expect(ran.code).toBe(1);
    for (const flaw of server.planted) expect(output).toContain(flaw.ruleId);
    expect(output).toMatch(/replay: mcify-audit fuzz --url http:\/\/127\.0\.0\.1:\d+\/mcp (--token \S+=env:MCIFY_TOKEN_\w+ )+--seed 1 --path \S+/);
    expectNoToken(server, ran.stdout, ran.stderr);
  }, 300_000);
});
