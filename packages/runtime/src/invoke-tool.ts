import { ToolError, type AnyTool, type HandlerContext } from '@mcify-audit/reference-core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

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
    // `input` was parsed by this tool's own schema, which is what its handler accepts.
    if (middleware === undefined) return (tool.handler as (input: unknown, ctx: HandlerContext) => unknown)(input, ctx);
    return middleware(input, ctx, () => step(index + 1));
  };
  return step(0);
}

/** Renders a handler's validated output as an MCP result. Structured content only for object outputs. */
function successResult(tool: AnyTool, output: unknown): CallToolResult {
  if (typeof output === 'string' && tool.output === undefined) return { content: [{ type: 'text', text: output }] };
  // JSON.stringify answers undefined (typed as string) for undefined and functions.
  const text = (JSON.stringify(output) as string | undefined) ?? 'null';
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
  const started = performance.now();
  const result = await callTool(tool, args, ctx);
  ctx.logger.info('tool_called', { tool: tool.name, isError: result.isError === true, durationMs: Math.round(performance.now() - started) });
  return result;
}

async function callTool(tool: AnyTool, args: unknown, ctx: HandlerContext): Promise<CallToolResult> {
  const parsed = await tool.input.safeParseAsync(args ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`);
    return errorResult(`Invalid arguments for tool ${tool.name}: ${problems.join('; ')}`);
  }
  let output: unknown;
  try {
    output = await Promise.race([runChain(tool, parsed.data, ctx), whenAborted(ctx.signal)]);
  } catch (error) {
    if (ToolError.is(error)) return errorResult(error.message);
    if (ctx.signal.aborted) {
      ctx.logger.warn('tool_aborted', { tool: tool.name });
      return errorResult(`Tool ${tool.name} was cancelled or timed out (reference ${ctx.request.id}).`);
    }
    ctx.logger.error('tool_failed', { tool: tool.name, error, stack: error instanceof Error ? error.stack : undefined });
    return errorResult(`Tool ${tool.name} failed unexpectedly (reference ${ctx.request.id}).`);
  }
  const checked = tool.output === undefined ? { success: true as const, data: output } : await tool.output.safeParseAsync(output);
  try {
    if (checked.success) return successResult(tool, checked.data);
    ctx.logger.error('tool_output_invalid', { tool: tool.name, issues: checked.error.issues });
  } catch (error) {
    // A result JSON cannot represent (a BigInt, a cycle).
    ctx.logger.error('tool_output_unserializable', { tool: tool.name, error });
  }
  return errorResult(`Tool ${tool.name} produced an invalid result (reference ${ctx.request.id}).`);
}
