/**
 * Shared set-up of the rule-tester suites: RuleTester wired to vitest, the plugin's rules, testers for
 * untyped (typescript-eslint parser, no type information), typed (project service over `fixture/`) and
 * espree (ESLint's default parser) linting, and a `ts` template tag that strips the indentation of the
 * code samples so that their line 1 is the first line after the opening backtick.
 */
import tsParser from '@typescript-eslint/parser';
import { RuleTester } from '@typescript-eslint/rule-tester';
import * as espree from 'espree';
import { afterAll, describe, it } from 'vitest';
import plugin from '../../src/index.js';
import type { MessageId } from '../../src/rule.js';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

/**
 * The rule as RuleTester#run takes it. @typescript-eslint/rule-tester (8.72) carries its own copy of
 * @typescript-eslint/utils, whose RuleModule type differs (nominally, through the AST node types) from
 * the plugin's (8.74), so the plugin's rules are viewed through the tester's type; at run time they are
 * the very same objects.
 */
export type TesterRule = Parameters<typeof RuleTester.prototype.run<MessageId, []>>[1];

/** The plugin's rules, by name (`no-identity-in-input`, ...). */
export const rules = plugin.rules as unknown as Record<keyof typeof plugin.rules, TesterRule>;

/** The folder of the typed fixture project (tsconfig.json, the `file.ts` placeholder, `schemas.ts`, `tools.ts`). */
export const fixtureDir = `${import.meta.dirname}/fixture`;

/** typescript-eslint's parser without type information: the parser's own TypeScript AST is analysed. */
export function untypedRuleTester(): RuleTester {
  return new RuleTester({ languageOptions: { parser: tsParser } });
}

/** Typed linting: the rule sees the fixture project's program, so `./schemas.js` resolves. */
export function typedRuleTester(): RuleTester {
  return new RuleTester({
    languageOptions: {
      parser: tsParser,
      parserOptions: { projectService: { allowDefaultProject: ['*.ts*'] }, tsconfigRootDir: fixtureDir },
    },
  });
}

/** ESLint's default parser (espree): no parser services at all, so the analyzer reads the source text. */
export function espreeRuleTester(): RuleTester {
  return new RuleTester({ languageOptions: { parser: espree, ecmaVersion: 'latest', sourceType: 'module' } });
}

/**
 * Code sample: drops the first line break and the indentation common to all lines, so that cases can be
 * written indented and still start on line 1. Cooked strings are used, so write `\${x}` and `\``
 * for a template literal inside a sample.
 */
export function ts(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((joined, part, index) => joined + String(values[index - 1]) + part);
  const lines = text.replace(/^\n/, '').replace(/\n[ \t]*$/, '\n').split('\n');
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0);
  const indent = Math.min(...indents);
  return lines.map((line) => line.slice(indent)).join('\n');
}
