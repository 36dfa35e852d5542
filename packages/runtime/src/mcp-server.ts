import type { AnyTool, HandlerContext, McifyConfig } from '@mcify-audit/reference-core';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { invokeTool } from './invoke-tool.js';

/**
 * One JSON Schema validator for every per-request server: the SDK would otherwise build a new Ajv
 * instance for each request (a quarter of the request's CPU time), for elicitation this server never does.
 */
const sharedValidator = new AjvJsonSchemaValidator();

/**
 * An MCP server for one HTTP request: `initialize`, `ping`, `tools/list` and `tools/call`, with the
 * request's context. Stateless, so no session can carry one caller's identity into another's request.
 */
export function createMcpServer(
  config: McifyConfig,
  listing: readonly Tool[],
  toolsByName: ReadonlyMap<string, AnyTool>,
  contextFor: (signal: AbortSignal) => HandlerContext,
  // eslint-disable-next-line @typescript-eslint/no-deprecated
): Server {
  // The low-level Server, not McpServer: tools are validated and described by our own zod handling.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const server = new Server(
    { name: config.name, version: config.version, ...(config.description === undefined ? {} : { description: config.description }) },
    { capabilities: { tools: { listChanged: false } }, jsonSchemaValidator: sharedValidator },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [...listing] }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
    const tool = toolsByName.get(request.params.name);
    if (tool === undefined) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${JSON.stringify(request.params.name.slice(0, 64))}`);
    return invokeTool(tool, request.params.arguments, contextFor(extra.signal));
  });
  return server;
}
