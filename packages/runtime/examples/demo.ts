/**
 * `npm run demo`: starts the example orders server on a free loopback port with a local test identity
 * provider, calls it through the official MCP SDK client with valid tokens and with forged ones, prints
 * what happened, and exits 0 when every answer was the expected one.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createTestIdp, type TestIdp } from '@mcify-audit/harness';
import { serveNode } from '@mcify/runtime';
import { createOrdersConfig, exampleAudience } from './orders-server.js';

interface Step {
  readonly title: string;
  /** What the step should observe, e.g. `200` or `HTTP 401`. */
  readonly expected: string;
  run(): Promise<string>;
}

const print = (line = '') => {
  process.stdout.write(`${line}\n`);
};

async function clientWith(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'mcify-demo', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

/** Runs `call` and describes the outcome as the client saw it: a result, a tool error or an HTTP status. */
async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    const result = await call();
    if (result instanceof Client) return 'ok: connected';
    const { isError, structuredContent, content } = (result ?? {}) as { isError?: boolean; structuredContent?: unknown; content?: { text?: string }[] };
    return isError === true ? `tool error: ${content?.[0]?.text ?? ''}` : `ok: ${JSON.stringify(structuredContent ?? content)}`;
  } catch (error) {
    if (error instanceof StreamableHTTPError) return `HTTP ${String(error.code)}: ${error.message.replace(/^.*"message":"([^"]*)".*$/s, '$1')}`;
    throw error;
  }
}

function steps(url: string, idp: TestIdp): Step[] {
  const mint = (sub: string, tenantId: string, scopes: string[] = []) => idp.mint({ sub, tenantId }, { audience: exampleAudience, scopes });
  const asUser = async (token: Promise<string>, call: (client: Client) => Promise<unknown>) => {
    const client = await clientWith(url, await token);
    try {
      return await outcome(() => call(client));
    } finally {
      await client.close();
    }
  };
  return [
    {
      title: 'alice@acme lists her orders (valid token)',
      expected: 'ok',
      run: () => asUser(mint('alice', 'acme'), (client) => client.callTool({ name: 'orders_list', arguments: {} })),
    },
    {
      title: "bob@globex asks for alice's order ord_acme_1",
      expected: 'tool error',
      run: () => asUser(mint('bob', 'globex'), (client) => client.callTool({ name: 'orders_get', arguments: { orderId: 'ord_acme_1' } })),
    },
    {
      title: 'alice refunds without the orders:refund scope',
      expected: 'HTTP 403',
      run: () => asUser(mint('alice', 'acme'), (client) => client.callTool({ name: 'orders_refund', arguments: { orderId: 'ord_acme_2' } })),
    },
    {
      title: 'alice refunds with the orders:refund scope',
      expected: 'ok',
      run: () =>
        asUser(mint('alice', 'acme', ['orders:refund']), (client) => client.callTool({ name: 'orders_refund', arguments: { orderId: 'ord_acme_2' } })),
    },
    {
      title: 'forged token: alg "none", claiming to be alice',
      expected: 'HTTP 401',
      run: () => outcome(async () => clientWith(url, await idp.forge('alg-none', { sub: 'alice', tenantId: 'acme' }, { audience: exampleAudience }))),
    },
    {
      title: 'forged token: signed by an attacker key reusing the real kid',
      expected: 'HTTP 401',
      run: () =>
        outcome(async () => clientWith(url, await idp.forge('untrusted-key', { sub: 'alice', tenantId: 'acme' }, { audience: exampleAudience }))),
    },
    {
      title: 'expired token',
      expected: 'HTTP 401',
      run: () => outcome(async () => clientWith(url, await idp.forge('expired', { sub: 'alice', tenantId: 'acme' }, { audience: exampleAudience }))),
    },
  ];
}

async function main(): Promise<number> {
  const idp = await createTestIdp();
  const server = await serveNode(createOrdersConfig(), { auth: { issuer: idp.issuer }, logging: { level: 'warn' } });
  print(`mcify demo: orders server at ${server.url}`);
  print(`            test identity provider at ${idp.issuer}`);
  print();
  let failures = 0;
  try {
    for (const step of steps(server.url, idp)) {
      const seen = await step.run();
      const matched = seen.startsWith(step.expected);
      if (!matched) failures += 1;
      print(`${matched ? 'PASS' : 'FAIL'}  ${step.title}`);
      print(`      expected ${step.expected}; got ${seen}`);
    }
  } finally {
    await server.close();
    await idp.close();
  }
  print();
  print(failures === 0 ? 'Every request got the answer a multi-tenant server owes it.' : `${String(failures)} request(s) got an unexpected answer.`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
