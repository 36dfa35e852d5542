import { createServer, type Server } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ledgerConfig, { mcifyAudit as ledgerAudit } from '../../../fixtures/servers/ledger-sessions/mcify.config.js';
import config, { mcifyAudit } from '../../../fixtures/servers/orders/mcify.config.js';
import { curlFor } from '../src/client/curl.js';
import { ExchangeLog } from '../src/client/exchange-log.js';
import { openPrincipalClient } from '../src/client/mcp-client.js';
import { initializeParams, mcpHeaders, rpcBody, sendRaw } from '../src/client/raw-request.js';
import type { PlannedCell, RunContext } from '../src/engine/property.js';
import type { CallOutcome, FuzzTarget, HarnessFinding, HarnessNote, ListedTool } from '../src/engine/types.js';
import { createHygieneMonitor, serverHygieneProperty, type HygieneMonitor } from '../src/properties/server-hygiene.js';
import { bootConfig, type BootedServer } from '../src/target/boot-config.js';
import type { PinnedFetch } from '../src/target/pinned-fetch.js';
import { Secret } from '../src/target/secret.js';
import { plainTarget } from './plain-target.js';

const ALICE = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyX2FsaWNlIiwidGVuYW50SWQiOiJhY21lIn0.alice-signature-0123456789abcdefghijKLMN';
const BOB = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyX2JvYiIsInRlbmFudElkIjoiZ2xvYmV4In0.bob-signature-9876543210zyxwvutsrqPONM';
const HOOK_SECRET = 'postgres://app:hook-secret-password-42@db/app';
const SERVER_DIR = '/tmp/mcify-hygiene-project';

function logFor(target: FuzzTarget): ExchangeLog {
  return new ExchangeLog({
    secrets: [...target.principals.flatMap((principal) => (principal.token === undefined ? [] : [principal.token])), ...target.secrets],
    credentialHeader: target.credentialHeader,
  });
}

/** The context members the hygiene property reads, collecting what it reports. */
function contextFor(target: FuzzTarget, tools: readonly ListedTool[]): { context: RunContext; findings: HarnessFinding[]; notes: HarnessNote[] } {
  const findings: HarnessFinding[] = [];
  const notes: HarnessNote[] = [];
  const context = {
    target,
    tools,
    mayCall: (tool) => tool.name !== 'not_allowed',
    curl: (exchange) => curlFor(exchange, target),
    seedFor: () => 7,
    finding: (finding) => findings.push(finding),
    note: (note) => notes.push(note),
  } as Partial<RunContext> as RunContext;
  return { context, findings, notes };
}

let planned: PlannedCell[] = [];

/** Runs every planned cell of the property; returns each cell's outcome by tool. */
async function runCells(monitor: HygieneMonitor, context: RunContext): Promise<Map<string | null, Awaited<ReturnType<ReturnType<typeof serverHygieneProperty>['run']>>>> {
  const property = serverHygieneProperty(monitor);
  const outcomes = new Map<string | null, Awaited<ReturnType<typeof property.run>>>();
  const cells = property.plan({ target: context.target, options: undefined as never, tools: context.tools, mayCall: (tool) => context.mayCall(tool), isSensitive: () => false });
  for (const cell of cells) if (cell.applicable) outcomes.set(cell.tool, await property.run(cell.tool, context));
  planned = cells;
  return outcomes;
}

function expectNoSecret(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) {
    const core = secret.split('.').slice(1).join('.') || secret;
    expect(text).not.toContain(secret);
    for (let i = 0; i + 16 <= core.length; i += 4) expect(text).not.toContain(core.slice(i, i + 16));
  }
}

