import type ts from 'typescript';
import type { ToolFacts } from '../discovery/facts.js';
import { isCredentialName, isIdentityName } from '../names.js';
import type { ResolvedOptions } from '../options.js';
import type { RuleId } from '../rules.js';
import type { CheckContext, ToolCheck } from './check.js';

/** The input-field rules: which names each flags, and what it says. */
const inputFieldRules: readonly { ruleId: 'mcify/no-identity-in-input' | 'mcify/no-credential-in-input'; matches: (name: string, options: ResolvedOptions) => boolean; explain: (path: string, tool: string) => string }[] = [
  {
    ruleId: 'mcify/no-identity-in-input',
    matches: isIdentityName,
    explain: (path, tool) =>
      `Input field "${path}" of ${tool} names the caller's identity: the agent can pass anyone's. Remove it and read the identity from ctx.auth.claims.`,
  },
  {
    ruleId: 'mcify/no-credential-in-input',
    matches: isCredentialName,
    explain: (path, tool) =>
      `Input field "${path}" of ${tool} accepts a credential: it passes through the agent's context and logs. Store it server-side, keyed by the caller's ctx.auth.claims, and look it up in the handler.`,
  },
];

/**
 * What the input-field rules say about one field of a tool's input (`path` is its property path): the
 * static check and the runtime schema check both ask this.
 */
export function inputFieldFindings(path: readonly string[], tool: string, options: ResolvedOptions): { ruleId: RuleId; message: string }[] {
  const name = path.at(-1);
  if (name === undefined) return [];
  return inputFieldRules.filter((rule) => rule.matches(name, options)).map((rule) => ({ ruleId: rule.ruleId, message: rule.explain(path.join('.'), tool) }));
}

/**
 * A rule over the names of a tool's input fields: reported on the field when it is declared in the
 * tool's file, else on the tool's `input:` property, with the field's own location in the flow.
 */
function inputNameRule(ruleId: RuleId): ToolCheck {
  return (tool: ToolFacts, context: CheckContext) => {
    if (tool.kind === 'resource') return;
    for (const field of context.inputFieldsOf(tool)) {
      const found = inputFieldFindings(field.path, tool.names[0] ?? 'this tool', context.options).find((candidate) => candidate.ruleId === ruleId);
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
        message: found.message,
        ...(declared === undefined || local ? {} : { flow: [{ node: declared, message: `${path} is declared here` }] }),
      });
    }
  };
}

export const noIdentityInInput = inputNameRule('mcify/no-identity-in-input');

export const noCredentialInInput = inputNameRule('mcify/no-credential-in-input');
