import type { ToolCheck } from './check.js';
import { sinkName } from './scoped-queries.js';

/** `mcify/no-untrusted-identity`: a query, write or credential lookup scoped by an identity taken from tool input. */
export const noUntrustedIdentity: ToolCheck = (tool, context) => {
  const flow = context.flowOf(tool);
  for (const sink of flow.sinks) {
    const identity = sink.untrustedIdentity;
    if (identity === undefined) continue;
    context.report({
      ruleId: 'mcify/no-untrusted-identity',
      node: sink.reportNode,
      message: `${sinkName(sink)} is scoped by an identity taken from tool input: the caller chooses whose data this reaches. Take the identity from ctx.auth instead.`,
      tool,
      confidence: sink.confidence,
      flow: identity.flow,
    });
  }
};
