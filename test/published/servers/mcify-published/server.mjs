/**
 * "Acme billing": a multi-tenant MCP server written on the published mcify (`@mcify/core` and
 * `@mcify/runtime` 1.0.0-alpha.3), the way a user of that release writes one. Opaque bearer tokens are
 * looked up in the server's own session map (`bearer({ env, verify })`), and every handler takes the
 * caller's organisation from that session, never from its input.
 *
 * Planted (see README.md and planted.json): `orders_get` reads any organisation's order by id,
 * `orders_set_note` writes to any organisation's order by id; and what the published runtime does by
 * itself: its 401 carries no `WWW-Authenticate`, and the scope gate of `orders_refund`
 * (`requireAuth({ predicate })`) refuses with a tool error (HTTP 200, `isError`) instead of a 403.
 */
import process from 'node:process';
import { bearer, defineConfig, defineTool } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { serveNode } from '@mcify/runtime/node';
import { z } from 'zod';
import { createStore, users } from './store.mjs';

const order = z.object({
  id: z.string(),
  item: z.string(),
  totalCents: z.number().int(),
  status: z.enum(['open', 'refunded']),
  note: z.string().nullable(),
  invoiceId: z.string(),
  customerEmail: z.string(),
});

const invoice = z.object({
  id: z.string(),
  orderId: z.string(),
  amountCents: z.number().int(),
  status: z.enum(['due', 'paid']),
  billingEmail: z.string(),
});

/** The caller's session, from the token the runtime verified. */
function sessionOf(store, ctx) {
  const session = ctx.auth.type === 'bearer' ? store.sessions.get(ctx.auth.token) : undefined;
  if (session === undefined) throw new Error('not signed in');
  return session;
}

function hasScope(store, auth, scope) {
  if (auth.type !== 'bearer') return false;
  return store.sessions.get(auth.token)?.scopes.includes(scope) === true;
}

const present = (row) => order.parse(row);

/**
 * The config, over one store. `variant: 'fixed'` adds the missing tenant filters to `orders_get` and
 * `orders_set_note`; what the runtime does by itself (the bare 401, the tool-error refusal) stays.
 */
