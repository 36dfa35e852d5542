import { espreeRuleTester, rules, ts, untypedRuleTester } from './support.js';

const rule = rules['no-untrusted-identity'];

untypedRuleTester().run('no-untrusted-identity', rule, {
  valid: [
    // Business ids from input next to the caller's sub (destructured and renamed) from the token.
    ts`
      import { defineTool } from '@mcify/core';
      import { requireAuth } from '@mcify/core/middleware';
      import { PrismaClient } from '@prisma/client';
      import { z } from 'zod';

      const prisma = new PrismaClient();

      export const ordersGet = defineTool({
        name: 'orders_get',
        description: 'One of your orders.',
        middlewares: [requireAuth()],
        input: z.object({ orderId: z.string(), customerId: z.string() }),
        handler: async ({ orderId, customerId }, ctx) => {
          const { sub: userId } = ctx.auth.claims;
          const order = await prisma.order.findFirst({ where: { id: orderId, customerId, userId: String(userId) } });
          return { order };
        },
      });
    `,
    // The identity from a helper that takes ctx is trusted.
    ts`
      import { defineTool, type HandlerContext } from '@mcify/core';
      import { requireAuth } from '@mcify/core/middleware';
      import { PrismaClient } from '@prisma/client';
      import { z } from 'zod';

      const prisma = new PrismaClient();
      const principalOf = (ctx: HandlerContext) => ({ userId: String(ctx.auth.claims.sub), tenantId: String(ctx.auth.claims['tenantId']) });

      export const tasksList = defineTool({
        name: 'tasks_list',
        description: 'Your tasks.',
        middlewares: [requireAuth()],
        input: z.object({ projectId: z.string() }),
        handler: async ({ projectId }, ctx) => {
          const { userId, tenantId } = principalOf(ctx);
          return { tasks: await prisma.task.findMany({ where: { tenantId, assigneeId: userId, projectId } }) };
        },
      });
    `,
    // An identity input only echoed back, never reaching a sink.
    ts`
      import { defineTool } from '@mcify/core';
      import { z } from 'zod';

      export const greet = defineTool({
        name: 'greet',
        description: 'Say hello.',
        input: z.object({ userId: z.string() }),
        handler: async ({ userId }) => ({ message: \`Hello \${userId}\` }),
      });
    `,
    // Unscoped, but not by an identity from input: scoped-queries' call, not this rule's.
    ts`
      import { defineTool } from '@mcify/core';
      import { requireAuth } from '@mcify/core/middleware';
      import { PrismaClient } from '@prisma/client';
      import { z } from 'zod';

      const prisma = new PrismaClient();

      export const invoicesGet = defineTool({
        name: 'invoices_get',
        description: 'An invoice.',
        middlewares: [requireAuth()],
        input: z.object({ invoiceId: z.string() }),
        handler: async ({ invoiceId }) => ({ invoice: await prisma.invoice.findUnique({ where: { id: invoiceId } }) }),
      });
    `,
  ],
  invalid: [
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { PrismaClient } from '@prisma/client';
        import { z } from 'zod';

        const prisma = new PrismaClient();

        export const ordersList = defineTool({
          name: 'orders_list',
          description: 'Orders of a user.',
          middlewares: [requireAuth()],
          input: z.object({ userId: z.string() }),
          handler: async (input) => {
            const orders = await prisma.order.findMany({ where: { userId: input.userId } });
            return { orders };
          },
        });
      `,
      errors: [
        {
          messageId: 'untrustedIdentity',
          line: 14,
          column: 26,
          data: { sink: 'prisma.order.findMany()' },
        },
      ],
    },
    // Input with a claims fallback is still untrusted.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { PrismaClient } from '@prisma/client';
        import { z } from 'zod';

        const prisma = new PrismaClient();

        export const docsList = defineTool({
          name: 'docs_list',
          description: 'Documents.',
          middlewares: [requireAuth()],
          input: z.object({ ownerId: z.string().optional() }),
          handler: async (input, ctx) => {
            const docs = await prisma.document.findMany({ where: { ownerId: input.ownerId ?? String(ctx.auth.claims.sub) } });
            return { docs };
          },
        });
      `,
      errors: [{ messageId: 'untrustedIdentity', line: 14, column: 24 }],
    },
    // A bare `tenant` input bound to a pg parameter, in a multi-line call.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { Pool } from 'pg';
        import { z } from 'zod';

        const pool = new Pool();

        export const invoicesList = defineTool({
          name: 'invoices_list',
          description: 'Invoices.',
          middlewares: [requireAuth()],
          input: z.object({ tenant: z.string() }),
          handler: async (input) => {
            const { rows } = await pool.query(
              'select * from invoices where tenant_id = $1',
              [input.tenant],
            );
            return { invoices: rows };
          },
        });
      `,
      errors: [{ messageId: 'untrustedIdentity', line: 14, column: 28 }],
    },
    // An identity-named key in written values, given a non-identity-named input field.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { PrismaClient } from '@prisma/client';
        import { z } from 'zod';

        const prisma = new PrismaClient();

        export const notesCreate = defineTool({
          name: 'notes_create',
          description: 'Create a note.',
          middlewares: [requireAuth()],
          input: z.object({ title: z.string(), author: z.string() }),
          handler: async (input, ctx) => {
            const tenantId = ctx.auth.claims['tenantId'] as string;
            const note = await prisma.note.create({ data: { tenantId, userId: input.author, title: input.title } });
            return { note };
          },
        });
      `,
      errors: [{ messageId: 'untrustedIdentity', line: 15, column: 24 }],
    },
  ],
});

espreeRuleTester().run('no-untrusted-identity (espree, .js)', rule, {
  valid: [
    {
      filename: 'tools.js',
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import knex from 'knex';

        const db = knex({ client: 'pg' });

        export const tasksAssign = defineTool({
          name: 'tasks_assign',
          description: 'Assign a task to yourself.',
          middlewares: [requireAuth()],
          handler: async (input, ctx) => {
            await db('tasks').insert({ title: input.title, assignee_user_id: ctx.auth.claims.sub });
            return { ok: true };
          },
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
        import knex from 'knex';

        const db = knex({ client: 'pg' });

        export const tasksAssign = defineTool({
          name: 'tasks_assign',
          description: 'Assign a task.',
          middlewares: [requireAuth()],
          handler: async (input) => {
            await db('tasks').insert({ title: input.title, assignee_user_id: input.assigneeUserId });
            return { ok: true };
          },
        });
      `,
      errors: [{ messageId: 'untrustedIdentity', line: 12, column: 11 }],
    },
  ],
});
