/**
 * Every suggestion the plugin produces on the corpus and on the rule pages' examples compiles: in the
 * guide dialect against the reference core that `@mcify/core` resolves to in this repository (the
 * published dialect is checked the same way in the packed-install project, on @mcify/core 1.0.0-alpha.3).
 * Every suggestion of one dialect has its counterpart in the other, or its rule page says why not.
 */
import tsParser from '@typescript-eslint/parser';
import type { Rule } from 'eslint';
import type * as ESTree from 'estree';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../analyzer/test/corpus-cases.js';
import { checkSuggestionsCompile, corpusSources, producedSuggestions, rulePageSources, unexplainedOneDialectSuggestions } from './support/suggestions-compile.js';

/** A stand-in plugin whose one suggestion adds a call of an undefined function. */
const breakingPlugin = {
  configs: {
    recommended: {
      files: ['**/*.ts'],
      languageOptions: { parser: tsParser },
      plugins: {
        fake: {
          rules: {
            breaks: {
              meta: { type: 'problem', hasSuggestions: true, messages: { found: 'found', callsUndefined: 'call undefinedHelper()' }, schema: [] },
              create: (context: Rule.RuleContext) => ({
                Program(node: ESTree.Program) {
                  context.report({ node, messageId: 'found', suggest: [{ messageId: 'callsUndefined', fix: (fixer) => fixer.insertTextAfter(node, '\nundefinedHelper();\n') }] });
                },
              }),
            },
          },
        },
      },
      rules: { 'fake/breaks': 'error' },
    },
  },
};

/** Type-checking one program per applied suggestion is slow on a loaded machine. */
const timeout = 300_000;

describe('suggestions', () => {
  it('guide dialect: every suggestion on the corpus and the guide examples compiles against the reference core', () => {
    const { applied, broken } = checkSuggestionsCompile({ dialect: 'guide', projectDirectory: repoRoot });
    // Each suggestion kind of the guide dialect is exercised.
    expect(new Set(applied.map((entry) => entry.messageId))).toEqual(new Set(['removeInputField', 'removeCredentialField', 'hashLoggedValue', 'addRequireAuth']));
    expect(broken).toEqual([]);
  }, timeout);

  it('the check catches a suggestion that breaks the build; no field the handler reads is offered for removal', () => {
    const source = {
      path: 'packages/eslint-plugin/test/__virtual__/broken-suggestion.ts',
      text: `import { defineTool } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { z } from 'zod';

export const profileGet = defineTool({
  name: 'profile_get',
  description: 'A profile.',
  middlewares: [requireAuth()],
  input: z.object({ userId: z.string() }),
  handler: async (input, ctx) => {
    console.log('profile', input.userId, ctx.auth.claims.sub);
    return { id: input.userId };
  },
});
`,
    };
    // The plugin does not offer removing a field the handler reads; the guide's hash suggestion compiles.
    const { applied, broken } = checkSuggestionsCompile({ dialect: 'guide', projectDirectory: repoRoot, sources: [source] });
    expect(applied.map((entry) => entry.messageId)).toEqual(['hashLoggedValue']);
    expect(broken).toEqual([]);
    // A plugin whose suggestion breaks the build (a stand-in that calls an undefined helper) is caught.
    const breaking = checkSuggestionsCompile({ dialect: 'guide', projectDirectory: repoRoot, sources: [source], plugin: breakingPlugin });
    expect(breaking.applied).toHaveLength(1);
    expect(breaking.broken).toEqual([expect.stringMatching(/fake\/breaks callsUndefined: TS2304 Cannot find name 'undefinedHelper'/)]);
  }, timeout);

  it('every suggestion of one dialect has its counterpart in the other, or the rule page says why not', () => {
    const sources = corpusSources();
    const produced = {
      guide: producedSuggestions('guide', [...sources, ...rulePageSources('guide')], repoRoot),
      published: producedSuggestions('published', [...sources, ...rulePageSources('published')], repoRoot),
    };
    expect(produced.published.size).toBeGreaterThan(0);
    expect(unexplainedOneDialectSuggestions(produced)).toEqual([]);
  }, timeout);

  it('the counterpart check fails on a suggestion of one dialect only that its page does not explain', () => {
    const produced = { guide: new Set(['mcify/no-pii-in-logs hashLoggedValue', 'mcify/require-auth addRequireAuth']), published: new Set(['mcify/require-auth addRequireAuth']) };
    expect(unexplainedOneDialectSuggestions(produced, () => 'No reason here.')).toEqual([expect.stringMatching(/^mcify\/no-pii-in-logs hashLoggedValue \(guide only\)/)]);
    expect(unexplainedOneDialectSuggestions(produced, () => 'The `hashLoggedValue` suggestion is offered in the guide dialect only: because.')).toEqual([]);
    // Counterparts by id: `<id>Published` answers `<id>`.
    expect(unexplainedOneDialectSuggestions({ guide: new Set(['mcify/no-pii-in-logs hashLoggedValue']), published: new Set(['mcify/no-pii-in-logs hashLoggedValuePublished']) }, () => '')).toEqual([]);
  });
});
