/**
 * The dialect through ESLint: untyped linting of a file in a folder with no node_modules speaks the
 * published API, a file in this repository (where @mcify/core is the reference core) the guide's, and
 * `settings.mcify.dialect` overrides both. Every rule, with the analyzer's message ids.
 */
import { join } from 'node:path';
import { ruleIds, type DialectName } from '@mcify-audit/analyzer';
import { Linter } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { everyRuleServer, expectedAdvice, notPublishedApi, temporaryProject } from '../../analyzer/test/dialect-cases.js';
import { repoRoot } from '../../analyzer/test/corpus-cases.js';
import plugin from '../src/index.js';

const outside = temporaryProject();
afterAll(outside.remove);

/** Lints `everyRuleServer` as `filename` with `[mcify.configs.recommended]` alone (plus `settings`), from the file's project root. */
function lint(filename: string, settings: Readonly<Record<string, unknown>> = {}): Linter.LintMessage[] {
  const linter = new Linter({ configType: 'flat', cwd: filename.startsWith(outside.root) ? outside.root : repoRoot });
  const messages = linter.verify(everyRuleServer, [plugin.configs.recommended as Linter.Config, { settings }], { filename });
  expect(messages.filter((message) => message.fatal === true || message.ruleId?.startsWith('mcify/') !== true).map((message) => message.message)).toEqual([]);
  return messages;
}

const cases: readonly { title: string; filename: string; settings?: Readonly<Record<string, unknown>>; dialect: DialectName }[] = [
  { title: 'untyped, in a folder with no node_modules', filename: join(outside.src, 'tools.ts'), dialect: 'published' },
  { title: 'untyped, in this repository (the reference core resolves)', filename: join(repoRoot, 'src', 'dialect-case.ts'), dialect: 'guide' },
  { title: 'settings.mcify.dialect "guide" in a folder with no node_modules', filename: join(outside.src, 'tools.ts'), settings: { mcify: { dialect: 'guide' } }, dialect: 'guide' },
  { title: 'settings.mcify.dialect "published" in this repository', filename: join(repoRoot, 'src', 'dialect-case.ts'), settings: { mcify: { dialect: 'published' } }, dialect: 'published' },
];

describe.each(cases)('$title: the $dialect dialect', ({ filename, settings, dialect }) => {
  const messages = lint(filename, settings);

  it.each([...ruleIds])('%s reports its message of the dialect', (ruleId) => {
    const found = messages.filter((message) => message.ruleId === ruleId);
    expect(found.length, `${ruleId} fired`).toBeGreaterThan(0);
    const expected = expectedAdvice[ruleId][dialect];
    for (const message of found) {
      expect(message.messageId).toBe(expected.messageId);
      expect(message.message).toContain(expected.says);
      if (dialect === 'published') expect(message.message).not.toMatch(notPublishedApi);
    }
  });

  it('suggestions speak the dialect', () => {
    const suggestions = messages.flatMap((message) => message.suggestions ?? []);
    expect(suggestions.length).toBeGreaterThan(0);
    for (const suggestion of suggestions) {
      if (dialect === 'published') {
        expect(suggestion.desc).not.toMatch(notPublishedApi);
        expect(suggestion.fix.text).not.toMatch(/ctx\.logger\.hash|claims/);
      } else {
        expect(suggestion.messageId?.endsWith('Published')).toBe(false);
      }
    }
  });
});
