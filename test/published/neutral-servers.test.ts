/**
 * The two MCP servers that are not ours, on which the harness must prove itself framework-neutral
 * (servers/README.md): each planted flaw is real, and each tool done right is right, shown with the
 * official SDK client and raw HTTP, both sides. The servers run outside this repository, with the
 * packages of the packed-install project (the published mcify, the official SDK).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTokenSpec } from '../../packages/harness/src/target/token-spec.js';
import { fuzzTokenArguments, startNeutralServer, type NeutralServer } from './servers/support.js';

interface Connection {
  readonly client: Client;
  readonly transport: StreamableHTTPClientTransport;
}

/** Open clients, by server URL: each describe closes its own before it stops its server. */
const connections = new Map<string, Connection[]>();

/** No reconnection of a dropped SSE stream: a stopped server must not keep the test process busy. */
const reconnectionOptions = { initialReconnectionDelay: 1000, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1, maxRetries: 0 };

/** The official SDK client, with `token` (or none) in every request. */
async function connect(server: NeutralServer, token: string | undefined): Promise<Connection> {
  const client = new Client({ name: 'neutral-servers-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(server.url), token === undefined ? { reconnectionOptions } : { reconnectionOptions, requestInit: { headers: { authorization: `Bearer ${token}` } } });
  await client.connect(transport);
  const connection = { client, transport };
  connections.set(server.url, [...(connections.get(server.url) ?? []), connection]);
  return connection;
}

/** Closes the clients of a server, then the server. */
async function stop(server: NeutralServer | undefined) {
  if (server === undefined) return undefined;
  const open = connections.get(server.url) ?? [];
  connections.delete(server.url);
  await Promise.allSettled(open.map((connection) => connection.client.close()));
  return server.close();
}

function tokenOf(server: NeutralServer, principal: string): string {
  const token = server.tokens[principal];
  if (token === undefined) throw new Error(`${server.name} printed no token for ${principal}.`);
  return token;
}

const as = (server: NeutralServer, principal: string) => connect(server, tokenOf(server, principal));

interface ToolAnswer {
  readonly isError: boolean;
  readonly text: string;
}

async function call(connection: Connection, name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> {
  const result = await connection.client.callTool({ name, arguments: args });
  const content = Array.isArray(result.content) ? (result.content as { type: string; text?: string }[]) : [];
  return { isError: result.isError === true, text: content.map((block) => block.text ?? '').join('') };
}

/** A successful call's JSON answer. */
async function data<T>(connection: Connection, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const answer = await call(connection, name, args);
  if (answer.isError) throw new Error(`${name} failed: ${answer.text}`);
  return JSON.parse(answer.text) as T;
}

interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The JSON-RPC messages of the body: a JSON body, or the `data:` lines of an SSE body. */
  readonly messages: readonly { readonly result?: { readonly isError?: boolean; readonly content?: readonly { readonly text?: string }[] }; readonly error?: { readonly code: number; readonly message: string } }[];
}

/** One raw JSON-RPC POST, with exactly the headers given. */
async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  const messages = type.startsWith('text/event-stream')
    ? text
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => JSON.parse(line.slice(5)) as RawAnswer['messages'][number])
    : text === ''
      ? []
      : [JSON.parse(text) as RawAnswer['messages'][number]];
  return { status: response.status, headers: response.headers, messages };
}

const initialize = (id = 1) => ({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } } });
const toolCall = (name: string, args: Record<string, unknown> = {}, id = 2) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The text of the one tool result of a raw answer. */
function resultText(answer: RawAnswer): string {
  const [message] = answer.messages;
  return (message?.result?.content ?? []).map((block) => block.text ?? '').join('');
}

async function refusalStatus(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof StreamableHTTPError ? error.code : Number.NaN;
  }
  return undefined;
}

