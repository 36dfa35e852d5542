import { z } from 'zod';

/** Headers every MCP POST carries. */
export const mcpHeaders = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-06-18',
} as const;

const rpcResponse = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string(), z.number(), z.null()]).optional(),
  result: z.record(z.unknown()).optional(),
  error: z.object({ code: z.number(), message: z.string() }).optional(),
});

export interface RpcReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The JSON-RPC response, when the body is one. */
  readonly body: z.infer<typeof rpcResponse> | undefined;
}

/** POSTs one JSON-RPC message to an MCP endpoint with raw `fetch`, so statuses and headers can be asserted. */
export async function postRpc(url: string, message: unknown, headers: Record<string, string> = {}): Promise<RpcReply> {
  const response = await fetch(url, { method: 'POST', headers: { ...mcpHeaders, ...headers }, body: JSON.stringify(message) });
  const text = await response.text();
  let body: RpcReply['body'];
  try {
    const parsed = rpcResponse.safeParse(JSON.parse(text));
    body = parsed.success ? parsed.data : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** A `tools/call` request. */
export function toolCall(name: string, args: Record<string, unknown> = {}, id: string | number = 1): unknown {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } };
}

/** A `tools/list` request. */
export const toolsList = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} } as const;
