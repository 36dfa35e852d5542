/**
 * Test support: a small multi-tenant orders server, in memory, written the way the multi-user guide
 * says (identity from `ctx.auth.claims`, every lookup scoped by it). The runtime's tests use it where a
 * database would only slow them down; the real fixtures live in fixtures/servers/.
 */
import { defineConfig, defineTool, oauth, ToolError, type HandlerContext } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { z } from 'zod';

export interface Order {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly total: number;
  status: 'paid' | 'refunded';
}

/** Seed data: two tenants, two users each. */
export function seedOrders(): Order[] {
  return [
    { id: 'ord_acme_1', tenantId: 'acme', userId: 'alice', total: 120, status: 'paid' },
    { id: 'ord_acme_2', tenantId: 'acme', userId: 'alice', total: 35, status: 'paid' },
    { id: 'ord_acme_3', tenantId: 'acme', userId: 'carol', total: 990, status: 'paid' },
    { id: 'ord_globex_1', tenantId: 'globex', userId: 'bob', total: 48, status: 'paid' },
  ];
}

/** The caller's scope, from the validated token. */
function principal(ctx: HandlerContext): { tenantId: string; userId: string } {
  const tenantId = ctx.auth.claims.tenantId;
  const userId = ctx.auth.claims.sub;
  if (typeof tenantId !== 'string' || userId === undefined) {
    throw new ToolError('Your token carries no tenantId or sub claim.', { code: 'NO_PRINCIPAL' });
  }
  return { tenantId, userId };
}

const orderShape = z.object({ id: z.string(), total: z.number(), status: z.enum(['paid', 'refunded']) });

/** Builds the example config over an order store (a fresh seed by default). */
export function createOrdersConfig(orders: Order[] = seedOrders()) {
  const visibleTo = (ctx: HandlerContext) => {
    const { tenantId, userId } = principal(ctx);
    return orders.filter((order) => order.tenantId === tenantId && order.userId === userId);
  };

  const whoami = defineTool({
    name: 'whoami',
    description: 'Who the server thinks you are.',
    middlewares: [requireAuth()],
    input: z.object({}),
    output: z.object({ tenantId: z.string(), userId: z.string() }),
    handler: (_input, ctx) => principal(ctx),
  });

  const listOrders = defineTool({
    name: 'orders_list',
    description: 'List orders for the authenticated user.',
    middlewares: [requireAuth()],
    input: z.object({ limit: z.number().int().min(1).max(100).default(20) }),
    output: z.object({ orders: z.array(orderShape) }),
    handler: ({ limit }, ctx) => {
      ctx.logger.info('orders_listed', { userId: ctx.logger.hash(principal(ctx).userId) });
      return { orders: visibleTo(ctx).slice(0, limit).map(({ id, total, status }) => ({ id, total, status })) };
    },
  });

  const getOrder = defineTool({
    name: 'orders_get',
    description: 'One of your orders, by id.',
    middlewares: [requireAuth()],
    input: z.object({ orderId: z.string().max(64) }),
    output: orderShape,
    handler: ({ orderId }, ctx) => {
      const order = visibleTo(ctx).find((candidate) => candidate.id === orderId);
      if (order === undefined) throw new ToolError(`Order ${orderId} not found.`, { code: 'NOT_FOUND' });
      return { id: order.id, total: order.total, status: order.status };
    },
  });

  const refundOrder = defineTool({
    name: 'orders_refund',
    description: 'Refund one of your orders.',
    middlewares: [requireAuth({ scopes: ['orders:refund'], message: 'Refunding orders requires the orders:refund scope.' })],
    input: z.object({ orderId: z.string().max(64) }),
    output: orderShape,
    handler: ({ orderId }, ctx) => {
      const order = visibleTo(ctx).find((candidate) => candidate.id === orderId);
      if (order === undefined) throw new ToolError(`Order ${orderId} not found.`, { code: 'NOT_FOUND' });
      order.status = 'refunded';
      return { id: order.id, total: order.total, status: order.status };
    },
  });

  return defineConfig({
    name: 'orders-example',
    version: '0.1.0',
    description: 'In-memory multi-tenant orders (example).',
    auth: oauth({ provider: 'custom', issuer: 'https://idp.example.com', audience: 'mcify-example-orders' }),
    tools: [whoami, listOrders, getOrder, refundOrder],
  });
}

/** The audience tokens for the example must carry. */
export const exampleAudience = 'mcify-example-orders';
