/**
 * `npm run demo`: boots the `orders` fixture (embedded Postgres with row-level security) exactly as
 * `mcify-audit serve` does, with a local test identity provider in place of its issuer, then calls it
 * through the official MCP SDK client as users of two tenants and with forged tokens. Then prints the
 * static report of `orders-vulnerable` (`mcify-audit fixtures/servers/orders-vulnerable --fail-on
 * never`) and ends with `N of M planted static flaws reported`, counted from that report and the
 * fixture's `planted.json` (listing each planted flaw it missed). Exits 0 when every answer was the one
 * a multi-tenant server owes and the report found every planted static flaw, else 1.
 */
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { bootConfig, type BootedServer, type ForgeryKind } from '@mcify-audit/harness';
import { processIo } from '../io.js';
import { loadConfig, referenceConfigOf } from '../load-config.js';
import { staticReportDemo } from './static-report.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const ordersFixture = `${repoRoot}fixtures/servers/orders/mcify.config.ts`;

interface Step {
  readonly title: string;
  /** How the answer must begin: `ok`, `tool error` or `HTTP <status>`. */
  readonly expected: string;
  run(): Promise<string>;
}

const print = (line = '') => {
  process.stdout.write(`${line}\n`);
};

async function connect(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'mcify-demo', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

/** Describes an outcome as the client saw it: a result, a tool error, or an HTTP status. */
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

function steps(server: BootedServer): Step[] {
  const { idp, audience, url } = server;
  if (idp === undefined || audience === undefined) throw new Error('the orders fixture should run with a test identity provider');
  const as = (principal: string, name: string, args: Record<string, unknown> = {}) =>
    outcome(async () => {
      const client = await connect(url, server.tokens[principal] ?? '');
      try {
        return await client.callTool({ name, arguments: args });
      } finally {
        await client.close();
      }
    });
  const forged = (kind: ForgeryKind) =>
    outcome(async () => connect(url, await idp.forge(kind, { sub: 'user_alice', tenantId: 'acme' }, { audience, scopes: ['orders:read'] })));
  return [
    { title: 'alice@acme lists her orders', expected: 'ok', run: () => as('alice', 'orders_list', { limit: 5 }) },
    { title: "bob@globex asks for alice's order ord_acme_1001", expected: 'tool error', run: () => as('bob', 'orders_get', { orderId: 'ord_acme_1001' }) },
    { title: 'carol@acme (read-only) tries to refund an order', expected: 'HTTP 403', run: () => as('carol', 'orders_refund', { orderId: 'ord_acme_1003' }) },
    { title: 'alice@acme refunds her own order', expected: 'ok', run: () => as('alice', 'orders_refund', { orderId: 'ord_acme_1002' }) },
    { title: 'bob@globex exports his organisation', expected: 'ok', run: () => as('bob', 'orders_export', { format: 'csv' }) },
    { title: 'forged token: alg "none", claiming to be alice', expected: 'HTTP 401', run: () => forged('alg-none') },
    { title: 'forged token: signed by an attacker key reusing the real kid', expected: 'HTTP 401', run: () => forged('untrusted-key') },
    { title: 'forged token: claims tampered, signature kept', expected: 'HTTP 401', run: () => forged('tampered-claims') },
    { title: 'expired token', expected: 'HTTP 401', run: () => forged('expired') },
  ];
}

async function main(): Promise<number> {
  const loaded = await loadConfig(ordersFixture);
  const server = await bootConfig(referenceConfigOf(loaded, 'npm run demo'), loaded.hook, { logging: { level: 'warn' } });
  print(`mcify demo: the "orders" fixture (embedded Postgres, row-level security) at ${server.url}`);
  print(`            test identity provider at ${server.idp?.issuer ?? '(none)'}`);
  print();
  let failures = 0;
  try {
    for (const step of steps(server)) {
      const seen = await step.run();
      const matched = seen.startsWith(step.expected);
      if (!matched) failures += 1;
      print(`${matched ? 'PASS' : 'FAIL'}  ${step.title}`);
      print(`      expected ${step.expected}; got ${seen.length > 160 ? `${seen.slice(0, 157)}...` : seen}`);
    }
  } finally {
    await server.close();
  }
  print();
  print(failures === 0 ? 'Every request got the answer a multi-tenant server owes it.' : `${String(failures)} request(s) got an unexpected answer.`);
  print();
  const reportCode = await staticReportDemo({ repoRoot, io: processIo });
  return failures === 0 && reportCode === 0 ? 0 : 1;
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  return 2;
});
