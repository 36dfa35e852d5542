import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config, { mcifyAudit } from '../../../fixtures/servers/orders/mcify.config.js';
import { ConnectError, openPrincipalClient } from '../src/client/mcp-client.js';
import { curlFor, shellQuote, tokenEnvVar } from '../src/client/curl.js';
import { ExchangeLog } from '../src/client/exchange-log.js';
import { mcpHeaders, rpcBody, initializeParams, sendRaw } from '../src/client/raw-request.js';
import { RateGate, retryAfterMs } from '../src/client/recording-fetch.js';
import type { Exchange, FuzzTarget, Principal } from '../src/engine/types.js';
import { bootConfig, type BootedServer } from '../src/target/boot-config.js';
import { pinnedFetch, type PinnedFetch } from '../src/target/pinned-fetch.js';
import { resolveTarget } from '../src/target/resolve-target.js';
import { Secret } from '../src/target/secret.js';

const run = promisify(execFile);

/** A FuzzTarget over a booted server: the fields the client layer reads, the rest empty. */
async function targetFor(url: string, tokens: Readonly<Record<string, string>>, tenants: Readonly<Record<string, string>> = {}): Promise<FuzzTarget & { fetch: PinnedFetch }> {
  const fetch = pinnedFetch(await resolveTarget(url), { timeoutMs: 5000 });
  const principals: Principal[] = Object.entries(tokens).map(([name, token]) => ({
    name,
    tenant: tenants[name] ?? name,
    scopes: undefined,
    token: new Secret(`${name}'s token`, token),
    claims: undefined,
    identity: [],
  }));
  return {
    mode: 'black-box',
    url: new URL(url),
    loopback: true,
    fetch,
    principals,
    isolate: 'tenant',
    tokenKind: 'jwt',
    challengeScheme: 'Bearer',
    credentialHeader: { name: 'authorization', prefix: 'Bearer ' },
    issuer: undefined,
    objects: {},
    publicValues: [],
    idFields: [],
    secrets: [],
    revoked: {},
    reset: undefined,
    source: undefined,
    close: () => {
      fetch.close();
      return Promise.resolve();
    },
  };
}

function logFor(target: FuzzTarget): ExchangeLog {
  return new ExchangeLog({ secrets: target.principals.flatMap((principal) => (principal.token === undefined ? [] : [principal.token])), credentialHeader: target.credentialHeader });
}

/** Every string of every recorded exchange. */
function recordedStrings(exchanges: readonly Exchange[]): string[] {
  const out: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') out.push(value);
    else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) walk(item);
  };
  walk(exchanges);
  return out;
}

/** No token, nor any 16-character run of one, in any recorded string. */
function expectNoToken(exchanges: readonly Exchange[], tokens: readonly string[]): void {
  const strings = recordedStrings(exchanges);
  expect(strings.length).toBeGreaterThan(0);
  for (const token of tokens) {
    const core = token.split('.').slice(1).join('.');
    for (const text of strings) {
      expect(text.includes(token)).toBe(false);
      for (let i = 0; i + 16 <= core.length; i += 8) expect(text.includes(core.slice(i, i + 16))).toBe(false);
    }
  }
}

