import { rules as ruleTable, rulesDocsBaseUrl, type RuleId } from '@mcify-audit/analyzer';
import { ESLintUtils } from '@typescript-eslint/utils';
import { analysisOf } from './file-analysis.js';
import { ruleSuggestions, suggestionMessages, suggestionsFor } from './suggestions.js';

/** Extra `meta.docs` fields of this plugin's rules. */
export interface McifyRuleDocs {
  /** Whether the rule needs typed linting to work at all (none does; types only sharpen cross-file cases). */
  requiresTypeChecking: boolean;
}

const createRule = ESLintUtils.RuleCreator<McifyRuleDocs>((name) => `${rulesDocsBaseUrl}${name}.md`);


/** A rule's message ids: the analyzer's catalogue (`rules[ruleId].messages`) and the suggestions' ids. */
export type MessageId = string;

/**
 * An ESLint rule that reports the analyzer's findings of one rule id for the file being linted. Every
 * rule reads the same cached analysis; no rule holds detection logic of its own.
 */
export function analyzerRule(ruleId: RuleId) {
  const name = ruleId.slice('mcify/'.length);
  const suggestions = ruleSuggestions[ruleId] ?? [];
  return createRule<[], MessageId>({
    name,
    meta: {
      type: 'problem',
      docs: {
        description: ruleTable[ruleId].description,
        // Works without type information; with it, cross-file schemas, tools and helpers resolve.
        requiresTypeChecking: false,
      },
      ...(suggestions.length > 0 ? { hasSuggestions: true } : {}),
      messages: { ...ruleTable[ruleId].messages, ...Object.fromEntries(suggestions.map((id) => [id, suggestionMessages[id]])) },
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
          // A finding in a factory serving several MCP names is one problem in this file: reported once.
          const reported = new Set<string>();
          for (const finding of result.findings) {
            if (finding.ruleId !== ruleId || finding.location.file !== sourceFile.fileName) continue;
            const { line, column, endLine, endColumn } = finding.location;
            const key = `${String(line)}:${String(column)}:${finding.message}`;
            if (reported.has(key)) continue;
            reported.add(key);
            const suggest = suggestionsFor(context, finding, result.dialect.name);
            context.report({
              loc: { start: { line, column: column - 1 }, end: { line: endLine, column: endColumn - 1 } },
              messageId: finding.messageId,
              data: finding.data,
              ...(suggest.length > 0 ? { suggest } : {}),
            });
          }
        },
      };
    },
  });
}
