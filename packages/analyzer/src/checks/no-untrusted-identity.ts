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
      messageId: 'untrustedIdentity',
      data: { sink: sinkName(sink) },
      tool,
      confidence: sink.confidence,
      flow: identity.flow,
    });
  }
};