describe('the client against the orders fixture', () => {
  let booted: BootedServer;
  let target: FuzzTarget & { fetch: PinnedFetch };
  let tokens: string[];

  beforeAll(async () => {
    booted = await bootConfig(config, mcifyAudit, { logging: { level: 'error', sink: () => undefined } });
    target = await targetFor(booted.url, booted.tokens, { alice: 'acme', carol: 'acme', bob: 'globex', dave: 'globex' });
    tokens = Object.values(booted.tokens);
  }, 30_000);

  afterAll(async () => {
    await target.close();
    await booted.close();
  });

  it('lists the tools and calls one as alice, recording every exchange without a token', async () => {
    const log = logFor(target);
    const alice = await openPrincipalClient({ target, log, principal: 'alice', label: 'alice', token: booted.tokens.alice, requestTimeoutMs: 5000 });
    try {
      const tools = await alice.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(['orders_cancel', 'orders_create', 'orders_export', 'orders_get', 'orders_list', 'orders_refund', 'profile_get']);
      expect(tools.find((tool) => tool.name === 'orders_get')?.inputSchema).toMatchObject({ type: 'object', properties: { orderId: { type: 'string' } } });

      const listed = await alice.callTool('orders_list', {});
      expect(listed.kind).toBe('result');
      expect(listed.status).toBe(200);
      expect(listed.data).toMatchObject({ orders: expect.arrayContaining([expect.objectContaining({ id: 'ord_acme_1001' })]) as unknown });
      expect(listed.text).toContain('ord_acme_1001');
      expect(listed.exchange?.label).toBe('tools/call orders_list');
      expect(listed.exchange?.principal).toBe('alice');
      expect(listed.exchange?.request.headers.authorization).toBe("Bearer alice's token");
      expect(listed.exchange?.request.body).toContain('"orders_list"');

      const got = await alice.callTool('orders_get', { orderId: 'ord_acme_1001' });
      expect(got.kind).toBe('result');
      expect(got.exchange?.seq).toBeGreaterThan(listed.exchange?.seq ?? Infinity);
      expect(got.exchange?.request.body).toContain('ord_acme_1001');
    } finally {
      await alice.close();
    }
    const labels = log.exchanges().map((exchange) => exchange.label);
    expect(labels).toContain('initialize');
    expect(labels).toContain('notifications/initialized');
    expect(labels).toContain('tools/list');
    expect(log.count).toBe(log.exchanges().length);
    expectNoToken(log.exchanges(), tokens);
  });

  it('classifies a tool error, a validation error and a missing scope', async () => {
    const log = logFor(target);
    const carol = await openPrincipalClient({ target, log, principal: 'carol', label: 'carol', token: booted.tokens.carol, requestTimeoutMs: 5000 });
    try {
      // Not carol's order: the fixture answers a tool error (NOT_FOUND).
      const missing = await carol.callTool('orders_get', { orderId: 'ord_globex_2001' });
      expect(missing.kind).toBe('tool-error');
      expect(missing.text).toContain('not found');

      // orderId must be a string: the reference runtime answers a validation failure as a tool error.
      const invalid = await carol.callTool('orders_get', { orderId: 42 });
      expect(invalid.kind).toBe('tool-error');
      expect(invalid.code).toBeUndefined();
      expect(invalid.exchange?.label).toBe('tools/call orders_get');

      // An unknown tool is a JSON-RPC invalid-params error.
      const unknown = await carol.callTool('no_such_tool', {});
      expect(unknown.kind).toBe('rpc-error');
      expect(unknown.code).toBe(-32602);
      expect(unknown.status).toBe(200);
      expect(unknown.exchange?.label).toBe('tools/call no_such_tool');

      // Carol holds only orders:read: refunding is refused before the call, 403 insufficient_scope.
      const refund = await carol.callTool('orders_refund', { orderId: 'ord_acme_1003' });
      expect(refund.kind).toBe('http-error');
      expect(refund.status).toBe(403);
      const answer = refund.exchange?.response;
      expect(answer !== undefined && 'headers' in answer ? answer.headers['www-authenticate'] : undefined).toMatch(/insufficient_scope/);
    } finally {
      await carol.close();
    }
    expectNoToken(log.exchanges(), tokens);
  });

  it('throws a ConnectError with the status and challenge for a forged token, and records it by label', async () => {
    const log = logFor(target);
    const forged = `${booted.tokens.alice?.split('.').slice(0, 2).join('.') ?? ''}.forged-signature-AAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    const error = await openPrincipalClient({ target, log, principal: 'forged: bad-signature', label: 'forged: bad-signature', token: forged, requestTimeoutMs: 5000 }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ConnectError);
    const refused = error as ConnectError;
    expect(refused.kind).toBe('http');
    expect(refused.status).toBe(401);
    expect(refused.wwwAuthenticate).toMatch(/^Bearer /);
    expect(refused.exchange?.label).toBe('initialize');
    expect(refused.exchange?.request.headers.authorization).toBe('Bearer forged: bad-signature');
    expect(refused.message).not.toContain(forged);
    expectNoToken(log.exchanges(), [...tokens, forged]);
  });

  it('sends raw requests verbatim and records the forged credential by the sender label', async () => {
    const log = logFor(target);
    const forged = 'opaque-forged-credential-0123456789';
    const exchange = await sendRaw(target, log, {
      principal: 'forged: opaque',
      label: 'auth opaque initialize',
      headers: mcpHeaders(target, forged),
      body: rpcBody('initialize', initializeParams(), 0),
    });
    expect('status' in exchange.response && exchange.response.status).toBe(401);
    expect(exchange.request.headers.authorization).toBe('Bearer forged: opaque');
    expect(exchange.label).toBe('auth opaque initialize');

    // No credential at all.
    const anonymous = await sendRaw(target, log, { principal: null, label: 'no credential', headers: mcpHeaders(target, undefined), body: rpcBody('tools/list', {}, 1) });
    expect('status' in anonymous.response && anonymous.response.status).toBe(401);
    expect(anonymous.request.headers.authorization).toBeUndefined();

    // Two Authorization lines: fetch would join them, so they go over node:http as two lines.
    const twice = await sendRaw(
      target,
      log,
      { principal: 'forged: two-headers', label: 'auth duplicate header', headers: {}, body: rpcBody('initialize', initializeParams(), 0) },
      {
        headerList: [
          ['content-type', 'application/json'],
          ['accept', 'application/json, text/event-stream'],
          ['authorization', `Bearer ${booted.tokens.alice ?? ''}`],
          ['authorization', `Bearer ${forged}`],
        ],
      },
    );
    expect('status' in twice.response).toBe(true);
    expect(twice.request.headers.authorization).toBe("Bearer alice's token, Bearer forged: opaque");
    expectNoToken(log.exchanges(), [...tokens, forged]);
  });

  it('writes a curl line with the token as a variable, which replays the call', async () => {
    const log = logFor(target);
    const alice = await openPrincipalClient({ target, log, principal: 'alice', label: 'alice', token: booted.tokens.alice, requestTimeoutMs: 5000 });
    const outcome = await alice.callTool('orders_get', { orderId: "ord_acme_1001' ; echo pwned '" });
    await alice.close();
    const exchange = outcome.exchange;
    expect(exchange).toBeDefined();
    if (exchange === undefined) return;
    const line = curlFor(exchange, target);
    expect(line).toMatch(/^curl -sS -X POST 'http:\/\/127\.0\.0\.1:\d+\/mcp' -H 'content-type: application\/json' -H 'accept: application\/json, text\/event-stream' -H "Authorization: Bearer \$MCIFY_TOKEN_ALICE"/);
    expect(line).toContain("--data-raw '");
    expect(line).toContain(`'\\''`);
    for (const token of tokens) expect(line).not.toContain(token.slice(-20));

    // The same line, run by a shell with the variable set, gets the same answer (the server is stateless).
    const { stdout } = await run('sh', ['-c', line], { env: { ...process.env, MCIFY_TOKEN_ALICE: booted.tokens.alice } });
    expect(stdout).toContain('not found');

    // A forged sender's line names the forgery and reads $MCIFY_FORGED_TOKEN.
    const forgedExchange = await sendRaw(target, log, { principal: 'forged: alg-none', label: 'auth alg-none', headers: mcpHeaders(target, 'forged-token-value-xyz-123456'), body: rpcBody('tools/list', {}, 1) });
    const forgedLine = curlFor(forgedExchange, target);
    expect(forgedLine).toMatch(/^MCIFY_FORGED='forged: alg-none' curl -sS -X POST /);
    expect(forgedLine).toContain('-H "Authorization: Bearer $MCIFY_FORGED_TOKEN"');
    expect(forgedLine).not.toContain('forged-token-value');
  });
});

