/**
 * What a user on the published mcify does: a multi-tenant server on `@mcify/core` 1.0.0-alpha.3 from
 * the registry, with a lockfile; then mcify-audit and eslint-plugin-mcify installed from `npm pack`
 * tarballs with the commands the install section of README.md and docs/cli.md prints; then the report,
 * ESLint and the SARIF upload file. The project (`project/`) marks each planted flaw with
 * `// expect: mcify/<rule> (<tool>)`; every front end must report exactly those.
 *
 * Needs `npx tsc -b` first and the npm registry (or npm's cache). MCIFY_KEEP_PACKED=1 keeps the project.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeResults, validateSarif } from '../../packages/cli/test/support/sarif-validator.js';
import { checkSuggestionsCompile, corpusSources, rulePageSources, type LintPlugin } from '../../packages/eslint-plugin/test/support/suggestions-compile.js';
import {
  describeFinding,
  describeLocation,
  installDocs,
  plantedFindings,
  projectFiles,
  publishedProject,
  run,
  shippedPackages,
  substitutePackDir,
  type LockEntry,
  type Planted,
  type PublishedProject,
  type Run,
} from './support/published-project.js';

/** The parts of a JSON report this test reads. */
interface Report {
  readonly summary: { readonly errors: number; readonly warnings: number; readonly tools: number };
  readonly tools: readonly { readonly name: string }[];
  readonly notes: readonly { readonly message: string; readonly code?: string; readonly file?: string }[];
  readonly findings: readonly { readonly ruleId: string; readonly file: string; readonly line: number; readonly column: number; readonly tool: string | null; readonly message: string; readonly messageId?: string; readonly flow: readonly { readonly message: string }[] }[];
}

/** One message of `eslint --format json`. */
interface LintMessage {
  readonly ruleId: string | null;
  readonly severity: 1 | 2;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly fatal?: boolean;
  readonly suggestions?: readonly { readonly desc: string; readonly fix: { readonly range: readonly [number, number]; readonly text: string } }[];
}

interface LintResult {
  readonly filePath: string;
  readonly messages: readonly LintMessage[];
}

/** The mcify tools of the project: every one of them, and only they, in the report's inventory. */
const projectTools = ['orders_list', 'orders_get', 'orders_show', 'orders_by_user', 'orders_refund', 'orders_cancel', 'invoices_list', 'invoice_send', 'ledger_connect', 'invoices_void', 'invoices_search'];