/** A loopback MCP-ish server: each tool answers one way. */
function misbehavingServer(): Promise<{ url: string; server: Server }> {
  const result = (id: unknown, text: string, isError = false) => JSON.stringify({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }], ...(isError ? { isError: true } : {}) } });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      const message = JSON.parse(body) as { id?: unknown; method: string; params?: { name?: string; arguments?: Record<string, string> } };
      const json = { 'content-type': 'application/json' };
      if (message.id === undefined) {
        res.writeHead(202).end();
        return;
      }
      if (message.method === 'initialize') {
        res.writeHead(200, json).end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'bad', version: '1' } } }));
        return;
      }
      if (message.method !== 'tools/call') {
        res.writeHead(200, json).end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { tools: [] } }));
        return;
      }
      switch (message.params?.name) {
        case 'boom':
        case 'not_allowed':
          res.writeHead(500, json).end(JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: 'Internal error' } }));
          return;
        case 'busy':
          res.writeHead(503, { ...json, 'retry-after': '30' }).end(JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: 'Busy' } }));
          return;
        case 'stack':
          res.writeHead(200, json).end(result(message.id, 'failed\n    at handler (/app/src/tools/orders.js:10:5)\n    at node:internal/process/task_queues:95:5', true));
          return;
        case 'leak_token':
          res.writeHead(200, json).end(result(message.id, `cache entry: ${BOB}`));
          return;
        case 'leak_run':
          res.writeHead(200, json).end(result(message.id, `sig=${BOB.split('.')[2]?.slice(3, 22) ?? ''}`));
          return;
        case 'leak_hook_secret':
          res.writeHead(200, { ...json, 'x-debug': HOOK_SECRET }).end(result(message.id, 'ok'));
          return;
        case 'type_error':
          res.writeHead(200, json).end(result(message.id, "TypeError: Cannot read properties of undefined (reading 'id')", true));
          return;
        case 'own_path':
          res.writeHead(200, json).end(result(message.id, `could not open ${SERVER_DIR}/data/seed.sql`, true));
          return;
        case 'echo_auth':
        case 'echo_auth_forged':
          res.writeHead(401, { ...json, 'www-authenticate': 'Bearer error="invalid_token"' }).end(JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: -32001, message: `token rejected: ${req.headers.authorization ?? ''}` } }));
          return;
        case 'echo':
          res.writeHead(200, json).end(result(message.id, `you said: ${message.params.arguments?.text ?? ''}`));
          return;
        default:
          res.writeHead(200, json).end(result(message.id, JSON.stringify({ ok: true, note: 'Error handling is fine; see /docs/errors' })));
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, server });
    });
  });
}

const toolNames = ['boom', 'busy', 'stack', 'leak_token', 'leak_run', 'leak_hook_secret', 'type_error', 'own_path', 'echo', 'echo_auth', 'echo_auth_forged', 'fine', 'never_called', 'not_allowed'];
const listed: ListedTool[] = toolNames.map((name) => ({ name, inputSchema: { type: 'object' } }));

