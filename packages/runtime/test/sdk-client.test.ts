import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createTestIdp, type TestIdp } from '@mcify-audit/harness';
import { serveNode, type RunningServer } from '@mcify/runtime';
import { createOrdersConfig, exampleAudience } from './support/in-memory-orders.js';

let idp: TestIdp;
let server: RunningServer;
const clients: Client[] = [];

beforeAll(async () => {
  idp = await createTestIdp();
  server = await serveNode(createOrdersConfig(), { auth: { issuer: idp.issuer }, logging: { sink: () => undefined } });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await server.close();
  await idp.close();
});

async function connect(token: string): Promise<Client> {
  const client = new Client({ name: 'sdk-client-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(server.url), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

const tokenFor = (sub: string, tenantId: string, scopes: string[] = []) =>
  idp.mint({ sub, tenantId }, { audience: exampleAudience, scopes });

describe('the official MCP SDK client against serveNode', () => {
  it('initializes and lists the tools with JSON Schemas from zod', async () => {
    const client = await connect(await tokenFor('alice', 'acme'));
    expect(client.getServerVersion()).toMatchObject({ name: 'orders-example', version: '0.1.0' });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['whoami', 'orders_list', 'orders_get', 'orders_refund']);
    const list = tools.find((tool) => tool.name === 'orders_list');
    expect(list?.inputSchema).toMatchObject({ type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } } });
    expect(list?.inputSchema.required).toBeUndefined();
    expect(list?.outputSchema).toMatchObject({ type: 'object', required: ['orders'] });
    await expect(client.ping()).resolves.toEqual({});
  });

  it('calls tools as the principal of the token, scoped to its tenant and user', async () => {
    const alice = await connect(await tokenFor('alice', 'acme'));
    const bob = await connect(await tokenFor('bob', 'globex'));
    expect((await alice.callTool({ name: 'whoami', arguments: {} })).structuredContent).toEqual({ tenantId: 'acme', userId: 'alice' });
    const aliceOrders = await alice.callTool({ name: 'orders_list', arguments: {} });
    expect(aliceOrders.structuredContent).toEqual({
      orders: [
        { id: 'ord_acme_1', total: 120, status: 'paid' },
        { id: 'ord_acme_2', total: 35, status: 'paid' },
      ],
    });
    const cross = await bob.callTool({ name: 'orders_get', arguments: { orderId: 'ord_acme_1' } });
    expect(cross).toMatchObject({ isError: true, content: [{ type: 'text', text: 'Order ord_acme_1 not found.' }] });
  });

  it('surfaces invalid arguments as a tool error the model can correct', async () => {
    const client = await connect(await tokenFor('alice', 'acme'));
    const result = await client.callTool({ name: 'orders_list', arguments: { limit: 1000 } });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: expect.stringMatching(/^Invalid arguments for tool orders_list: limit: /) as string }]);
  });

  it('gets an HTTP 403 for a tool whose scope the token lacks, and succeeds with it', async () => {
    const reader = await connect(await tokenFor('alice', 'acme'));
    const refused = reader.callTool({ name: 'orders_refund', arguments: { orderId: 'ord_acme_2' } });
    await expect(refused).rejects.toBeInstanceOf(StreamableHTTPError);
    await expect(refused).rejects.toMatchObject({ code: 403 });
    const refunder = await connect(await tokenFor('alice', 'acme', ['orders:refund']));
    const refunded = await refunder.callTool({ name: 'orders_refund', arguments: { orderId: 'ord_acme_2' } });
    expect(refunded.structuredContent).toEqual({ id: 'ord_acme_2', total: 35, status: 'refunded' });
  });

  it('cannot connect with a forged token', async () => {
    const forged = await idp.forge('untrusted-key', { sub: 'alice', tenantId: 'acme' }, { audience: exampleAudience });
    const client = new Client({ name: 'forger', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { authorization: `Bearer ${forged}` } } });
    const connecting = client.connect(transport);
    await expect(connecting).rejects.toBeInstanceOf(StreamableHTTPError);
    await expect(connecting).rejects.toMatchObject({ code: 401, message: expect.stringContaining('The token signature or format is invalid.') as string });
  });
});
