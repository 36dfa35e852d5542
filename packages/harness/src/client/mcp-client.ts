/**
 * A principal's MCP connection: the official SDK `Client` over Streamable HTTP, with the recording
 * fetch underneath, so initialize, session ids, JSON and SSE answers and pagination are the SDK's,
 * and every exchange is evidence.
 *
 * @module
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, ErrorCode, McpError, type CallToolResult, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { CallOutcome, Exchange, FuzzTarget, ListedTool, PrincipalClient } from '../engine/types.js';
import { Secret } from '../target/secret.js';
import type { ExchangeLog } from './exchange-log.js';
import { recordingFetch, type PauseDeadline, type RateGate } from './recording-fetch.js';

/** Pages of `tools/list` followed at most. */
export const MAX_TOOL_PAGES = 50;
/** The SDK's own code for a request that got no answer in time. */
const REQUEST_TIMEOUT: number = ErrorCode.RequestTimeout;
/** How long to wait for a streamed answer's record after the SDK has the message, in ms. */
const RECORD_WAIT_MS = 2000;

/** Why a principal's connection could not be opened: the `initialize` exchange was refused or failed. */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
  /** `http`: a non-2xx status; `rpc`: a JSON-RPC error; `transport`: no usable answer. */
  readonly kind: 'http' | 'rpc' | 'transport';
  /** The HTTP status of the refusal, when there was one. */
  readonly status: number | undefined;
  /** The refusal's `WWW-Authenticate` header, if any. */
  readonly wwwAuthenticate: string | undefined;
  /** The JSON-RPC error code for `rpc`. */
  readonly code: number | undefined;
  /** The recorded `initialize` exchange (credentials redacted). */
  readonly exchange: Exchange | undefined;

  constructor(message: string, details: { kind: ConnectError['kind']; status?: number | undefined; wwwAuthenticate?: string | undefined; code?: number | undefined; exchange?: Exchange | undefined }) {
    super(message);
    this.kind = details.kind;
    this.status = details.status;
    this.wwwAuthenticate = details.wwwAuthenticate;
    this.code = details.code;
    this.exchange = details.exchange;
  }
}

