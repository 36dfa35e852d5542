/**
 * The server's data, in memory: two organisations' orders and invoices, and the sessions behind the
 * opaque bearer tokens (token → user, tenant, scopes), the way a server with its own login keeps them.
 * Every server instance gets a fresh copy, with fresh random tokens.
 */
import { randomBytes } from 'node:crypto';

/** Who can sign in. Alice and Bob may refund; Carol and Dave may only read and annotate. */
export const users = {
  alice: { tenant: 'acme', displayName: 'Alice Anders', email: 'alice@acme.test', scopes: ['orders:read', 'orders:refund'] },
  carol: { tenant: 'acme', displayName: 'Carol Chen', email: 'carol@acme.test', scopes: ['orders:read'] },
  bob: { tenant: 'globex', displayName: 'Bob Brown', email: 'bob@globex.test', scopes: ['orders:read', 'orders:refund'] },
  dave: { tenant: 'globex', displayName: 'Dave Diaz', email: 'dave@globex.test', scopes: ['orders:read'] },
};

const seedOrders = [
  { id: 'ord_acme_1001', tenant: 'acme', item: 'Rocket skates', totalCents: 12900, invoiceId: 'inv_acme_5001', customerEmail: 'wile@coyote.test' },
  { id: 'ord_acme_1002', tenant: 'acme', item: 'Giant magnet', totalCents: 4500, invoiceId: 'inv_acme_5002', customerEmail: 'wile@coyote.test' },
  { id: 'ord_acme_1003', tenant: 'acme', item: 'Earthquake pills', totalCents: 990, invoiceId: 'inv_acme_5003', customerEmail: 'road@runner.test' },
  { id: 'ord_globex_2001', tenant: 'globex', item: 'Hammock', totalCents: 8800, invoiceId: 'inv_globex_6001', customerEmail: 'hank@scorpio.test' },
  { id: 'ord_globex_2002', tenant: 'globex', item: 'Doomsday device', totalCents: 99900, invoiceId: 'inv_globex_6002', customerEmail: 'hank@scorpio.test' },
  { id: 'ord_globex_2003', tenant: 'globex', item: 'Flamethrower', totalCents: 25000, invoiceId: 'inv_globex_6003', customerEmail: 'frank@cypress.test' },
];

/**
 * A fresh store: the seeded orders (open, without a note), one invoice per order (the first two of
 * each tenant paid), and one session per user.
 */
export function createStore() {
  const orders = seedOrders.map((order) => ({ ...order, status: 'open', note: null }));
  const invoices = seedOrders.map((order, index) => ({
    id: order.invoiceId,
    tenant: order.tenant,
    orderId: order.id,
    amountCents: order.totalCents,
    status: index % 3 === 2 ? 'due' : 'paid',
    billingEmail: order.customerEmail,
  }));
  /** token → session */
  const sessions = new Map();
  const tokens = {};
  for (const [user, profile] of Object.entries(users)) {
    const token = `ses_${randomBytes(24).toString('base64url')}`;
    sessions.set(token, { user, tenant: profile.tenant, scopes: profile.scopes });
    tokens[user] = token;
  }
  return { orders, invoices, sessions, tokens };
}
