/**
 * Test support: applies every suggestion the plugin produces on the lint corpus (fixtures/lint) and on the
 * rule pages' examples, in one dialect, and type-checks each result with `tsc`'s compiler API. A
 * suggestion passes when the in-memory files gain no TypeScript diagnostic (corpus files import data
 * clients that need not be installed, so the diagnostics the code already had are not counted).
 *
 * The guide dialect is checked inside this repository, against the reference core that `@mcify/core`
 * resolves to here; the published dialect inside a project with the published `@mcify/core` installed
 * (the packed-install test calls `checkSuggestionsCompile` with that project's folder).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { DialectName } from '@mcify-audit/analyzer';
import { Linter } from 'eslint';
import ts from 'typescript';
import { corpusCases, corpusRoot } from '../../../analyzer/test/corpus-cases.js';
import defaultPlugin from '../../src/index.js';
import { guideCounterpart, type SuggestionMessageId } from '../../src/suggestions.js';
import { docsDirectory, examples, readPage } from './rule-pages.js';

/** A source to lint: a path relative to the folder it is checked in, and its text. */
export interface SuggestionSource {
  /** `fixtures/lint/no-pii-in-logs/hash.ts`, `docs/rules/no-pii-in-logs/published-1.ts`. */
  readonly path: string;
  readonly text: string;
}

/** One suggestion, applied. */
export interface AppliedSuggestion {
  readonly path: string;
  readonly line: number;
  readonly ruleId: string;
  readonly messageId: string;
  /** The diagnostics the edit added (`TS2339 Property 'x' does not exist ...`); empty when it compiles. */
  readonly added: readonly string[];
}

export interface SuggestionCheck {
  readonly dialect: DialectName;
  readonly applied: readonly AppliedSuggestion[];
  /** The suggestions that added a diagnostic, described for an assertion message. */
  readonly broken: readonly string[];
}

/** The plugin as the checks use it (the packed-install test may pass the installed one). */
export interface LintPlugin {
  readonly configs: { readonly recommended: unknown };
}

/** Every file of the lint corpus, as `fixtures/lint/...` paths. */
export function corpusSources(): SuggestionSource[] {
  const root = dirname(dirname(corpusRoot));
  return corpusCases()
    .flatMap((corpusCase) => corpusCase.files)
    .map((file) => ({ path: relative(root, file).replace(/\\/g, '/'), text: readFileSync(file, 'utf8') }));
}

/** The rules that have pages. */
export function rulePageNames(): string[] {
  return Object.keys((defaultPlugin as { rules: Record<string, unknown> }).rules);
}

/** The TypeScript examples of the rule pages written in `dialect`, as `docs/rules/<rule>/<dialect>-<n>.ts`. */
export function rulePageSources(dialect: DialectName): SuggestionSource[] {
  return rulePageNames().flatMap((rule) =>
    examples(readPage(rule))
      .filter((block) => block.dialect === dialect)
      .map((block) => ({ path: `docs/rules/${rule}/${dialect}-${String(block.pageLine)}.ts`, text: `${block.code}\n` })),
  );
}

/** The compiler options the results are checked with: strict TypeScript, Node's types for `node:crypto` and `process`. */
export const checkOptions: ts.CompilerOptions = {
  noEmit: true,
  strict: true,
  allowJs: true,
  checkJs: false,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  skipLibCheck: true,
  types: ['node'],
};

/** The suggestions of one file in `dialect`, as ESLint gives them (`[mcify.configs.recommended]` with `settings.mcify.dialect`). */
function suggestionsOf(linter: Linter, plugin: LintPlugin, file: string, text: string, dialect: DialectName) {
  const config = [plugin.configs.recommended as Linter.Config, { settings: { mcify: { dialect } } }];
  const messages = linter.verify(text, config, { filename: file });
  const fatal = messages.filter((message) => message.fatal === true);
  if (fatal.length > 0) throw new Error(`${file} does not parse: ${fatal.map((message) => message.message).join('; ')}`);
  return messages.flatMap((message) => (message.suggestions ?? []).map((suggestion) => ({ message, suggestion })));
}

/** The suggestions `plugin` produces on `sources` in `dialect`, as `ruleId messageId` pairs (linting only, no type check). */
export function producedSuggestions(dialect: DialectName, sources: readonly SuggestionSource[], root: string, plugin: LintPlugin = defaultPlugin): Set<string> {
  const linter = new Linter({ configType: 'flat', cwd: root });
  const produced = new Set<string>();
  for (const source of sources) {
    for (const { message, suggestion } of suggestionsOf(linter, plugin, join(root, source.path), source.text, dialect)) produced.add(`${message.ruleId ?? ''} ${suggestion.messageId ?? ''}`);
  }
  return produced;
}

/** The diagnostics of the in-memory files a program holds, as `TS<code> <message>` (positions left out). */
function diagnosticsOf(program: ts.Program, files: ReadonlySet<string>): string[] {
  return program
    .getSourceFiles()
    .filter((file) => files.has(file.fileName))
    .flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)])
    .map((diagnostic) => `TS${String(diagnostic.code)} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`);
}

/**
 * The entries of `after` beyond those of `before`, compared by diagnostic code (multisets): the text of a
 * diagnostic the code already had may change with the edit (a type printed with one field fewer).
 */