describe('server hygiene against a misbehaving server', () => {
  let fake: { url: string; server: Server };
  let target: FuzzTarget & { fetch: PinnedFetch };
  let monitor: HygieneMonitor;
  let findings: HarnessFinding[];
  let notes: HarnessNote[];
  let outcomes: Awaited<ReturnType<typeof runCells>>;
  const calls = new Map<string, CallOutcome>();

  beforeAll(async () => {
    fake = await misbehavingServer();
    target = await plainTarget(fake.url, { alice: ALICE, bob: BOB }, { secrets: [new Secret('the database URL', HOOK_SECRET)] });
    const log = logFor(target);
    monitor = createHygieneMonitor({ target, serverPaths: [SERVER_DIR] });
    monitor.attach(log);
    // No room for a retry: the 503 comes back as it is.
    const alice = await openPrincipalClient({ target, log, principal: 'alice', label: 'alice', token: ALICE, requestTimeoutMs: 5000, deadline: { remainingMs: () => 100 } });
    for (const name of toolNames.filter((tool) => !['never_called', 'echo', 'not_allowed', 'echo_auth_forged'].includes(tool))) calls.set(name, await alice.callTool(name, {}));
    // A forgery built from bob's token (his payload, another signature), echoed back in the refusal: the sender's own material.
    const forged = `${BOB.split('.').slice(0, 2).join('.')}.forged-signature-abcdefghijklmnop`;
    await sendRaw(target, log, { principal: 'forged: bad-signature', label: 'auth bad-signature', headers: mcpHeaders(target, forged), body: rpcBody('tools/call', { name: 'echo_auth_forged', arguments: {} }, 98) });
    // A tool the run may not call, reached by raw traffic that answered 500: reported by the target-wide cell.
    await sendRaw(target, log, { principal: 'forged: none', label: 'auth none not_allowed', headers: mcpHeaders(target, undefined), body: rpcBody('tools/call', { name: 'not_allowed', arguments: {} }, 99) });
    // The sender's own planted text, echoed back: not the server's leak.
    calls.set('echo', await alice.callTool('echo', { text: `TypeError: planted\n    at f (/app/x.js:1:1) ${BOB}` }));
    await alice.close();
    const built = contextFor(target, listed);
    outcomes = await runCells(monitor, built.context);
    findings = built.findings;
    notes = built.notes;
  }, 20_000);

  afterAll(async () => {
    await target.close();
    await new Promise((resolve) => fake.server.close(resolve));
  });

  const rulesOf = (tool: string) => findings.filter((finding) => finding.tool === tool).map((finding) => `${finding.ruleId} ${finding.messageId}`);

  it('reports a 500 as a server error, and a 503 with Retry-After only as an overload note', () => {
    expect(calls.get('boom')?.status).toBe(500);
    expect(rulesOf('boom')).toEqual(['harness/server-error server-error']);
    expect(outcomes.get('boom')?.status).toBe('failed');
    expect(calls.get('busy')?.status).toBe(503);
    expect(rulesOf('busy')).toEqual([]);
    expect(outcomes.get('busy')?.status).toBe('held');
    expect(notes).toEqual([expect.objectContaining({ code: 'overloaded' })]);
  });

  it('reports a stack frame, an error class name and a path of the server', () => {
    // One finding per (rule, tool): the gravest sign (the path) leads, the stack frame is named too.
    expect(rulesOf('stack')).toEqual(['harness/secret-reflected secret-reflected-source-path']);
    const stack = findings.find((finding) => finding.tool === 'stack');
    expect(stack?.evidence.summary).toContain('/app/src/tools/orders.js');
    expect(stack?.evidence.summary).toContain('also a stack frame');
    expect(rulesOf('type_error')).toEqual(['harness/secret-reflected secret-reflected-error-name']);
    expect(findings.find((finding) => finding.tool === 'type_error')?.evidence.summary).toContain('TypeError:');
    expect(rulesOf('own_path')).toEqual(['harness/secret-reflected secret-reflected-server-path']);
    expect(findings.find((finding) => finding.tool === 'own_path')?.evidence.summary).toContain(`${SERVER_DIR}/data/seed.sql`);
  });

  it("reports another principal's token, a 16-character run of it and a hook secret, by label and 6 characters at most", () => {
    const token = findings.find((finding) => finding.tool === 'leak_token');
    expect(token?.ruleId).toBe('harness/secret-reflected');
    expect(token?.message).toContain("bob's token");
    expect(token?.victim).toBe('bob');
    expect(token?.principal).toBe('alice');
    expect(token?.data).toMatchObject({ secret: "bob's token", where: 'the answer body' });
    expect(token?.evidence.summary).toContain('starting "eyJhbG"');

    const run = findings.find((finding) => finding.tool === 'leak_run');
    expect(run?.message).toContain("a 16-character run of bob's token");
    expect(run?.evidence.summary).toContain(`starting "${BOB.split('.')[2]?.slice(3, 9) ?? ''}"`);

    const hook = findings.find((finding) => finding.tool === 'leak_hook_secret');
    expect(hook?.message).toContain('the database URL');
    expect(hook?.data.where).toBe('the x-debug header');
  });

  it("reports a real token sent back even to its owner, but not a forged token's echo", () => {
    expect(calls.get('echo_auth')?.status).toBe(401);
    const own = findings.find((finding) => finding.tool === 'echo_auth');
    expect(own?.message).toContain("alice's token");
    expect(own?.victim).toBe('alice');
    expect(rulesOf('echo_auth_forged')).toEqual([]);
    expect(outcomes.get('echo_auth_forged')?.status).toBe('held');
  });

  it('does not report what the sender sent, nor a clean answer, nor an uncalled tool', () => {
    expect(calls.get('echo')?.text).toContain('TypeError: planted');
    expect(rulesOf('echo')).toEqual([]);
    expect(outcomes.get('echo')?.status).toBe('held');
    expect(rulesOf('fine')).toEqual([]);
    expect(outcomes.get('fine')).toMatchObject({ status: 'held', cases: 1, requests: 0 });
    expect(outcomes.get('never_called')).toMatchObject({ status: 'not-exercised', reason: 'the tool was never called' });
    // initialize and friends answered cleanly.
    expect(findings.filter((finding) => finding.tool === null)).toEqual([]);
  });

  it('plans tools the run may not call not applicable, and reports their findings in the target-wide cell', () => {
    expect(planned.find((cell) => cell.tool === 'not_allowed')).toEqual({ tool: 'not_allowed', applicable: false, reason: 'writes not allowed: the tool is not called' });
    expect(rulesOf('not_allowed')).toEqual(['harness/server-error server-error']);
    expect(findings.find((finding) => finding.tool === 'not_allowed')?.principal).toBe('forged: none');
    expect(outcomes.get(null)?.status).toBe('failed');
  });

  it('keeps every token and secret out of findings, with a curl line and a replay path', () => {
    const text = JSON.stringify(findings);
    expectNoSecret(text, [ALICE, BOB, HOOK_SECRET]);
    for (const finding of findings) {
      expect(finding.reproduce.curl).toMatch(/^curl -sS -X POST /);
      if (finding.principal === 'alice') expect(finding.reproduce.curl).toContain('-H "Authorization: Bearer $MCIFY_TOKEN_ALICE"');
      else expect(finding.reproduce.curl).not.toContain('Authorization');
      expect(finding.reproduce.path).toBe(`server-hygiene/${finding.tool ?? '*'}:0`);
      expect(finding.severity).toBe('error');
      expect(finding.evidence.exchanges).toHaveLength(1);
    }
  });
});

