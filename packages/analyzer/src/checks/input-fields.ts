import type ts from 'typescript';
import type { ToolFacts } from '../discovery/facts.js';
import { isCredentialName, isIdentityName } from '../names.js';
import type { ResolvedOptions } from '../options.js';
import type { RuleId } from '../rules.js';
import { inputFields } from '../schema/input-fields.js';
import type { CheckContext, ToolCheck } from './check.js';

/**
 * A rule over the names of a tool's input fields: reported on the field when it is declared in the
 * tool's file, else on the tool's `input:` property, with the field's own location in the flow.
 */
function inputNameRule(ruleId: RuleId, matches: (name: string, options: ResolvedOptions) => boolean, explain: (path: string, tool: string) => string): ToolCheck {
  return (tool: ToolFacts, context: CheckContext) => {
    if (tool.kind === 'resource') return;
    for (const field of inputFields(tool.input, context.checker)) {
      const name = field.path.at(-1);
      if (name === undefined || !matches(name, context.options)) continue;
      const path = field.path.join('.');
      const declared = field.node;
      const local = declared?.getSourceFile() === tool.sourceFile;
      const node: ts.Node = declared !== undefined && local ? declared : (tool.inputProperty ?? tool.call);
      context.report({
        ruleId,
        node,
        tool,
        confidence: field.confidence,
        ...(local ? { subject: declared } : {}),
        message: explain(path, tool.names[0] ?? 'this tool'),
        ...(declared === undefined || local ? {} : { flow: [{ node: declared, message: `${path} is declared here` }] }),
      });
    }
  };
}

export const noIdentityInInput = inputNameRule(
  'mcify/no-identity-in-input',
  isIdentityName,
  (path, tool) =>
    `Input field "${path}" of ${tool} names the caller's identity: the agent can pass anyone's. Remove it and read the identity from ctx.auth.claims.`,
);

export const noCredentialInInput = inputNameRule(
  'mcify/no-credential-in-input',
  isCredentialName,
  (path, tool) =>
    `Input field "${path}" of ${tool} accepts a credential: it passes through the agent's context and logs. Store it server-side, keyed by the caller's ctx.auth.claims, and look it up in the handler.`,
);
