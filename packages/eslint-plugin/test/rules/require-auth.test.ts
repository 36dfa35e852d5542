import { espreeRuleTester, rules, ts, untypedRuleTester } from './support.js';

const rule = rules['require-auth'];

// No `middlewares` at all: the suggestion adds the property and imports requireAuth after the last import.
const noMiddlewares = ts`
  import { defineTool } from '@mcify/core';
  import { z } from 'zod';

  export const profileGet = defineTool({
    name: 'profile_get',
    description: 'Your profile.',
    input: z.object({}),
    handler: async (_input, ctx) => ({ sub: ctx.auth.claims.sub }),
  });
`;

const noMiddlewaresFixed = ts`
  import { defineTool } from '@mcify/core';
  import { z } from 'zod';
  import { requireAuth } from '@mcify/core/middleware';

  export const profileGet = defineTool({ middlewares: [requireAuth()],
    name: 'profile_get',
    description: 'Your profile.',
    input: z.object({}),
    handler: async (_input, ctx) => ({ sub: ctx.auth.claims.sub }),
  });
`;

// `middlewares: []` with requireAuth already imported: only the call is added.
const emptyMiddlewares = ts`
  import { defineTool } from '@mcify/core';
  import { requireAuth } from '@mcify/core/middleware';
  import { z } from 'zod';

  export const notificationsUnread = defineTool({
    name: 'notifications_unread',
    description: 'Your unread notifications.',
    middlewares: [],
    input: z.object({}),
    handler: async (_input, ctx) => ({ sub: ctx.auth.claims.sub }),
  });
`;

const emptyMiddlewaresFixed = ts`
  import { defineTool } from '@mcify/core';
  import { requireAuth } from '@mcify/core/middleware';
  import { z } from 'zod';

  export const notificationsUnread = defineTool({
    name: 'notifications_unread',
    description: 'Your unread notifications.',
    middlewares: [requireAuth()],
    input: z.object({}),
    handler: async (_input, ctx) => ({ sub: ctx.auth.claims.sub }),
  });
`;

