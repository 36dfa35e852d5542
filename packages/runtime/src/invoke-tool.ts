import { ToolError, type AnyTool, type HandlerContext } from '@mcify/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ZodTypeAny } from 'zod';

/** A tool error answer: `isError: true` with one text block. */
function errorResult(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}

/** Settles when `signal` aborts, with its reason; never otherwise. */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const fail = () => {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

/** Runs the middlewares in order around the handler. */
function runChain(tool: AnyTool, input: unknown, ctx: HandlerContext): Promise<unknown> {
  const step = async (index: number): Promise<unknown> => {
    const middleware = tool.middlewares[index];
    if (middleware === undefined) return (await tool.handler(input, ctx)) as unknown;
    return middleware(input, ctx, () => step(index + 1));
  };
  return step(0);
}

/** Renders a handler's validated output as an MCP result. Structured content only for object outputs. */
function successResult(tool: AnyTool, output: unknown): CallToolResult {
  if (typeof output === 'string' && tool.output === undefined) return { content: [{ type: 'text', text: output }] };
  const text = JSON.stringify(output) ?? 'null';
  const structured = tool.output !== undefined && output !== null && typeof output === 'object' && !Array.isArray(output);
  return {
    content: [{ type: 'text', text }],
    ...(structured ? { structuredContent: output as Record<string, unknown> } : {}),
  };
}

/**
 * Calls a tool: validates the arguments with its input schema, runs its middlewares and handler, and
 * validates the output. Every failure becomes an `isError` result; only a `ToolError`'s message (or a
 * description of invalid arguments) reaches the client, anything else is logged and answered with a
 * reference id.
 */
export async function invokeTool(tool: AnyTool, args: unknown, ctx: HandlerContext): Promise<CallToolResult> {
  const input: ZodTypeAny = tool.input;
  const parsed = await input.safeParseAsync(args ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`);
    return errorResult(`Invalid arguments for tool ${tool.name}: ${problems.join('; ')}`);
  }
  let output: unknown;
  try {
    output = await Promise.race([runChain(tool, parsed.data, ctx), whenAborted(ctx.signal)]);
  } catch (error) {
    if (error instanceof ToolError) return errorResult(error.message);
    if (ctx.signal.aborted) {
      ctx.logger.warn('tool_aborted', { tool: tool.name });
      return errorResult(`Tool ${tool.name} was cancelled or timed out (reference ${ctx.request.id}).`);
    }
    ctx.logger.error('tool_failed', { tool: tool.name, error, stack: error instanceof Error ? error.stack : undefined });
    return errorResult(`Tool ${tool.name} failed unexpectedly (reference ${ctx.request.id}).`);
  }
  if (tool.output === undefined) return successResult(tool, output);
  const outputSchema: ZodTypeAny = tool.output;
  const checked = await outputSchema.safeParseAsync(output);
  if (!checked.success) {
    ctx.logger.error('tool_output_invalid', { tool: tool.name, issues: checked.error.issues });
    return errorResult(`Tool ${tool.name} produced an invalid result (reference ${ctx.request.id}).`);
  }
  return successResult(tool, checked.data);
}
