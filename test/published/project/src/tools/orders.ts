/** Orders of the caller's organisation, in the orders database. */
import { defineTool } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { z } from 'zod';
import { callerOf } from '../caller.js';
import { db } from '../db.js';

const order = z.object({
  id: z.string(),
  item: z.string(),
  totalCents: z.number().int(),
  status: z.enum(['open', 'cancelled', 'refunded']),
});

// ok: mcify/require-scope-check (a read tool: its verb is list)
export const ordersList = defineTool({
  name: 'orders_list',
  description: "List your organisation's orders, newest first.",
  middlewares: [requireAuth()],
  input: z.object({ status: z.enum(['open', 'cancelled', 'refunded']).optional(), limit: z.number().int().min(1).max(100).default(20) }),
  output: z.object({ orders: z.array(order) }),
  handler: async (input, ctx) => {
    const caller = callerOf(ctx);
    // ok: mcify/scoped-queries (the caller's organisation)
    const orders = await db.order.findMany({ where: { orgId: caller.orgId, status: input.status }, take: input.limit });
    return { orders };
  },
});

export const ordersGet = defineTool({
  name: 'orders_get',
  description: 'One order, by its id.',
  middlewares: [requireAuth()],
  // ok: mcify/no-identity-in-input (an order id is a business object's id)
  input: z.object({ orderId: z.string() }),
  output: order,
  handler: async (input) => {
    // expect: mcify/scoped-queries (orders_get) -- any organisation's order, by its id alone
    const found = await db.order.findUnique({ where: { id: input.orderId } });
    if (found === null) throw new Error('Order not found.');
    return found;
  },
});

export const ordersShow = defineTool({
  name: 'orders_show',
  description: 'One order with its status history, by its id.',
  middlewares: [requireAuth()],
  input: z.object({ orderId: z.string() }),
  output: order,
  handler: async (input, ctx) => {
    const caller = callerOf(ctx);
    // ok: mcify/scoped-queries (the ownership check below)
    const found = await db.order.findUnique({ where: { id: input.orderId } });
    if (found === null || found.orgId !== caller.orgId) throw new Error('Order not found.');
    return found;
  },
});

export const ordersByUser = defineTool({
  name: 'orders_by_user',
  description: 'Orders a member of your organisation placed.',
  middlewares: [requireAuth()],
  input: z.object({
    // expect: mcify/no-identity-in-input (orders_by_user) -- the agent says whose orders these are
    userId: z.string(),
  }),
  output: z.object({ orders: z.array(order) }),
  handler: async (input, ctx) => {
    const caller = callerOf(ctx);
    // expect: mcify/no-untrusted-identity (orders_by_user)
    const orders = await db.order.findMany({ where: { orgId: caller.orgId, userId: input.userId } });
    return { orders };
  },
});

// expect: mcify/require-scope-check (orders_refund) -- signed in is enough to refund
export const ordersRefund = defineTool({
  name: 'orders_refund',
  description: 'Refund one of your open orders.',
  middlewares: [requireAuth()],
  input: z.object({ orderId: z.string() }),
  output: order,
  handler: async (input, ctx) => {
    const caller = callerOf(ctx);
    // ok: mcify/scoped-queries, mcify/no-untrusted-identity (the caller's own order)
    return db.order.update({ where: { id: input.orderId, orgId: caller.orgId, userId: caller.userId }, data: { status: 'refunded' } });
  },
});

// ok: mcify/require-scope-check (the predicate reads the token's scope)
export const ordersCancel = defineTool({
  name: 'orders_cancel',
  description: 'Cancel one of your open orders.',
  middlewares: [requireAuth({ predicate: (auth) => auth.type === 'oauth_provider' && (auth.scope ?? '').split(' ').includes('orders:cancel') })],
  input: z.object({ orderId: z.string() }),
  output: order,
  handler: async (input, ctx) => {
    const caller = callerOf(ctx);
    return db.order.update({ where: { id: input.orderId, orgId: caller.orgId }, data: { status: 'cancelled' } });
  },
});

export const orderTools = [ordersList, ordersGet, ordersShow, ordersByUser, ordersRefund, ordersCancel];