/** Every property name of an input schema, nested ones included. */
function propertyNames(schema: unknown): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const properties = (schema as { properties?: Record<string, unknown> }).properties ?? {};
  return Object.entries(properties).flatMap(([key, value]) => [key, ...propertyNames(value)]);
}

const identityLike = /user|tenant|organi[sz]ation|account|owner|email|member|principal|caller|session|token/i;

interface Order {
  readonly id: string;
  readonly status: string;
  readonly note: string | null;
  readonly invoiceId: string;
  readonly customerEmail: string;
}

interface Invoice {
  readonly id: string;
  readonly orderId: string;
}

describe('mcify-published: a server on the published @mcify/runtime 1.0.0-alpha.3', () => {
  let server: NeutralServer;
  let alice: Connection;
  let carol: Connection;
  let bob: Connection;
  const ordersOf = async (connection: Connection) => (await data<{ orders: Order[] }>(connection, 'orders_list')).orders;

  beforeAll(async () => {
    server = await startNeutralServer('mcify-published');
    [alice, carol, bob] = await Promise.all([as(server, 'alice'), as(server, 'carol'), as(server, 'bob')]);
  }, 300_000);

  afterAll(async () => {
    await stop(server);
  });

  it('prints the serve contract line: a loopback /mcp URL, one token per principal, two tenants of two', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(server.principals).toEqual({
      alice: { tenant: 'acme', scopes: ['orders:read', 'orders:refund'] },
      carol: { tenant: 'acme', scopes: ['orders:read'] },
      bob: { tenant: 'globex', scopes: ['orders:read', 'orders:refund'] },
      dave: { tenant: 'globex', scopes: ['orders:read'] },
    });
    expect(Object.keys(server.tokens).sort()).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(new Set(Object.values(server.tokens)).size).toBe(4);
    expect(server.planted.map((flaw) => `${flaw.ruleId} ${String(flaw.tool)}`).sort()).toEqual([
      'harness/cross-tenant-read orders_get',
      'harness/cross-tenant-write orders_set_note',
      'harness/missing-www-authenticate null',
      'harness/wrong-status orders_refund',
    ]);
  });

  it("gives the harness's --token arguments with the tokens in the environment", () => {
    const { args, env } = fuzzTokenArguments(server);
    expect(args.filter((_, index) => index % 2 === 1)).toEqual([
      'alice@acme[orders:read,orders:refund]=env:MCIFY_TOKEN_ALICE',
      'carol@acme[orders:read]=env:MCIFY_TOKEN_CAROL',
      'bob@globex[orders:read,orders:refund]=env:MCIFY_TOKEN_BOB',
      'dave@globex[orders:read]=env:MCIFY_TOKEN_DAVE',
    ]);
    expect(args.join(' ')).not.toContain(tokenOf(server, 'alice'));
    const alice = parseTokenSpec(args[1] ?? '', { env });
    expect(alice).toMatchObject({ name: 'alice', tenant: 'acme', scopes: ['orders:read', 'orders:refund'] });
    expect(alice.token.reveal()).toBe(tokenOf(server, 'alice'));
  });

  it('runs on the published runtime, whose health route names it', async () => {
    const response = await fetch(new URL('/', server.url));
    expect(await response.json()).toEqual({ ok: true, runtime: 'mcify', runtimeVersion: '0.0.1-alpha.0', server: { name: 'acme-billing', version: '1.0.0' } });
  });

  it('refuses a request without a token, or with a wrong one, with 401 and no WWW-Authenticate (planted: missing-www-authenticate)', async () => {
    // The scheme is matched case-sensitively: `bearer <valid token>` is refused too.
    for (const headers of [{}, bearer('ses_not-a-session'), { authorization: `Basic ${tokenOf(server, 'alice')}` }, { authorization: `bearer ${tokenOf(server, 'alice')}` }]) {
      const answer = await post(server.url, initialize(), headers);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBeNull();
      expect(answer.messages[0]?.error?.code).toBe(-32001);
    }
    // And a tool call carries the same refusal: nothing runs.
    expect((await post(server.url, toolCall('orders_list'))).status).toBe(401);
    expect(await refusalStatus(connect(server, undefined))).toBe(401);
  });

  it('lists its tools without annotations (the published defineTool drops them), and stays stateless', async () => {
    const { tools } = await alice.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['invoices_get', 'invoices_list', 'orders_get', 'orders_list', 'orders_refund', 'orders_set_note', 'profile_get']);
    for (const tool of tools) expect(tool.annotations, tool.name).toBeUndefined();
    expect(alice.transport.sessionId).toBeUndefined();
  });

  it('takes no identity from tool input: no input schema names a user, a tenant or an email', async () => {
    const { tools } = await alice.client.listTools();
    expect(tools.flatMap((tool) => propertyNames(tool.inputSchema).filter((name) => identityLike.test(name)).map((name) => `${tool.name}.${name}`))).toEqual([]);
  });

  it("lists only the caller's organisation: orders, invoices and the profile", async () => {
    const [aliceOrders, carolOrders, bobOrders] = await Promise.all([ordersOf(alice), ordersOf(carol), ordersOf(bob)]);
    expect(aliceOrders.map((order) => order.id).sort()).toEqual(['ord_acme_1001', 'ord_acme_1002', 'ord_acme_1003']);
    expect(carolOrders.map((order) => order.id).sort()).toEqual(aliceOrders.map((order) => order.id).sort());
    expect(bobOrders.map((order) => order.id).sort()).toEqual(['ord_globex_2001', 'ord_globex_2002', 'ord_globex_2003']);
    const invoices = await data<{ invoices: Invoice[] }>(alice, 'invoices_list');
    expect(invoices.invoices.map((invoice) => invoice.id).sort()).toEqual(['inv_acme_5001', 'inv_acme_5002', 'inv_acme_5003']);
    expect(await data(alice, 'profile_get')).toEqual({ user: 'alice', displayName: 'Alice Anders', email: 'alice@acme.test', organisation: 'acme' });
    expect(await data(bob, 'profile_get')).toMatchObject({ user: 'bob', organisation: 'globex' });
  });

  it("orders_get gives Alice (acme) a globex order with its invoice id and customer email (planted: cross-tenant-read)", async () => {
    const [bobsOrder] = await ordersOf(bob);
    if (bobsOrder === undefined) throw new Error('Bob has no order.');
    const aliceView = JSON.stringify([await ordersOf(alice), await data(alice, 'invoices_list')]);
    const read = await data<Order>(alice, 'orders_get', { orderId: bobsOrder.id });
    expect(read).toEqual(bobsOrder);
    // Values of Bob's that nothing of Alice's shows, and that she did not send.
    expect(aliceView).not.toContain(read.invoiceId);
    expect(aliceView).not.toContain(read.customerEmail);
    // Her own order she reads too; an unknown id is "not found".
    expect(await data<Order>(alice, 'orders_get', { orderId: 'ord_acme_1001' })).toMatchObject({ id: 'ord_acme_1001' });
    expect(await call(alice, 'orders_get', { orderId: 'ord_nobody_1' })).toEqual({ isError: true, text: 'order not found' });
  });

  it("invoices_get refuses another organisation's invoice as not found, and shows the caller's own", async () => {
    const { invoices } = await data<{ invoices: Invoice[] }>(bob, 'invoices_list');
    const [bobsInvoice] = invoices;
    if (bobsInvoice === undefined) throw new Error('Bob has no invoice.');
    expect(await call(alice, 'invoices_get', { invoiceId: bobsInvoice.id })).toEqual({ isError: true, text: 'invoice not found' });
    expect(await data<Invoice>(bob, 'invoices_get', { invoiceId: bobsInvoice.id })).toEqual(bobsInvoice);
  });

  it('orders_refund refuses a principal without orders:refund with a tool error over HTTP 200, not a 403 (planted: wrong-status)', async () => {
    const refused = await post(server.url, toolCall('orders_refund', { orderId: 'ord_acme_1003' }), bearer(tokenOf(server, 'carol')));
    expect(refused.status).toBe(200);
    expect(refused.headers.get('www-authenticate')).toBeNull();
    expect(refused.messages[0]?.result?.isError).toBe(true);
    expect(resultText(refused)).toBe('forbidden: the orders:refund scope is required');
    expect(await call(carol, 'orders_refund', { orderId: 'ord_acme_1003' })).toEqual({ isError: true, text: 'forbidden: the orders:refund scope is required' });
    expect((await ordersOf(alice)).find((order) => order.id === 'ord_acme_1003')?.status).toBe('open');
  });

  it("orders_refund lets the scope through, on the caller's own organisation only", async () => {
    expect(await data(alice, 'orders_refund', { orderId: 'ord_acme_1002' })).toEqual({ orderId: 'ord_acme_1002', status: 'refunded', refundedCents: 4500 });
    expect((await ordersOf(carol)).find((order) => order.id === 'ord_acme_1002')?.status).toBe('refunded');
    expect(await call(alice, 'orders_refund', { orderId: 'ord_globex_2002' })).toEqual({ isError: true, text: 'order not found' });
    expect((await ordersOf(bob)).find((order) => order.id === 'ord_globex_2002')?.status).toBe('open');
  });

  it("orders_set_note lets Alice (acme) write a note on a globex order that Bob then sees, and answers nothing of it (planted: cross-tenant-write)", async () => {
    const target = (await ordersOf(bob)).find((order) => order.id === 'ord_globex_2003');
    expect(target?.note).toBeNull();
    const answer = await data(alice, 'orders_set_note', { orderId: 'ord_globex_2003', note: 'changed by acme' });
    expect(answer).toEqual({ orderId: 'ord_globex_2003', updated: true });
    expect((await ordersOf(bob)).find((order) => order.id === 'ord_globex_2003')?.note).toBe('changed by acme');
    // Her own orders she annotates as well: the flaw is the missing tenant filter, not the tool.
    await data(alice, 'orders_set_note', { orderId: 'ord_acme_1001', note: 'gift wrap' });
    expect((await ordersOf(carol)).find((order) => order.id === 'ord_acme_1001')?.note).toBe('gift wrap');
  });

  it('answers a body that is not JSON with 400, and an unknown tool with a JSON-RPC error', async () => {
    const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(response.status).toBe(400);
    const unknown = await post(server.url, toolCall('orders_delete'), bearer(tokenOf(server, 'alice')));
    expect(unknown.status).toBe(200);
    expect(unknown.messages[0]?.error).toEqual({ code: -32003, message: 'Tool not found: orders_delete' });
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await stop(server)).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toBe('');
  });
});

