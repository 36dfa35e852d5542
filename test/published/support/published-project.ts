/**
 * Test support: a user's project on the published mcify (`@mcify/core` 1.0.0-alpha.3 from the npm
 * registry), with this repository's packages installed beside it the way the install section of the
 * README and docs/cli.md prints it, from `npm pack` tarballs.
 *
 * `publishedProject()` does what a user does, once per test run (the folder comes from
 * ./global-setup.ts; test files of one run share it): it copies `../project/` to a folder in the OS
 * temp directory, runs `npm install` there (the published framework and a lockfile, saved), runs the
 * docs' `npm pack` command in this repository and the docs' `npm install -D <tarballs>` in the project,
 * and writes the docs' ESLint configs. The project is shared: a test that changes files copies them
 * elsewhere first.
 *
 * Needs the built `dist/` of the packages (`npx tsc -b`) and the npm registry (or npm's cache).
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The project's sources, as files in this repository. */
export const projectSource = fileURLToPath(new URL('../project/', import.meta.url));

/** The packages a user installs, and the four they depend on that are not on the registry yet, by folder. */
export const shippedPackages = {
  'mcify-audit': 'cli',
  'eslint-plugin-mcify': 'eslint-plugin',
  '@mcify-audit/analyzer': 'analyzer',
  '@mcify-audit/harness': 'harness',
  '@mcify-audit/reference-core': 'core',
  '@mcify-audit/reference-runtime': 'runtime',
} as const;

export type ShippedPackage = keyof typeof shippedPackages;

/** Where the docs' commands put the tarballs; the tests substitute a temporary folder. */
export const documentedPackDir = '/tmp/mcify-audit-packs';

/** Flags added to the docs' install commands: they change how fast npm is, not what it installs. */
const quickInstall = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

// ---------------------------------------------------------------------------------------------------
// Commands

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment for npm, npx, tsc and eslint in the project: without what `npx vitest` or `npm test`
 * set for this repository (its package, its local prefix, a workspace selection).
 */
function childEnv(): NodeJS.ProcessEnv {
  const repoScoped = /^npm_(package_|lifecycle_|command$|config_(local_prefix|workspaces?|include_workspace_root|global|prefix)$)/i;
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !repoScoped.test(key)));
}

/**
 * Runs a command (never through a shell, except for npm's `.cmd` wrappers on Windows); resolves with its
 * exit code and output whatever the code. `npx X` runs as `npx --no -- X`, so a missing bin fails instead
 * of being fetched from the registry.
 */
export function run(argv: readonly string[], cwd: string, timeoutMs = 120_000): Promise<Run> {
  const [command, ...args] = argv[0] === 'npx' ? ['npx', '--no', '--', ...argv.slice(1)] : argv;
  if (command === undefined) throw new Error('run() needs a command.');
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: childEnv(), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, shell: process.platform === 'win32' }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(new Error(`${argv.join(' ')} (in ${cwd}) did not run: ${error.message}\n${stderr.slice(-4000)}`));
        return;
      }
      resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}

