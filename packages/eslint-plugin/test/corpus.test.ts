/**
 * The analyzer's labelled corpus (fixtures/lint), linted through ESLint itself with this plugin: once
 * untyped (the `recommended` config; typescript-eslint's parser without type information for
 * TypeScript, ESLint's default parser for JavaScript), once with typed linting (a temporary tsconfig
 * that includes the corpus). The same annotations as the analyzer's own corpus test must hold.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare, corpusCases, corpusRoot, repoRoot, type Comparison } from '../../analyzer/test/corpus-cases.js';
import plugin from '../src/index.js';

const cases = corpusCases();
const allFiles = cases.flatMap((corpusCase) => corpusCase.files);
const needsTypesFiles = new Set(cases.filter((corpusCase) => corpusCase.needsTypes).flatMap((corpusCase) => corpusCase.files.map((file) => file.slice(corpusRoot.length + 1).replace(/\\/g, '/'))));

/** Linting the whole corpus (typed: one TypeScript program over it) is slow on a loaded machine. */
const timeout = 180_000;

const typeScriptFiles = ['**/*.ts', '**/*.mts', '**/*.cts'];
const javaScriptFiles = ['**/*.js', '**/*.mjs', '**/*.cjs'];

interface Finding {
  readonly ruleId: string;
  readonly location: { readonly file: string; readonly line: number };
  readonly message: string;
}

/** Lints every corpus file; fails on a fatal (parse) error, keeps the messages of mcify rules. */
async function lintCorpus(overrideConfig: Linter.Config[]): Promise<Finding[]> {
  const eslint = new ESLint({ cwd: repoRoot, overrideConfigFile: true, overrideConfig });
  const results = await eslint.lintFiles(allFiles);
  expect(results.map((result) => result.filePath).sort()).toEqual([...allFiles].sort());
  const fatal = results.flatMap((result) => result.messages.filter((message) => message.fatal === true).map((message) => `${result.filePath}:${String(message.line)} ${message.message}`));
  expect(fatal, 'fatal errors').toEqual([]);
  const foreign = results.flatMap((result) => result.messages.filter((message) => message.ruleId !== null && !message.ruleId.startsWith('mcify/')).map((message) => `${result.filePath}:${String(message.line)} ${message.ruleId ?? ''} ${message.message}`));
  expect(foreign, 'messages of rules outside mcify/').toEqual([]);
  return results.flatMap((result) =>
    result.messages.flatMap((message) => (message.ruleId === null ? [] : [{ ruleId: message.ruleId, location: { file: result.filePath, line: message.line }, message: message.message }])),
  );
}

const describeProblems = (entries: readonly { file: string; line: number; ruleId: string; message?: string }[]) =>
  entries.map((entry) => `${entry.file}:${String(entry.line)} ${entry.ruleId}${entry.message === undefined ? '' : ` — ${entry.message}`}`);

function summary(mode: string, comparison: Comparison): void {
  process.stdout.write(`\ncorpus through ESLint, ${mode}: ${String(cases.length)} cases, ${String(comparison.matched.length)} matched, ${String(comparison.missed.length)} missed, ${String(comparison.extra.length)} extra\n`);
}

describe('the labelled corpus (fixtures/lint) through ESLint', () => {
  let temporary: string;
  let tsconfig: string;

  beforeAll(() => {
    // The corpus belongs to no tsconfig: a temporary one includes it, as the analyzer's corpus test's program does.
    temporary = mkdtempSync(join(tmpdir(), 'mcify-eslint-corpus-'));
    tsconfig = join(temporary, 'tsconfig.json');
    const compilerOptions = { allowJs: true, checkJs: false, noEmit: true, strict: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', skipLibCheck: true, types: [] };
    writeFileSync(tsconfig, JSON.stringify({ compilerOptions, include: [join(corpusRoot, '**', '*')] }, null, 2));
  });

  afterAll(() => {
    rmSync(temporary, { recursive: true, force: true });
  });

  it('has the cases the analyzer test has, in TypeScript and JavaScript', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    expect(allFiles.some((file) => file.endsWith('.js'))).toBe(true);
    expect(allFiles.some((file) => file.endsWith('.mjs'))).toBe(true);
  });

  it('typed linting (recommended-type-checked, a tsconfig over the corpus): every expect line flagged with its rule, nothing else', async () => {
    const findings = await lintCorpus([
      { ...plugin.configs['recommended-type-checked'], files: [...typeScriptFiles, ...javaScriptFiles] } as Linter.Config,
      {
        files: [...typeScriptFiles, ...javaScriptFiles],
        languageOptions: { parser: tsParser, parserOptions: { projectService: false, project: tsconfig, tsconfigRootDir: temporary } },
      },
    ]);
    const comparison = compare(allFiles, findings);
    summary('typed', comparison);
    expect(describeProblems(comparison.missed), 'missed').toEqual([]);
    expect(describeProblems(comparison.extra), 'extra').toEqual([]);
  }, timeout);

  it('untyped linting (recommended): no extra finding, and misses only in needs-types cases', async () => {
    const findings = await lintCorpus([
      { ...plugin.configs.recommended, files: [...typeScriptFiles, ...javaScriptFiles] } as Linter.Config,
      // TypeScript through typescript-eslint's parser without type information; JavaScript through ESLint's own parser.
      { files: typeScriptFiles, languageOptions: { parser: tsParser } },
    ]);
    const comparison = compare(allFiles, findings);
    summary('untyped', comparison);
    expect(describeProblems(comparison.missed.filter((entry) => !needsTypesFiles.has(entry.file))), 'missed outside needs-types').toEqual([]);
    expect(describeProblems(comparison.extra), 'extra').toEqual([]);
  }, timeout);
});
