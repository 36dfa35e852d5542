/**
 * The plugin's messages survive ESLint's output formats: the built-in `json` formatter and
 * `@microsoft/eslint-formatter-sarif` (what code-scanning uploads read) keep every rule id, message,
 * line and column, and SARIF describes the mcify rules with their documentation links.
 */
import { join } from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { ruleDocsUrl, type RuleId } from '@mcify-audit/analyzer';
import { repoRoot } from '../../analyzer/test/corpus-cases.js';
import plugin from '../src/index.js';

const toolsFolder = join(repoRoot, 'fixtures', 'servers', 'orders-vulnerable', 'src', 'tools');
const files = ['orders.ts', 'profile.ts', 'integrations.ts'].map((name) => join(toolsFolder, name));

interface SarifLog {
  readonly runs: readonly {
    readonly tool: { readonly driver: { readonly name: string; readonly rules?: readonly { readonly id: string; readonly helpUri?: string; readonly shortDescription?: { readonly text: string } }[] } };
    readonly results: readonly {
      readonly ruleId?: string;
      readonly message: { readonly text: string };
      readonly locations: readonly { readonly physicalLocation: { readonly artifactLocation: { readonly uri: string }; readonly region?: { readonly startLine?: number; readonly startColumn?: number } } }[];
    }[];
  }[];
}

/** One message as `file:line:column ruleId message`, the identity the formats must keep. */
const key = (file: string, ruleId: string | null | undefined, line: number | undefined, column: number | undefined, message: string) =>
  `${file}:${String(line)}:${String(column)} ${ruleId ?? '(none)'} ${message}`;

describe('formatting the plugin messages', () => {
  let eslint: ESLint;
  let results: ESLint.LintResult[];
  let expected: string[];

  beforeAll(async () => {
    const config: Linter.Config[] = [
      { ...plugin.configs.recommended, files: ['**/*.ts'] } as Linter.Config,
      { files: ['**/*.ts'], languageOptions: { parser: tsParser } },
    ];
    eslint = new ESLint({ cwd: repoRoot, overrideConfigFile: true, overrideConfig: config });
    results = await eslint.lintFiles(files);
    expected = results.flatMap((result) => result.messages.map((message) => key(result.filePath, message.ruleId, message.line, message.column, message.message))).sort();
  });

  it('lints the vulnerable tools with mcify findings only (no parse error)', () => {
    const messages = results.flatMap((result) => result.messages);
    expect(messages.filter((message) => message.fatal === true)).toEqual([]);
    expect(messages.length).toBeGreaterThanOrEqual(5);
    expect(messages.every((message) => message.ruleId?.startsWith('mcify/') === true)).toBe(true);
    expect(new Set(messages.map((message) => message.ruleId)).size).toBeGreaterThanOrEqual(4);
  });

  it('keeps every message in the json formatter', async () => {
    const formatter = await eslint.loadFormatter('json');
    const output = JSON.parse(await formatter.format(results)) as { filePath: string; messages: Linter.LintMessage[] }[];
    const found = output.flatMap((result) => result.messages.map((message) => key(result.filePath, message.ruleId, message.line, message.column, message.message))).sort();
    expect(found).toEqual(expected);
  });

  it('keeps every message in SARIF (@microsoft/eslint-formatter-sarif), with the rules and their help links', async () => {
    const formatter = await eslint.loadFormatter('@microsoft/eslint-formatter-sarif');
    const log = JSON.parse(await formatter.format(results)) as SarifLog;
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    if (run === undefined) throw new Error('no SARIF run');
    const found = run.results
      .map((result) => {
        const location = result.locations[0]?.physicalLocation;
        const file = location === undefined ? '' : new URL(location.artifactLocation.uri).pathname;
        return key(file, result.ruleId, location?.region?.startLine, location?.region?.startColumn, result.message.text);
      })
      .sort();
    expect(found).toEqual(expected);

    const reported = [...new Set(results.flatMap((result) => result.messages.map((message) => message.ruleId ?? '')))].sort();
    const rules = run.tool.driver.rules ?? [];
    expect(rules.map((rule) => rule.id).sort()).toEqual(reported);
    for (const rule of rules) {
      expect(rule.helpUri, rule.id).toBe(ruleDocsUrl(rule.id as RuleId));
      expect(rule.shortDescription?.text, rule.id).toBeTruthy();
    }
  });
});