/** Spellings of the guide's API, which the published mcify does not have: no advice may use them. */
const guideOnly = [/ctx\.auth\.claims/, /auth\.claims/, /requireAuth\(\{ ?(scopes|check)\b/, /\bhash\(/, /ToolError/];

const docs = installDocs('README.md');
const planted = plantedFindings();
const withTypes = planted.filter((finding) => finding.only !== 'load');
const withoutTypes = planted.filter((finding) => finding.only === null);

let project: PublishedProject;
const runs: Record<'tsc' | 'ls' | 'version' | 'help' | 'serve' | 'audit' | 'text' | 'load' | 'sarif' | 'eslint' | 'eslintTyped', Run> = {} as never;
const timings: Record<string, number> = {};

function parseJson(result: Run, what: string): unknown {
  try {
    return JSON.parse(result.stdout) as unknown;
  } catch {
    throw new Error(`${what} did not print JSON (exit ${String(result.code)}):\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
  }
}

function described(findings: readonly { ruleId: string; file: string; line: number; tool: string | null }[]): string[] {
  return findings.map((finding) => describeFinding(finding)).sort();
}

function located(findings: readonly { ruleId: string; file: string; line: number }[]): string[] {
  return findings.map((finding) => describeLocation(finding)).sort();
}

/** The mcify findings of an ESLint run (parse errors are asserted on their own). */
function mcifyFindings(results: readonly LintResult[]): { ruleId: string; file: string; line: number; message: LintMessage }[] {
  return lintFindings(results).filter((finding) => finding.ruleId.startsWith('mcify/'));
}

function lintFindings(results: readonly LintResult[]): { ruleId: string; file: string; line: number; message: LintMessage }[] {
  return results.flatMap((result) =>
    result.messages.map((message) => ({ ruleId: message.ruleId ?? '(no rule: parse error?)', file: relative(project.root, result.filePath).replace(/\\/g, '/'), line: message.line, message })),
  );
}

/** The line `planted` points at, in the project's copy. */
function sourceLine(finding: Pick<Planted, 'file' | 'line'>): string {
  return readFileSync(join(project.root, finding.file), 'utf8').split('\n')[finding.line - 1] ?? '';
}

function plantedOf(ruleId: string, tool: string | null): Planted {
  const found = planted.find((finding) => finding.ruleId === ruleId && finding.tool === tool);
  if (found === undefined) throw new Error(`No planted ${ruleId} in ${String(tool)}.`);
  return found;
}

/** Every JavaScript file of an installed package. */
function scripts(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return scripts(path);
    return /\.(js|mjs|cjs)$/.test(name) ? [path] : [];
  });
}

const timed = async (label: string, work: Promise<Run>): Promise<Run> => {
  const start = performance.now();
  const result = await work;
  timings[label] = Math.round(performance.now() - start);
  return result;
};

describe('mcify-audit and eslint-plugin-mcify from npm pack tarballs, in a project on the published @mcify/core', () => {
  beforeAll(async () => {
    project = await publishedProject();
    Object.assign(timings, project.timings);
    const cwd = project.root;
    const [sarifRun] = docs.workflowRuns.filter((argv) => argv[0] === 'npx');
    if (sarifRun === undefined) throw new Error('The workflow in the install section runs no npx mcify-audit.');
    // Two cores: the CLI runs, ESLint and tsc overlap.
    const [tsc, ls, version, help, serve, audit, text, load, sarif, eslint, eslintTyped] = await Promise.all([
      timed('tsc --noEmit', run(['npx', 'tsc', '--noEmit'], cwd)),
      timed('npm ls', run(['npm', 'ls', '@mcify/core', '--all', '--json'], cwd)),
      timed('mcify-audit --version', run(['npx', 'mcify-audit', '--version'], cwd)),
      timed('mcify-audit --help', run(['npx', 'mcify-audit', '--help'], cwd)),
      // Refuses at once (no server starts): the reference runtime does not implement oauthProvider().
      timed('mcify-audit serve', run(['npx', 'mcify-audit', 'serve', 'mcify.config.ts'], cwd, 60_000)),
      timed('mcify-audit --format json', run(['npx', 'mcify-audit', '--format', 'json'], cwd)),
      timed('mcify-audit (text)', run(['npx', 'mcify-audit'], cwd)),
      timed('mcify-audit --load', run(['npx', 'mcify-audit', '--load', 'mcify.config.ts', '--format', 'json'], cwd)),
      timed('mcify-audit --format sarif', run(sarifRun, cwd)),
      timed('eslint recommended', run(['npx', 'eslint', '--format', 'json', '.'], cwd)),
      timed('eslint recommended-type-checked', run(['npx', 'eslint', '--config', 'eslint.typed.config.js', '--format', 'json', '.'], cwd)),
    ]);
    Object.assign(runs, { tsc, ls, version, help, serve, audit, text, load, sarif, eslint, eslintTyped });
  }, 300_000);

  afterAll(() => {
    process.stdout.write(`published-framework project timings (ms): ${JSON.stringify(timings)}\n`);
  });

  describe('the install section', () => {
    it('is the same in README.md and docs/cli.md', () => {
      expect(installDocs('docs/cli.md').blocks).toEqual(docs.blocks);
    });

    it('installs mcify-audit and eslint-plugin-mcify from the registry, and the same from tarballs with the packages they depend on', () => {
      expect(docs.registryInstall).toEqual(['npm', 'install', '-D', 'mcify-audit', 'eslint-plugin-mcify']);
      const names = project.packs.map((pack) => pack.name).sort();
      expect(names).toEqual(Object.keys(shippedPackages).sort());
      // Beyond the two a user asks for, exactly what they depend on (transitively).
      const manifests = Object.fromEntries(names.map((name) => [name, JSON.parse(readFileSync(join(project.root, 'node_modules', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }]));
      const needed = new Set(docs.registryInstall.slice(3));
      for (let grew = true; grew; ) {
        grew = false;
        for (const name of [...needed]) {
          for (const dependency of Object.keys(manifests[name]?.dependencies ?? {})) {
            if (dependency in shippedPackages && !needed.has(dependency)) {
              needed.add(dependency);
              grew = true;
            }
          }
        }
      }
      expect([...needed].sort()).toEqual(names);
      expect(project.commands.install.slice(0, 3)).toEqual(['npm', 'install', '-D']);
    });

    it('shows the code-scanning upload of the SARIF file the usage commands write', () => {
      expect(docs.usage).toContainEqual(['npx', 'mcify-audit', '--format', 'sarif', '--output', 'mcify.sarif']);
      expect(docs.workflowRuns).toContainEqual(['npx', 'mcify-audit', '--format', 'sarif', '--output', 'mcify.sarif']);
      expect(docs.workflow).toMatch(/uses: github\/codeql-action\/upload-sarif@v\d+\n\s+if: always\(\)\n\s+with:\n\s+sarif_file: mcify\.sarif/);
      expect(docs.workflow).toContain('security-events: write');
      // The other usage commands are the ones this test runs.
      expect(docs.usage).toEqual([
        ['npx', 'mcify-audit'],
        ['npx', 'mcify-audit', '--load', 'mcify.config.ts'],
        ['npx', 'mcify-audit', '--format', 'sarif', '--output', 'mcify.sarif'],
        ['npx', 'eslint', '.'],
      ]);
      expect(substitutePackDir(docs.pack, '/x')).toContain('/x');
    });
  });

  describe('the packages', () => {
    it('pack their build output, no sources or tests, and no package is named @mcify/*', () => {
      for (const pack of project.packs) {
        const paths = pack.files.map((file) => file.path);
        expect(pack.name, pack.name).not.toMatch(/^@mcify\//);
        expect(paths, pack.name).toContain('package.json');
        expect(paths, pack.name).toContain('dist/index.js');
        expect(paths, pack.name).toContain('dist/index.d.ts');
        expect(paths.filter((path) => !/^(dist|bin)\//.test(path) && !/^(package\.json|README\.md|LICENSE)$/.test(path)), pack.name).toEqual([]);
        expect(paths.filter((path) => /\.test\.|(^|\/)test\/|\.tsbuildinfo$/.test(path)), pack.name).toEqual([]);
      }
    });

    it('neither depend on nor import the user’s framework', () => {
      const imports: string[] = [];
      for (const name of Object.keys(shippedPackages)) {
        const folder = join(project.root, 'node_modules', name);
        const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
        for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
          expect(Object.keys(manifest[field] ?? {}).filter((dependency) => dependency.startsWith('@mcify/')), `${name} ${field}`).toEqual([]);
        }
        for (const file of scripts(join(folder, 'dist'))) {
          // Static imports and re-exports, import() and require() with a literal: what the code loads, not its comments.
          const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
          for (const imported of importedFiles) if (imported.fileName.startsWith('@mcify/')) imports.push(`${relative(project.root, file)}: ${imported.fileName}`);
        }
      }
      expect(imports).toEqual([]);
    });

    it('install as the tarballs npm pack wrote, once each', () => {
      for (const pack of project.packs) {
        const entry = project.lockAfter.packages[`node_modules/${pack.name}`];
        expect(entry?.resolved, pack.name).toMatch(/^file:.*\.tgz$/);
        expect(entry?.integrity, pack.name).toBe(pack.integrity);
        expect(entry?.version, pack.name).toBe(pack.version);
        expect(Object.keys(project.lockAfter.packages).filter((key) => key.endsWith(`node_modules/${pack.name}`)), pack.name).toEqual([`node_modules/${pack.name}`]);
      }
    });
  });

  describe("the user's project after the install", () => {
    it('keeps every package of its lockfile at its version and place: the install only adds', () => {
      const same = (entry: LockEntry | undefined) => (entry === undefined ? undefined : { version: entry.version, resolved: entry.resolved, integrity: entry.integrity, link: entry.link });
      const changed = Object.entries(project.lockBefore.packages)
        .filter(([key]) => key !== '')
        .filter(([key, entry]) => JSON.stringify(same(entry)) !== JSON.stringify(same(project.lockAfter.packages[key])))
        .map(([key, entry]) => `${key}: ${String(entry?.version)} -> ${project.lockAfter.packages[key]?.version ?? 'removed'}`);
      expect(changed).toEqual([]);
      const [rootBefore, rootAfter] = [project.lockBefore.packages[''], project.lockAfter.packages['']];
      expect(rootAfter?.dependencies).toEqual(rootBefore?.dependencies);
      expect(rootAfter?.devDependencies).toMatchObject(rootBefore?.devDependencies ?? {});
      // Nothing new under the framework's scope.
      const scoped = (keys: readonly string[]) => keys.filter((key) => /(^|\/)node_modules\/@mcify\//.test(key)).sort();
      expect(scoped(Object.keys(project.lockAfter.packages))).toEqual(scoped(Object.keys(project.lockBefore.packages)));
    });

    it('still type-checks (tsc --noEmit)', () => {
      expect(`${runs.tsc.stdout}${runs.tsc.stderr}`).toBe('');
      expect(runs.tsc.code).toBe(0);
    });

    it('has one @mcify/core, the published 1.0.0-alpha.3 (npm ls)', () => {
      interface Tree {
        readonly version?: string;
        readonly dependencies?: Readonly<Record<string, Tree>>;
      }
      const versions: string[] = [];
      const walk = (tree: Tree) => {
        for (const [name, child] of Object.entries(tree.dependencies ?? {})) {
          if (name === '@mcify/core') versions.push(child.version ?? '(missing)');
          walk(child);
        }
      };
      walk(parseJson(runs.ls, 'npm ls') as Tree);
      expect(runs.ls.code, runs.ls.stderr).toBe(0);
      expect(versions.length).toBeGreaterThan(0);
      expect([...new Set(versions)]).toEqual(['1.0.0-alpha.3']);
    });
  });

  describe('npx mcify-audit', () => {
    it('--version and --help work beside the published framework', () => {
      const cli = project.packs.find((pack) => pack.name === 'mcify-audit');
      expect(runs.version.stdout.trim(), runs.version.stderr).toBe(cli?.version);
      expect(runs.version.code).toBe(0);
      expect(runs.help.stdout, runs.help.stderr).toMatch(/^usage:\n\s+mcify-audit \[PATH\.\.\.\]/);
      expect(runs.help.code).toBe(0);
    });

    it('serve refuses the oauthProvider() config with exit 2, naming the auth type and what to run instead', () => {
      expect(runs.serve.code, runs.serve.stdout).toBe(2);
      expect(runs.serve.stderr).toMatch(/oauthProvider\(\) \(type oauth_provider/);
      expect(runs.serve.stderr).toMatch(/Start the server on its own runtime.*mcify-audit fuzz --url/);
    });

    it('reports exactly the planted flaws (rule, file, line, tool), and fails the run', () => {
      const report = parseJson(runs.audit, 'mcify-audit --format json') as Report;
      expect.soft(described(report.findings)).toEqual(described(withTypes));
      expect(runs.audit.code).toBe(1);
      expect(report.tools.map((tool) => tool.name).sort()).toEqual([...projectTools].sort());
    });

    it('says it advises in the published dialect, and no message uses the guide’s API', () => {
      const report = parseJson(runs.audit, 'mcify-audit --format json') as Report;
      expect(report.notes).toContainEqual(expect.objectContaining({ code: 'dialect', message: expect.stringMatching(/^Advice is written in the published mcify dialect: .*1\.0\.0-alpha\.3/) as unknown }));
      for (const finding of report.findings) for (const pattern of guideOnly) expect(finding.message, describeFinding(finding)).not.toMatch(pattern);
      const identity = report.findings.find((finding) => finding.ruleId === 'mcify/no-identity-in-input');
      expect(identity?.message).toContain('ctx.auth.subject');
      const gate = report.findings.find((finding) => finding.ruleId === 'mcify/require-scope-check');
      expect(gate?.message).toContain('requireAuth({ predicate })');
    });

    it('prints the text report as the docs run it, with the same counts', () => {
      const report = parseJson(runs.audit, 'mcify-audit --format json') as Report;
      expect(runs.text.code).toBe(1);
      const problems = report.summary.errors + report.summary.warnings;
      expect(runs.text.stdout).toMatch(new RegExp(`✖ ${String(problems)} problems \\(${String(report.summary.errors)} errors, ${String(report.summary.warnings)} warnings\\)`));
    });

    it('--load mcify.config.ts loads the published config and adds the field only its built schema shows', () => {
      const report = parseJson(runs.load, 'mcify-audit --load mcify.config.ts --format json') as Report;
      expect(report.notes.filter((note) => /load|import/i.test(note.message) && note.code !== 'dialect'), runs.load.stderr).toEqual([]);
      expect.soft(described(report.findings)).toEqual(described(planted));
      expect(runs.load.code).toBe(1);
      const loaded = report.findings.find((finding) => finding.tool === 'invoices_search');
      expect(loaded?.message).toMatch(/"accountId"/);
      expect(loaded?.flow.map((step) => step.message)).toEqual([expect.stringMatching(/^Seen in the input schema when the config was loaded/)]);
    });

    it('writes SARIF that the SARIF validator accepts, with GitHub’s ingestion rules', async () => {
      expect(runs.sarif.code, runs.sarif.stderr).toBe(1);
      const text = readFileSync(join(project.root, 'mcify.sarif'), 'utf8');
      const log = JSON.parse(text) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
      const problems = await validateSarif(text);
      expect(problems.filter((problem) => problem.level === 'error' || problem.level === 'warning'), describeResults(problems)).toEqual([]);
      const results = log.runs[0]?.results ?? [];
      expect(results.map((result) => `${result.locations[0]?.physicalLocation.artifactLocation.uri ?? ''}:${String(result.locations[0]?.physicalLocation.region.startLine)} ${result.ruleId}`).sort()).toEqual(
        located(withTypes),
      );
    }, 180_000);
  });

  describe('ESLint with the documented configs', () => {
    it('export default [mcify.configs.recommended] lints the sources and mcify.config.ts, and reports exactly the planted flaws it can see file by file', () => {
      const results = parseJson(runs.eslint, 'eslint (recommended)') as LintResult[];
      const found = lintFindings(results);
      expect.soft(found.filter((finding) => finding.message.fatal === true).map((finding) => `${finding.file}: ${finding.message.message}`)).toEqual([]);
      expect(results.map((result) => relative(project.root, result.filePath).replace(/\\/g, '/'))).toEqual(expect.arrayContaining(['mcify.config.ts', 'src/tools/orders.ts', 'src/tools/invoices.ts']));
      expect(located(found.filter((finding) => finding.message.fatal !== true))).toEqual(located(withoutTypes));
      expect(runs.eslint.code).toBe(1);
    });

    it("mcify.configs['recommended-type-checked'] also sees what needs types", () => {
      const found = lintFindings(parseJson(runs.eslintTyped, 'eslint (recommended-type-checked)') as LintResult[]);
      expect.soft(found.filter((finding) => finding.message.fatal === true).map((finding) => `${finding.file}: ${finding.message.message}`)).toEqual([]);
      expect(located(found.filter((finding) => finding.message.fatal !== true))).toEqual(located(withTypes));
      expect(runs.eslintTyped.code).toBe(1);
    });

    it('reports at the offending code, with the default severities', () => {
      const found = mcifyFindings(parseJson(runs.eslintTyped, 'eslint (recommended-type-checked)') as LintResult[]);
      const at = (planting: Planted) => found.find((finding) => finding.ruleId === planting.ruleId && finding.file === planting.file && finding.line === planting.line)?.message;
      const identity = plantedOf('mcify/no-identity-in-input', 'orders_by_user');
      expect(at(identity)?.column).toBe(sourceLine(identity).indexOf('userId') + 1);
      const lifetime = planted.find((finding) => finding.ruleId === 'mcify/token-lifetime');
      if (lifetime === undefined) throw new Error('No planted token-lifetime.');
      expect(at(lifetime)?.column).toBe(sourceLine(lifetime).indexOf('accessTtlSeconds') + 1);
      const query = plantedOf('mcify/scoped-queries', 'orders_get');
      expect(at(query)?.column).toBe(sourceLine(query).indexOf('db.order.findUnique') + 1);

      const severities = Object.fromEntries(found.map((finding): [string, number] => [finding.ruleId, finding.message.severity]));
      expect(severities).toEqual({
        'mcify/no-identity-in-input': 2,
        'mcify/no-credential-in-input': 2,
        'mcify/no-untrusted-identity': 2,
        'mcify/scoped-queries': 2,
        'mcify/require-scope-check': 2,
        'mcify/no-secret-in-logs': 2,
        'mcify/no-auth-none': 2,
        'mcify/no-pii-in-logs': 1,
        'mcify/token-lifetime': 1,
      });
    });

    it('gives the same messages as the report, and suggestions in the published dialect', () => {
      const report = parseJson(runs.audit, 'mcify-audit --format json') as Report;
      const found = mcifyFindings(parseJson(runs.eslintTyped, 'eslint (recommended-type-checked)') as LintResult[]);
      expect.soft(found.map((finding) => `${describeLocation(finding)} ${finding.message.message}`).sort()).toEqual(report.findings.map((finding) => `${describeLocation(finding)} ${finding.message}`).sort());

      // A keyed hash of the logged email. The identity and credential fields are read by their handlers,
      // so removing them would break the build: those findings offer no suggestion.
      const suggested = found.filter((finding) => (finding.message.suggestions ?? []).length > 0).map((finding) => describeLocation(finding));
      expect(suggested).toEqual([describeLocation(plantedOf('mcify/no-pii-in-logs', 'invoice_send'))]);
      for (const finding of found) {
        for (const suggestion of finding.message.suggestions ?? []) {
          for (const pattern of guideOnly) {
            expect(suggestion.desc, describeLocation(finding)).not.toMatch(pattern);
            expect(suggestion.fix.text, describeLocation(finding)).not.toMatch(pattern);
          }
        }
      }
    });

    it('offers suggestions that still type-check on the published @mcify/core: this project, the lint corpus and the rule pages', async () => {
      // The installed plugin, and tsc against the installed framework (eslint-plugin's suggestion check).
      const installed = (await import(pathToFileURL(join(project.root, 'node_modules', 'eslint-plugin-mcify', 'dist', 'index.js')).href)) as { default: LintPlugin };
      const own = projectFiles().map((path) => ({ path, text: readFileSync(join(project.root, path), 'utf8') }));
      const check = checkSuggestionsCompile({ dialect: 'published', projectDirectory: project.root, plugin: installed.default, sources: [...own, ...corpusSources(), ...rulePageSources('published')] });
      const inProject = check.applied.filter((applied) => own.some((source) => source.path === applied.path));
      expect(inProject.map((applied) => `${applied.path}:${String(applied.line)} ${applied.ruleId}`)).toEqual([describeLocation(plantedOf('mcify/no-pii-in-logs', 'invoice_send'))]);
      expect(check.applied.length).toBeGreaterThan(inProject.length);
      expect(check.broken).toEqual([]);
    }, 180_000);
  });
});
