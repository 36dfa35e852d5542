/**
 * Logging: credentials never reach a log record or a response, whatever a handler logs; the logger
 * redacts secret-named fields, honours its level and carries child bindings.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bearer, createLogger, defineConfig, defineTool, hash, type LogRecord, type McifyConfig } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { serveNode, type RunningServer } from '@mcify/runtime';

const GOOD = randomBytes(32).toString('base64url');
const BAD = randomBytes(32).toString('base64url');
/** A token whose lookup fails with an error that quotes it, as careless session stores do. */
const QUOTED_BY_VERIFY = randomBytes(32).toString('base64url');
const PROTOCOL_VERSION = '2025-06-18';

const whoami = defineTool({
  name: 'whoami',
  input: z.object({}),
  handler: (_input, ctx) => {
    const token = ctx.auth.type === 'bearer' ? ctx.auth.token : '';
    ctx.logger.info('x', {
      token: ctx.auth.type === 'bearer' ? ctx.auth.token : '',
      note: 'token is ' + token,
      headers: { Authorization: 'Bearer ' + token },
    });
    ctx.logger.debug('whoami_debug', { message: `debug line with ${token}`, list: [token, { deeper: token }] });
    ctx.logger.warn(`event_named_${token}`);
    return `hello ${String(ctx.auth.claims.sub)}`;
  },
});

const failing = defineTool({
  name: 'failing',
  input: z.object({}),
  handler: (_input, ctx) => {
    const token = ctx.auth.type === 'bearer' ? ctx.auth.token : '';
    throw new Error(`upstream refused the token ${token}`);
  },
});

const hashes = defineTool({
  name: 'hashes',
  input: z.object({ values: z.array(z.string()) }),
  output: z.object({ hashes: z.array(z.string()) }),
  handler: ({ values }, ctx) => ({ hashes: values.map((value) => ctx.logger.hash(value)) }),
});

const gated = defineTool({
  name: 'gated',
  input: z.object({}),
  middlewares: [
    requireAuth({
      check: (auth) => {
        throw new Error(`permission service rejected ${auth.type === 'bearer' ? auth.token : ''}`);
      },
    }),
  ],
  handler: () => 'never',
});

function makeConfig(): McifyConfig {
  return defineConfig({
    name: 'logging',
    version: '1.0.0',
    auth: bearer({
      verify: (token) => {
        if (token === QUOTED_BY_VERIFY) throw new Error(`no session for ${token}`);
        return token === GOOD ? { sub: 'alice', tenantId: 'acme' } : false;
      },
    }),
    tools: [whoami, failing, hashes, gated],
  });
}

const records: LogRecord[] = [];
/** Every response body and header the tests received. */
const responses: string[] = [];
let server: RunningServer;

beforeAll(async () => {
  server = await serveNode(makeConfig(), {
    port: 0,
    logging: {
      sink: (record) => {
        records.push(record);
      },
      level: 'debug',
    },
  });
});

afterAll(async () => {
  await server.close();
});

const toolResultBody = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string(), z.number()]),
  result: z.object({
    isError: z.boolean().optional(),
    content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
    structuredContent: z.unknown().optional(),
  }),
});

const hashesResult = z.object({ hashes: z.array(z.string()) });

let nextId = 1;
async function callTool(name: string, args: Record<string, unknown>, token: string): Promise<{ status: number; text: string }> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': PROTOCOL_VERSION,
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name, arguments: args } }),
  });
  const text = await response.text();
  responses.push(JSON.stringify([...response.headers]), text);
  return { status: response.status, text };
}

function parseJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  return value;
}

function resultText(text: string): string {
  return toolResultBody
    .parse(parseJson(text))
    .result.content.map((block) => block.text ?? '')
    .join('\n');
}

function expectNoToken(haystack: string, ...tokens: string[]): void {
  for (const token of tokens) expect(haystack).not.toContain(token);
}

