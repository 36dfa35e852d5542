/**
 * Hostile input: the runtime never answers 5xx to anything a client sends, checks credentials before it
 * reads a body, and never leaks internals (messages of unexpected errors, file paths, stack frames).
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bearer, defineConfig, defineTool, ToolError, type LogRecord, type McifyConfig } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { serveNode, type RunningServer } from '@mcify/runtime';

const GOOD = randomBytes(32).toString('base64url');
const BAD = randomBytes(32).toString('base64url');
/** A token for which `verify` throws (a session store that is down). */
const THROWS = randomBytes(32).toString('base64url');
const PROTOCOL_VERSION = '2025-06-18';

const echo = defineTool({
  name: 'echo',
  description: 'Echoes text.',
  input: z.object({ text: z.string().max(200) }),
  handler: ({ text }) => text,
});

const boom = defineTool({
  name: 'boom',
  input: z.object({}),
  handler: () => {
    throw new Error('db password=hunter2 at /srv/app/db.ts:42');
  },
});

const missingOrder = defineTool({
  name: 'missing_order',
  input: z.object({}),
  handler: () => {
    throw new ToolError('Order x not found.');
  },
});

const badOutput = defineTool({
  name: 'bad_output',
  input: z.object({}),
  output: z.object({ total: z.number() }),
  // The output schema is the check under test: the handler breaks it on purpose.
  handler: () => ({ total: 'internal-ledger-value-7f3a' }) as unknown as { total: number },
});

const admin = defineTool({
  name: 'admin_reset',
  input: z.object({}),
  middlewares: [requireAuth({ scopes: ['admin:reset'] })],
  handler: () => 'reset',
});

function makeConfig(): McifyConfig {
  return defineConfig({
    name: 'hostile',
    version: '1.0.0',
    auth: bearer({
      verify: (token) => {
        if (token === THROWS) throw new Error('session store unreachable');
        return token === GOOD ? { sub: 'alice', tenantId: 'acme' } : false;
      },
    }),
    tools: [echo, boom, missingOrder, badOutput, admin],
  });
}

const records: LogRecord[] = [];
const sink = (record: LogRecord): void => {
  records.push(record);
};

/** Tight body limit: for the 413 checks. */
let small: RunningServer;
/** Default body limit: for everything that needs a body under the limit. */
let roomy: RunningServer;
/** Allows one browser origin. */
let withOrigin: RunningServer;

beforeAll(async () => {
  small = await serveNode(makeConfig(), { port: 0, maxBodyBytes: 1024, logging: { sink } });
  roomy = await serveNode(makeConfig(), { port: 0, logging: { sink, level: 'debug' } });
  withOrigin = await serveNode(makeConfig(), { port: 0, allowedOrigins: ['https://app.example'], logging: { sink } });
});

afterAll(async () => {
  await Promise.all([small.close(), roomy.close(), withOrigin.close()]);
});

// ---------------------------------------------------------------------------------------------------
// Helpers

const rpcErrorBody = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string(), z.number(), z.null()]),
  error: z.object({ code: z.number(), message: z.string() }),
});

const toolResultBody = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string(), z.number()]),
  result: z.object({
    isError: z.boolean().optional(),
    content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  }),
});

const metadataBody = z.object({
  resource: z.string(),
  scopes_supported: z.array(z.string()),
  bearer_methods_supported: z.array(z.string()),
});

/** Request headers; `token: null` sends no Authorization header. */
function headers(token: string | null = GOOD, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': PROTOCOL_VERSION,
    ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    ...extra,
  };
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

async function send(url: string, init: RequestInit & { duplex?: 'half' }): Promise<Answer> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function post(server: RunningServer, body: BodyInit, extraHeaders: Record<string, string> = {}, token: string | null = GOOD): Promise<Answer> {
  return send(server.url, { method: 'POST', headers: headers(token, extraHeaders), body });
}

function parseJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  return value;
}