describe('server hygiene against the orders fixture', () => {
  let booted: BootedServer;
  let target: FuzzTarget & { fetch: PinnedFetch };

  beforeAll(async () => {
    booted = await bootConfig(config, mcifyAudit, { logging: { level: 'error', sink: () => undefined } });
    target = await plainTarget(booted.url, booted.tokens);
  }, 30_000);

  afterAll(async () => {
    await target.close();
    await booted.close();
  });

  it('finds nothing in the answers of a server done right, refusals and errors included', async () => {
    const log = logFor(target);
    const monitor = createHygieneMonitor({ target, serverPaths: [new URL('../../../fixtures/servers/orders', import.meta.url).pathname] });
    monitor.attach(log);
    const alice = await openPrincipalClient({ target, log, principal: 'alice', label: 'alice', token: booted.tokens.alice, requestTimeoutMs: 5000 });
    const carol = await openPrincipalClient({ target, log, principal: 'carol', label: 'carol', token: booted.tokens.carol, requestTimeoutMs: 5000 });
    const tools = await alice.listTools();
    await alice.callTool('orders_list', {});
    await alice.callTool('orders_get', { orderId: 'ord_globex_2001' });
    await alice.callTool('orders_get', { orderId: { nested: [1, 2] } });
    await alice.callTool('orders_create', { item: '', totalCents: -1 });
    await alice.callTool('no_such_tool', {});
    await carol.callTool('orders_refund', { orderId: 'ord_acme_1003' });
    await sendRaw(target, log, { principal: 'forged: garbage', label: 'auth garbage', headers: mcpHeaders(target, 'not-a-jwt-at-all-0123456789'), body: rpcBody('initialize', initializeParams(), 0) });
    await sendRaw(target, log, { principal: 'alice', label: 'malformed body', headers: mcpHeaders(target, booted.tokens.alice), body: '{"jsonrpc":' });
    await alice.close();
    await carol.close();

    const { context, findings } = contextFor(target, tools);
    const outcomes = await runCells(monitor, context);
    expect(findings).toEqual([]);
    expect(monitor.state().answers).toBeGreaterThanOrEqual(10);
    expect(outcomes.get('orders_get')?.status).toBe('held');
    expect(outcomes.get('orders_refund')?.status).toBe('held');
    expect(outcomes.get('orders_export')?.status).toBe('not-exercised');
    expect(outcomes.get(null)?.status).toBe('held');
  });
});

