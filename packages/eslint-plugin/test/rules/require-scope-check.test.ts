import { espreeRuleTester, rules, ts, untypedRuleTester } from './support.js';

const rule = rules['require-scope-check'];

// A home-grown guard: not a scope gate under default options, one when configured in settings.mcify.
const customGuard = ts`
  import { defineTool } from '@mcify/core';
  import { requireAuth } from '@mcify/core/middleware';
  import { z } from 'zod';
  import { requireRole } from './guards.js';

  export const keysRotate = defineTool({
    name: 'keys_rotate',
    description: 'Rotate the signing key.',
    middlewares: [requireAuth(), requireRole('admin')],
    input: z.object({}),
    handler: async () => ({ rotated: true }),
  });
`;

untypedRuleTester().run('require-scope-check', rule, {
  valid: [
    // requireAuth({ scopes }) (after rateLimit) and requireAuth({ check }) are scope gates.
    ts`
      import { defineTool } from '@mcify/core';
      import { rateLimit, requireAuth } from '@mcify/core/middleware';
      import { z } from 'zod';

      export const ordersRefund = defineTool({
        name: 'orders_refund',
        description: 'Refund one of your orders.',
        middlewares: [rateLimit({ max: 5, windowMs: 60_000 }), requireAuth({ scopes: ['orders:refund'] })],
        input: z.object({ orderId: z.string() }),
        handler: async ({ orderId }) => ({ refunded: orderId }),
      });

      export const usersDelete = defineTool({
        name: 'users_delete',
        description: 'Delete a person.',
        middlewares: [requireAuth({ check: (auth) => auth.type === 'oauth' && auth.claims['role'] === 'admin' })],
        input: z.object({ email: z.string().email() }),
        handler: async ({ email }) => ({ deleted: email }),
      });
    `,
    // A handler that throws on a role claim before its first sink.
    ts`
      import { defineTool, ToolError } from '@mcify/core';
      import { requireAuth } from '@mcify/core/middleware';
      import { PrismaClient } from '@prisma/client';
      import { z } from 'zod';

      const prisma = new PrismaClient();

      export const usersRemove = defineTool({
        name: 'users_remove',
        description: 'Take a colleague out of your organisation.',
        middlewares: [requireAuth()],
        input: z.object({ email: z.string().email() }),
        handler: async ({ email }, ctx) => {
          if (!(ctx.auth.claims['roles'] as string[] | undefined)?.includes('admin')) {
            throw new ToolError('Only administrators can remove people.');
          }
          const tenantId = ctx.auth.claims['tenantId'] as string;
          const { count } = await prisma.membership.deleteMany({ where: { tenantId, email } });
          return { removed: count };
        },
      });
    `,
    // Verbs match only as whole words; a description that mentions a verb later is not sensitive.
    ts`
      import { defineTool } from '@mcify/core';
      import { requireAuth } from '@mcify/core/middleware';
      import { z } from 'zod';

      export const paymentStatus = defineTool({ name: 'payment_status', description: 'Status of a payment.', middlewares: [requireAuth()], input: z.object({ id: z.string() }), handler: async ({ id }) => ({ id }) });
      export const exporterStatus = defineTool({ name: 'exporter_status', description: 'Status of the exporter.', middlewares: [requireAuth()], input: z.object({}), handler: async () => ({ ok: true }) });
      export const dropdownOptions = defineTool({ name: 'dropdownOptions', description: 'Options of a dropdown.', middlewares: [requireAuth()], input: z.object({}), handler: async () => ({ options: [] }) });
      export const ordersList = defineTool({ name: 'orders_list', description: 'List orders, including cancelled ones.', middlewares: [requireAuth()], input: z.object({}), handler: async () => ({ orders: [] }) });
    `,
    // A guard middleware configured through ESLint settings (settings.mcify.guardMiddlewares).
    { code: customGuard, settings: { mcify: { guardMiddlewares: ['requireRole'] } } },
  ],
  invalid: [
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { z } from 'zod';

        export const ordersRefund = defineTool({
          name: 'orders_refund',
          description: 'Refund one of your orders.',
          middlewares: [requireAuth()],
          input: z.object({ orderId: z.string() }),
          handler: async ({ orderId }) => ({ refunded: orderId }),
        });
      `,
      errors: [
        {
          messageId: 'missingScopeCheck',
          line: 5,
          column: 29,
          data: { tool: 'orders_refund', verb: 'refund' },
        },
      ],
    },
    // camelCase name, no middlewares at all.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { z } from 'zod';

        export const deleteUser = defineTool({
          name: 'deleteUser',
          description: 'Remove a person.',
          input: z.object({ email: z.string().email() }),
          handler: async ({ email }) => ({ deleted: email }),
        });
      `,
      errors: [{ messageId: 'missingScopeCheck', line: 4, column: 27 }],
    },
    // A neutral name whose description starts with an inflected sensitive verb.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { z } from 'zod';

        export const ordersSettle = defineTool({
          name: 'orders_settle',
          description: 'Refunds the unused balance of an order.',
          middlewares: [requireAuth()],
          input: z.object({ orderId: z.string() }),
          handler: async ({ orderId }) => ({ orderId }),
        });
      `,
      errors: [{ messageId: 'missingScopeCheck', line: 5, column: 29 }],
    },
    // The scope check comes after the write: too late.
    {
      code: ts`
        import { defineTool, ToolError } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { PrismaClient } from '@prisma/client';
        import { z } from 'zod';

        const prisma = new PrismaClient();

        export const invoicesVoid = defineTool({
          name: 'invoices_void',
          description: 'Void an open invoice.',
          middlewares: [requireAuth()],
          input: z.object({ invoiceNumber: z.string() }),
          handler: async ({ invoiceNumber }, ctx) => {
            const tenantId = ctx.auth.claims['tenantId'] as string;
            const { count } = await prisma.invoice.updateMany({ where: { number: invoiceNumber, tenantId }, data: { status: 'void' } });
            if (!ctx.auth.scopes?.includes('invoices:void')) throw new ToolError('Missing scope.');
            return { voided: count };
          },
        });
      `,
      errors: [{ messageId: 'missingScopeCheck', line: 8, column: 29 }],
    },
    // The same custom guard without the setting.
    { code: customGuard, errors: [{ messageId: 'missingScopeCheck', line: 6, column: 27 }] },
  ],
});

espreeRuleTester().run('require-scope-check (espree, .js)', rule, {
  valid: [
    {
      filename: 'tools.js',
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';

        export const payoutsCreate = defineTool({
          name: 'payouts_create',
          description: 'Send a payout.',
          middlewares: [requireAuth({ scopes: ['payouts:write'] })],
          handler: async (input) => ({ amount: input.amount }),
        });
      `,
    },
  ],
  invalid: [
    {
      filename: 'tools.js',
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';

        export const payoutsCreate = defineTool({
          name: 'payouts_create',
          description: 'Send a payout.',
          middlewares: [requireAuth()],
          handler: async (input) => ({ amount: input.amount }),
        });
      `,
      errors: [{ messageId: 'missingScopeCheck', line: 4, column: 30 }],
    },
  ],
});
