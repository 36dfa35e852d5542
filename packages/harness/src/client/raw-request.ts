/**
 * Raw HTTP to the target, for the traffic the SDK client will not send: forged credentials,
 * malformed headers, a credential in the query string, JSON-RPC sent without `initialize`.
 *
 * @module
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import type { RawRequest } from '../engine/property.js';
import type { Exchange, FuzzTarget } from '../engine/types.js';
import type { ResolvedTarget } from '../target/resolve-target.js';
import { BODY_LIMIT, type ExchangeLog } from './exchange-log.js';
import { recordingFetch, type PauseDeadline, type RateGate } from './recording-fetch.js';

/** The MCP protocol version raw `initialize` requests announce (the SDK's latest). */
export const RAW_PROTOCOL_VERSION: string = LATEST_PROTOCOL_VERSION;

export interface SendRawOptions {
  /** The run's rate-limit gate (a 429 with `Retry-After` pauses the sender and is retried). */
  readonly gate?: RateGate;
  readonly deadline?: PauseDeadline;
  readonly signal?: AbortSignal;
  /**
   * Headers to send as a list, where a name may repeat (two `Authorization` lines). `fetch` cannot do
   * that (its `Headers` joins repeated values into one line with `, `), so such a request goes over
   * `node:http` to the target's pinned address; `request.headers` is then ignored.
   */
  readonly headerList?: readonly (readonly [string, string])[];
  /** Per request, ms, for the `headerList` path (default 10 000; the fetch path has the target's own). */
  readonly timeoutMs?: number;
  /**
   * How long an event-stream answer is read before the request is closed, ms (default 1000): a GET
   * stream a server holds open must not hold the caller. The record keeps what arrived.
   */
  readonly streamMs?: number;
}

/**
 * Sends one raw request to the target (through `target.fetch`: pinned, no redirects, timed out) and
 * records it. Headers go as given — except that `fetch` adds `content-type: text/plain;charset=UTF-8`
 * to a body without one, and `accept: *\/*` when none is given. Never throws for the target's
 * behaviour: a request that got no answer is an exchange with `response.error`.
 *
 * @example
 * ```ts
 * const exchange = await sendRaw(target, log, {
 *   principal: 'forged: alg-none', label: 'auth 4 alg-none initialize',
 *   headers: mcpHeaders(target, forged), body: rpcBody('initialize', initializeParams(), 0),
 * });
 * ```
 */
export async function sendRaw(target: Pick<FuzzTarget, 'url' | 'fetch'>, log: ExchangeLog, request: RawRequest, options: SendRawOptions = {}): Promise<Exchange> {
  const url = request.url ?? target.url.href;
  const method = request.method ?? (request.body === undefined ? 'GET' : 'POST');
  const list = options.headerList;
  const pinned = pinnedTargetOf(target.fetch);
  if (list !== undefined && pinned !== undefined && new Set(list.map(([name]) => name.toLowerCase())).size < list.length) {
    return sendOverHttp(pinned, log, request, url, method, list, options);
  }
  let final: Exchange | undefined;
  const fetch = recordingFetch({
    fetch: target.fetch,
    log,
    principal: request.principal,
    label: request.label,
    gateKey: request.principal ?? 'anonymous',
    ...(options.gate === undefined ? {} : { gate: options.gate }),
    ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
    onRecorded: (exchange, _ids, isFinal) => {
      if (isFinal) {
        final = exchange;
        recordedNow?.();
      }
    },
  });
  let recordedNow: (() => void) | undefined;
  const recorded = new Promise<void>((resolve) => {
    recordedNow = resolve;
  });
  const headers = options.headerList ?? Object.entries(request.headers);
  // Our own signal, so a held-open event stream can be closed (and recorded) after `streamMs`.
  const controller = new AbortController();
  const outer = options.signal;
  const onAbort = () => {
    controller.abort(outer?.reason);
  };
  if (outer?.aborted === true) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  try {
    const response = await fetch(url, {
      method,
      headers: headers.map(([name, value]) => [name, value] as [string, string]),
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: controller.signal,
    });
    const streaming = /^\s*text\/event-stream/i.test(response.headers.get('content-type') ?? '');
    const stop = () => {
      controller.abort(new Error('the event stream was read long enough'));
    };
    const timer = streaming ? setTimeout(stop, options.streamMs ?? 1000) : undefined;
    await drain(response);
    clearTimeout(timer);
  } catch {
    // Recorded as the exchange's error.
  } finally {
    outer?.removeEventListener('abort', onAbort);
  }
  await Promise.race([recorded, new Promise((resolve) => setTimeout(resolve, 2000))]);
  return final ?? log.record({ principal: request.principal, label: request.label, request: { method, url, headers, body: request.body ?? '' }, response: { error: 'no answer was recorded' }, durationMs: 0 });
}