interface Task {
  readonly id: string;
  readonly projectId: string;
  readonly title: string;
  readonly status: string;
  readonly assigneeEmail: string;
}

describe('sdk-stateful: a stateful server on the official SDK McpServer', () => {
  let server: NeutralServer;
  let nina: Connection;
  let noah: Connection;
  let chloe: Connection;
  const tasksOf = async (connection: Connection) => (await data<{ tasks: Task[] }>(connection, 'tasks_list')).tasks;
  /** Headers of a raw request on a session. */
  const onSession = (connection: Connection, headers: Record<string, string> = {}) => {
    const sessionId = connection.transport.sessionId;
    if (sessionId === undefined) throw new Error('No session.');
    return { 'mcp-session-id': sessionId, 'mcp-protocol-version': connection.transport.protocolVersion ?? LATEST_PROTOCOL_VERSION, ...headers };
  };

  beforeAll(async () => {
    server = await startNeutralServer('sdk-stateful');
    [nina, noah, chloe] = await Promise.all([as(server, 'nina'), as(server, 'noah'), as(server, 'chloe')]);
  }, 300_000);

  afterAll(async () => {
    await stop(server);
  });

  it('prints the serve contract line: a loopback /mcp URL, one token per principal, two tenants of two', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(server.principals).toEqual({
      nina: { tenant: 'northwind', scopes: ['tasks:read', 'tasks:write', 'projects:export'] },
      noah: { tenant: 'northwind', scopes: ['tasks:read', 'tasks:write'] },
      chloe: { tenant: 'contoso', scopes: ['tasks:read', 'tasks:write', 'projects:export'] },
      carl: { tenant: 'contoso', scopes: ['tasks:read', 'tasks:write'] },
    });
    expect(new Set(Object.values(server.tokens)).size).toBe(4);
    expect(server.planted.map((flaw) => `${flaw.ruleId} ${String(flaw.tool)}`).sort()).toEqual([
      'harness/cross-tenant-read null',
      'harness/cross-tenant-read tasks_get',
      'harness/cross-tenant-write tasks_rename',
      'harness/forged-token-accepted null',
    ]);
  });

  it('refuses an initialize without a token with 401 and WWW-Authenticate: Bearer, and a wrong token with invalid_token', async () => {
    const missing = await post(server.url, initialize());
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(missing.headers.get('mcp-session-id')).toBeNull();
    for (const headers of [bearer('tk_forged'), { authorization: `Basic ${tokenOf(server, 'nina')}` }, { authorization: `Bearer ${tokenOf(server, 'nina')}, Bearer ${tokenOf(server, 'chloe')}` }]) {
      const wrong = await post(server.url, initialize(), headers);
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    }
    expect(await refusalStatus(connect(server, undefined))).toBe(401);
  });

  it('annotates its reads readOnlyHint: true and its writes false, and issues one session per client', async () => {
    const { tools } = await nina.client.listTools();
    expect(Object.fromEntries(tools.map((tool) => [tool.name, tool.annotations?.readOnlyHint]))).toEqual({
      profile_get: true,
      projects_list: true,
      projects_get: true,
      projects_export: true,
      tasks_list: true,
      tasks_get: true,
      tasks_create: false,
      tasks_rename: false,
    });
    expect(tools.flatMap((tool) => propertyNames(tool.inputSchema).filter((name) => identityLike.test(name)).map((name) => `${tool.name}.${name}`))).toEqual([]);
    const sessions = [nina, noah, chloe].map((connection) => connection.transport.sessionId);
    expect(sessions.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(sessions).size).toBe(3);
  });

  it("lists only the caller's organisation, and projects_get refuses another organisation's project", async () => {
    expect((await tasksOf(nina)).map((task) => task.id).sort()).toEqual(['tsk_nw_3101', 'tsk_nw_3102', 'tsk_nw_3201']);
    expect((await tasksOf(noah)).map((task) => task.id).sort()).toEqual(['tsk_nw_3101', 'tsk_nw_3102', 'tsk_nw_3201']);
    expect((await tasksOf(chloe)).map((task) => task.id).sort()).toEqual(['tsk_cs_4101', 'tsk_cs_4102', 'tsk_cs_4201']);
    const projects = await data<{ projects: { id: string }[] }>(nina, 'projects_list');
    expect(projects.projects.map((project) => project.id).sort()).toEqual(['prj_nw_301', 'prj_nw_302']);
    expect(await call(nina, 'projects_get', { projectId: 'prj_cs_401' })).toEqual({ isError: true, text: 'project not found' });
    const own = await data<{ id: string; tasks: Task[] }>(nina, 'projects_get', { projectId: 'prj_nw_301' });
    expect([own.id, ...own.tasks.map((task) => task.id)]).toEqual(['prj_nw_301', 'tsk_nw_3101', 'tsk_nw_3102']);
    expect(await data(chloe, 'profile_get')).toEqual({ user: 'chloe', displayName: 'Chloe Campbell', email: 'chloe@contoso.test', organisation: 'contoso' });
  });

  it("tasks_create adds to the caller's own projects only", async () => {
    const created = await data<Task>(noah, 'tasks_create', { projectId: 'prj_nw_302', title: 'Proof the prices' });
    expect(created).toMatchObject({ projectId: 'prj_nw_302', title: 'Proof the prices', status: 'open', assigneeEmail: 'noah@northwind.test' });
    expect((await tasksOf(nina)).map((task) => task.id)).toContain(created.id);
    expect((await tasksOf(chloe)).map((task) => task.id)).not.toContain(created.id);
    expect(await call(nina, 'tasks_create', { projectId: 'prj_cs_402', title: 'Intruder' })).toEqual({ isError: true, text: 'project not found' });
    expect((await data<{ tasks: Task[] }>(chloe, 'projects_get', { projectId: 'prj_cs_402' })).tasks.map((task) => task.title)).toEqual(['Freeze the pay run']);
  });

  it('tasks_get gives Nina (northwind) a contoso task with its project id and assignee (planted: cross-tenant-read)', async () => {
    const [chloesTask] = await tasksOf(chloe);
    if (chloesTask === undefined) throw new Error('Chloe has no task.');
    const ninaView = JSON.stringify([await tasksOf(nina), await data(nina, 'projects_list')]);
    const read = await data<Task>(nina, 'tasks_get', { taskId: chloesTask.id });
    expect(read).toEqual(chloesTask);
    expect(ninaView).not.toContain(read.projectId);
    expect(ninaView).not.toContain(read.assigneeEmail);
    expect(await call(nina, 'tasks_get', { taskId: 'tsk_nobody_1' })).toEqual({ isError: true, text: 'task not found' });
  });

  it('projects_export refuses a token without projects:export with 403 insufficient_scope, and exports only the own organisation', async () => {
    expect(await refusalStatus(noah.client.callTool({ name: 'projects_export', arguments: {} }))).toBe(403);
    const refused = await post(server.url, toolCall('projects_export'), onSession(noah, bearer(tokenOf(server, 'noah'))));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="projects:export"');
    expect(refused.messages).toEqual([{ jsonrpc: '2.0', id: 2, error: { code: -32003, message: 'Forbidden: insufficient_scope (projects:export is required)' } }]);
    const exported = await data<{ organisation: string; projects: { id: string; tasks: Task[] }[] }>(nina, 'projects_export');
    expect(exported.organisation).toBe('northwind');
    expect(exported.projects.map((project) => project.id).sort()).toEqual(['prj_nw_301', 'prj_nw_302']);
    expect(JSON.stringify(exported)).not.toMatch(/contoso|prj_cs_|tsk_cs_/);
  });

  it("tasks_rename lets Nina (northwind) retitle a contoso task that Chloe then sees, and answers nothing of it (planted: cross-tenant-write)", async () => {
    expect((await tasksOf(chloe)).find((task) => task.id === 'tsk_cs_4201')?.title).toBe('Freeze the pay run');
    expect(await data(nina, 'tasks_rename', { taskId: 'tsk_cs_4201', title: 'renamed by northwind' })).toEqual({ taskId: 'tsk_cs_4201', renamed: true });
    expect((await tasksOf(chloe)).find((task) => task.id === 'tsk_cs_4201')?.title).toBe('renamed by northwind');
  });

  it("runs every request on Nina's session as Nina with Chloe's token (planted session flaw: cross-tenant-read, target-wide)", async () => {
    const chloeOnNina = onSession(nina, bearer(tokenOf(server, 'chloe')));
    const answer = await post(server.url, toolCall('tasks_list'), chloeOnNina);
    expect(answer.status).toBe(200);
    const tasks = (JSON.parse(resultText(answer)) as { tasks: Task[] }).tasks;
    expect(tasks.map((task) => task.id)).toEqual(expect.arrayContaining(['tsk_nw_3101', 'tsk_nw_3102', 'tsk_nw_3201']));
    expect(tasks.every((task) => task.id.startsWith('tsk_nw_'))).toBe(true);
    const profile = await post(server.url, toolCall('profile_get', {}, 3), chloeOnNina);
    expect(JSON.parse(resultText(profile))).toEqual({ user: 'nina', displayName: 'Nina Novak', email: 'nina@northwind.test', organisation: 'northwind' });
    expect(resultText(await post(server.url, toolCall('projects_list', {}, 4), chloeOnNina))).toContain('prj_nw_301');
    // Nina holds projects:export, and the session runs as Nina: Chloe gets northwind's export.
    expect(resultText(await post(server.url, toolCall('projects_export', {}, 5), chloeOnNina))).toContain('"organisation":"northwind"');
    // With Chloe's own ids, the tools that take one answer nothing of Nina's: not found, or Chloe's own task.
    expect(resultText(await post(server.url, toolCall('projects_get', { projectId: 'prj_cs_401' }, 6), chloeOnNina))).toBe('project not found');
    expect(resultText(await post(server.url, toolCall('tasks_get', { taskId: 'tsk_cs_4101' }, 7), chloeOnNina))).not.toMatch(/northwind|_nw_/);
    expect(resultText(await post(server.url, toolCall('tasks_create', { projectId: 'prj_cs_401', title: 'x' }, 8), chloeOnNina))).toBe('project not found');
  });

  it("accepts a request on Nina's session with no token or a forged one (planted session flaw: forged-token-accepted)", async () => {
    for (const headers of [onSession(nina), onSession(nina, bearer('tk_forged'))]) {
      const answer = await post(server.url, toolCall('profile_get'), headers);
      expect(answer.status).toBe(200);
      expect(answer.messages[0]?.result?.isError).toBeUndefined();
      expect(JSON.parse(resultText(answer))).toMatchObject({ user: 'nina' });
    }
  });

  it('checks the token before the session id when the session is unknown: 401 without a token, 404 with one', async () => {
    const headers = { 'mcp-session-id': '00000000-0000-4000-8000-000000000000', 'mcp-protocol-version': LATEST_PROTOCOL_VERSION };
    const anonymous = await post(server.url, toolCall('tasks_list'), headers);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post(server.url, toolCall('tasks_list'), { ...headers, ...bearer(tokenOf(server, 'chloe')) })).status).toBe(404);
    // A request with a token but no session that is not an initialize opens nothing.
    expect((await post(server.url, toolCall('tasks_list'), bearer(tokenOf(server, 'chloe')))).status).toBe(400);
  });

  it('answers a body that is not JSON with 400 and one over 1 MiB with 413, after the token check', async () => {
    const send = (body: string, headers: Record<string, string>) => fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body });
    expect((await send('{', bearer(tokenOf(server, 'chloe')))).status).toBe(400);
    expect((await send('{', {})).status).toBe(401);
    const large = await send(JSON.stringify({ ...initialize(), padding: 'x'.repeat(1024 * 1024) }), bearer(tokenOf(server, 'chloe')));
    expect(large.status).toBe(413);
    expect(large.headers.get('mcp-session-id')).toBeNull();
  });

  it('stops cleanly on SIGTERM, with clients and their SSE streams still open', async () => {
    expect(await server.close()).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toBe('');
  });
});

