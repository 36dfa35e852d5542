import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config, { mcifyAudit } from '../../../fixtures/servers/orders/mcify.config.js';
import { ConnectError, openPrincipalClient } from '../src/client/mcp-client.js';
import { curlFor, shellQuote, tokenEnvVar } from '../src/client/curl.js';
import { ExchangeLog, secretCores, type ExchangeInput, type RawExchange } from '../src/client/exchange-log.js';
import { mcpHeaders, rpcBody, initializeParams, sendRaw } from '../src/client/raw-request.js';
import { RateGate, retryAfterMs } from '../src/client/recording-fetch.js';
import type { Exchange, FuzzTarget } from '../src/engine/types.js';
import { bootConfig, type BootedServer } from '../src/target/boot-config.js';
import type { PinnedFetch } from '../src/target/pinned-fetch.js';
import { Secret } from '../src/target/secret.js';
import { plainTarget } from './plain-target.js';

const run = promisify(execFile);

/** A stateful server on the official SDK (`McpServer`, SSE answers, sessions, a GET stream), tokens checked by hand. */
async function officialSdkServer(tokens: Readonly<Record<string, string>>): Promise<{ url: string; server: Server; sessions: Map<string, StreamableHTTPServerTransport> }> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const server = createServer((req, res) => {
    const who = Object.entries(tokens).find(([, token]) => req.headers.authorization === `Bearer ${token}`)?.[0];
    if (who === undefined) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="mcp"', 'content-type': 'application/json' }).end('{"error":"invalid_token"}');
      return;
    }
    const sessionId = req.headers['mcp-session-id'];
    const known = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (known !== undefined) {
      void known.handleRequest(req, res);
      return;
    }
    const mcp = new McpServer({ name: 'official', version: '1.0.0' });
    mcp.registerTool('whoami', { description: 'Who the caller is.', inputSchema: { shout: z.boolean().optional() } }, ({ shout }) => ({
      content: [{ type: 'text', text: shout === true ? who.toUpperCase() : who }],
      structuredContent: { name: who },
    }));
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
      },
    });
    void mcp.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, server, sessions };
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
    target = await plainTarget(booted.url, booted.tokens, { tenants: { alice: 'acme', carol: 'acme', bob: 'globex', dave: 'globex' } });
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