function rpcError(answer: Answer): z.infer<typeof rpcErrorBody> {
  return rpcErrorBody.parse(parseJson(answer.text));
}

function toolResult(answer: Answer): z.infer<typeof toolResultBody> {
  return toolResultBody.parse(parseJson(answer.text));
}

function resultText(answer: Answer): string {
  return toolResult(answer)
    .result.content.map((block) => block.text ?? '')
    .join('\n');
}

let nextId = 1;
function call(name: string, args?: unknown): string {
  const params: Record<string, unknown> = { name };
  if (args !== undefined) params.arguments = args;
  return JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params });
}

function rpc(method: string, params?: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, ...(params === undefined ? {} : { params }) });
}

/** A request body streamed in chunks, so it has no Content-Length (Transfer-Encoding: chunked). */
function chunkedBody(totalBytes: number, chunkBytes = 512): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= totalBytes) {
        controller.close();
        return;
      }
      const size = Math.min(chunkBytes, totalBytes - sent);
      controller.enqueue(new Uint8Array(size).fill(0x20));
      sent += size;
    },
  });
}

/** A request through node:http, which (unlike fetch) lets the test set `Host`. */
function raw(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Uint8Array },
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        // A fresh connection each time: a refused body must not poison a kept-alive socket for the next case.
        agent: false,
        method: options.method ?? 'POST',
        path: options.path ?? target.pathname,
        headers: options.headers ?? {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Nothing a client should never see: secrets, file paths, stack frames. */
function expectNoInternals(text: string): void {
  expect(text).not.toContain('hunter2');
  expect(text).not.toContain('password');
  expect(text).not.toContain('db.ts');
  expect(text).not.toContain('/srv/');
  expect(text).not.toMatch(/\sat\s/);
  expect(text).not.toMatch(/\.(?:ts|js):\d+/);
}

// ---------------------------------------------------------------------------------------------------

describe('request body limits', () => {
  it('answers 413 to a body over the limit that declares its Content-Length', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(2048) } });
    expect(body.length).toBeGreaterThan(2048);
    const answer = await post(small, body);
    expect(answer.status).toBe(413);
    expect(rpcError(answer)).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'The request body is larger than 1024 bytes.' },
    });
  });

  it('answers 413 to a chunked body (no Content-Length) over the limit', async () => {
    const answer = await send(small.url, { method: 'POST', headers: headers(), body: chunkedBody(4096), duplex: 'half' });
    expect(answer.status).toBe(413);
    expect(rpcError(answer).error).toEqual({ code: -32600, message: 'The request body is larger than 1024 bytes.' });
  });

  it('accepts a body just under the limit', async () => {
    const body = rpc('ping');
    expect(body.length).toBeLessThan(1024);
    const answer = await post(small, body);
    expect(answer.status).toBe(200);
  });

  it('answers 401 to a too-large body without a token: credentials are checked before the body is read', async () => {
    const answer = await post(small, 'x'.repeat(2048), {}, null);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="/);
    const chunked = await send(small.url, { method: 'POST', headers: headers(null), body: chunkedBody(4096), duplex: 'half' });
    expect(chunked.status).toBe(401);
  });

  it('answers 401 before every body-level check (415, 413, 400) when the token is missing or bad', async () => {
    const cases: { name: string; server: RunningServer; body: BodyInit; extra?: Record<string, string> }[] = [
      { name: 'text/plain (would be 415)', server: roomy, body: rpc('ping'), extra: { 'content-type': 'text/plain' } },
      { name: 'no content type (would be 415)', server: roomy, body: new TextEncoder().encode(rpc('ping')) },
      { name: 'too large (would be 413)', server: small, body: 'x'.repeat(2048) },
      { name: 'malformed JSON (would be 400)', server: roomy, body: '{"jsonrpc":' },
      { name: 'not JSON-RPC (would be 400)', server: roomy, body: '{}' },
    ];
    for (const token of [null, BAD]) {
      for (const testCase of cases) {
        const init = { method: 'POST', headers: headers(token, testCase.extra), body: testCase.body };
        if (testCase.name.startsWith('no content type')) delete init.headers['content-type'];
        const answer = await send(testCase.server.url, init);
        expect({ case: testCase.name, token: token === null ? 'none' : 'bad', status: answer.status }).toEqual({
          case: testCase.name,
          token: token === null ? 'none' : 'bad',
          status: 401,
        });
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
      }
    }
  });
});

