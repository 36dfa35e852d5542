/**
 * `eslint-plugin-mcify`: the mcify-audit analysis engine behind ESLint.
 *
 * @example
 * ```js
 * // eslint.config.js
 * import mcify from 'eslint-plugin-mcify';
 * export default [mcify.configs.recommended];
 * ```
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { ruleIds, rules as ruleTable, type RuleId } from '@mcify-audit/analyzer';
import type { TSESLint } from '@typescript-eslint/utils';
import { analyzerRule } from './rule.js';

const require = createRequire(import.meta.url);
const { version } = require('../package.json') as { version: string };

type RuleName = RuleId extends `mcify/${infer Name}` ? Name : never;

const rules = Object.fromEntries(ruleIds.map((ruleId) => [ruleId.slice('mcify/'.length), analyzerRule(ruleId)])) as Record<RuleName, ReturnType<typeof analyzerRule>>;

type Level = 'error' | 'warn';

function ruleLevels(level: (ruleId: RuleId) => Level): Record<string, Level> {
  return Object.fromEntries(ruleIds.map((ruleId) => [ruleId, level(ruleId)]));
}

const defaultLevel = (ruleId: RuleId): Level => (ruleTable[ruleId].severity === 'error' ? 'error' : 'warn');

/** The files every config lints: TypeScript and JavaScript sources, including `mcify.config.ts`. */
const lintedFiles = ['**/*.{ts,mts,cts,tsx,js,mjs,cjs}'];

/** typescript-eslint's parser (a dependency of this plugin), loaded when a config's language options are first read. */
function parser(): TSESLint.FlatConfig.Parser {
  return require('@typescript-eslint/parser') as TSESLint.FlatConfig.Parser;
}

/**
 * What typed linting gives typescript-eslint's project service: the project's tsconfig for the files it
 * includes, and a default project for JavaScript files at the root that no tsconfig includes
 * (`eslint.config.js` above all, which would otherwise be a parse error in every TypeScript project).
 */
const rootScripts = ['*.js', '*.mjs', '*.cjs'];

/** Typed linting through typescript-eslint's project service. */
function typeChecked(config: TSESLint.FlatConfig.Config): TSESLint.FlatConfig.Config {
  return {
    ...config,
    get languageOptions() {
      return { parser: parser(), parserOptions: { projectService: { allowDefaultProject: [...rootScripts] } } };
    },
  };
}

/** Untyped linting: typescript-eslint's parser without type information, for TypeScript and JavaScript alike. */
function untyped(config: TSESLint.FlatConfig.Config): TSESLint.FlatConfig.Config {
  return {
    ...config,
    get languageOptions() {
      return { parser: parser() };
    },
  };
}

const plugin = {
  meta: { name: 'eslint-plugin-mcify', version },
  rules,
  configs: {} as Record<'recommended' | 'recommended-type-checked' | 'strict' | 'all', TSESLint.FlatConfig.Config>,
};

const base = (name: string, level: (ruleId: RuleId) => Level): TSESLint.FlatConfig.Config => ({
  name: `mcify/${name}`,
  files: lintedFiles,
  plugins: { mcify: plugin },
  rules: ruleLevels(level),
});

/**
 * Every rule at its default severity; no type information needed. Sets `files` and the parser, so
 * `export default [mcify.configs.recommended]` alone lints `src/**\/*.ts` and `mcify.config.ts`.
 */
plugin.configs.recommended = untyped(base('recommended', defaultLevel));
/** The same, with typed linting so imported schemas, tools and helpers resolve. */
plugin.configs['recommended-type-checked'] = typeChecked(base('recommended-type-checked', defaultLevel));
/** Every rule as an error (warnings raised). */
plugin.configs.strict = untyped(base('strict', () => 'error'));
/** Every rule as an error, with typed linting. */
plugin.configs.all = typeChecked(base('all', () => 'error'));

export default plugin;
export { rules };