describe('the client against a server on the official SDK', () => {
  it('keeps the session, reads SSE answers and structured content, and ties each call to its exchange', async () => {
    const tokens = { alice: 'official-alice-token-0123456789abcdef', bob: 'official-bob-token-0123456789abcdefgh' };
    const official = await officialSdkServer(tokens);
    const target = await plainTarget(official.url, tokens);
    const log = logFor(target);
    try {
      const alice = await openPrincipalClient({ target, log, principal: 'alice', label: 'alice', token: tokens.alice, requestTimeoutMs: 5000 });
      const bob = await openPrincipalClient({ target, log, principal: 'bob', label: 'bob', token: tokens.bob, requestTimeoutMs: 5000 });
      expect(alice.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(bob.sessionId).not.toBe(alice.sessionId);
      expect((await alice.listTools()).map((tool) => tool.name)).toEqual(['whoami']);
      const [a, b, loud] = await Promise.all([alice.callTool('whoami', {}), bob.callTool('whoami', {}), alice.callTool('whoami', { shout: true })]);
      expect(a).toMatchObject({ kind: 'result', status: 200, data: { name: 'alice' } });
      expect(a.text).toBe('alice\n{"name":"alice"}');
      expect(b.data).toEqual({ name: 'bob' });
      expect(loud.text).toContain('ALICE');
      // Each outcome carries its own exchange, read from the SSE answer.
      for (const [outcome, who] of [[a, 'alice'], [b, 'bob'], [loud, 'alice']] as const) {
        expect(outcome.exchange?.principal).toBe(who);
        expect(outcome.exchange?.response).toMatchObject({ headers: { 'content-type': 'text/event-stream' } });
        const body = outcome.exchange !== undefined && 'body' in outcome.exchange.response ? outcome.exchange.response.body : '';
        expect(body).toContain(`"name":"${who}"`);
      }
      expect(loud.exchange?.request.body).toContain('"shout":true');
      expect(a.exchange?.request.headers['mcp-session-id']).toBe(alice.sessionId);
      // A stranger on alice's session: bob's token with alice's session id, no initialize.
      const stranger = await openPrincipalClient({ target, log, principal: 'bob', label: "bob on alice's session", token: tokens.bob, sessionId: alice.sessionId ?? '', requestTimeoutMs: 5000 });
      expect(await stranger.callTool('whoami', {})).toMatchObject({ kind: 'result', data: { name: 'alice' } });
      await stranger.close();
      await alice.terminate();
      await bob.close();
      expect(log.exchanges().some((exchange) => exchange.label === 'session delete')).toBe(true);
      expectNoToken(log.exchanges(), Object.values(tokens));
    } finally {
      await target.close();
      official.server.closeAllConnections();
      await new Promise((resolve) => official.server.close(resolve));
    }
  });
});

describe('the exchange log', () => {
  const alice = new Secret("alice's token", 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLWFsaWNlLXRva2Vu');
  const input = (over: Partial<ExchangeInput> = {}): ExchangeInput => ({
    principal: 'alice',
    label: 'tools/call x',
    request: { method: 'POST', url: 'http://127.0.0.1/mcp', headers: { authorization: `Bearer ${alice.reveal()}` }, body: '{}' },
    response: { status: 200, headers: {}, body: '' },
    durationMs: 1.4,
    ...over,
  });

  it('records credentials by label wherever they appear, and redacts runs of a token from answers', () => {
    const log = new ExchangeLog({ secrets: [alice] });
    const raws: RawExchange[] = [];
    log.onExchange((_exchange, raw) => raws.push(raw));
    const exchange = log.record(
      input({
        request: { method: 'POST', url: `http://127.0.0.1/mcp?token=${alice.reveal()}`, headers: { Authorization: `Bearer ${alice.reveal()}` }, body: `{"t":"${alice.reveal()}"}` },
        response: { status: 200, headers: { 'x-echo': alice.reveal() }, body: `half: ${alice.reveal().slice(-20)}` },
      }),
    );
    expect(exchange.seq).toBe(1);
    expect(exchange.durationMs).toBe(1);
    expect(exchange.request.headers.authorization).toBe("Bearer alice's token");
    expect(exchange.request.url).toBe("http://127.0.0.1/mcp?token=alice's token");
    expect(exchange.request.body).toBe(`{"t":"alice's token"}`);
    expect(exchange.response).toMatchObject({ headers: { 'x-echo': "alice's token" }, body: "half: <alice's token>" });
    // Listeners also get the exchange as it was, to look for reflected secrets.
    expect(raws[0]?.response).toMatchObject({ body: `half: ${alice.reveal().slice(-20)}` });
    expectNoToken(log.exchanges(), [alice.reveal()]);
  });

  it('registers a credential nobody registered under the sender, but not a short one', () => {
    const log = new ExchangeLog({ secrets: [alice] });
    const forged = log.record(input({ principal: 'forged: alg-none', request: { method: 'POST', url: 'http://127.0.0.1/mcp', headers: { authorization: 'Bearer forged-value-0123456789' }, body: '{"echo":"forged-value-0123456789"}' } }));
    expect(forged.request.headers.authorization).toBe('Bearer forged: alg-none');
    expect(forged.request.body).toBe('{"echo":"forged: alg-none"}');
    expect(log.labelOf('forged-value-0123456789')).toBe('forged: alg-none');
    const query = log.record(input({ principal: 'bob', request: { method: 'POST', url: 'http://127.0.0.1/mcp?access_token=query-token-abcdefgh', headers: {}, body: '' } }));
    expect(query.request.url).toBe("http://127.0.0.1/mcp?access_token=bob's credential");
    const short = log.record(input({ principal: 'forged: x', request: { method: 'POST', url: 'http://127.0.0.1/mcp', headers: { authorization: 'Bearer x' }, body: '{"x":1}' } }));
    expect(short.request.headers.authorization).toBe('Bearer x');
    expect(short.request.body).toBe('{"x":1}');
    // A forgery that contains a real token is recorded whole, by its own label.
    const appended = log.record(input({ principal: 'forged: appended', request: { method: 'POST', url: 'http://127.0.0.1/mcp', headers: { authorization: `Bearer ${alice.reveal()}xyz` }, body: '' } }));
    expect(appended.request.headers.authorization).toBe('Bearer forged: appended');
    log.redact(new Secret('revoked', 'revoked-token-value-1234'));
    expect(log.redactText('was revoked-token-value-1234')).toBe('was revoked');
  });

  it('keeps the last exchanges and the first 64 KiB of a body', () => {
    const log = new ExchangeLog({ limit: 10, bodyLimit: 100 });
    for (let i = 0; i < 30; i += 1) log.record(input({ response: { status: 200, headers: {}, body: 'x'.repeat(500) } }));
    expect(log.count).toBe(30);
    expect(log.exchanges().length).toBeGreaterThanOrEqual(10);
    expect(log.exchanges().length).toBeLessThanOrEqual(12);
    expect(log.exchanges().at(-1)?.seq).toBe(30);
    expect(log.get(30)?.seq).toBe(30);
    expect(log.get(1)).toBeUndefined();
    expect(log.since(28).map((exchange) => exchange.seq)).toEqual([29, 30]);
    const last = log.get(30)?.response;
    expect(last !== undefined && 'body' in last ? last.body.length : 0).toBe(100);
    expect(new ExchangeLog().record(input({ response: { status: 200, headers: {}, body: 'y'.repeat(70_000) } })).response).toMatchObject({ body: 'y'.repeat(64 * 1024) });
  });

  it('takes the cores of JWTs, PEM keys and JWKs for runs, not their public parts', () => {
    expect(secretCores(alice.reveal())).toEqual(['eyJzdWIiOiJhbGljZSJ9', 'c2lnbmF0dXJlLW9mLWFsaWNlLXRva2Vu']);
    expect(secretCores('-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\n-----END PRIVATE KEY-----\n')).toEqual(['MIGHAgEAMBMGByqGSM49AgEGCCqGSM49']);
    expect(secretCores(JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'public-x-coordinate-value', d: 'private-d-value-0123456789' }))).toEqual(['private-d-value-0123456789']);
    expect(secretCores('short')).toEqual([]);
  });
});