describe('curl quoting and variable names', () => {
  it('quotes single quotes and names variables from principal names', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(tokenEnvVar('alice')).toBe('MCIFY_TOKEN_ALICE');
    expect(tokenEnvVar('ops-bot.2')).toBe('MCIFY_TOKEN_OPS_BOT_2');
  });

  it('adds the session id header and keeps literal $ and quotes safe', () => {
    const exchange: Exchange = {
      seq: 1,
      principal: 'bob',
      label: 'tools/call x',
      request: {
        method: 'POST',
        url: 'http://127.0.0.1:1/mcp',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: "Bearer bob's token", 'mcp-session-id': 'sess-1' },
        body: '{"a":"$HOME `x` \\"q\\""}',
      },
      response: { status: 200, headers: {}, body: '' },
      durationMs: 1,
    };
    const line = curlFor(exchange, { principals: [{ name: 'bob', tenant: 'g', scopes: undefined, token: new Secret("bob's token", 'x'.repeat(20)), claims: undefined, identity: [] }], credentialHeader: { name: 'authorization', prefix: 'Bearer ' } });
    expect(line).toContain(`-H "Authorization: Bearer $MCIFY_TOKEN_BOB"`);
    expect(line).toContain(`-H 'mcp-session-id: sess-1'`);
    expect(line).toContain(`--data-raw '{"a":"$HOME \`x\` \\"q\\""}'`);
  });
});

/** A loopback JSON-RPC server that answers `tools/list` in pages and rate-limits on demand. */
function fakeMcp(handle: (message: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => boolean): Promise<{ url: string; server: Server; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      const message = JSON.parse(body) as Record<string, unknown>;
      requests.push(String(message.method));
      if (handle(message, req, res)) return;
      if (message.id === undefined) {
        res.writeHead(202).end();
        return;
      }
      const result = message.method === 'initialize' ? { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'fake', version: '1' } } : {};
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, server, requests });
    });
  });
}

function answer(res: ServerResponse, id: unknown, result: unknown, sse = false): void {
  const text = JSON.stringify({ jsonrpc: '2.0', id, result });
  if (sse) res.writeHead(200, { 'content-type': 'text/event-stream' }).end(`event: message\ndata: ${text}\n\n`);
  else res.writeHead(200, { 'content-type': 'application/json' }).end(text);
}

