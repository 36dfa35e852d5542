/**
 * The plugin as a user outside this repository gets it: `npm pack` tarballs of @mcify/core,
 * @mcify-audit/analyzer and eslint-plugin-mcify, installed with npm into a fresh project in the OS temp
 * folder next to eslint, typescript and @typescript-eslint/parser from the registry, then
 * `npx eslint --format json src` on a multi-tenant server with the checklist's flaws.
 *
 * Lints the built `dist/` of the three packages: run `npx tsc -b` first. Needs the npm registry (for
 * eslint, typescript, the parser and zod). Set MCIFY_KEEP_PACKED=1 to keep the temp folders.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerFiles, devServerTs, lineOf, serverTs, type Tarballs } from './packed/consumer-project.js';

const packagesDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The three packages packed, by their folder under packages/. */
const packed = { core: 'core', analyzer: 'analyzer', plugin: 'eslint-plugin' } as const satisfies Record<keyof Tarballs, string>;

/** What `npm pack --json` prints for one package. */
interface PackResult {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly integrity: string;
  readonly files: readonly { readonly path: string }[];
}

/** One message of `eslint --format json`. */
interface LintMessage {
  readonly ruleId: string | null;
  readonly severity: 1 | 2;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly fatal?: boolean;
  readonly suggestions?: readonly { readonly desc: string }[];
}

interface LintResult {
  readonly filePath: string;
  readonly messages: readonly LintMessage[];
  readonly fatalErrorCount: number;
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment for npm, npx and eslint in the temp project: without what `npx vitest` or
 * `npm test -w ...` set for this repository (its package, its local prefix, a workspace selection).
 */
function childEnv(): NodeJS.ProcessEnv {
  const repoScoped = /^npm_(package_|lifecycle_|command$|config_(local_prefix|workspaces?|include_workspace_root|global|prefix)$)/i;
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !repoScoped.test(key)));
}

function run(command: string, args: readonly string[], cwd: string, timeoutMs: number): Run {
  const result = spawnSync(command, args, {
    cwd,
    env: childEnv(),
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
    // npm and npx are .cmd scripts on Windows.
    shell: process.platform === 'win32',
  });
  if (result.error !== undefined) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function runOk(command: string, args: readonly string[], cwd: string, timeoutMs: number): Run {
  const result = run(command, args, cwd, timeoutMs);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited with ${String(result.status)}:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
  }
  return result;
}

