import { rules as ruleTable, rulesDocsBaseUrl, type RuleId } from '@mcify-audit/analyzer';
import { ESLintUtils } from '@typescript-eslint/utils';
import { analysisOf } from './file-analysis.js';
import { suggestionsFor, type SuggestionMessageId } from './suggestions.js';

/** Extra `meta.docs` fields of this plugin's rules. */
export interface McifyRuleDocs {
  /** Whether the rule needs typed linting to work at all (none does; types only sharpen cross-file cases). */
  requiresTypeChecking: boolean;
}

const createRule = ESLintUtils.RuleCreator<McifyRuleDocs>((name) => `${rulesDocsBaseUrl}${name}.md`);

const suggestionRules = new Set<RuleId>(['mcify/no-identity-in-input', 'mcify/no-credential-in-input', 'mcify/no-pii-in-logs', 'mcify/require-auth']);

export type MessageId = 'finding' | SuggestionMessageId;

/**
 * An ESLint rule that reports the analyzer's findings of one rule id for the file being linted. Every
 * rule reads the same cached analysis; no rule holds detection logic of its own.
 */
export function analyzerRule(ruleId: RuleId) {
  const name = ruleId.slice('mcify/'.length);
  return createRule<[], MessageId>({
    name,
    meta: {
      type: 'problem',
      docs: {
        description: ruleTable[ruleId].description,
        // Works without type information; with it, cross-file schemas, tools and helpers resolve.
        requiresTypeChecking: false,
      },
      ...(suggestionRules.has(ruleId) ? { hasSuggestions: true } : {}),
      messages: {
        finding: '{{message}}',
        removeInputField: 'Remove "{{field}}" from the input schema, and read the caller from ctx.auth.claims in the handler instead.',
        removeCredentialField: 'Remove "{{field}}" from the input schema, and look the credential up server-side by the caller from ctx.auth.claims instead.',
        hashLoggedValue: 'Log ctx.logger.hash({{value}}) instead of the raw value.',
        addRequireAuth: 'Add requireAuth() to the middlewares of this tool.',
      },
      schema: [],
      defaultOptions: [],
    },
    // Still required by RuleCreator's type; the same value as meta.defaultOptions.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    defaultOptions: [],
    create(context) {
      return {
        'Program:exit'() {
          const { result, sourceFile } = analysisOf(context);
          for (const finding of result.findings) {
            if (finding.ruleId !== ruleId || finding.location.file !== sourceFile.fileName) continue;
            const { line, column, endLine, endColumn } = finding.location;
            const suggest = suggestionsFor(context, finding);
            context.report({
              loc: { start: { line, column: column - 1 }, end: { line: endLine, column: endColumn - 1 } },
              messageId: 'finding',
              data: { message: finding.tool === null ? finding.message : `${finding.message} [${finding.tool}]` },
              ...(suggest.length > 0 ? { suggest } : {}),
            });
          }
        },
      };
    },
  });
}