describe('malformed requests', () => {
  it('answers 400 with -32700 to malformed JSON', async () => {
    for (const body of ['{"jsonrpc":', '{', 'not json', '{"a":1,}']) {
      const answer = await post(roomy, body);
      expect(answer.status).toBe(400);
      expect(rpcError(answer)).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32700, message: 'The request body is not valid JSON.' },
      });
    }
  });

  it('answers 400 with -32600 to JSON that is not a JSON-RPC message', async () => {
    const tooMany = JSON.stringify(Array.from({ length: 33 }, (_, index) => ({ jsonrpc: '2.0', id: index, method: 'ping' })));
    for (const body of ['{}', '[]', '"x"', 'null', '42', '{"jsonrpc":"1.0","id":1,"method":"ping"}', tooMany]) {
      const answer = await post(roomy, body);
      expect({ body: body.slice(0, 40), status: answer.status }).toEqual({ body: body.slice(0, 40), status: 400 });
      expect(rpcError(answer)).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: 'The request body is not a JSON-RPC 2.0 message.' },
      });
    }
  });

  it('accepts a batch of 32 messages', async () => {
    const batch = JSON.stringify(Array.from({ length: 32 }, (_, index) => ({ jsonrpc: '2.0', id: index, method: 'ping' })));
    const answer = await post(roomy, batch);
    expect(answer.status).toBe(200);
  });

  it('answers 415 to a body that is not application/json', async () => {
    const plain = await post(roomy, rpc('ping'), { 'content-type': 'text/plain' });
    const form = await post(roomy, rpc('ping'), { 'content-type': 'application/x-www-form-urlencoded' });
    const init = { method: 'POST', headers: headers(), body: new TextEncoder().encode(rpc('ping')) };
    delete init.headers['content-type'];
    const none = await send(roomy.url, init);
    for (const answer of [plain, form, none]) {
      expect(answer.status).toBe(415);
      expect(rpcError(answer)).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: 'Send the JSON-RPC message as Content-Type: application/json.' },
      });
    }
    const withCharset = await post(roomy, rpc('ping'), { 'content-type': 'application/json; charset=utf-8' });
    expect(withCharset.status).toBe(200);
  });

  it('answers 405 with Allow: POST to GET, PUT and DELETE on the endpoint', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const answer = await send(roomy.url, {
        method,
        headers: headers(),
        ...(method === 'PUT' ? { body: rpc('ping') } : {}),
      });
      expect({ method, status: answer.status }).toEqual({ method, status: 405 });
      expect(answer.headers.get('allow')).toBe('POST');
      expect(rpcError(answer).error.code).toBe(-32600);
    }
  });

  it('answers 404 to an unknown path', async () => {
    const origin = new URL(roomy.url).origin;
    for (const path of ['/', '/nope', '/mcp/extra', '/MCP', '/api/mcp']) {
      const answer = await send(`${origin}${path}`, { method: 'POST', headers: headers(), body: rpc('ping') });
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      expect(rpcError(answer)).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: 'Not found: the MCP endpoint is /mcp.' },
      });
    }
  });

  it('serves the protected resource metadata (RFC 9728) at /.well-known/oauth-protected-resource/mcp', async () => {
    const origin = new URL(roomy.url).origin;
    const response = await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const metadata = metadataBody.parse(await response.json());
    expect(metadata.resource).toBe(roomy.url);
    expect(metadata.bearer_methods_supported).toEqual(['header']);
    expect(metadata.scopes_supported).toContain('admin:reset');
  });
});

