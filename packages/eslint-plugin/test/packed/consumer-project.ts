/**
 * A project outside this repository that installs `eslint-plugin-mcify` from `npm pack` tarballs: a
 * multi-tenant orders server with the checklist's flaws, each marked `FLAW`, and where each is
 * expected to be reported. Used by `../packed.test.ts`.
 */

/** Where the tarballs are, as `npm pack` named them. */
export interface Tarballs {
  readonly core: string;
  readonly analyzer: string;
  readonly plugin: string;
}

/** The `file:` spec of a tarball (forward slashes, so it works on Windows too). */
function fileSpec(path: string): string {
  return `file:${path.replace(/\\/g, '/')}`;
}

export function packageJson(tarballs: Tarballs): string {
  return `${JSON.stringify(
    {
      name: 'mcify-packed-consumer',
      version: '1.0.0',
      private: true,
      type: 'module',
      dependencies: {
        // This repository's @mcify/core, not the framework of that name on the registry.
        '@mcify/core': fileSpec(tarballs.core),
        zod: '~3.25.76',
      },
      devDependencies: {
        // eslint-plugin-mcify depends on @mcify-audit/analyzer, which is not on the registry either.
        '@mcify-audit/analyzer': fileSpec(tarballs.analyzer),
        'eslint-plugin-mcify': fileSpec(tarballs.plugin),
        eslint: '^10',
        typescript: '~6.0.3',
        '@typescript-eslint/parser': '^8.74',
      },
    },
    null,
    2,
  )}\n`;
}

/** The flat config as the plugin's README tells a user to write it, with typed linting rooted here. */
export const eslintConfig = `import mcify from 'eslint-plugin-mcify';

const typeChecked = mcify.configs['recommended-type-checked'];

export default [
  {
    files: ['**/*.ts'],
    ...typeChecked,
    languageOptions: {
      ...typeChecked.languageOptions,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
];
`;

export const tsconfig = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2023',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    },
    include: ['src'],
  },
  null,
  2,
)}\n`;

/** A Prisma-style client, as the project's own module. */
export const dbTs = `export interface OrderRow {
  id: string;
  tenantId: string;
  userId: string;
  item: string;
  totalCents: number;
  status: 'open' | 'refunded';
}

interface Where {
  id?: string;
  tenantId?: string;
  userId?: string;
}

export interface Db {
  order: {
    findMany(args: { where: Where; take?: number }): Promise<OrderRow[]>;
    findUnique(args: { where: { id: string } }): Promise<OrderRow | null>;
    update(args: { where: Where; data: Partial<OrderRow> }): Promise<OrderRow>;
  };
}

export declare const db: Db;
`;

export const serverTs = `/**
 * Orders MCP server for every customer organisation. Each request carries an OAuth access token
 * whose claims name the caller (sub) and their organisation (tenantId).
 */
import { defineConfig, defineTool, oauth, ToolError } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { z } from 'zod';
import { db } from './db.js';

export const ordersList = defineTool({
  name: 'orders_list',
  description: "List a customer's orders, newest first.",
  middlewares: [requireAuth({ scopes: ['orders:read'] })],
  // FLAW: the agent says whose orders these are.
  input: z.object({ userId: z.string(), limit: z.number().int().max(100).default(20) }),
  handler: async (input) => {
    const orders = await db.order.findMany({ where: { userId: input.userId }, take: input.limit });
    return { orders };
  },
});

export const ordersGet = defineTool({
  name: 'orders_get',
  description: 'One order, by id.',
  middlewares: [requireAuth({ scopes: ['orders:read'] })],
  input: z.object({ orderId: z.string() }),
  handler: async (input) => {
    // FLAW: any organisation's order, by its id alone.
    const order = await db.order.findUnique({ where: { id: input.orderId } });
    if (order === null) throw new ToolError('Order not found.');
    return order;
  },
});

export const ordersRefund = defineTool({
  name: 'orders_refund',
  description: 'Refund one of your open orders.',
  // FLAW: signed in is enough, no orders:refund scope.
  middlewares: [requireAuth()],
  input: z.object({ orderId: z.string() }),
  handler: async (input, ctx) => {
    const tenantId = String(ctx.auth.claims['tenantId']);
    const userId = String(ctx.auth.claims.sub);
    // FLAW: the access token, in the logs.
    ctx.logger.debug('refund_requested', { orderId: input.orderId, token: ctx.auth.type === 'oauth' ? ctx.auth.token : undefined });
    return db.order.update({ where: { id: input.orderId, tenantId, userId }, data: { status: 'refunded' } });
  },
});

export default defineConfig({
  name: 'orders',
  version: '1.0.0',
  auth: oauth({
    provider: 'auth0',
    issuer: 'https://acme.eu.auth0.com/',
    audience: 'https://orders.example/mcp',
    // FLAW: "users kept getting logged out", so tokens are good for a day.
    maxTokenAgeSec: 86400,
  }),
  tools: [ordersList, ordersGet, ordersRefund],
});
`;

/** The same tools with no login, for local tries: only typed linting sees that they read ctx.auth.claims. */
export const devServerTs = `import { defineConfig, none } from '@mcify/core';
import { ordersGet, ordersRefund } from './server.js';

export default defineConfig({
  name: 'orders-dev',
  version: '1.0.0',
  // FLAW: no per-user auth, yet orders_refund reads ctx.auth.claims.
  auth: none(),
  tools: [ordersGet, ordersRefund],
});
`;

/** The project's files, by path relative to its root. */
export function consumerFiles(tarballs: Tarballs): Record<string, string> {
  return {
    'package.json': packageJson(tarballs),
    'eslint.config.js': eslintConfig,
    'tsconfig.json': tsconfig,
    'src/db.ts': dbTs,
    'src/server.ts': serverTs,
    'src/dev-server.ts': devServerTs,
  };
}

/** The 1-based line of the only line of `source` that contains `snippet`. */
export function lineOf(source: string, snippet: string): number {
  const lines = source.split('\n');
  const matches = lines.flatMap((line, index) => (line.includes(snippet) ? [index + 1] : []));
  if (matches.length !== 1) throw new Error(`"${snippet}" is on ${String(matches.length)} lines, expected exactly one.`);
  return matches[0] ?? 0;
}