export function createConfig(store, { variant = 'planted' } = {}) {
  const fixed = variant === 'fixed';
  /** The order by id: in any organisation (the planted flaw), or in the caller's (fixed). */
  const findOrder = (orderId, tenant) => store.orders.find((candidate) => candidate.id === orderId && (!fixed || candidate.tenant === tenant));
  const profileGet = defineTool({
    name: 'profile_get',
    description: 'The signed-in user: name, email and organisation.',
    input: z.object({}),
    output: z.object({ user: z.string(), displayName: z.string(), email: z.string(), organisation: z.string() }),
    handler: (_input, ctx) => {
      const session = sessionOf(store, ctx);
      const profile = users[session.user];
      return { user: session.user, displayName: profile.displayName, email: profile.email, organisation: session.tenant };
    },
  });

  const ordersList = defineTool({
    name: 'orders_list',
    description: "Lists the orders of the caller's organisation, newest first.",
    input: z.object({ status: z.enum(['open', 'refunded']).optional(), limit: z.number().int().min(1).max(50).optional() }),
    output: z.object({ orders: z.array(order) }),
    handler: (input, ctx) => {
      const { tenant } = sessionOf(store, ctx);
      const rows = store.orders.filter((row) => row.tenant === tenant && (input.status === undefined || row.status === input.status));
      return { orders: rows.reverse().slice(0, input.limit ?? 50).map(present) };
    },
  });

  const ordersGet = defineTool({
    name: 'orders_get',
    description: 'Shows one order by its id.',
    input: z.object({ orderId: z.string().min(1) }),
    output: order,
    handler: (input, ctx) => {
      const { tenant } = sessionOf(store, ctx);
      // PLANTED harness/cross-tenant-read: looked up by id alone, not by the caller's organisation.
      const row = findOrder(input.orderId, tenant);
      if (row === undefined) throw new Error('order not found');
      return present(row);
    },
  });

  const ordersSetNote = defineTool({
    name: 'orders_set_note',
    description: 'Sets the internal note of an order.',
    input: z.object({ orderId: z.string().min(1), note: z.string().max(200) }),
    output: z.object({ orderId: z.string(), updated: z.literal(true) }),
    handler: (input, ctx) => {
      const { tenant } = sessionOf(store, ctx);
      // PLANTED harness/cross-tenant-write: updated by id alone; the answer shows nothing of the order.
      const row = findOrder(input.orderId, tenant);
      if (row === undefined) throw new Error('order not found');
      row.note = input.note;
      return { orderId: input.orderId, updated: true };
    },
  });

  const ordersRefund = defineTool({
    name: 'orders_refund',
    description: "Refunds one of the caller's organisation's orders.",
    // PLANTED harness/wrong-status: the published runtime turns this refusal into a tool error (HTTP 200, isError).
    middlewares: [requireAuth({ predicate: (auth) => hasScope(store, auth, 'orders:refund'), message: 'forbidden: the orders:refund scope is required' })],
    input: z.object({ orderId: z.string().min(1) }),
    output: z.object({ orderId: z.string(), status: z.literal('refunded'), refundedCents: z.number().int() }),
    handler: (input, ctx) => {
      const { tenant } = sessionOf(store, ctx);
      const row = store.orders.find((candidate) => candidate.id === input.orderId && candidate.tenant === tenant);
      if (row === undefined) throw new Error('order not found');
      row.status = 'refunded';
      return { orderId: row.id, status: 'refunded', refundedCents: row.totalCents };
    },
  });

  const invoicesList = defineTool({
    name: 'invoices_list',
    description: "Lists the invoices of the caller's organisation.",
    input: z.object({ status: z.enum(['due', 'paid']).optional() }),
    output: z.object({ invoices: z.array(invoice) }),
    handler: (input, ctx) => {
      const { tenant } = sessionOf(store, ctx);
      return { invoices: store.invoices.filter((row) => row.tenant === tenant && (input.status === undefined || row.status === input.status)).map((row) => invoice.parse(row)) };
    },
  });

  const invoicesGet = defineTool({
    name: 'invoices_get',
    description: "Shows one of the caller's organisation's invoices by its id.",
    input: z.object({ invoiceId: z.string().min(1) }),
    output: invoice,
    handler: (input, ctx) => {
      const { tenant } = sessionOf(store, ctx);
      const row = store.invoices.find((candidate) => candidate.id === input.invoiceId && candidate.tenant === tenant);
      if (row === undefined) throw new Error('invoice not found');
      return invoice.parse(row);
    },
  });

  return defineConfig({
    name: 'acme-billing',
    version: '1.0.0',
    description: 'Orders and invoices of many organisations, each seeing its own.',
    // PLANTED harness/missing-www-authenticate: the published runtime answers a refused token with a bare 401.
    auth: bearer({ env: 'ACME_BILLING_UNUSED', verify: (token) => store.sessions.has(token) }),
    tools: [profileGet, ordersList, ordersGet, ordersSetNote, ordersRefund, invoicesList, invoicesGet],
  });
}

/** Log lines go to stderr: stdout carries only the start line. */
function stderrLogger(bindings = {}) {
  const log = (level) => (msg, meta) => {
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...bindings, ...meta })}\n`);
  };
  return { trace: () => undefined, debug: () => undefined, info: log('info'), warn: log('warn'), error: log('error'), child: (extra) => stderrLogger({ ...bindings, ...extra }) };
}

/**
 * Starts the server on the published runtime's `serveNode`, with a fresh store (`variant`: see
 * {@link createConfig}). Resolves with the MCP endpoint, each user's token, the principals and `close()`.
 */
export async function startServer({ port = 0, hostname = '127.0.0.1', variant = 'planted' } = {}) {
  const store = createStore();
  const server = await serveNode(createConfig(store, { variant }), { port, hostname, logger: stderrLogger({ server: 'acme-billing' }) });
  const principals = Object.fromEntries(Object.entries(users).map(([name, user]) => [name, { tenant: user.tenant, scopes: [...user.scopes] }]));
  return { url: `${server.url}/mcp`, tokens: { ...store.tokens }, principals, close: () => server.close() };
}