describe('invalid tool call parameters', () => {
  it('answers tools/call without a name with a JSON-RPC invalid params error (-32602), not a 5xx', async () => {
    const answer = await post(roomy, JSON.stringify({ jsonrpc: '2.0', id: 'no-name', method: 'tools/call', params: {} }));
    expect(answer.status).toBe(200);
    const body = rpcError(answer);
    expect(body.id).toBe('no-name');
    expect(body.error.code).toBe(-32602);
  });

  it('answers tools/call whose arguments are not an object with a JSON-RPC invalid params error (-32602)', async () => {
    for (const args of ['x', [1, 2], 42, true]) {
      const answer = await post(roomy, call('echo', args));
      expect(answer.status).toBe(200);
      expect({ args, code: rpcError(answer).error.code }).toEqual({ args, code: -32602 });
    }
  });

  it('answers an unknown tool with a JSON-RPC invalid params error (-32602) that does not echo a long name', async () => {
    const answer = await post(roomy, call('no_such_tool', {}));
    expect(answer.status).toBe(200);
    const body = rpcError(answer);
    expect(body.error.code).toBe(-32602);
    expect(body.error.message).toContain('Unknown tool');

    const long = await post(roomy, call('z'.repeat(5000), {}));
    expect(long.status).toBe(200);
    expect(rpcError(long).error.code).toBe(-32602);
    expect(long.text.length).toBeLessThan(400);
  });

  it('answers arguments that fail the input schema with isError naming the field', async () => {
    const wrongType = await post(roomy, call('echo', { text: 42 }));
    expect(wrongType.status).toBe(200);
    expect(toolResult(wrongType).result.isError).toBe(true);
    expect(resultText(wrongType)).toMatch(/^Invalid arguments for tool echo: text: /);

    const missing = await post(roomy, call('echo'));
    expect(missing.status).toBe(200);
    expect(toolResult(missing).result.isError).toBe(true);
    expect(resultText(missing)).toMatch(/^Invalid arguments for tool echo: text: /);

    const tooLong = await post(roomy, call('echo', { text: 'y'.repeat(201) }));
    expect(toolResult(tooLong).result.isError).toBe(true);
    expect(resultText(tooLong)).toContain('text');
  });
});

describe('handler failures do not leak internals', () => {
  it('answers an unexpected error with a generic message and a reference id, and logs it under that id', async () => {
    const answer = await post(roomy, call('boom', {}));
    expect(answer.status).toBe(200);
    const body = toolResult(answer);
    expect(body.result.isError).toBe(true);
    const text = resultText(answer);
    expect(text).toContain('failed unexpectedly');
    const reference = /\(reference ([0-9a-f-]{36})\)/.exec(text)?.[1];
    expect(reference).toBeDefined();
    expectNoInternals(answer.text);
    const logged = records.find((record) => record.event === 'tool_failed' && record.requestId === reference);
    expect(logged).toMatchObject({ level: 'error', tool: 'boom' });
  });

  it('surfaces exactly the message of a ToolError', async () => {
    const answer = await post(roomy, call('missing_order', {}));
    expect(answer.status).toBe(200);
    expect(toolResult(answer).result).toEqual({ isError: true, content: [{ type: 'text', text: 'Order x not found.' }] });
  });

  it('answers an output that fails the output schema with a generic message that leaks nothing', async () => {
    const answer = await post(roomy, call('bad_output', {}));
    expect(answer.status).toBe(200);
    expect(toolResult(answer).result.isError).toBe(true);
    expect(resultText(answer)).toMatch(/^Tool bad_output produced an invalid result \(reference [0-9a-f-]{36}\)\.$/);
    expect(answer.text).not.toContain('internal-ledger-value');
    expect(answer.text).not.toContain('Expected number');
    expectNoInternals(answer.text);
    expect(records.some((record) => record.event === 'tool_output_invalid' && record.level === 'error')).toBe(true);
  });

  it('answers a requireAuth() refusal with 403 insufficient_scope before the handler runs', async () => {
    const answer = await post(roomy, call('admin_reset', {}));
    expect(answer.status).toBe(403);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer .*error="insufficient_scope"/);
    expect(answer.headers.get('www-authenticate')).toContain('scope="admin:reset"');
    expect(rpcError(answer).error.code).toBe(-32000);
  });

  it('answers 401 (not 500) when verify throws, and logs auth_verify_threw at level error', async () => {
    const before = records.length;
    const answer = await post(roomy, rpc('ping'), {}, THROWS);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    expect(answer.text).not.toContain('session store');
    const logged = records.slice(before).find((record) => record.event === 'auth_verify_threw');
    expect(logged).toMatchObject({ level: 'error' });
  });
});

