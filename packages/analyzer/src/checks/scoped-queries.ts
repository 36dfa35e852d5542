import type { SinkFacts } from '../flow/handler-flow.js';
import { messageIdFor } from '../dialect.js';
import type { ToolCheck } from './check.js';

/** What a finding calls the sink: `db.order.findMany`, `an upstream call (fetch)`. */
export function sinkName(sink: SinkFacts): string {
  return sink.label === '' ? `a ${sink.family} call` : sink.label;
}

/**
 * `mcify/scoped-queries`: a data-access or upstream call in a handler that no auth-derived value
 * constrains, with no ownership guard on its result and no earlier guard on an auth comparison.
 * Silent where `no-untrusted-identity` fires on the same call, and in single-user servers.
 */
export const scopedQueries: ToolCheck = (tool, context) => {
  if (!context.multiUser(tool)) return;
  const flow = context.flowOf(tool);
  for (const sink of flow.sinks) {
    if (sink.scopedByAuth || sink.guarded || sink.untrustedIdentity !== undefined) continue;
    const upstream = sink.family === 'fetch' || sink.family === 'http-client';
    const messageId = upstream ? 'unscopedUpstream' : messageIdFor('mcify/scoped-queries', 'unscopedQuery', context.dialect);
    context.report({ ruleId: 'mcify/scoped-queries', node: sink.reportNode, messageId, data: { sink: sinkName(sink) }, tool, confidence: sink.confidence, flow: sink.flow });
  }
};