function tempDir(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

let packDir: string | undefined;
let projectDir: string | undefined;
let packs: Record<keyof Tarballs, PackResult>;
let lint: Run;
let lintResults: readonly LintResult[];
const timings: Record<string, number> = {};

function timed<T>(label: string, work: () => T): T {
  const start = performance.now();
  try {
    return work();
  } finally {
    timings[label] = Math.round(performance.now() - start);
  }
}

function project(): string {
  if (projectDir === undefined) throw new Error('The consumer project was not created.');
  return projectDir;
}

/** Every message, as `file:line rule`, sorted. */
function located(results: readonly LintResult[]): string[] {
  return results
    .flatMap((result) => result.messages.map((message) => `${relative(project(), result.filePath).replace(/\\/g, '/')}:${String(message.line)} ${message.ruleId ?? '(no rule)'}`))
    .sort();
}

function messageOf(ruleId: string): LintMessage {
  const matches = lintResults.flatMap((result) => result.messages.filter((message) => message.ruleId === ruleId));
  expect(matches, ruleId).toHaveLength(1);
  const [message] = matches;
  if (message === undefined) throw new Error(`No ${ruleId} message.`);
  return message;
}

describe('eslint-plugin-mcify installed from npm pack tarballs', () => {
  beforeAll(() => {
    for (const folder of Object.values(packed)) {
      if (!existsSync(join(packagesDir, folder, 'dist', 'index.js'))) throw new Error(`packages/${folder}/dist is missing: run npx tsc -b first.`);
    }

    packDir = tempDir('mcify-packs-');
    const destination = packDir;
    packs = timed('npm pack (3 packages)', () => {
      const pack = (folder: string): PackResult => {
        const output = runOk('npm', ['pack', '--pack-destination', destination, '--json'], join(packagesDir, folder), 60_000).stdout;
        const [result] = JSON.parse(output) as PackResult[];
        if (result === undefined) throw new Error(`npm pack printed no result for packages/${folder}.`);
        return result;
      };
      return { core: pack(packed.core), analyzer: pack(packed.analyzer), plugin: pack(packed.plugin) };
    });

    projectDir = tempDir('mcify-consumer-');
    const tarballs: Tarballs = {
      core: join(destination, packs.core.filename),
      analyzer: join(destination, packs.analyzer.filename),
      plugin: join(destination, packs.plugin.filename),
    };
    for (const [path, text] of Object.entries(consumerFiles(tarballs))) {
      mkdirSync(dirname(join(projectDir, path)), { recursive: true });
      writeFileSync(join(projectDir, path), text);
    }

    const cwd = projectDir;
    timed('npm install', () => runOk('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], cwd, 150_000));
    lint = timed('eslint', () => run('npx', ['--no', '--', 'eslint', '--format', 'json', 'src'], cwd, 90_000));
    try {
      lintResults = JSON.parse(lint.stdout) as LintResult[];
    } catch {
      throw new Error(`eslint did not print JSON (exit ${String(lint.status)}):\n${lint.stdout.slice(-4000)}\n${lint.stderr.slice(-4000)}`);
    }
  }, 240_000);

  afterAll(() => {
    if (Object.keys(timings).length > 0) process.stdout.write(`packed eslint-plugin-mcify timings (ms): ${JSON.stringify(timings)}\n`);
    if (process.env.MCIFY_KEEP_PACKED === '1') {
      process.stdout.write(`kept ${String(packDir)} and ${String(projectDir)}\n`);
      return;
    }
    for (const dir of [projectDir, packDir]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('packs the three packages, the private @mcify/core included, with their build output and no sources', () => {
    expect([packs.core.name, packs.analyzer.name, packs.plugin.name]).toEqual(['@mcify/core', '@mcify-audit/analyzer', 'eslint-plugin-mcify']);
    for (const pack of Object.values(packs)) {
      const paths = pack.files.map((file) => file.path);
      expect(paths, pack.name).toContain('package.json');
      expect(paths, pack.name).toContain('dist/index.js');
      expect(paths, pack.name).toContain('dist/index.d.ts');
      expect(paths.filter((path) => !path.startsWith('dist/') && path !== 'package.json'), pack.name).toEqual([]);
      expect(paths.filter((path) => /\.test\.|(^|\/)test\//.test(path)), pack.name).toEqual([]);
    }
  });

  it('installs exactly those tarballs, not packages of the same names from the registry', () => {
    const lock = JSON.parse(readFileSync(join(project(), 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; resolved?: string; integrity?: string } | undefined>;
    };
    for (const pack of Object.values(packs)) {
      const entry = lock.packages[`node_modules/${pack.name}`];
      expect(entry?.resolved, pack.name).toMatch(/^file:.*\.tgz$/);
      expect(entry?.integrity, pack.name).toBe(pack.integrity);
      expect(entry?.version, pack.name).toBe(pack.version);
    }
    // The plugin's dependency on the analyzer is the packed one, not a second copy.
    expect(Object.keys(lock.packages).filter((key) => key.endsWith('/@mcify-audit/analyzer'))).toEqual(['node_modules/@mcify-audit/analyzer']);
  });

  it('the consumer project type-checks against the packed declarations', () => {
    const result = run('npx', ['--no', '--', 'tsc', '-p', '.'], project(), 60_000);
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  });

  it('fails the lint run with each flaw reported by its rule, on its line, and nothing else', () => {
    expect(lint.status, lint.stderr).toBe(1);
    expect(lintResults.map((result) => relative(project(), result.filePath).replace(/\\/g, '/')).sort()).toEqual(['src/db.ts', 'src/dev-server.ts', 'src/server.ts']);
    expect(lintResults.flatMap((result) => result.messages.filter((message) => message.fatal === true))).toEqual([]);
    expect(lintResults.map((result) => result.fatalErrorCount)).toEqual([0, 0, 0]);

    const expected = [
      `src/server.ts:${String(lineOf(serverTs, 'input: z.object({ userId'))} mcify/no-identity-in-input`,
      `src/server.ts:${String(lineOf(serverTs, 'db.order.findMany('))} mcify/no-untrusted-identity`,
      `src/server.ts:${String(lineOf(serverTs, 'db.order.findUnique('))} mcify/scoped-queries`,
      `src/server.ts:${String(lineOf(serverTs, 'export const ordersRefund = defineTool('))} mcify/require-scope-check`,
      `src/server.ts:${String(lineOf(serverTs, "ctx.logger.debug('refund_requested'"))} mcify/no-secret-in-logs`,
      `src/server.ts:${String(lineOf(serverTs, 'maxTokenAgeSec: 86400'))} mcify/token-lifetime`,
      // Only typed linting sees that these imported tools read ctx.auth: this proves projectService works.
      `src/dev-server.ts:${String(lineOf(devServerTs, 'auth: none()'))} mcify/no-auth-none`,
    ];
    expect(located(lintResults)).toEqual(expected.sort());
  });

  it('reports at the offending code, with the default severities', () => {
    const identity = messageOf('mcify/no-identity-in-input');
    expect(identity.column).toBe((serverTs.split('\n')[identity.line - 1] ?? '').indexOf('userId') + 1);
    const query = messageOf('mcify/no-untrusted-identity');
    expect(query.column).toBe((serverTs.split('\n')[query.line - 1] ?? '').indexOf('db.order.findMany') + 1);
    const lifetime = messageOf('mcify/token-lifetime');
    expect(lifetime.column).toBe((serverTs.split('\n')[lifetime.line - 1] ?? '').indexOf('maxTokenAgeSec') + 1);

    const severities = Object.fromEntries(lintResults.flatMap((result) => result.messages.map((message): [string, number] => [message.ruleId ?? '(no rule)', message.severity])));
    expect(severities).toEqual({
      'mcify/no-identity-in-input': 2,
      'mcify/no-untrusted-identity': 2,
      'mcify/scoped-queries': 2,
      'mcify/require-scope-check': 2,
      'mcify/no-secret-in-logs': 2,
      'mcify/no-auth-none': 2,
      'mcify/token-lifetime': 1,
    });
  });

  it('says what is wrong and how to fix it', () => {
    const identity = messageOf('mcify/no-identity-in-input');
    expect(identity.message).toContain('"userId"');
    expect(identity.message).toContain('ctx.auth.claims');
    expect(identity.message).toContain('[orders_list]');
    expect(identity.suggestions?.map((suggestion) => suggestion.desc)).toEqual([
      'Remove "userId" from the input schema, and read the caller from ctx.auth.claims in the handler instead.',
    ]);

    expect(messageOf('mcify/no-untrusted-identity').message).toMatch(/db\.order\.findMany\(\) is scoped by an identity taken from tool input.*ctx\.auth/);
    expect(messageOf('mcify/scoped-queries').message).toMatch(/db\.order\.findUnique\(\) is not scoped by the caller.*ctx\.auth.*\[orders_get\]/);
    expect(messageOf('mcify/require-scope-check').message).toMatch(/orders_refund can refund but has no scope check.*requireAuth\(\{ scopes/);
    expect(messageOf('mcify/no-secret-in-logs').message).toMatch(/`ctx\.auth\.token`, a secret.*\[orders_refund\]/);
    expect(messageOf('mcify/no-auth-none').message).toMatch(/auth none\(\), yet orders_refund reads per-user identity from ctx\.auth.*oauth\(/);
    expect(messageOf('mcify/token-lifetime').message).toMatch(/maxTokenAgeSec allows 1 day\(s\).*15 minutes/);
  });
});