describe('server hygiene against a server on the official SDK', () => {
  it('finds nothing in its validation errors, unknown tools and thrown errors', async () => {
    const token = 'official-alice-token-0123456789abcdef';
    const server = createServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401, { 'www-authenticate': 'Bearer realm="mcp"' }).end();
        return;
      }
      const mcp = new McpServer({ name: 'official', version: '1.0.0' });
      mcp.registerTool('orders_get', { inputSchema: { orderId: z.string().min(3) } }, ({ orderId }) => {
        if (orderId === 'throw') throw new TypeError('Cannot read properties of undefined');
        return { content: [{ type: 'text', text: JSON.stringify({ id: orderId }) }] };
      });
      const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
      res.on('close', () => void transport.close());
      void mcp.connect(transport).then(() => transport.handleRequest(req, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = await plainTarget(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, { alice: token });
    const log = logFor(target);
    const monitor = createHygieneMonitor({ target });
    monitor.attach(log);
    try {
      const alice = await openPrincipalClient({ target, log, principal: 'alice', label: 'alice', token, requestTimeoutMs: 5000 });
      const tools = await alice.listTools();
      expect((await alice.callTool('orders_get', { orderId: 'ord_1' })).kind).toBe('result');
      const invalid = await alice.callTool('orders_get', { orderId: 7 });
      expect(['tool-error', 'rpc-error']).toContain(invalid.kind);
      expect((await alice.callTool('orders_get', { orderId: 'throw' })).kind).toBe('tool-error');
      expect((await alice.callTool('nope', {})).kind).not.toBe('result');
      await sendRaw(target, log, { principal: 'alice', label: 'malformed', headers: mcpHeaders(target, token), body: '{"jsonrpc":"2.0","id":1,"method":' });
      await sendRaw(target, log, { principal: 'forged: none', label: 'no credential', headers: mcpHeaders(target, undefined), body: rpcBody('tools/list', {}, 1) });
      await alice.close();
      const { context, findings } = contextFor(target, tools);
      const outcomes = await runCells(monitor, context);
      expect(findings).toEqual([]);
      expect(outcomes.get('orders_get')?.status).toBe('held');
    } finally {
      await target.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('server hygiene against the ledger-sessions fixture', () => {
  it('finds nothing when every principal calls every tool, with empty, wrong and foreign arguments', async () => {
    const booted = await bootConfig(ledgerConfig, ledgerAudit, { logging: { level: 'error', sink: () => undefined } });
    const target = await plainTarget(booted.url, booted.tokens);
    const log = logFor(target);
    const monitor = createHygieneMonitor({ target, serverPaths: [new URL('../../../fixtures/servers/ledger-sessions', import.meta.url).pathname] });
    monitor.attach(log);
    try {
      let tools: ListedTool[] = [];
      for (const [name, token] of Object.entries(booted.tokens)) {
        const client = await openPrincipalClient({ target, log, principal: name, label: name, token, requestTimeoutMs: 5000 });
        tools = await client.listTools();
        for (const tool of tools) {
          for (const args of [{}, { invoiceId: 12, amountCents: 'x', limit: -1 }]) await client.callTool(tool.name, args);
        }
        await client.close();
      }
      const { context, findings } = contextFor(target, tools);
      const outcomes = await runCells(monitor, context);
      expect(findings).toEqual([]);
      expect(tools.length).toBeGreaterThan(0);
      for (const tool of tools) expect(outcomes.get(tool.name)?.status).toBe('held');
    } finally {
      await target.close();
      await booted.close();
    }
  }, 30_000);
});
