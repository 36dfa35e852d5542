import type ts from 'typescript';
import type { ToolFacts } from '../discovery/facts.js';
import { isCredentialName, isIdentityName } from '../names.js';
import type { ResolvedOptions } from '../options.js';
import { messageIdFor, type DialectName } from '../dialect.js';
import { ruleMessage, type RuleId } from '../rules.js';
import type { CheckContext, ToolCheck } from './check.js';

/** The input-field rules: which names each flags, and the message (its base id) it reports. */
const inputFieldRules: readonly { ruleId: InputFieldRuleId; matches: (name: string, options: ResolvedOptions) => boolean; messageId: string }[] = [
  { ruleId: 'mcify/no-identity-in-input', matches: isIdentityName, messageId: 'identityField' },
  { ruleId: 'mcify/no-credential-in-input', matches: isCredentialName, messageId: 'credentialField' },
];

type InputFieldRuleId = 'mcify/no-identity-in-input' | 'mcify/no-credential-in-input';

/** What an input-field rule says about one field: its message id, the template's data, and the rendered message. */
export interface InputFieldFinding {
  readonly ruleId: InputFieldRuleId;
  readonly messageId: string;
  readonly data: Readonly<Record<string, string>>;
  readonly message: string;
}

/**
 * What the input-field rules say about one field of a tool's input (`path` is its property path): the
 * static check and the runtime schema check both ask this. The message speaks `dialect` (by default the
 * `dialect` option, else the published API).
 */
export function inputFieldFindings(path: readonly string[], tool: string, options: ResolvedOptions, dialect: DialectName = options.dialect ?? 'published'): InputFieldFinding[] {
  const name = path.at(-1);
  if (name === undefined) return [];
  return inputFieldRules
    .filter((rule) => rule.matches(name, options))
    .map((rule) => {
      const messageId = messageIdFor(rule.ruleId, rule.messageId, dialect);
      const data = { field: path.join('.'), tool };
      return { ruleId: rule.ruleId, messageId, data, message: ruleMessage(rule.ruleId, messageId, data) };
    });
}

/**
 * A rule over the names of a tool's input fields: reported on the field when it is declared in the
 * tool's file, else on the tool's `input:` property, with the field's own location in the flow.
 */
function inputNameRule(ruleId: RuleId): ToolCheck {
  return (tool: ToolFacts, context: CheckContext) => {
    if (tool.kind === 'resource') return;
    for (const field of context.inputFieldsOf(tool)) {
      const found = inputFieldFindings(field.path, tool.names[0] ?? 'this tool', context.options, context.dialect).find((candidate) => candidate.ruleId === ruleId);
      if (found === undefined) continue;
      const path = field.path.join('.');
      const declared = field.node;
      const local = declared?.getSourceFile() === tool.sourceFile;
      const node: ts.Node = declared !== undefined && local ? declared : (tool.inputProperty ?? tool.call);
      context.report({
        ruleId,
        node,
        tool,
        confidence: field.confidence,
        field: path,
        ...(local ? { subject: declared } : {}),
        messageId: found.messageId,
        data: found.data,
        ...(declared === undefined || local ? {} : { flow: [{ node: declared, message: `${path} is declared here` }] }),
      });
    }
  };
}

export const noIdentityInInput = inputNameRule('mcify/no-identity-in-input');

export const noCredentialInInput = inputNameRule('mcify/no-credential-in-input');