untypedRuleTester().run('require-auth', rule, {
  valid: [
    ts`
      import { defineTool } from '@mcify/core';
      import { requireAuth } from '@mcify/core/middleware';
      import { z } from 'zod';

      export const profileGet = defineTool({
        name: 'profile_get',
        description: 'Your profile.',
        middlewares: [requireAuth()],
        input: z.object({}),
        handler: async (_input, ctx) => ({ sub: ctx.auth.claims.sub }),
      });
    `,
    // An aliased import and a namespace import, with options.
    ts`
      import { defineTool } from '@mcify/core';
      import * as mw from '@mcify/core/middleware';
      import { requireAuth as authenticated } from '@mcify/core/middleware';
      import { z } from 'zod';

      export const aGet = defineTool({
        name: 'a_get',
        description: 'A.',
        middlewares: [authenticated({ scopes: ['a:read'] })],
        input: z.object({}),
        handler: async (_input, ctx) => ({ sub: ctx.auth.claims.sub }),
      });

      export const bGet = defineTool({
        name: 'b_get',
        description: 'B.',
        middlewares: [mw.requireAuth({ predicate: (auth) => auth.type === 'oauth' })],
        input: z.object({}),
        handler: async (_input, ctx) => ({ sub: ctx.auth.claims.sub }),
      });
    `,
    // Only ctx.logger / ctx.signal: no auth read, so no requireAuth needed.
    ts`
      import { defineTool } from '@mcify/core';
      import { z } from 'zod';

      export const ping = defineTool({
        name: 'ping',
        description: 'Health check.',
        input: z.object({ echo: z.string() }),
        handler: async ({ echo }, ctx) => {
          ctx.logger.info('ping', { length: echo.length });
          if (ctx.signal.aborted) return { echo: '' };
          return { echo };
        },
      });
    `,
    // A single-user server calling a public API with ctx.fetch.
    ts`
      import { defineConfig, defineTool, none } from '@mcify/core';
      import { z } from 'zod';

      const ratesGet = defineTool({
        name: 'rates_get',
        description: 'Exchange rates from a public API.',
        input: z.object({ base: z.string().length(3) }),
        handler: async ({ base }, ctx) => {
          const res = await ctx.fetch(\`https://api.frankfurter.app/latest?from=\${base}\`);
          return { rates: await res.json() };
        },
      });

      export default defineConfig({ name: 'rates', version: '1.0.0', auth: none(), tools: [ratesGet] });
    `,
    // The suggestions' results are clean.
    noMiddlewaresFixed,
    emptyMiddlewaresFixed,
  ],
  invalid: [
    {
      code: noMiddlewares,
      errors: [
        {
          messageId: 'missingRequireAuth',
          line: 4,
          column: 27,
          data: { tool: 'profile_get' },
          suggestions: [{ messageId: 'addRequireAuth', output: noMiddlewaresFixed }],
        },
      ],
    },
    {
      code: emptyMiddlewares,
      errors: [{ messageId: 'missingRequireAuth', line: 5, column: 36, suggestions: [{ messageId: 'addRequireAuth', output: emptyMiddlewaresFixed }] }],
    },
    // rateLimit only, with a destructured `{ auth }` context: requireAuth() goes first in the array.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { rateLimit } from '@mcify/core/middleware';
        import { z } from 'zod';

        export const quotaGet = defineTool({
          name: 'quota_get',
          description: 'Your quota.',
          middlewares: [rateLimit({ max: 10, windowMs: 60_000 })],
          input: z.object({}),
          handler: async (_input, { auth }) => ({ tenant: auth.claims['tenantId'] }),
        });
      `,
      errors: [
        {
          messageId: 'missingRequireAuth',
          line: 5,
          column: 25,
          suggestions: [
            {
              messageId: 'addRequireAuth',
              output: ts`
                import { defineTool } from '@mcify/core';
                import { rateLimit, requireAuth } from '@mcify/core/middleware';
                import { z } from 'zod';

                export const quotaGet = defineTool({
                  name: 'quota_get',
                  description: 'Your quota.',
                  middlewares: [requireAuth(), rateLimit({ max: 10, windowMs: 60_000 })],
                  input: z.object({}),
                  handler: async (_input, { auth }) => ({ tenant: auth.claims['tenantId'] }),
                });
              `,
            },
          ],
        },
      ],
    },
    // The handler passes ctx to a same-file helper that reads ctx.auth.
    {
      code: ts`
        import { defineTool, type HandlerContext } from '@mcify/core';
        import { z } from 'zod';

        function callerOf(ctx: HandlerContext): string {
          return String(ctx.auth.claims.sub);
        }

        export const whoami = defineTool({
          name: 'whoami',
          description: 'Who you are.',
          input: z.object({}),
          handler: async (_input, ctx) => ({ caller: callerOf(ctx) }),
        });
      `,
      errors: [
        {
          messageId: 'missingRequireAuth',
          line: 8,
          column: 23,
          suggestions: [
            {
              messageId: 'addRequireAuth',
              output: ts`
                import { defineTool, type HandlerContext } from '@mcify/core';
                import { z } from 'zod';
                import { requireAuth } from '@mcify/core/middleware';

                function callerOf(ctx: HandlerContext): string {
                  return String(ctx.auth.claims.sub);
                }

                export const whoami = defineTool({ middlewares: [requireAuth()],
                  name: 'whoami',
                  description: 'Who you are.',
                  input: z.object({}),
                  handler: async (_input, ctx) => ({ caller: callerOf(ctx) }),
                });
              `,
            },
          ],
        },
      ],
    },
    // Middlewares given as a variable: no edit of the tool's object could add requireAuth() to them, so
    // the finding carries no suggestion (rather than one that only adds an import).
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { rateLimit } from '@mcify/core/middleware';
        import { z } from 'zod';

        const common = [rateLimit({ max: 10, windowMs: 60_000 })];

        export const quotaGet = defineTool({
          name: 'quota_get',
          description: 'Your quota.',
          middlewares: common,
          input: z.object({}),
          handler: async (_input, ctx) => ({ tenant: ctx.auth.claims['tenantId'] }),
        });
      `,
      errors: [
        {
          messageId: 'missingRequireAuth',
          line: 7,
          column: 25,
          suggestions: [],
        },
      ],
    },
  ],
});

espreeRuleTester().run('require-auth (espree, .mjs)', rule, {
  valid: [
    {
      filename: 'tools.mjs',
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';

        export const me = defineTool({
          name: 'me',
          description: 'Who you are.',
          middlewares: [requireAuth()],
          handler: async (_input, ctx) => ({ sub: ctx.auth.claims.sub }),
        });
      `,
    },
  ],
  invalid: [
    {
      filename: 'tools.mjs',
      code: ts`
        import { defineTool } from '@mcify/core';

        export const me = defineTool({
          name: 'me',
          description: 'Who you are.',
          handler: async (_input, ctx) => ({ sub: ctx.auth.claims.sub }),
        });
      `,
      errors: [
        {
          messageId: 'missingRequireAuth',
          line: 3,
          column: 19,
          suggestions: [
            {
              messageId: 'addRequireAuth',
              output: ts`
                import { defineTool } from '@mcify/core';
                import { requireAuth } from '@mcify/core/middleware';

                export const me = defineTool({ middlewares: [requireAuth()],
                  name: 'me',
                  description: 'Who you are.',
                  handler: async (_input, ctx) => ({ sub: ctx.auth.claims.sub }),
                });
              `,
            },
          ],
        },
      ],
    },
  ],
});
