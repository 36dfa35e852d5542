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
      message: `This log call writes ${personal.what} unhashed: wrap it in hash(...) (or ctx.logger.hash(...)) so logs name people by pseudonym only.`,
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