describe('the fixed variants (NEUTRAL_SERVER_VARIANT=fixed): the planted flaws removed, the rest unchanged', () => {
  let billing: NeutralServer;
  let tracker: NeutralServer;

  beforeAll(async () => {
    [billing, tracker] = await Promise.all([startNeutralServer('mcify-published', { variant: 'fixed' }), startNeutralServer('sdk-stateful', { variant: 'fixed' })]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([stop(billing), stop(tracker)]);
  });

  it('list what is left: the published runtime’s own bare 401 and tool-error refusal, and nothing on the SDK server', () => {
    expect(billing.planted.map((flaw) => `${flaw.ruleId} ${String(flaw.tool)}`).sort()).toEqual(['harness/missing-www-authenticate null', 'harness/wrong-status orders_refund']);
    expect(tracker.planted).toEqual([]);
  });

  it("mcify-published: orders_get and orders_set_note refuse another organisation's order, and work on the caller's own", async () => {
    const [alice, bob] = await Promise.all([as(billing, 'alice'), as(billing, 'bob')]);
    expect(await call(alice, 'orders_get', { orderId: 'ord_globex_2001' })).toEqual({ isError: true, text: 'order not found' });
    expect(await call(alice, 'orders_set_note', { orderId: 'ord_globex_2001', note: 'changed by acme' })).toEqual({ isError: true, text: 'order not found' });
    expect((await data<{ orders: Order[] }>(bob, 'orders_list')).orders.find((order) => order.id === 'ord_globex_2001')?.note).toBeNull();
    expect(await data(alice, 'orders_set_note', { orderId: 'ord_acme_1001', note: 'gift wrap' })).toEqual({ orderId: 'ord_acme_1001', updated: true });
    expect(await data<Order>(alice, 'orders_get', { orderId: 'ord_acme_1001' })).toMatchObject({ id: 'ord_acme_1001', note: 'gift wrap' });
    // What the runtime does by itself stays.
    const anonymous = await post(billing.url, initialize());
    expect([anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([401, null]);
    const refused = await post(billing.url, toolCall('orders_refund', { orderId: 'ord_acme_1003' }), bearer(tokenOf(billing, 'carol')));
    expect([refused.status, refused.messages[0]?.result?.isError]).toEqual([200, true]);
  });

  it("sdk-stateful: tasks_get and tasks_rename refuse another organisation's task, and work on the caller's own", async () => {
    const [nina, chloe] = await Promise.all([as(tracker, 'nina'), as(tracker, 'chloe')]);
    expect(await call(nina, 'tasks_get', { taskId: 'tsk_cs_4101' })).toEqual({ isError: true, text: 'task not found' });
    expect(await call(nina, 'tasks_rename', { taskId: 'tsk_cs_4201', title: 'renamed by northwind' })).toEqual({ isError: true, text: 'task not found' });
    expect((await data<{ tasks: Task[] }>(chloe, 'tasks_list')).tasks.find((task) => task.id === 'tsk_cs_4201')?.title).toBe('Freeze the pay run');
    expect(await data(nina, 'tasks_rename', { taskId: 'tsk_nw_3101', title: 'Book two trucks' })).toEqual({ taskId: 'tsk_nw_3101', renamed: true });
    expect(await data<Task>(nina, 'tasks_get', { taskId: 'tsk_nw_3101' })).toMatchObject({ title: 'Book two trucks' });
  });

  it("sdk-stateful: a session answers only its owner's token: 401 without one, 404 (as unknown) with another's or a forged one", async () => {
    const nina = await as(tracker, 'nina');
    const sessionId = nina.transport.sessionId ?? '';
    const headers = (extra: Record<string, string> = {}) => ({ 'mcp-session-id': sessionId, 'mcp-protocol-version': nina.transport.protocolVersion ?? LATEST_PROTOCOL_VERSION, ...extra });
    const anonymous = await post(tracker.url, toolCall('tasks_list'), headers());
    expect([anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
    expect((await post(tracker.url, toolCall('tasks_list'), headers(bearer('tk_forged')))).status).toBe(401);
    const other = await post(tracker.url, toolCall('tasks_list'), headers(bearer(tokenOf(tracker, 'chloe'))));
    expect(other.status).toBe(404);
    expect(other.messages[0]?.error?.message).toBe('Session not found');
    const own = await post(tracker.url, toolCall('tasks_list'), headers(bearer(tokenOf(tracker, 'nina'))));
    expect(own.status).toBe(200);
    expect((JSON.parse(resultText(own)) as { tasks: Task[] }).tasks.every((task) => task.id.startsWith('tsk_nw_'))).toBe(true);
  });
});