describe('Origin and Host (DNS rebinding)', () => {
  it('answers 403 to a foreign Origin', async () => {
    for (const origin of ['http://evil.example', 'null', 'https://localhost.evil.example', 'http://127.0.0.1.evil.example']) {
      const answer = await post(roomy, rpc('ping'), { origin });
      expect({ origin, status: answer.status }).toEqual({ origin, status: 403 });
      expect(rpcError(answer)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Origin or Host not allowed.' } });
    }
  });

  it('lets loopback origins through', async () => {
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:5173', 'http://[::1]:8080']) {
      const answer = await post(roomy, rpc('ping'), { origin });
      expect({ origin, status: answer.status }).toEqual({ origin, status: 200 });
    }
  });

  it('lets an origin listed in allowedOrigins through, and still refuses others', async () => {
    const allowed = await post(withOrigin, rpc('ping'), { origin: 'https://app.example' });
    expect(allowed.status).toBe(200);
    const other = await post(withOrigin, rpc('ping'), { origin: 'https://app.example.evil' });
    expect(other.status).toBe(403);
  });

  it('answers 403 to a Host that is not loopback', async () => {
    const { port } = new URL(roomy.url);
    const body = rpc('ping');
    const evil = await raw(roomy.url, { headers: { ...headers(), host: `evil.example:${port}` }, body });
    expect(evil.status).toBe(403);
    expect(rpcErrorBody.parse(parseJson(evil.text)).error.message).toBe('Origin or Host not allowed.');
    const wrongPort = await raw(roomy.url, { headers: { ...headers(), host: 'localhost:1' }, body });
    expect(wrongPort.status).toBe(403);
    const loopback = await raw(roomy.url, { headers: { ...headers(), host: `localhost:${port}` }, body });
    expect(loopback.status).toBe(200);
  });
});