/** The address a `pinnedFetch`-made fetch is bound to, when `fetch` is one. */
function pinnedTargetOf(fetch: FuzzTarget['fetch']): ResolvedTarget | undefined {
  const bound: unknown = (fetch as unknown as Record<string, unknown>).target;
  return typeof bound === 'object' && bound !== null && 'address' in bound ? (bound as ResolvedTarget) : undefined;
}

/** Reads an answer to its end, at most 64 KiB (a stream held open is cancelled there). */
async function drain(response: Response): Promise<void> {
  if (response.body === null) return;
  const reader = response.body.getReader();
  let size = 0;
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      size += chunk.value.byteLength;
      if (size > BODY_LIMIT) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The recorder keeps what arrived.
  }
}

/** A request with repeated header names, over `node:http` to the pinned address; recorded like any other. */
function sendOverHttp(
  pinned: ResolvedTarget,
  log: ExchangeLog,
  request: RawRequest,
  url: string,
  method: string,
  headerList: readonly (readonly [string, string])[],
  options: SendRawOptions,
): Promise<Exchange> {
  const parsed = new URL(url);
  const https = parsed.protocol === 'https:';
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const flat: string[] = ['host', parsed.host];
  for (const [name, value] of headerList) flat.push(name, value);
  if (body !== undefined && !headerList.some(([name]) => name.toLowerCase() === 'content-length')) flat.push('content-length', String(body.length));
  const startedAt = performance.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const record = (response: { status: number; headers: [string, string][]; body: string } | { error: string }) =>
    log.record({ principal: request.principal, label: request.label, request: { method, url, headers: headerList, body: request.body ?? '' }, response, durationMs: performance.now() - startedAt });
  if (parsed.origin !== pinned.url.origin) return Promise.resolve(record({ error: `refused: ${parsed.origin} is not the target's origin` }));
  return new Promise<Exchange>((resolve) => {
    let done = false;
    const finish = (response: Parameters<typeof record>[0]) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(record(response));
    };
    const req = (https ? httpsRequest : httpRequest)(
      {
        host: pinned.address,
        family: pinned.family,
        port: pinned.port,
        method,
        path: parsed.pathname + parsed.search,
        headers: flat,
        ...(https && isIP(pinned.hostname) === 0 ? { servername: pinned.hostname } : {}),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
      (message: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        message.on('data', (chunk: Buffer) => {
          if (size < BODY_LIMIT) chunks.push(chunk);
          size += chunk.length;
          if (size > BODY_LIMIT) message.destroy();
        });
        const end = () => {
          const pairs: [string, string][] = [];
          for (let i = 0; i + 1 < message.rawHeaders.length; i += 2) pairs.push([message.rawHeaders[i] ?? '', message.rawHeaders[i + 1] ?? '']);
          options.gate?.count(message.statusCode ?? 0);
          finish({ status: message.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks).toString('utf8') });
        };
        message.on('end', end);
        message.on('close', end);
        message.on('error', end);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    req.on('error', (error) => {
      finish({ error: `${error.name}: ${error.message}` });
    });
    req.end(body);
  });
}

/** A JSON-RPC request body: `{"jsonrpc":"2.0","id":...,"method":...,"params":...}` (params left out when undefined). */
export function rpcBody(method: string, params?: unknown, id: string | number | null = 1): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
}

/** A JSON-RPC notification body (no `id`). */
export function rpcNotificationBody(method: string, params?: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) });
}

/** The params of an `initialize` request from the harness. */
export function initializeParams(): Record<string, unknown> {
  return { protocolVersion: RAW_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'mcify-audit-harness', version: '0.1.0' } };
}

/**
 * The headers of an MCP POST: JSON content, both answer types accepted, the credential (when given)
 * in the target's credential header, the session id and protocol version when given.
 */
export function mcpHeaders(
  target: Pick<FuzzTarget, 'credentialHeader'>,
  token: string | undefined,
  extra: { readonly sessionId?: string; readonly protocolVersion?: string; readonly headers?: Readonly<Record<string, string>> } = {},
): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (token !== undefined) headers[target.credentialHeader.name.toLowerCase()] = target.credentialHeader.prefix + token;
  if (extra.sessionId !== undefined) headers['mcp-session-id'] = extra.sessionId;
  if (extra.protocolVersion !== undefined) headers['mcp-protocol-version'] = extra.protocolVersion;
  return { ...headers, ...extra.headers };
}