describe('the client against a loopback fake', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('follows nextCursor pagination, over JSON and SSE answers', async () => {
    const fake = await fakeMcp((message, _req, res) => {
      if (message.method !== 'tools/list') return false;
      const cursor = (message.params as { cursor?: string } | undefined)?.cursor;
      const page = cursor === undefined ? 0 : Number(cursor);
      const tools = [0, 1].map((i) => ({ name: `tool_${page * 2 + i}`, inputSchema: { type: 'object' }, annotations: { readOnlyHint: true, title: 'x' } }));
      answer(res, message.id, { tools, ...(page < 2 ? { nextCursor: String(page + 1) } : {}) }, page === 1);
      return true;
    });
    servers.push(fake.server);
    const target = await targetFor(fake.url, { alice: 'alice-token-aaaaaaaaaaaaaaaaaaaa' });
    const log = logFor(target);
    const client = await openPrincipalClient({ target, log, principal: 'alice', label: 'alice', token: 'alice-token-aaaaaaaaaaaaaaaaaaaa', requestTimeoutMs: 5000 });
    const tools = await client.listTools();
    await client.close();
    await target.close();
    expect(tools.map((tool) => tool.name)).toEqual(['tool_0', 'tool_1', 'tool_2', 'tool_3', 'tool_4', 'tool_5']);
    expect(tools[0]?.annotations).toEqual({ readOnlyHint: true });
    expect(fake.requests.filter((method) => method === 'tools/list')).toHaveLength(3);
    // The SSE page was recorded too, from the teed stream.
    const sse = log.exchanges().find((exchange) => 'headers' in exchange.response && exchange.response.headers['content-type'] === 'text/event-stream');
    expect(sse !== undefined && 'body' in sse.response ? sse.response.body : '').toContain('tool_2');
  });

  it('pauses a principal for Retry-After on a 429, then retries and counts it', async () => {
    let limited = 0;
    const fake = await fakeMcp((message, _req, res) => {
      if (message.method !== 'tools/call') return false;
      if (limited < 1) {
        limited += 1;
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"error":"slow down"}');
        return true;
      }
      answer(res, message.id, { content: [{ type: 'text', text: '{"ok":true}' }] });
      return true;
    });
    servers.push(fake.server);
    const target = await targetFor(fake.url, { alice: 'alice-token-aaaaaaaaaaaaaaaaaaaa' });
    const log = logFor(target);
    const gate = new RateGate();
    const client = await openPrincipalClient({ target, log, principal: 'alice', label: 'alice', token: 'alice-token-aaaaaaaaaaaaaaaaaaaa', requestTimeoutMs: 5000, gate, deadline: { remainingMs: () => 30_000 } });
    const started = Date.now();
    const outcome = await client.callTool('anything', {});
    const waited = Date.now() - started;
    await client.close();
    await target.close();
    expect(outcome.kind).toBe('result');
    expect(outcome.data).toEqual({ ok: true });
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(gate.counters.rateLimited).toBe(1);
    expect(gate.counters.retries).toBe(1);
    expect(gate.rateLimitedShare()).toBeGreaterThan(0);
    expect(log.exchanges().filter((exchange) => exchange.label === 'tools/call anything').map((exchange) => ('status' in exchange.response ? exchange.response.status : 0))).toEqual([429, 200]);
    // The outcome's exchange is the answer that counted, not the 429.
    expect(outcome.exchange !== undefined && 'status' in outcome.exchange.response ? outcome.exchange.response.status : 0).toBe(200);
  });

  it('does not wait past the deadline: a Retry-After longer than the budget returns the 429', async () => {
    const fake = await fakeMcp((message, _req, res) => {
      if (message.method !== 'tools/call') return false;
      res.writeHead(429, { 'retry-after': '120' }).end();
      return true;
    });
    servers.push(fake.server);
    const target = await targetFor(fake.url, { alice: 'alice-token-aaaaaaaaaaaaaaaaaaaa' });
    const log = logFor(target);
    const client = await openPrincipalClient({ target, log, principal: 'alice', label: 'alice', token: 'alice-token-aaaaaaaaaaaaaaaaaaaa', requestTimeoutMs: 5000, deadline: { remainingMs: () => 2000 } });
    const started = Date.now();
    const outcome = await client.callTool('anything', {});
    await client.close();
    await target.close();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(outcome.kind).toBe('http-error');
    expect(outcome.status).toBe(429);
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
    const inFive = retryAfterMs(new Date(Date.now() + 5000).toUTCString()) ?? 0;
    expect(inFive).toBeGreaterThan(3000);
    expect(inFive).toBeLessThanOrEqual(5000);
  });
});