describe('no 5xx for anything a client sends', () => {
  const deepArray = '['.repeat(10_000) + ']'.repeat(10_000);
  const deepObject = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
  const deepInArguments = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"a","x":${deepArray}}}}`;
  const binary = new Uint8Array(randomBytes(4096));

  interface HostileCase {
    readonly name: string;
    readonly method?: string;
    readonly path?: string;
    readonly headers?: Record<string, string>;
    readonly body?: string | Uint8Array;
  }

  const cases: readonly HostileCase[] = [
    { name: 'PATCH', method: 'PATCH', body: rpc('ping') },
    { name: 'OPTIONS preflight', method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } },
    { name: 'HEAD', method: 'HEAD' },
    { name: 'POST to the metadata', path: '/.well-known/oauth-protected-resource/mcp', body: '{}' },
    { name: '10 KB bearer token', headers: { authorization: `Bearer ${'a'.repeat(10_240)}` }, body: rpc('ping') },
    { name: 'Basic credentials', headers: { authorization: 'Basic xxx' }, body: rpc('ping') },
    { name: 'two bearer tokens', headers: { authorization: `Bearer a, Bearer ${GOOD}` }, body: rpc('ping') },
    { name: 'empty bearer token', headers: { authorization: 'Bearer ' }, body: rpc('ping') },
    { name: 'bearer with non-token characters', headers: { authorization: 'Bearer <script>"\'' }, body: rpc('ping') },
    { name: 'binary body', body: binary },
    { name: 'invalid UTF-8', body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]) },
    { name: 'array nested 10k levels', body: deepArray },
    { name: 'object nested 10k levels', body: deepObject },
    { name: 'arguments nested 10k levels', body: deepInArguments },
    { name: 'huge numbers', body: '{"jsonrpc":"2.0","id":1e400,"method":"tools/call","params":{"name":"echo","arguments":{"text":1e999}}}' },
    { name: 'unsafe integer id', body: '{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"ping"}' },
    { name: 'unicode and lone surrogates', body: call('echo', { text: '\ud800 \u0000 \u202e 💥 ﷽' }) },
    { name: 'unicode tool name', body: call('💥\u0000', {}) },
    { name: '__proto__ arguments', body: '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"__proto__":{"text":"x"}}}}' },
    { name: 'constructor as tool name', body: call('constructor', {}) },
    { name: 'duplicate ids in a batch', body: `[${rpc('ping').replace(/"id":\d+/, '"id":7')},${rpc('ping').replace(/"id":\d+/, '"id":7')}]` },
    { name: 'initialize in a batch', body: `[${rpc('initialize', { protocolVersion: 'x' })},${rpc('ping')}]` },
    { name: 'initialize with garbage params', body: rpc('initialize', { protocolVersion: 42, capabilities: 'all' }) },
    { name: 'unknown method', body: rpc('resources/read', { uri: 'file:///etc/passwd' }) },
    { name: 'a JSON-RPC response from the client', body: '{"jsonrpc":"2.0","id":99,"result":{}}' },
    { name: 'a notification', body: '{"jsonrpc":"2.0","method":"notifications/initialized"}' },
    { name: 'unsupported protocol version', headers: { 'mcp-protocol-version': 'garbage' }, body: rpc('ping') },
    { name: 'no Accept', headers: { accept: '' }, body: rpc('ping') },
    { name: 'content type with odd parameters', headers: { 'content-type': 'application/json; charset=utf-16; boundary=""' }, body: rpc('ping') },
    { name: 'Content-Length larger than the body', headers: { 'content-length': '999999999999' }, body: '' },
    { name: 'latin1 header bytes', headers: { 'x-junk': '\u00ff\u00fe\u00e9' }, body: rpc('ping') },
    { name: 'percent-encoded path', path: '/%2e%2e/mcp?%zz', body: rpc('ping') },
    { name: 'long path', path: `/${'a'.repeat(8000)}`, body: rpc('ping') },
    { name: 'Host with userinfo', headers: { host: 'user@127.0.0.1' }, body: rpc('ping') },
    { name: 'missing Host', headers: { host: '' }, body: rpc('ping') },
  ];

  for (const hostile of cases) {
    it(`answers < 500: ${hostile.name}`, async () => {
      const body = hostile.body;
      const requestHeaders: Record<string, string> = { ...headers(), ...hostile.headers };
      if (body !== undefined && hostile.headers?.['content-length'] === undefined) {
        requestHeaders['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
      }
      let answer: { status: number; text: string };
      try {
        answer = await raw(roomy.url, {
          method: hostile.method ?? 'POST',
          ...(hostile.path === undefined ? {} : { path: hostile.path }),
          headers: requestHeaders,
          ...(body === undefined ? {} : { body }),
        });
      } catch (error) {
        // A connection the server refuses to finish (e.g. a body shorter than its Content-Length) is no 5xx.
        expect(hostile.name).toBe('Content-Length larger than the body');
        expect(error).toBeInstanceOf(Error);
        return;
      }
      expect(answer.status).toBeGreaterThanOrEqual(200);
      expect(answer.status).toBeLessThan(500);
      expectNoInternals(answer.text);
    });
  }

  it('is still up and answering after all of the above', async () => {
    const answer = await post(roomy, call('echo', { text: 'still here' }));
    expect(answer.status).toBe(200);
    expect(resultText(answer)).toBe('still here');
  });
});