describe('curl quoting and variable names', () => {
  it('quotes single quotes and names variables from principal names', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(tokenEnvVar('alice')).toBe('MCIFY_TOKEN_ALICE');
    expect(tokenEnvVar('ops-bot.2')).toBe('MCIFY_TOKEN_OPS_BOT_2');
  });

  it('braces a variable a name character follows', () => {
    const exchange: Exchange = {
      seq: 1,
      principal: 'bob',
      label: 'x',
      request: { method: 'POST', url: 'http://127.0.0.1:1/mcp', headers: { authorization: "Bearer bob's tokenxyz" }, body: '{}' },
      response: { status: 401, headers: {}, body: '' },
      durationMs: 1,
    };
    const line = curlFor(exchange, { principals: [{ name: 'bob', tenant: 'g', scopes: undefined, token: new Secret("bob's token", 'x'.repeat(20)), claims: undefined, identity: [] }], credentialHeader: { name: 'authorization', prefix: 'Bearer ' } });
    expect(line).toContain('-H "Authorization: Bearer ${MCIFY_TOKEN_BOB}xyz"');
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

interface Fake {
  url: string;
  server: Server;
  /** Methods of the POSTed messages, in order. */
  requests: string[];
  /** Raw header lists of every request. */
  headers: string[][];
}

/** A loopback JSON-RPC server: `handle` answers what it wants (returns true), the rest gets empty results; GET is 405 unless `get` answers. */
function fakeMcp(handle: (message: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => boolean, get?: (req: IncomingMessage, res: ServerResponse) => void): Promise<Fake> {
  const requests: string[] = [];
  const headers: string[][] = [];
  const server = createServer((req, res) => {
    headers.push(req.rawHeaders);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method !== 'POST') {
        if (get !== undefined && req.method === 'GET') get(req, res);
        else res.writeHead(405).end();
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
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, server, requests, headers });
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
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  const ALICE_FAKE = 'alice-token-aaaaaaaaaaaaaaaaaaaa';

  it('reuses a session without initialize, and sends its id on every request', async () => {
    const fake = await fakeMcp((message, _req, res) => {
      if (message.method === 'initialize') {
        res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'sess-0001' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'fake', version: '1' } } }));
        return true;
      }
      return false;
    });
    servers.push(fake.server);
    const target = await plainTarget(fake.url, { alice: ALICE_FAKE, bob: 'bob-token-bbbbbbbbbbbbbbbbbbbbbb' });
    const log = logFor(target);
    const alice = await openPrincipalClient({ target, log, principal: 'alice', label: 'alice', token: ALICE_FAKE, requestTimeoutMs: 5000 });
    expect(alice.sessionId).toBe('sess-0001');
    expect(alice.protocolVersion).toBe('2025-06-18');
    await alice.callTool('x', {});
    await alice.close();
    const initializes = fake.requests.filter((method) => method === 'initialize').length;

    // Bob on alice's session: no initialize, the session header on the call.
    const bob = await openPrincipalClient({ target, log, principal: 'bob', label: "bob with alice's session", token: 'bob-token-bbbbbbbbbbbbbbbbbbbbbb', sessionId: 'sess-0001', requestTimeoutMs: 5000 });
    expect(bob.principal).toBe("bob with alice's session");
    const outcome = await bob.callTool('x', { a: 1 });
    await bob.close();
    expect(fake.requests.filter((method) => method === 'initialize')).toHaveLength(initializes);
    expect(outcome.kind).toBe('result');
    expect(outcome.exchange?.request.headers['mcp-session-id']).toBe('sess-0001');
    expect(outcome.exchange?.request.headers.authorization).toBe("Bearer bob's token");
    const exchange = outcome.exchange;
    expect(exchange).toBeDefined();
    if (exchange !== undefined) expect(curlFor(exchange, target)).toContain(`-H 'mcp-session-id: sess-0001'`);
    await target.close();
  });

  it('answers a timeout and a reset connection as transport errors, without waiting for their records', async () => {
    const fake = await fakeMcp((message, req, res) => {
      const name = (message.params as { name?: string } | undefined)?.name;
      if (name === 'hang') return true;
      if (name === 'reset') {
        req.socket.destroy();
        return true;
      }
      if (name === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc": nope');
        return true;
      }
      return false;
    });
    servers.push(fake.server);
    const target = await plainTarget(fake.url, { alice: ALICE_FAKE });
    const log = logFor(target);
    const alice = await openPrincipalClient({ target, log, principal: 'alice', label: 'alice', token: ALICE_FAKE, requestTimeoutMs: 300 });
    const started = Date.now();
    const hung = await alice.callTool('hang', {});
    expect(Date.now() - started).toBeLessThan(1500);
    expect(hung).toMatchObject({ kind: 'transport-error', exchange: undefined });
    expect(hung.text).toMatch(/timed out/i);
    const reset = await alice.callTool('reset', {});
    expect(reset.kind).toBe('transport-error');
    expect(reset.exchange !== undefined && 'error' in reset.exchange.response).toBe(true);
    const garbage = await alice.callTool('garbage', {});
    expect(garbage.kind).toBe('transport-error');
    expect(garbage.status).toBe(200);
    await alice.close();
    await target.close();
  });

  it('surfaces a refused connection as a transport ConnectError', async () => {
    const fake = await fakeMcp((message, req) => {
      if (message.method === 'initialize') {
        req.socket.destroy();
        return true;
      }
      return false;
    });
    servers.push(fake.server);
    const target = await plainTarget(fake.url, { alice: ALICE_FAKE });
    const log = logFor(target);
    const error = await openPrincipalClient({ target, log, principal: 'alice', label: 'alice', token: ALICE_FAKE, requestTimeoutMs: 2000 }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).kind).toBe('transport');
    expect((error as ConnectError).status).toBeUndefined();
    await target.close();
  });

  it('sends repeated header names as separate lines', async () => {
    const fake = await fakeMcp(() => false);
    servers.push(fake.server);
    const target = await plainTarget(fake.url, { alice: ALICE_FAKE });
    const log = logFor(target);
    await sendRaw(
      target,
      log,
      { principal: 'forged: two-headers', label: 'two authorization lines', headers: {}, body: rpcBody('tools/list', {}, 1) },
      { headerList: [['content-type', 'application/json'], ['authorization', `Bearer ${ALICE_FAKE}`], ['Authorization', 'Bearer second-credential-0123456789']] },
    );
    const lines = fake.headers.at(-1) ?? [];
    const values = lines.filter((_value, index) => index % 2 === 1 && (lines[index - 1] ?? '').toLowerCase() === 'authorization');
    expect(values).toEqual([`Bearer ${ALICE_FAKE}`, 'Bearer second-credential-0123456789']);
    // Through fetch, the same list would be one joined line: that is why such requests bypass it.
    await sendRaw(target, log, { principal: 'alice', label: 'one line', headers: { authorization: `Bearer ${ALICE_FAKE}` }, body: rpcBody('tools/list', {}, 2) }, { headerList: [['authorization', `Bearer ${ALICE_FAKE}`]] });
    const single = fake.headers.at(-1) ?? [];
    expect(single.filter((name) => name.toLowerCase() === 'authorization')).toHaveLength(1);
    expect(log.exchanges().map((exchange) => exchange.request.headers.authorization)).toEqual(["Bearer alice's token, Bearer forged: two-headers", "Bearer alice's token"]);
    await target.close();
  });

  it('does not block on a long-lived GET event stream, and records it when it ends', async () => {
    let stream: ServerResponse | undefined;
    const fake = await fakeMcp(
      () => false,
      (_req, res) => {
        stream = res;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'hello' } })}\n\n`);
      },
    );
    servers.push(fake.server);
    const target = await plainTarget(fake.url, { alice: ALICE_FAKE });
    const log = logFor(target);
    const alice = await openPrincipalClient({ target, log, principal: 'alice', label: 'alice', token: ALICE_FAKE, requestTimeoutMs: 5000 });
    const outcome = await alice.callTool('x', {});
    expect(outcome.kind).toBe('result');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stream).toBeDefined();
    expect(log.exchanges().some((exchange) => exchange.label === 'sse stream')).toBe(false);
    await alice.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const recorded = log.exchanges().find((exchange) => exchange.label === 'sse stream');
    expect(recorded !== undefined && 'body' in recorded.response ? recorded.response.body : '').toContain('hello');
    await target.close();
  });

  it('reads a held-open event stream of a raw GET for a moment, then closes it and records what arrived', async () => {
    const fake = await fakeMcp(
      () => false,
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{"data":"first"}}\n\n');
      },
    );
    servers.push(fake.server);
    const target = await plainTarget(fake.url, { alice: ALICE_FAKE });
    const log = logFor(target);
    const started = Date.now();
    const exchange = await sendRaw(target, log, { principal: 'bob', label: "sessions: GET alice's stream as bob", method: 'GET', headers: { accept: 'text/event-stream', 'mcp-session-id': 'sess-x' } }, { streamMs: 300 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(exchange.label).toBe("sessions: GET alice's stream as bob");
    expect(exchange.response).toMatchObject({ status: 200 });
    expect('body' in exchange.response ? exchange.response.body : '').toContain('first');
    await target.close();
  });

  it('sends any JSON-RPC request with rpc()', async () => {
    const fake = await fakeMcp((message, _req, res) => {
      if (message.method === 'ping') {
        answer(res, message.id, { pong: true });
        return true;
      }
      if (message.method === 'resources/list') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'Method not found' } }));
        return true;
      }
      return false;
    });
    servers.push(fake.server);
    const target = await plainTarget(fake.url, { alice: ALICE_FAKE });
    const log = logFor(target);
    const alice = await openPrincipalClient({ target, log, principal: 'alice', label: 'alice', token: ALICE_FAKE, requestTimeoutMs: 5000 });
    expect(await alice.rpc('ping')).toMatchObject({ kind: 'result', data: { pong: true }, status: 200 });
    expect(await alice.rpc('resources/list', {})).toMatchObject({ kind: 'rpc-error', code: -32601 });
    await alice.close();
    await target.close();
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
    const target = await plainTarget(fake.url, { alice: 'alice-token-aaaaaaaaaaaaaaaaaaaa' });
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
    const target = await plainTarget(fake.url, { alice: 'alice-token-aaaaaaaaaaaaaaaaaaaa' });
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

  it('backs off a 429 without Retry-After, and gives up after 3 retries', async () => {
    let limited = 0;
    const fake = await fakeMcp((message, _req, res) => {
      if (message.method !== 'tools/call') return false;
      const name = (message.params as { name?: string } | undefined)?.name;
      if (name === 'always' || limited < 1) {
        limited += 1;
        res.writeHead(429, name === 'always' ? { 'retry-after': '0' } : {}).end();
        return true;
      }
      answer(res, message.id, { content: [{ type: 'text', text: 'fine' }] });
      return true;
    });
    servers.push(fake.server);
    const target = await plainTarget(fake.url, { alice: ALICE_FAKE });
    const log = logFor(target);
    const gate = new RateGate();
    const client = await openPrincipalClient({ target, log, principal: 'alice', label: 'alice', token: ALICE_FAKE, requestTimeoutMs: 5000, gate, deadline: { remainingMs: () => 30_000 } });
    const started = Date.now();
    expect((await client.callTool('once', {})).kind).toBe('result');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const always = await client.callTool('always', {});
    expect(always).toMatchObject({ kind: 'http-error', status: 429 });
    expect(log.exchanges().filter((exchange) => exchange.label === 'tools/call always')).toHaveLength(4);
    expect(gate.counters).toMatchObject({ rateLimited: 5, retries: 4 });
    await client.close();
    await target.close();
  });

  it('does not wait past the deadline: a Retry-After longer than the budget returns the 429', async () => {
    const fake = await fakeMcp((message, _req, res) => {
      if (message.method !== 'tools/call') return false;
      res.writeHead(429, { 'retry-after': '120' }).end();
      return true;
    });
    servers.push(fake.server);
    const target = await plainTarget(fake.url, { alice: 'alice-token-aaaaaaaaaaaaaaaaaaaa' });
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
