import { messageIdFor } from '../dialect.js';
import type { ToolCheck } from './check.js';

/** `mcify/no-secret-in-logs`: a token, `ctx.auth`, a credential or an Authorization header passed to a logger. */
export const noSecretInLogs: ToolCheck = (tool, context) => {
  const flow = context.flowOf(tool);
  for (const log of flow.logCalls) {
    const secret = log.secret;
    if (secret === undefined) continue;
    context.report({
      ruleId: 'mcify/no-secret-in-logs',
      node: log.reportNode,
      messageId: messageIdFor('mcify/no-secret-in-logs', 'secretLogged', context.dialect),
      data: { what: secret.what },
      tool,
      confidence: 'high',
      flow: [
        { node: secret.node, message: secret.what },
        { node: log.call, message: 'logged here' },
      ],
    });
  }
};