export interface OpenPrincipalClientOptions {
  readonly target: Pick<FuzzTarget, 'url' | 'fetch' | 'credentialHeader'>;
  readonly log: ExchangeLog;
  /** Recorded as each exchange's principal: `alice`, `forged: alg-none`, or null for no credential. */
  readonly principal: string | null;
  /** The connection's name (`alice`, `forged: alg-none`, `bob with alice's session`); the client's `principal`. */
  readonly label: string;
  /** The credential, sent as `credentialHeader.prefix + token`; undefined sends none. Registered with the log for redaction. */
  readonly token: string | undefined;
  /** Reuse a session: no `initialize` is sent, every request carries this `Mcp-Session-Id`. */
  readonly sessionId?: string;
  /** Per request, ms. */
  readonly requestTimeoutMs: number;
  /** Aborts every request of the connection (the run's deadline). */
  readonly signal?: AbortSignal;
  /** The run's rate-limit gate, shared between clients. */
  readonly gate?: RateGate;
  /** Rate-limit pauses never reach past it. */
  readonly deadline?: PauseDeadline;
  /** More headers on every request (sent verbatim). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A {@link PrincipalClient} with what the properties beyond isolation need. */
export interface McpPrincipalClient extends PrincipalClient {
  /** The principal recorded on its exchanges. */
  readonly recordedAs: string | null;
  /** The protocol version agreed on `initialize` (undefined when a session was reused). */
  readonly protocolVersion: string | undefined;
  /** Any JSON-RPC request, with its outcome classified as for `tools/call` (`data` is the raw result). */
  rpc(method: string, params?: Record<string, unknown>): Promise<CallOutcome>;
  /** Ends the session with `DELETE` (when there is one), then closes. */
  terminate(): Promise<void>;
}

const ListedToolsPage = z
  .object({
    tools: z.array(z.object({ name: z.string(), description: z.string().optional(), inputSchema: z.record(z.unknown()).optional(), annotations: z.record(z.unknown()).optional() }).passthrough()),
    nextCursor: z.string().optional(),
  })
  .passthrough();

const AnyResult = z.record(z.unknown());

/**
 * Opens `principal`'s MCP connection: `initialize` (or a reused session), with its credential in
 * `target.credentialHeader`. Every exchange goes through the recording fetch into `log`.
 *
 * @example
 * ```ts
 * const alice = await openPrincipalClient({ target, log, principal: 'alice', label: 'alice', token: aliceToken.reveal(), requestTimeoutMs: 10_000 });
 * const tools = await alice.listTools();
 * const outcome = await alice.callTool('orders_get', { orderId: 'ord_1' });
 * ```
 * @throws {ConnectError} when `initialize` is refused (status, `WWW-Authenticate`) or gets no usable answer.
 */
export async function openPrincipalClient(options: OpenPrincipalClientOptions): Promise<McpPrincipalClient> {
  const { target, log } = options;
  if (options.token !== undefined && log.labelOf(options.token) === undefined) log.redact(new Secret(options.label, options.token));

  const recorded = new Map<string | number, Exchange>();
  const waiting = new Map<string | number, (exchange: Exchange) => void>();
  const fetch = recordingFetch({
    fetch: target.fetch,
    log,
    principal: options.principal,
    gateKey: options.label,
    ...(options.gate === undefined ? {} : { gate: options.gate }),
    ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
    onRecorded: (exchange, ids, final) => {
      if (!final) return;
      for (const id of ids) {
        recorded.set(id, exchange);
        const oldest = recorded.keys().next();
        if (recorded.size > 1000 && oldest.done !== true) recorded.delete(oldest.value);
        waiting.get(id)?.(exchange);
      }
    },
  });

  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers[target.credentialHeader.name] = target.credentialHeader.prefix + options.token;
  const transport = new StreamableHTTPClientTransport(target.url, {
    fetch,
    requestInit: { headers },
    ...(options.sessionId === undefined ? {} : { sessionId: options.sessionId }),
    reconnectionOptions: { initialReconnectionDelay: 1000, maxReconnectionDelay: 5000, reconnectionDelayGrowFactor: 1.5, maxRetries: 0 },
  });

  // Learn the JSON-RPC id of the request a call is about to send: `request()` hands it to `send()` synchronously.
  let capture: ((id: string | number) => void) | undefined;
  const send = transport.send.bind(transport);
  transport.send = (message: JSONRPCMessage, sendOptions?: Parameters<typeof send>[1]) => {
    if (capture !== undefined && 'method' in message && 'id' in message) capture(message.id);
    return send(message, sendOptions);
  };

  /** The recorded exchange of request `id`; a streamed answer's record may land just after the SDK has the message. */
  const exchangeOf = async (id: string | number | undefined, wait = true): Promise<Exchange | undefined> => {
    if (id === undefined) return undefined;
    const found = recorded.get(id);
    if (found !== undefined || !wait) {
      recorded.delete(id);
      return found;
    }
    const exchange = await new Promise<Exchange | undefined>((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(undefined);
      }, RECORD_WAIT_MS);
      waiting.set(id, (got) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(got);
      });
    });
    recorded.delete(id);
    return exchange;
  };

  const client = new Client({ name: 'mcify-audit-harness', version: '0.1.0' }, { capabilities: {} });
  client.onerror = () => {
    // Errors of the background GET stream are recorded in the log; they do not end the connection.
  };

  const requestOptions = { timeout: options.requestTimeoutMs, ...(options.signal === undefined ? {} : { signal: options.signal }) };
  let initializeId: string | number | undefined;
  capture = (id) => {
    initializeId ??= id;
  };
  // `connect()` sends `initialize` after an await of its own, so the capture stays on until it settles
  // (nothing else is sent meanwhile).
  try {
    await client.connect(transport, requestOptions);
    capture = undefined;
  } catch (error) {
    capture = undefined;
    const exchange = await exchangeOf(initializeId);
    await client.close().catch(() => undefined);
    throw connectError(error, exchange, log);
  }

  /** Sends one request through the SDK and classifies how it ended. */
  async function classified(method: string, params: Record<string, unknown> | undefined, schema: Parameters<Client['request']>[1], map: (result: unknown, exchange: Exchange | undefined) => CallOutcome): Promise<CallOutcome> {
    let id: string | number | undefined;
    capture = (captured) => {
      id ??= captured;
    };
    let pending: Promise<unknown>;
    try {
      pending = client.request({ method, ...(params === undefined ? {} : { params }) }, schema, requestOptions);
    } finally {
      capture = undefined;
    }
    let result: unknown;
    try {
      result = await pending;
    } catch (error) {
      // After a timeout the request is still out: its record (an error) comes later, if at all.
      const exchange = await exchangeOf(id, !(error instanceof McpError && error.code === REQUEST_TIMEOUT));
      return failedOutcome(error, exchange, log);
    }
    const exchange = await exchangeOf(id);
    return map(result, exchange);
  }

  const principalClient: McpPrincipalClient = {
    principal: options.label,
    recordedAs: options.principal,
    get sessionId() {
      return transport.sessionId;
    },
    get protocolVersion() {
      return transport.protocolVersion;
    },
    async listTools(): Promise<ListedTool[]> {
      const tools: ListedTool[] = [];
      const seen = new Set<string>();
      let cursor: string | undefined;
      for (let page = 0; page < MAX_TOOL_PAGES; page += 1) {
        const result = await client.request({ method: 'tools/list', ...(cursor === undefined ? {} : { params: { cursor } }) }, ListedToolsPage, requestOptions).catch((error: unknown) => {
          throw listError(error, log);
        });
        for (const tool of result.tools) {
          if (seen.has(tool.name)) continue;
          seen.add(tool.name);
          tools.push(listedTool(tool));
        }
        if (result.nextCursor === undefined || result.nextCursor === '' || result.nextCursor === cursor) break;
        cursor = result.nextCursor;
      }
      return tools;
    },
    callTool(name: string, args: unknown): Promise<CallOutcome> {
      return classified('tools/call', { name, arguments: args }, CallToolResultSchema, (result, exchange) => toolOutcome(result as CallToolResult, exchange, log));
    },
    rpc(method: string, params?: Record<string, unknown>): Promise<CallOutcome> {
      return classified(method, params, AnyResult, (result, exchange) => ({
        kind: 'result',
        status: statusOf(exchange),
        text: log.redactText(JSON.stringify(result)),
        data: result,
        code: undefined,
        exchange,
      }));
    },
    async terminate(): Promise<void> {
      if (transport.sessionId !== undefined) await transport.terminateSession().catch(() => undefined);
      await client.close().catch(() => undefined);
    },
    async close(): Promise<void> {
      await client.close().catch(() => undefined);
    },
  };
  return principalClient;
}