describe('tokens never reach logs or responses', () => {
  it('scrubs the token from everything a handler logs, from failures and from 401s', async () => {
    const ok = await callTool('whoami', {}, GOOD);
    expect(ok.status).toBe(200);
    expect(resultText(ok.text)).toBe('hello alice');

    const failed = await callTool('failing', {}, GOOD);
    expect(failed.status).toBe(200);
    expect(toolResultBody.parse(parseJson(failed.text)).result.isError).toBe(true);
    expect(resultText(failed.text)).toMatch(/failed unexpectedly \(reference [0-9a-f-]{36}\)/);

    const refused = await callTool('whoami', {}, BAD);
    expect(refused.status).toBe(401);

    const logged = JSON.stringify(records);
    expectNoToken(logged, GOOD, BAD);
    for (const response of responses) expectNoToken(response, GOOD, BAD);

    expect(logged).toContain('[redacted]');
    const events = records.map((record) => record.event);
    expect(events).toContain('x');
    expect(events).toContain('whoami_debug');
    expect(events).toContain('tool_failed');
    expect(events).toContain('event_named_[redacted]');

    const x = records.find((record) => record.event === 'x');
    expect(x).toMatchObject({
      level: 'info',
      token: '[redacted]',
      note: 'token is [redacted]',
      headers: { Authorization: '[redacted]' },
    });
    expect(typeof x?.requestId).toBe('string');

    const failure = records.find((record) => record.event === 'tool_failed');
    expect(failure).toMatchObject({ level: 'error', tool: 'failing', error: { name: 'Error', message: 'upstream refused the token [redacted]' } });
    // The stack is logged for operators, scrubbed like everything else.
    expect(String(failure?.stack)).toContain('upstream refused the token [redacted]');
  });

  it('does not log the presented token when verify throws an error quoting it', async () => {
    const before = records.length;
    const answer = await callTool('whoami', {}, QUOTED_BY_VERIFY);
    expect(answer.status).toBe(401);
    expectNoToken(answer.text, QUOTED_BY_VERIFY);
    const logged = records.slice(before);
    expect(logged.map((record) => record.event)).toContain('auth_verify_threw');
    expectNoToken(JSON.stringify(logged), QUOTED_BY_VERIFY);
  });

  it('does not log the token when a requireAuth() check throws an error quoting it', async () => {
    const before = records.length;
    const answer = await callTool('gated', {}, GOOD);
    expect(answer.status).toBe(403);
    expectNoToken(answer.text, GOOD);
    const logged = records.slice(before);
    expect(logged.map((record) => record.event)).toContain('auth_check_threw');
    expectNoToken(JSON.stringify(logged), GOOD);
  });
});

describe('ctx.logger.hash', () => {
  it('is stable, 16 hex digits, differs between inputs and is not the input', async () => {
    const values = ['alice', 'alice', 'bob', 'acme:alice', ''];
    const first = await callTool('hashes', { values }, GOOD);
    const second = await callTool('hashes', { values }, GOOD);
    const one = hashesResult.parse(toolResultBody.parse(parseJson(first.text)).result.structuredContent).hashes;
    const two = hashesResult.parse(toolResultBody.parse(parseJson(second.text)).result.structuredContent).hashes;
    expect(one).toHaveLength(values.length);
    // Stable within a request, across requests, and equal to the exported `hash` (so across processes).
    expect(two).toEqual(one);
    expect(one).toEqual(values.map((value) => hash(value)));
    expect(one[0]).toBe(one[1]);
    for (const [index, digest] of one.entries()) {
      expect(digest).toMatch(/^[0-9a-f]{16}$/);
      expect(digest).not.toBe(values[index]);
    }
    expect(new Set(one.filter((_, index) => index !== 1)).size).toBe(values.length - 1);
    expect(hash(GOOD)).not.toContain(GOOD.slice(0, 8));
  });
});

