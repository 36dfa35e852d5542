import { messageIdFor } from '../dialect.js';
import type { ToolCheck } from './check.js';

/** `mcify/no-pii-in-logs`: a raw identifier or personal data passed to a logger unhashed. */
export const noPiiInLogs: ToolCheck = (tool, context) => {
  const flow = context.flowOf(tool);
  for (const log of flow.logCalls) {
    const personal = log.personalData;
    if (personal === undefined) continue;
    context.report({
      ruleId: 'mcify/no-pii-in-logs',
      node: log.reportNode,
      messageId: messageIdFor('mcify/no-pii-in-logs', 'personalDataLogged', context.dialect),
      data: { what: personal.what },
      tool,
      confidence: 'high',
      subject: personal.node,
      flow: [
        { node: personal.node, message: personal.what },
        { node: log.call, message: 'logged here' },
      ],
    });
  }
};