function listedTool(tool: z.infer<typeof ListedToolsPage>['tools'][number]): ListedTool {
  const annotations = tool.annotations;
  const hints: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean } = {};
  if (annotations !== undefined) {
    for (const key of ['readOnlyHint', 'destructiveHint', 'idempotentHint'] as const) {
      const value = annotations[key];
      if (typeof value === 'boolean') hints[key] = value;
    }
  }
  return {
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    inputSchema: tool.inputSchema ?? { type: 'object' },
    ...(annotations === undefined ? {} : { annotations: hints }),
  };
}

function statusOf(exchange: Exchange | undefined): number | undefined {
  return exchange !== undefined && 'status' in exchange.response ? exchange.response.status : undefined;
}

/** A `tools/call` result as an outcome: text content and `structuredContent` joined; data parsed. */
export function toolOutcome(result: CallToolResult, exchange: Exchange | undefined, log: ExchangeLog): CallOutcome {
  const texts: string[] = [];
  for (const item of result.content) if (item.type === 'text') texts.push(item.text);
  const contentText = texts.join('\n');
  const structured = result.structuredContent;
  const parts = [contentText, ...(structured === undefined ? [] : [JSON.stringify(structured)])].filter((part) => part !== '');
  return {
    kind: result.isError === true ? 'tool-error' : 'result',
    status: statusOf(exchange),
    text: log.redactText(parts.join('\n')),
    data: structured ?? parseJson(contentText),
    code: undefined,
    exchange,
  };
}

function parseJson(text: string): unknown {
  const trimmed = text.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether an `McpError` was made by the SDK itself (timeout, closed connection), not sent by the server. */
function localMcpError(error: McpError, exchange: Exchange | undefined): boolean {
  const local: readonly number[] = [ErrorCode.RequestTimeout, ErrorCode.ConnectionClosed];
  if (!local.includes(error.code)) return false;
  if (exchange === undefined || !('status' in exchange.response)) return true;
  return !/"error"\s*:/.test(exchange.response.body);
}

/** How a failed request ended, as an outcome. */
export function failedOutcome(error: unknown, exchange: Exchange | undefined, log: ExchangeLog): CallOutcome {
  const message = log.redactText(error instanceof Error ? error.message : String(error));
  const status = statusOf(exchange);
  if (error instanceof StreamableHTTPError && typeof error.code === 'number' && error.code >= 100) {
    return { kind: 'http-error', status: error.code, text: message, data: undefined, code: undefined, exchange };
  }
  if (error instanceof McpError && !localMcpError(error, exchange)) {
    return { kind: 'rpc-error', status, text: message, data: error.data, code: error.code, exchange };
  }
  return { kind: 'transport-error', status, text: message, data: undefined, code: undefined, exchange };
}

function connectError(error: unknown, exchange: Exchange | undefined, log: ExchangeLog): ConnectError {
  const outcome = failedOutcome(error, exchange, log);
  const headers = exchange !== undefined && 'headers' in exchange.response ? exchange.response.headers : undefined;
  const wwwAuthenticate = headers?.['www-authenticate'];
  if (outcome.kind === 'http-error') {
    return new ConnectError(`initialize was refused with HTTP ${outcome.status ?? '?'}${wwwAuthenticate === undefined ? '' : ` (WWW-Authenticate: ${wwwAuthenticate})`}.`, {
      kind: 'http',
      status: outcome.status,
      wwwAuthenticate,
      exchange,
    });
  }
  if (outcome.kind === 'rpc-error') return new ConnectError(`initialize failed: ${outcome.text}`, { kind: 'rpc', status: outcome.status, code: outcome.code, wwwAuthenticate, exchange });
  return new ConnectError(`initialize got no usable answer: ${outcome.text}`, { kind: 'transport', status: outcome.status, wwwAuthenticate, exchange });
}

/** `tools/list` failing is not a call outcome: it is thrown, typed like a connect error, credentials redacted. */
function listError(error: unknown, log: ExchangeLog): ConnectError {
  const outcome = failedOutcome(error, undefined, log);
  const kind = outcome.kind === 'http-error' ? 'http' : outcome.kind === 'rpc-error' ? 'rpc' : 'transport';
  return new ConnectError(`tools/list failed: ${outcome.text}`, { kind, status: outcome.status, code: outcome.code });
}
