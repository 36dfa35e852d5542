import type { MiddlewareFacts, ToolFacts } from '../discovery/facts.js';
import type { GuardFacts, HandlerFlow } from '../flow/handler-flow.js';
import { messageIdFor } from '../dialect.js';
import { sensitiveVerbOf } from '../names.js';
import type { CheckContext } from './check.js';

/** `mcify/require-auth`: the handler reads `ctx.auth` but nothing requires authentication first. */
export function requireAuthCheck(tool: ToolFacts, context: CheckContext): void {
  // Resources and prompts have no middlewares in mcify: only their dataflow is checked.
  if (tool.kind !== 'tool' || !tool.middlewaresKnown || tool.middlewares.some((middleware) => middleware.requiresAuth)) return;
  if (!context.flowOf(tool).readsAuth) return;
  context.report({
    ruleId: 'mcify/require-auth',
    node: tool.call,
    tool,
    ...(tool.spec === undefined ? {} : { subject: tool.spec }),
    confidence: 'high',
    messageId: 'missingRequireAuth',
    data: { tool: tool.names[0] ?? 'This tool' },
  });
}

/** `mcify/require-scope-check`: a sensitive tool nobody decides per caller whether it may run. */
export function requireScopeCheck(tool: ToolFacts, context: CheckContext): void {
  if (tool.kind !== 'tool' || !tool.middlewaresKnown) return;
  const verb = tool.names.map((name) => sensitiveVerbOf(name, tool.description, context.options)).find((found) => found !== undefined) ??
    (tool.names.length === 0 ? sensitiveVerbOf('', tool.description, context.options) : undefined);
  if (verb === undefined) return;
  const gates = scopeGatesOf(tool, context.flowOf(tool));
  if (gates.middlewares.length > 0 || gates.guards.length > 0) return;
  context.report({
    ruleId: 'mcify/require-scope-check',
    node: tool.call,
    tool,
    confidence: 'high',
    messageId: messageIdFor('mcify/require-scope-check', 'missingScopeCheck', context.dialect),
    data: { tool: tool.names[0] ?? 'This tool', verb },
  });
}

/**
 * What decides per caller whether a tool may run: its scope-gating middlewares, and the handler's
 * guards on `ctx.auth` that come before any data access.
 */
export function scopeGatesOf(tool: ToolFacts, flow: HandlerFlow): { middlewares: MiddlewareFacts[]; guards: GuardFacts[] } {
  const firstSink = Math.min(...flow.sinks.map((sink) => sink.reportNode.getStart()));
  return {
    middlewares: tool.middlewares.filter((middleware) => middleware.scopeGate),
    guards: flow.authGuards.filter((guard) => guard.position < firstSink),
  };
}