function added(before: readonly string[], after: readonly string[]): string[] {
  const code = (entry: string) => entry.slice(0, entry.indexOf(' '));
  const remaining = new Map<string, number>();
  for (const entry of before) remaining.set(code(entry), (remaining.get(code(entry)) ?? 0) + 1);
  return after.filter((entry) => {
    const count = remaining.get(code(entry)) ?? 0;
    if (count > 0) remaining.set(code(entry), count - 1);
    return count === 0;
  });
}

/**
 * Applies every suggestion produced on `sources` in `dialect`, one at a time, and type-checks each result
 * inside `projectDirectory` (the sources are placed at `<projectDirectory>/<path>` in memory, so
 * `@mcify/core` resolves from that project's node_modules).
 *
 * @example
 * ```ts
 * // In a project with the published @mcify/core 1.0.0-alpha.3, zod and @types/node installed:
 * const { broken, applied } = checkSuggestionsCompile({ dialect: 'published', projectDirectory });
 * expect(applied.length).toBeGreaterThan(0);
 * expect(broken).toEqual([]);
 * ```
 */
export function checkSuggestionsCompile(options: {
  readonly dialect: DialectName;
  readonly projectDirectory: string;
  /** Default: the corpus and the rule pages' examples of `dialect`. */
  readonly sources?: readonly SuggestionSource[];
  /** Default: this repository's plugin. */
  readonly plugin?: LintPlugin;
}): SuggestionCheck {
  const { dialect, projectDirectory } = options;
  const plugin = options.plugin ?? defaultPlugin;
  const sources = options.sources ?? [...corpusSources(), ...rulePageSources(dialect)];
  const texts = new Map(sources.map((source) => [join(projectDirectory, source.path).replace(/\\/g, '/'), source.text]));
  const host = ts.createCompilerHost(checkOptions, true);
  const original = { getSourceFile: host.getSourceFile.bind(host), fileExists: host.fileExists.bind(host), readFile: host.readFile.bind(host) };
  const cache = new Map<string, ts.SourceFile>();
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = texts.get(fileName.replace(/\\/g, '/'));
    if (text === undefined) {
      let cached = cache.get(fileName);
      if (cached === undefined) {
        cached = original.getSourceFile(fileName, languageVersion, onError, shouldCreate);
        if (cached !== undefined) cache.set(fileName, cached);
      }
      return cached;
    }
    return ts.createSourceFile(fileName, text, languageVersion, true);
  };
  host.fileExists = (fileName) => texts.has(fileName.replace(/\\/g, '/')) || original.fileExists(fileName);
  host.readFile = (fileName) => texts.get(fileName.replace(/\\/g, '/')) ?? original.readFile(fileName);
  const virtual = new Set(texts.keys());

  let previous: ts.Program | undefined;
  const check = (file: string): string[] => {
    const program = ts.createProgram({ rootNames: [file], options: checkOptions, host, ...(previous === undefined ? {} : { oldProgram: previous }) });
    previous = program;
    return diagnosticsOf(program, virtual);
  };

  const linter = new Linter({ configType: 'flat', cwd: projectDirectory });
  const applied: AppliedSuggestion[] = [];
  for (const [file, text] of [...texts]) {
    const found = suggestionsOf(linter, plugin, file, text, dialect);
    if (found.length === 0) continue;
    const before = check(file);
    for (const { message, suggestion } of found) {
      const [start, end] = suggestion.fix.range;
      texts.set(file, `${text.slice(0, start)}${suggestion.fix.text}${text.slice(end)}`);
      const after = check(file);
      texts.set(file, text);
      applied.push({ path: relative(projectDirectory, file).replace(/\\/g, '/'), line: message.line, ruleId: message.ruleId ?? '', messageId: suggestion.messageId ?? '', added: added(before, after) });
    }
  }
  const broken = applied.filter((entry) => entry.added.length > 0).map((entry) => `${entry.path}:${String(entry.line)} ${entry.ruleId} ${entry.messageId}: ${entry.added.join('; ')}`);
  return { dialect, applied, broken };
}

/**
 * The suggestions offered in one dialect only whose rule page does not say why: for each `ruleId
 * messageId` produced in one dialect whose counterpart (the guide id, or `<id>Published`) is not
 * produced in the other, the page of the rule must contain "The `<messageId>` suggestion is offered in
 * the <dialect> dialect only".
 */
export function unexplainedOneDialectSuggestions(produced: Readonly<Record<DialectName, ReadonlySet<string>>>, pageText: (rule: string) => string = defaultPageText): string[] {
  const families = (dialect: DialectName) => new Set([...produced[dialect]].map((entry) => {
    const [ruleId = '', messageId = ''] = entry.split(' ');
    return `${ruleId} ${guideCounterpart(messageId as SuggestionMessageId)}`;
  }));
  const guide = families('guide');
  const published = families('published');
  const missing: string[] = [];
  for (const dialect of ['guide', 'published'] as const) {
    const other = dialect === 'guide' ? published : guide;
    for (const entry of produced[dialect]) {
      const [ruleId = '', messageId = ''] = entry.split(' ');
      if (other.has(`${ruleId} ${guideCounterpart(messageId as SuggestionMessageId)}`)) continue;
      const rule = ruleId.slice('mcify/'.length);
      const reason = `The \`${messageId}\` suggestion is offered in the ${dialect} dialect only`;
      if (!pageText(rule).replace(/\s+/g, ' ').includes(reason)) missing.push(`${ruleId} ${messageId} (${dialect} only): docs/rules/${rule}.md must say "${reason}: <why>."`);
    }
  }
  return missing;
}

function defaultPageText(rule: string): string {
  return readFileSync(join(docsDirectory, `${basename(rule)}.md`), 'utf8');
}