describe('createLogger', () => {
  let captured: LogRecord[] = [];
  const sink = (record: LogRecord): void => {
    captured.push(record);
  };
  beforeEach(() => {
    captured = [];
  });

  it('redacts secret-named fields at any depth, case- and separator-insensitively, and keeps the others', () => {
    const logger = createLogger({ sink });
    logger.info('login', {
      user: 'bob',
      tokenCount: 3,
      password: 'p@ss',
      nested: {
        apiKey: 'k-123',
        client_secret: 's-456',
        headers: { 'Set-Cookie': 'sid=1', Authorization: 'Bearer abc', 'X-API-KEY': 'k-789', accept: 'text/html' },
        list: [{ accessToken: 't-1', refresh_tokens: ['t-2'], id: 7 }],
        credentials: { user: 'u', pass: 'p' },
        privateKey: '-----BEGIN',
        SESSION_ID: 'sess',
        passwd: 'pw',
      },
    });
    expect(captured).toHaveLength(1);
    expect(captured[0]).toMatchObject({
      level: 'info',
      event: 'login',
      user: 'bob',
      tokenCount: 3,
      password: '[redacted]',
      nested: {
        apiKey: '[redacted]',
        client_secret: '[redacted]',
        headers: { 'Set-Cookie': '[redacted]', Authorization: '[redacted]', 'X-API-KEY': '[redacted]', accept: 'text/html' },
        list: [{ accessToken: '[redacted]', refresh_tokens: '[redacted]', id: 7 }],
        credentials: '[redacted]',
        privateKey: '[redacted]',
        SESSION_ID: '[redacted]',
        passwd: '[redacted]',
      },
    });
    const text = JSON.stringify(captured);
    for (const secret of ['p@ss', 'k-123', 's-456', 'sid=1', 'Bearer abc', 'k-789', 't-1', 't-2', '-----BEGIN', 'sess', '"pw"']) {
      expect(text).not.toContain(secret);
    }
  });

  it('gives each record an ISO time, its level and its event, which fields cannot override', () => {
    createLogger({ sink }).warn('real_event', { level: 'debug', event: 'spoofed', time: 'yesterday' });
    const record = captured[0];
    expect(record?.event).toBe('real_event');
    expect(record?.level).toBe('warn');
    expect(record?.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('replaces literal secrets wherever they appear: strings, nested values, error messages and the event', () => {
    const secret = randomBytes(16).toString('hex');
    const logger = createLogger({ sink, secrets: [secret] });
    logger.error(`failed_${secret}`, {
      detail: `got ${secret} back`,
      nested: { list: [`a${secret}b`] },
      error: new Error(`bad ${secret}`),
    });
    expect(JSON.stringify(captured)).not.toContain(secret);
    expect(captured[0]).toMatchObject({
      event: 'failed_[redacted]',
      detail: 'got [redacted] back',
      nested: { list: ['a[redacted]b'] },
      error: { name: 'Error', message: 'bad [redacted]' },
    });
  });

  it('replaces literal secrets in object keys too', () => {
    const secret = randomBytes(16).toString('hex');
    createLogger({ sink, secrets: [secret] }).info('cache_state', { cache: { [secret]: 'alice' } });
    expect(JSON.stringify(captured)).not.toContain(secret);
  });

  it('writes only records at or above its level (default info)', () => {
    const byDefault = createLogger({ sink });
    byDefault.debug('d');
    byDefault.info('i');
    byDefault.warn('w');
    byDefault.error('e');
    expect(captured.map((record) => record.event)).toEqual(['i', 'w', 'e']);

    captured = [];
    const warnOnly = createLogger({ sink, level: 'warn' });
    warnOnly.debug('d');
    warnOnly.info('i');
    warnOnly.warn('w');
    warnOnly.error('e');
    expect(captured.map((record) => `${record.level}:${record.event}`)).toEqual(['warn:w', 'error:e']);

    captured = [];
    const everything = createLogger({ sink, level: 'debug' });
    everything.debug('d');
    everything.child({ a: 1 }).debug('child_d');
    expect(captured.map((record) => record.event)).toEqual(['d', 'child_d']);

    captured = [];
    createLogger({ sink, level: 'error' }).child({ a: 1 }).warn('w');
    expect(captured).toEqual([]);
  });

  it('puts child() bindings in every record, nested children adding to them, bindings scrubbed too', () => {
    const root = createLogger({ sink });
    const tenant = root.child({ tenantId: 'acme', apiKey: 'k-secret' });
    const request = tenant.child({ requestId: 'r-1' });
    request.info('first', { n: 1 });
    tenant.info('second');
    root.info('third');
    expect(captured[0]).toMatchObject({ event: 'first', tenantId: 'acme', requestId: 'r-1', n: 1, apiKey: '[redacted]' });
    expect(captured[1]).toMatchObject({ event: 'second', tenantId: 'acme', apiKey: '[redacted]' });
    expect(captured[1]).not.toHaveProperty('requestId');
    expect(captured[2]).not.toHaveProperty('tenantId');
    expect(JSON.stringify(captured)).not.toContain('k-secret');
  });

  it('exposes the same hash as the exported one', () => {
    const logger = createLogger({ sink });
    expect(logger.hash('alice')).toBe(hash('alice'));
    expect(logger.child({ a: 1 }).hash('alice')).toBe(hash('alice'));
    expect(logger.hash('alice')).toMatch(/^[0-9a-f]{16}$/);
  });
});