/** `run`, failing unless the exit code is 0. */
export async function runOk(argv: readonly string[], cwd: string, timeoutMs?: number): Promise<Run> {
  const result = await run(argv, cwd, timeoutMs);
  if (result.code !== 0) throw new Error(`${argv.join(' ')} (in ${cwd}) exited with ${String(result.code)}:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
  return result;
}

// ---------------------------------------------------------------------------------------------------
// The install section of the docs

/** The commands and files of an install section, as printed. */
export interface InstallDocs {
  /** Every fenced block of the section, in order: README's and docs/cli.md's must be the same. */
  readonly blocks: readonly string[];
  /** `npm install -D mcify-audit eslint-plugin-mcify`. */
  readonly registryInstall: readonly string[];
  /** `npm pack -w ... --pack-destination /tmp/mcify-audit-packs`, run in a checkout of this repository. */
  readonly pack: readonly string[];
  /** `npm install -D /tmp/mcify-audit-packs/<tarball> ...`, run in the user's project. */
  readonly tarballInstall: readonly string[];
  /** The usage commands (`npx mcify-audit`, `npx eslint .`, ...). */
  readonly usage: readonly (readonly string[])[];
  /** The `eslint.config.js` with `recommended`, and the one with `recommended-type-checked`. */
  readonly eslintConfig: string;
  readonly eslintTypedConfig: string;
  /** The `run:` commands of the GitHub workflow, and the workflow itself. */
  readonly workflowRuns: readonly (readonly string[])[];
  readonly workflow: string;
}

/** The `## Install` section of a Markdown file in this repository, up to the next `## ` heading. */
function installSection(docPath: string): string {
  const text = readFileSync(join(repoRoot, docPath), 'utf8');
  const start = text.indexOf('\n## Install\n');
  if (start < 0) throw new Error(`${docPath} has no "## Install" section.`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

/** The lines of a shell block as argv, without comments and blank lines (the commands have no quoting). */
function commandLines(block: string): string[][] {
  return block
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '')
    .map((line) => line.split(/\s+/));
}

function only<T>(items: readonly T[], what: string, docPath: string): T {
  if (items.length !== 1 || items[0] === undefined) throw new Error(`${docPath}'s install section should have exactly one ${what}, it has ${String(items.length)}.`);
  return items[0];
}

/** Reads the install section of `README.md` or `docs/cli.md`. */
export function installDocs(docPath: 'README.md' | 'docs/cli.md'): InstallDocs {
  const fenced = [...installSection(docPath).matchAll(/^```(\w*)\n([\s\S]*?)\n```$/gm)].map((match) => ({ language: match[1] ?? '', body: match[2] ?? '' }));
  const shell = fenced.filter((block) => block.language === 'sh').map((block) => commandLines(block.body));
  const lines = shell.flat();
  const js = fenced.filter((block) => block.language === 'js').map((block) => block.body);
  const workflow = only(
    fenced.filter((block) => block.language === 'yaml'),
    'yaml block',
    docPath,
  ).body;
  return {
    blocks: fenced.map((block) => block.body),
    registryInstall: only(
      lines.filter((argv) => argv.join(' ').startsWith('npm install -D') && !argv.some((arg) => arg.endsWith('.tgz'))),
      'registry install',
      docPath,
    ),
    pack: only(
      lines.filter((argv) => argv[0] === 'npm' && argv[1] === 'pack'),
      'npm pack command',
      docPath,
    ),
    tarballInstall: only(
      lines.filter((argv) => argv.join(' ').startsWith('npm install -D') && argv.some((arg) => arg.endsWith('.tgz'))),
      'tarball install',
      docPath,
    ),
    usage: lines.filter((argv) => argv[0] === 'npx'),
    eslintConfig: only(
      js.filter((body) => body.includes('mcify.configs.recommended]')),
      'eslint.config.js with recommended',
      docPath,
    ),
    eslintTypedConfig: only(
      js.filter((body) => body.includes("mcify.configs['recommended-type-checked']")),
      'eslint.config.js with recommended-type-checked',
      docPath,
    ),
    workflowRuns: [...workflow.matchAll(/^\s*- run: (.+)$/gm)].map((match) => (match[1] ?? '').trim().split(/\s+/)),
    workflow,
  };
}

/** The docs' command with the documented tarball folder replaced by `packDir`. */
export function substitutePackDir(argv: readonly string[], packDir: string): string[] {
  return argv.map((arg) => arg.split(documentedPackDir).join(packDir.replace(/\\/g, '/')));
}

// ---------------------------------------------------------------------------------------------------
// The planted flaws

/** A finding the project's source says must be reported: `// expect: mcify/<rule> (<tool>)` above its line. */
export interface Planted {
  readonly ruleId: string;
  /** POSIX, relative to the project root. */
  readonly file: string;
  readonly line: number;
  /** The MCP tool, or `null` for a config-level finding. */
  readonly tool: string | null;
  /** `types`: only with a type checker (the CLI, typed ESLint); `load`: only with `--load`. */
  readonly only: 'types' | 'load' | null;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** The project's source files, POSIX paths relative to its root. */
export function projectFiles(root = projectSource): string[] {
  return sourceFiles(root).map((path) => relative(root, path).replace(/\\/g, '/')).sort();
}

/**
 * Every `// expect[(types|load)]: mcify/<rule> [(<tool>)] [-- why]` annotation of the project: it marks
 * the next line that is not itself an annotation (`// ok: ...` marks a lookalike that must not be
 * flagged; any finding on a line without `expect` is wrong anyway).
 */
export function plantedFindings(root = projectSource): Planted[] {
  return sourceFiles(root).flatMap((path) => {
    const lines = readFileSync(path, 'utf8').split('\n');
    return lines.flatMap((text, index) => {
      const match = /\/\/\s*expect(?:\((types|load)\))?:\s*(mcify\/[a-z-]+)(?:\s+\(([\w-]+)\))?/.exec(text);
      if (match?.[2] === undefined) return [];
      let target = index + 1;
      while (/^\s*\/\/\s*(expect(\(\w+\))?|ok):/.test(lines[target] ?? '')) target += 1;
      const only = match[1] === 'types' || match[1] === 'load' ? match[1] : null;
      return [{ ruleId: match[2], file: relative(root, path).replace(/\\/g, '/'), line: target + 1, tool: match[3] ?? null, only }];
    });
  });
}

/** `file:line rule`, where a front end without tool names (ESLint, SARIF) must report a planted flaw. */
export function describeLocation(finding: { readonly ruleId: string; readonly file: string; readonly line: number }): string {
  return `${finding.file}:${String(finding.line)} ${finding.ruleId}`;
}

/** `file:line rule (tool)`, the identity the report must give a planted flaw. */
export function describeFinding(finding: { readonly ruleId: string; readonly file: string; readonly line: number; readonly tool: string | null }): string {
  return `${describeLocation(finding)} (${finding.tool ?? 'config'})`;
}

// ---------------------------------------------------------------------------------------------------
// The project

/** What `npm pack --json` prints for one package. */
export interface PackResult {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly integrity: string;
  readonly files: readonly { readonly path: string }[];
}

export interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly link?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

export interface Lockfile {
  readonly packages: Readonly<Record<string, LockEntry | undefined>>;
}

export interface PublishedProject {
  /** The project, installed. */
  readonly root: string;
  /** Its lockfile after the published framework was installed, before ours. */
  readonly lockBefore: Lockfile;
  /** Its lockfile after our tarballs were installed. */
  readonly lockAfter: Lockfile;
  readonly packs: readonly PackResult[];
  /** The commands run, as run (tarball folder substituted, quick-install flags added). */
  readonly commands: { readonly pack: readonly string[]; readonly install: readonly string[] };
  /** Milliseconds per step, for the report. */
  readonly timings: Readonly<Record<string, number>>;
}

async function timed<T>(timings: Record<string, number>, label: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[label] = Math.round(performance.now() - start);
  }
}

function readLock(path: string): Lockfile {
  return JSON.parse(readFileSync(path, 'utf8')) as Lockfile;
}

async function setUp(runDir: string): Promise<PublishedProject> {
  for (const folder of Object.values(shippedPackages)) {
    if (!existsSync(join(repoRoot, 'packages', folder, 'dist', 'index.js'))) throw new Error(`packages/${folder}/dist is missing: run npx tsc -b first.`);
  }
  const docs = installDocs('README.md');
  const timings: Record<string, number> = {};
  const root = join(runDir, 'project');
  const packDir = join(runDir, 'packs');
  mkdirSync(packDir, { recursive: true });
  cpSync(projectSource, root, { recursive: true, filter: (source) => basename(source) !== 'node_modules' });

  const pack = [...substitutePackDir(docs.pack, packDir), '--json'];
  // The user's own install (the published framework, a lockfile) and our pack are independent.
  const [packs] = await Promise.all([
    timed(timings, 'npm pack', async () => JSON.parse((await runOk(pack, repoRoot)).stdout) as PackResult[]),
    timed(timings, 'npm install (the published framework)', () => runOk(['npm', 'install', ...quickInstall], root, 240_000)),
  ]);
  const lockBefore = readLock(join(root, 'package-lock.json'));
  writeFileSync(join(runDir, 'package-lock.before.json'), `${JSON.stringify(lockBefore, null, 2)}\n`);

  // The docs name the tarballs npm pack writes: a version bump must update them.
  const documented = docs.tarballInstall.filter((arg) => arg.endsWith('.tgz')).map((arg) => basename(arg)).sort();
  const written = packs.map((result) => result.filename).sort();
  if (documented.join(' ') !== written.join(' ')) throw new Error(`The install section names the tarballs ${documented.join(', ')}, npm pack wrote ${written.join(', ')}: update README.md and docs/cli.md.`);
  const install = [...substitutePackDir(docs.tarballInstall, packDir), ...quickInstall];
  await timed(timings, 'npm install -D (our tarballs)', () => runOk(install, root, 240_000));

  writeFileSync(join(root, 'eslint.config.js'), `${docs.eslintConfig}\n`);
  writeFileSync(join(root, 'eslint.typed.config.js'), `${docs.eslintTypedConfig}\n`);
  return { root, lockBefore, lockAfter: readLock(join(root, 'package-lock.json')), packs, commands: { pack, install }, timings };
}

const sleep = (ms: number) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/** Waits for another test file of the run to finish the setup. */
async function awaitSetUp(runDir: string): Promise<PublishedProject> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (existsSync(join(runDir, 'failed.txt'))) throw new Error(`Setting up the published-framework project failed in another test file:\n${readFileSync(join(runDir, 'failed.txt'), 'utf8')}`);
    if (existsSync(join(runDir, 'project.json'))) return JSON.parse(readFileSync(join(runDir, 'project.json'), 'utf8')) as PublishedProject;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for the published-framework project in ${runDir}.`);
    await sleep(250);
  }
}

function runFolder(): string {
  let provided: string | undefined;
  try {
    provided = inject('mcifyPublishedRunDir');
  } catch {
    provided = undefined;
  }
  if (provided !== undefined) return provided;
  // Without the global setup: a folder of this process's own, removed when it exits.
  const own = realpathSync(mkdtempSync(join(tmpdir(), 'mcify-published-run-')));
  process.once('exit', () => {
    if (process.env.MCIFY_KEEP_PACKED !== '1') rmSync(own, { recursive: true, force: true });
  });
  return own;
}

let setUpOnce: Promise<PublishedProject> | undefined;

/**
 * The installed project, set up at most once per test run (the first caller does it, the others wait).
 * Call it in `beforeAll` with a hook timeout of a few minutes.
 */
export function publishedProject(): Promise<PublishedProject> {
  setUpOnce ??= (async () => {
    const runDir = runFolder();
    try {
      mkdirSync(join(runDir, 'setup.lock'));
    } catch {
      return awaitSetUp(runDir);
    }
    try {
      const project = await setUp(runDir);
      writeFileSync(join(runDir, 'project.json'), JSON.stringify(project));
      return project;
    } catch (error) {
      writeFileSync(join(runDir, 'failed.txt'), error instanceof Error ? (error.stack ?? error.message) : String(error));
      throw error;
    }
  })();
  return setUpOnce;
}
