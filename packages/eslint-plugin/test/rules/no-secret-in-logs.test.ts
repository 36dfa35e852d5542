import { espreeRuleTester, rules, ts, untypedRuleTester } from './support.js';

const rule = rules['no-secret-in-logs'];

untypedRuleTester().run('no-secret-in-logs', rule, {
  valid: [
    // Facts about the auth state, a hashed token, and counters whose names merely contain "token".
    ts`
      import { defineTool, hash } from '@mcify/core';
      import { requireAuth } from '@mcify/core/middleware';
      import { z } from 'zod';

      export const sessionKind = defineTool({
        name: 'session_kind',
        description: 'Your session kind.',
        middlewares: [requireAuth()],
        input: z.object({}),
        handler: async (_input, ctx) => {
          ctx.logger.info('session_kind', { authType: ctx.auth.type, scopes: ctx.auth.scopes });
          ctx.logger.info('session_fingerprint', { tokenHash: hash(ctx.auth.token) });
          ctx.logger.debug('prompt_budget', { tokenCount: 1234, maxTokens: 4096 });
          return { type: ctx.auth.type };
        },
      });
    `,
    // A pagination token is not a credential.
    ts`
      import { defineTool } from '@mcify/core';
      import { z } from 'zod';

      export const eventsList = defineTool({
        name: 'events_list',
        description: 'Events, page by page.',
        input: z.object({ pageToken: z.string().optional() }),
        handler: async ({ pageToken }, ctx) => {
          ctx.logger.debug('page', { pageToken });
          return { events: [] };
        },
      });
    `,
    // Whether a server secret is set, and the environment name.
    ts`
      import { defineTool } from '@mcify/core';

      export const billingPing = defineTool({
        name: 'billing_ping',
        description: 'Check the billing configuration.',
        handler: async (_input, ctx) => {
          ctx.logger.info('env', { env: process.env.NODE_ENV, configured: Boolean(process.env.STRIPE_SECRET) });
          return { ok: true };
        },
      });
    `,
    // Other request headers.
    ts`
      import { defineTool } from '@mcify/core';
      import { z } from 'zod';

      export const upstreamPing = defineTool({
        name: 'upstream_ping',
        description: 'Ping the upstream API.',
        input: z.object({}),
        handler: async (_input, ctx) => {
          const res = await ctx.fetch('https://status.example/v1/ping');
          console.info('upstream', res.status, res.headers.get('x-request-id'), res.headers.get('x-ratelimit-remaining'));
          return { ok: res.ok };
        },
      });
    `,
  ],
  invalid: [
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { z } from 'zod';

        export const sessionDebug = defineTool({
          name: 'session_debug',
          description: 'Diagnostics for your session.',
          middlewares: [requireAuth()],
          input: z.object({}),
          handler: async (_input, ctx) => {
            ctx.logger.info('session_debug', { token: ctx.auth.token });
            return { type: ctx.auth.type };
          },
        });
      `,
      errors: [
        {
          messageId: 'secretLogged',
          line: 11,
          column: 5,
          data: { what: '`ctx.auth.token`' },
        },
      ],
    },
    // The whole ctx.auth, in a multi-line call (first line) and to console.log.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { z } from 'zod';

        export const authState = defineTool({
          name: 'auth_state',
          description: 'Your auth state.',
          middlewares: [requireAuth()],
          input: z.object({ verbose: z.boolean() }),
          handler: async ({ verbose }, ctx) => {
            ctx.logger.debug('auth_state', {
              verbose,
              auth: ctx.auth,
            });
            console.log(ctx.auth);
            return { ok: true };
          },
        });
      `,
      errors: [
        { messageId: 'secretLogged', line: 11, column: 5 },
        { messageId: 'secretLogged', line: 15, column: 5 },
      ],
    },
    // An Authorization header value.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { z } from 'zod';

        export const requestDebug = defineTool({
          name: 'request_debug',
          description: 'Debug an upstream request.',
          middlewares: [requireAuth()],
          input: z.object({ url: z.string().url() }),
          handler: async ({ url }, ctx) => {
            const headers = new Headers({ authorization: \`Bearer \${ctx.auth.token}\` });
            const authorization = headers.get('authorization');
            console.warn('calling', url, authorization);
            return { ok: true };
          },
        });
      `,
      errors: [{ messageId: 'secretLogged', line: 13, column: 5 }],
    },
    // A credential input field logged through pino.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { z } from 'zod';
        import pino from 'pino';

        const logger = pino();

        export const providerConnect = defineTool({
          name: 'provider_connect',
          description: 'Connect a provider.',
          input: z.object({ provider: z.string(), apiKey: z.string() }),
          handler: async ({ provider, apiKey }) => {
            logger.info({ provider, apiKey }, 'connecting');
            return { provider };
          },
        });
      `,
      errors: [{ messageId: 'secretLogged', line: 12, column: 5 }],
    },
  ],
});

espreeRuleTester().run('no-secret-in-logs (espree, .mjs)', rule, {
  valid: [
    {
      filename: 'server.mjs',
      code: ts`
        import { defineTool } from '@mcify/core';

        export const billingPing = defineTool({
          name: 'billing_ping',
          description: 'Check the billing connection.',
          handler: async (_input, ctx) => {
            ctx.logger.debug('stripe', { mode: process.env.NODE_ENV });
            return { ok: true };
          },
        });
      `,
    },
  ],
  invalid: [
    {
      filename: 'server.mjs',
      code: ts`
        import { defineTool } from '@mcify/core';

        export const billingPing = defineTool({
          name: 'billing_ping',
          description: 'Check the billing connection.',
          handler: async (_input, ctx) => {
            ctx.logger.debug('stripe', { key: process.env.STRIPE_SECRET });
            return { ok: true };
          },
        });
      `,
      errors: [{ messageId: 'secretLogged', line: 7, column: 5 }],
    },
  ],
});
