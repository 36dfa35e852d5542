import { espreeRuleTester, rules, ts, untypedRuleTester } from './support.js';

const rule = rules['scoped-queries'];

untypedRuleTester().run('scoped-queries', rule, {
  valid: [
    // Tenant-only scoping counts as scoped.
    ts`
      import { defineTool } from '@mcify/core';
      import { requireAuth } from '@mcify/core/middleware';
      import { PrismaClient } from '@prisma/client';
      import { z } from 'zod';

      const prisma = new PrismaClient();

      export const ordersCount = defineTool({
        name: 'orders_count',
        description: 'How many orders your organisation has.',
        middlewares: [requireAuth()],
        input: z.object({ status: z.enum(['open', 'paid']) }),
        handler: async ({ status }, ctx) => {
          const tenantId = ctx.auth.claims['tenantId'] as string;
          const count = await prisma.order.count({ where: { tenantId, status } });
          return { count };
        },
      });
    `,
    // An ownership guard on the result, against the caller's sub.
    ts`
      import { defineTool, ToolError } from '@mcify/core';
      import { requireAuth } from '@mcify/core/middleware';
      import { PrismaClient } from '@prisma/client';
      import { z } from 'zod';

      const prisma = new PrismaClient();

      export const docsGet = defineTool({
        name: 'docs_get',
        description: 'A document.',
        middlewares: [requireAuth()],
        input: z.object({ documentId: z.string() }),
        handler: async ({ documentId }, ctx) => {
          const userId = ctx.auth.claims.sub as string;
          const doc = await prisma.document.findUnique({ where: { id: documentId } });
          if (!doc || doc.ownerId !== userId) throw new ToolError('Not found.');
          return { doc };
        },
      });
    `,
    // Pattern B: a session looked up from ctx (a helper taking ctx) scopes both the DB query and the
    // upstream call carrying the session's own key.
    ts`
      import { defineTool, type HandlerContext } from '@mcify/core';
      import { requireAuth } from '@mcify/core/middleware';
      import { PrismaClient } from '@prisma/client';
      import { z } from 'zod';
      import { sessionStore, type Session } from './session-store.js';

      const db = new PrismaClient();

      async function sessionFromContext(ctx: HandlerContext): Promise<Session> {
        if (ctx.auth.type !== 'bearer') throw new Error('expected a bearer session');
        const session = await sessionStore.lookup(ctx.auth.token);
        if (session === null) throw new Error('session expired');
        return session;
      }

      export const ordersList = defineTool({
        name: 'orders_list',
        description: 'List your orders.',
        middlewares: [requireAuth()],
        input: z.object({ limit: z.number().int().max(100) }),
        handler: async ({ limit }, ctx) => {
          const session = await sessionFromContext(ctx);
          const orders = await db.order.findMany({ where: { userId: session.userId }, take: limit });
          const res = await ctx.fetch('https://ledger.example/v1/invoices', {
            headers: { authorization: \`Bearer \${session.upstreamApiKey}\` },
          });
          return { orders, invoices: await res.json() };
        },
      });
    `,
    // A single-user server (auth: none(), no ctx.auth read): unfiltered queries are silent.
    ts`
      import { defineConfig, defineTool, none } from '@mcify/core';
      import { PrismaClient } from '@prisma/client';
      import { z } from 'zod';

      const prisma = new PrismaClient();

      const notesList = defineTool({
        name: 'notes_list',
        description: 'My notes.',
        input: z.object({ limit: z.number().int().max(100) }),
        handler: async ({ limit }) => ({ notes: await prisma.note.findMany({ take: limit }) }),
      });

      export default defineConfig({ name: 'notes', version: '1.0.0', auth: none(), tools: [notesList] });
    `,
    // Scoped by an identity from input: no-untrusted-identity's call, so this rule stays silent.
    ts`
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
        handler: async ({ userId }) => ({ orders: await prisma.order.findMany({ where: { userId } }) }),
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

        export const invoicesGet = defineTool({
          name: 'invoices_get',
          description: 'One of your invoices.',
          middlewares: [requireAuth()],
          input: z.object({ invoiceId: z.string() }),
          handler: async ({ invoiceId }) => {
            const invoice = await prisma.invoice.findUnique({ where: { id: invoiceId } });
            return { invoice };
          },
        });
      `,
      errors: [
        {
          messageId: 'unscopedQuery',
          line: 14,
          column: 27,
          data: { sink: 'prisma.invoice.findUnique()' },
        },
      ],
    },
    // A bare null check on the result is no ownership guard.
    {
      code: ts`
        import { defineTool, ToolError } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { PrismaClient } from '@prisma/client';
        import { z } from 'zod';

        const prisma = new PrismaClient();

        export const docsGet = defineTool({
          name: 'docs_get',
          description: 'A document.',
          middlewares: [requireAuth()],
          input: z.object({ documentId: z.string() }),
          handler: async ({ documentId }, ctx) => {
            const userId = ctx.auth.claims.sub as string;
            const doc = await prisma.document.findUnique({ where: { id: documentId } });
            if (!doc) throw new ToolError('Not found.');
            return { doc, viewer: userId };
          },
        });
      `,
      errors: [{ messageId: 'unscopedQuery', line: 15, column: 23 }],
    },
    // A multi-line Drizzle chain: reported where the whole chain starts.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { eq } from 'drizzle-orm';
        import { drizzle } from 'drizzle-orm/node-postgres';
        import { z } from 'zod';
        import { projects } from './schema.js';

        const db = drizzle(process.env.DATABASE_URL ?? '');

        export const projectsGet = defineTool({
          name: 'projects_get',
          description: 'A project by id.',
          middlewares: [requireAuth()],
          input: z.object({ projectId: z.string() }),
          handler: async ({ projectId }) => {
            const rows = await db
              .select()
              .from(projects)
              .where(eq(projects.id, projectId));
            return { project: rows[0] ?? null };
          },
        });
      `,
      errors: [{ messageId: 'unscopedQuery', line: 16, column: 24 }],
    },
    // An upstream call authorised only by a server-held secret.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { z } from 'zod';

        export const chargesList = defineTool({
          name: 'charges_list',
          description: 'Recent charges.',
          middlewares: [requireAuth()],
          input: z.object({ limit: z.number().int().max(100) }),
          handler: async ({ limit }, ctx) => {
            const res = await ctx.fetch(\`https://api.stripe.com/v1/charges?limit=\${limit}\`, {
              headers: { authorization: \`Bearer \${process.env.STRIPE_SECRET}\` },
            });
            return { charges: await res.json() };
          },
        });
      `,
      errors: [{ messageId: 'unscopedUpstream', line: 11, column: 23 }],
    },
  ],
});

espreeRuleTester().run('scoped-queries (espree, .mjs)', rule, {
  valid: [
    {
      filename: 'tools.mjs',
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import knex from 'knex';

        const db = knex({ client: 'pg' });

        export const ticketsClose = defineTool({
          name: 'tickets_close',
          description: 'Close a ticket.',
          middlewares: [requireAuth()],
          handler: async (input, ctx) => {
            const tenantId = ctx.auth.claims.tenantId;
            await db('tickets').where({ tenant_id: tenantId, id: input.ticketId }).update({ status: 'closed' });
            return { closed: true };
          },
        });
      `,
    },
  ],
  invalid: [
    {
      filename: 'tools.mjs',
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import knex from 'knex';

        const db = knex({ client: 'pg' });

        export const ticketsClose = defineTool({
          name: 'tickets_close',
          description: 'Close a ticket.',
          middlewares: [requireAuth()],
          handler: async (input, ctx) => {
            ctx.logger.info('closing');
            await db('tickets').where({ id: input.ticketId }).update({ status: 'closed' });
            return { closed: true };
          },
        });
      `,
      errors: [{ messageId: 'unscopedQuery', line: 13, column: 11 }],
    },
  ],
});
