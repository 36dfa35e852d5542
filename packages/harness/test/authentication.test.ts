/** The authentication property against the fixtures: the planted token-lifetime flaw is found, the correct servers pass, in-process and black-box. */
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ordersConfig, { mcifyAudit as ordersHook } from '../../../fixtures/servers/orders/mcify.config.js';
import ledgerConfig, { mcifyAudit as ledgerHook } from '../../../fixtures/servers/ledger-sessions/mcify.config.js';
import { harvestAll } from '../src/engine/harvest.js';
import { runFuzz } from '../src/engine/run-fuzz.js';
import type { Exchange } from '../src/engine/types.js';
import { createAuthenticationProperty, judge } from '../src/properties/authentication.js';
import type { Expectation } from '../src/properties/token-catalogue.js';
import { blackBoxTarget } from '../src/target/black-box.js';
import { bootConfig } from '../src/target/boot-config.js';
import { inProcessTarget } from '../src/target/in-process.js';
import { parseTokenSpec } from '../src/target/token-spec.js';
import { bootTarget, runProperty, type TestRun } from './auth-support.js';

describe('authentication on orders', () => {
  let run: TestRun;
  beforeAll(async () => {
    run = await bootTarget(ordersConfig, ordersHook);
  }, 30_000);
  afterAll(async () => {
    await run.close();
  });

  it('finds nothing: every forged credential gets 401 Bearer with resource_metadata', async () => {
    const ctx = run.context();
    const cells = await runProperty(createAuthenticationProperty(), ctx);
    expect(ctx.findings).toEqual([]);
    expect(cells.every((cell) => cell.status === 'held')).toBe(true);
    // Every catalogue class up to 19 that applies in-process was sent; 19 (no revoked token) is listed as not tested.
    expect(ctx.notes.filter((note) => note.code === 'not-tested').map((note) => note.message)).toEqual([expect.stringContaining('class 19')]);
    const classes = new Set(ctx.exchanges.flatMap((exchange) => /^auth (\d+) /.exec(exchange.label)?.[1] ?? []));
    expect([...classes].map(Number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
  }, 60_000);
});

describe('authentication on ledger-sessions (opaque bearer tokens)', () => {
  let run: TestRun;
  beforeAll(async () => {
    run = await bootTarget(ledgerConfig, ledgerHook);
  }, 30_000);
  afterAll(async () => {
    await run.close();
  });

  it('finds nothing, replays the revoked session, and lists the JWT classes as not tested with the reason', async () => {
    const ctx = run.context();
    const cells = await runProperty(createAuthenticationProperty(), ctx);
    expect(ctx.findings).toEqual([]);
    expect(cells.every((cell) => cell.status === 'held')).toBe(true);
    const notTested = ctx.notes.filter((note) => note.code === 'not-tested').map((note) => note.message);
    expect(notTested).toHaveLength(15);
    expect(notTested.every((message) => message.includes('opaque'))).toBe(true);
    expect(ctx.exchanges.some((exchange) => exchange.label.startsWith('auth 19 revoked alice'))).toBe(true);
  }, 60_000);
});

describe('judge: the answer a forged credential owes', () => {
  const exchange = (status: number, headers: Record<string, string> = {}, body = '{}'): Exchange => ({
    seq: 1,
    principal: 'forged: x',
    label: 'auth 4 x initialize',
    request: { method: 'POST', url: 'http://127.0.0.1/mcp', headers: {}, body: '' },
    response: { status, headers, body },
    durationMs: 1,
  });
  const expect401: Expectation = { statuses: [401], challengeScheme: 'Bearer', resourceMetadata: true };
  const entry = (expectation: Expectation = expect401) => ({ variant: { number: 4, label: 'alg-none none', expect: expectation }, method: 'initialize' as const });
  const good = { 'www-authenticate': 'Bearer resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource/mcp", error="invalid_token"' };

  it('accepts 401 with the scheme and resource_metadata, and says nothing on a rate limit or no answer', () => {
    expect(judge(exchange(401, good), entry())).toBeUndefined();
    expect(judge(exchange(401, { 'www-authenticate': 'bearer realm="x"' }), entry({ ...expect401, resourceMetadata: false }))).toBeUndefined();
    expect(judge(exchange(429), entry())).toBeUndefined();
    expect(judge({ ...exchange(401), response: { error: 'timeout' } }, entry())).toBeUndefined();
    expect(judge(exchange(413), entry({ ...expect401, statuses: [401, 400, 413, 431] }))).toBeUndefined();
  });

  it('flags a 2xx as forged-token-accepted, and says when the tool ran', () => {
    expect(judge(exchange(200), entry())?.ruleId).toBe('harness/forged-token-accepted');
    const ran = judge(exchange(200, {}, '{"jsonrpc":"2.0","id":1,"result":{"content":[]}}'), { ...entry(), method: 'tools/call' });
    expect(ran?.summary).toContain('the tool ran');
    expect(judge(exchange(401, good), entry(), 'the server fetched the jku URL')?.messageId).toBe('key-url-fetched');
  });

  it('flags statuses the catalogue does not allow as wrong-status', () => {
    expect(judge(exchange(500), entry())?.ruleId).toBe('harness/wrong-status');
    expect(judge(exchange(400), entry())?.ruleId).toBe('harness/wrong-status');
    expect(judge(exchange(403), entry())?.ruleId).toBe('harness/wrong-status');
    expect(judge(exchange(403), entry({ ...expect401, statuses: [401, 403] }))).toBeUndefined();
  });

  it('flags a 401 without the challenge scheme, or without resource_metadata where metadata is published', () => {
    expect(judge(exchange(401), entry())?.messageId).toBe('missing-www-authenticate');
    expect(judge(exchange(401, { 'www-authenticate': 'Basic realm="x"' }), entry())?.ruleId).toBe('harness/missing-www-authenticate');
    expect(judge(exchange(401, { 'www-authenticate': 'Bearer error="invalid_token"' }), entry())?.messageId).toBe('missing-resource-metadata');
    expect(judge(exchange(401, { 'www-authenticate': 'ApiKey realm="mcp"' }), entry({ statuses: [401], challengeScheme: 'ApiKey', resourceMetadata: false }))).toBeUndefined();
    expect(judge(exchange(401, { 'www-authenticate': 'Bearer' }), entry({ statuses: [401], challengeScheme: 'ApiKey', resourceMetadata: false }))?.ruleId).toBe('harness/missing-www-authenticate');
  });
});

describe('authentication through runFuzz (the real client, harvest and context)', () => {
  const engine = () => ({ properties: [createAuthenticationProperty()], harvest: (ctx: Parameters<typeof harvestAll>[0]) => harvestAll(ctx) });

  it('in-process orders-vulnerable: forged-token-accepted with tool null, and the forged calls that ran are listed as writes', async () => {
    const target = await inProcessTarget(fileURLToPath(new URL('../../../fixtures/servers/orders-vulnerable/mcify.config.ts', import.meta.url)), { source: false });
    try {
      // Three tools are enough to show the aggregation over tools (and keep the run short).
      const excludeTools = ['orders_list', 'orders_get', 'orders_cancel', 'orders_refund', 'orders_export', 'orders_summary', 'integrations_connect'];
      const result = await runFuzz(target, { runs: 10, seed: 11, timeoutMs: 60_000, excludeTools }, { engine: engine() });
      expect(result.findings.map((finding) => [finding.ruleId, finding.tool])).toEqual([['harness/forged-token-accepted', null]]);
      const [finding] = result.findings;
      expect(finding?.principal).toMatch(/^forged: (expired|nbf|iat) 75s/);
      expect(finding?.victim).toBe(target.principals[0]?.name);
      expect(finding?.confidence).toBe('high');
      expect(finding?.reproduce.path).toMatch(/^authentication\/\*:\d+$/);
      expect(finding?.reproduce.curl).toContain('$MCIFY_FORGED_TOKEN');
      const authCells = result.cells.filter((cell) => cell.property === 'authentication');
      expect(authCells.map((cell) => cell.tool)).toEqual([null, 'profile_get', 'orders_create', 'integrations_list']);
      expect(authCells.every((cell) => cell.status === 'failed')).toBe(true);
      // The expired token ran the write tools (orders_create at least): each such call is listed.
      expect(result.writes.some((write) => write.principal.startsWith('forged: ') && write.tool === 'orders_create')).toBe(true);
      const text = JSON.stringify(result);
      for (const principal of target.principals) expect(text).not.toContain(principal.token?.reveal());
      // --seed N --path P sends exactly that case again, and reports the same finding.
      const replayed = await runFuzz(target, { seed: 11, replay: finding?.reproduce.path ?? '', timeoutMs: 30_000, excludeTools }, { engine: engine() });
      expect(replayed.findings.map((again) => [again.ruleId, again.tool, again.principal, again.reproduce.path])).toEqual([[finding?.ruleId, null, finding?.principal, finding?.reproduce.path]]);
      expect(replayed.cells.filter((cell) => cell.property === 'authentication').map((cell) => [cell.tool, cell.status])).toEqual([[null, 'failed']]);
    } finally {
      await target.close();
    }
  }, 30_000);

  it('black-box orders: nothing, and the classes needing the trusted key are listed as not tested', async () => {
    const booted = await bootConfig(ordersConfig, ordersHook, { logging: { sink: () => undefined } });
    try {
      const tokens = Object.entries(booted.principals).map(([name, principal]) => parseTokenSpec(`${name}@${principal.tenant}=${booted.tokens[name] ?? ''}`));
      const target = await blackBoxTarget({ url: booted.url, tokens });
      const result = await runFuzz(target, { runs: 10, seed: 11, timeoutMs: 60_000 }, { engine: engine() });
      await target.close();
      expect(result.findings).toEqual([]);
      const authCells = result.cells.filter((cell) => cell.property === 'authentication');
      expect(authCells.find((cell) => cell.tool === null)?.status).toBe('held');
      // No tool of orders is annotated read-only, so black-box without --allow-writes calls none of them.
      expect(authCells.filter((cell) => cell.tool !== null).every((cell) => cell.status === 'not-applicable')).toBe(true);
      const notTested = result.notes.filter((note) => note.code === 'not-tested').map((note) => /class (\d+)/.exec(note.message)?.[1]);
      expect(notTested).toEqual(['7', '9', '14', '15', '16', '17', '19']);
    } finally {
      await booted.close();
    }
  }, 30_000);
});

/**
 * A stateless server on the official SDK that answers refused credentials with a bare 401 (no
 * `WWW-Authenticate`) and crashes (500) on a credential longer than 4 KiB.
 */
async function bareChallengeServer(tokens: Readonly<Record<string, string>>, open?: string): Promise<{ url: string; close(): Promise<void> }> {
  const valid = new Set(Object.values(tokens));
  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      // `open`: a call of that tool is served whatever the credential (the check was forgotten there).
      const body = Buffer.concat(chunks).toString('utf8');
      const unchecked = open !== undefined && body.includes('"tools/call"') && body.includes(`"name":"${open}"`);
      if (!unchecked && (token === undefined || !valid.has(token))) {
        res.writeHead(token !== undefined && token.length > 4096 ? 500 : 401, { 'content-type': 'application/json' });
        res.end('{"jsonrpc":"2.0","error":{"code":-32001,"message":"Unauthorized"},"id":null}');
        return;
      }
      const mcp = new McpServer({ name: 'bare', version: '1.0.0' });
      mcp.registerTool('status_get', { description: 'The service status.', annotations: { readOnlyHint: true } }, () => ({ content: [{ type: 'text', text: '{"status":"ok"}' }] }));
      mcp.registerTool('public_info', { description: 'What the service is.', annotations: { readOnlyHint: true } }, () => ({ content: [{ type: 'text', text: '{"name":"bare"}' }] }));
      const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
      await mcp.connect(transport);
      await transport.handleRequest(req, res, JSON.parse(body) as unknown);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

describe('authentication on a server with a bare 401 and a crash on long credentials (black-box)', () => {
  const tokens = { alice: 'tok-alice-5e1c0b8a9d2f4763', bob: 'tok-bob-8a0f3d6c1e7b2954' };
  let server: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    server = await bareChallengeServer(tokens);
  });
  afterAll(async () => {
    await server.close();
  });

  it('reports missing-www-authenticate and wrong-status once each, with tool null, as they hold on every cell', async () => {
    const target = await blackBoxTarget({ url: server.url, tokens: [parseTokenSpec(`alice@acme=${tokens.alice}`), parseTokenSpec(`bob@globex=${tokens.bob}`)] });
    try {
      const result = await runFuzz(target, { runs: 10, seed: 4, timeoutMs: 30_000 }, { engine: { properties: [createAuthenticationProperty()], harvest: (ctx) => harvestAll(ctx) } });
      expect(result.findings.map((finding) => [finding.ruleId, finding.tool, finding.principal])).toEqual([
        ['harness/missing-www-authenticate', null, 'forged: no-credential'],
        ['harness/wrong-status', null, 'forged: oversized-12KiB'],
      ]);
      expect(result.findings.map((finding) => finding.severity)).toEqual(['warning', 'warning']);
      expect(result.cells.filter((cell) => cell.property === 'authentication').map((cell) => [cell.tool, cell.status])).toEqual([
        [null, 'failed'],
        ['status_get', 'failed'],
        ['public_info', 'failed'],
      ]);
    } finally {
      await target.close();
    }
  }, 30_000);
});

describe('authentication on the same server with one tool that skips the check (black-box)', () => {
  const tokens = { alice: 'tok-alice-5e1c0b8a9d2f4763', bob: 'tok-bob-8a0f3d6c1e7b2954' };
  let server: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    server = await bareChallengeServer(tokens, 'public_info');
  });
  afterAll(async () => {
    await server.close();
  });

  it('reports per tool when tools differ: forged-token-accepted on public_info only, the challenge findings where they hold', async () => {
    const target = await blackBoxTarget({ url: server.url, tokens: [parseTokenSpec(`alice@acme=${tokens.alice}`), parseTokenSpec(`bob@globex=${tokens.bob}`)] });
    try {
      const result = await runFuzz(target, { runs: 10, seed: 4, timeoutMs: 30_000 }, { engine: { properties: [createAuthenticationProperty()], harvest: (ctx) => harvestAll(ctx) } });
      expect(result.findings.map((finding) => [finding.ruleId, finding.tool])).toEqual([
        ['harness/forged-token-accepted', 'public_info'],
        ['harness/missing-www-authenticate', null],
        ['harness/missing-www-authenticate', 'status_get'],
        ['harness/wrong-status', null],
        ['harness/wrong-status', 'status_get'],
      ]);
      expect(result.findings[0]?.principal).toBe('forged: no-credential');
      expect(result.findings[0]?.message).toContain('the tool ran');
    } finally {
      await target.close();
    }
  }, 30_000);
});
