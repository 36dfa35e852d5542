import { espreeRuleTester, rules, ts, typedRuleTester, untypedRuleTester } from './support.js';

const rule = rules['no-pii-in-logs'];

/** A tool whose handler body is `body` (claims-derived `userId` and input `orderId` in scope). */
function ordersTool(body: string): string {
  return ts`
    import { defineTool, hash } from '@mcify/core';
    import { requireAuth } from '@mcify/core/middleware';
    import { z } from 'zod';

    export const ordersGet = defineTool({
      name: 'orders_get',
      description: 'One of your orders.',
      middlewares: [requireAuth()],
      input: z.object({ orderId: z.string() }),
      handler: async ({ orderId }, ctx) => {
        const userId = String(ctx.auth.claims.sub);
        ${body}
        return { orderId };
      },
    });
  `;
}

// Line 12 of ordersTool(...) is the body line.
const shorthand = ordersTool(`ctx.logger.info('order_viewed', { orderId, userId });`);
const shorthandFixed = ordersTool(`ctx.logger.info('order_viewed', { orderId, userId: ctx.logger.hash(String(userId)) });`);
const templateMessage = ordersTool('ctx.logger.warn(`order ${orderId} viewed by ${userId}`);');
const templateMessageFixed = ordersTool('ctx.logger.warn(`order ${orderId} viewed by ${ctx.logger.hash(String(userId))}`);');
const consoleSub = ordersTool(`console.log('user', ctx.auth.claims.sub);`);
const consoleSubFixed = ordersTool(`console.log('user', ctx.logger.hash(String(ctx.auth.claims.sub)));`);

const emailMultiline = ts`
  import { defineTool } from '@mcify/core';
  import { requireAuth } from '@mcify/core/middleware';
  import { z } from 'zod';

  export const inviteSend = defineTool({
    name: 'invite_send',
    description: 'Invite a colleague.',
    middlewares: [requireAuth()],
    input: z.object({ customerEmail: z.string().email() }),
    handler: async ({ customerEmail }, ctx) => {
      ctx.logger.info('invite_sent', {
        to: customerEmail,
      });
      return { sent: true };
    },
  });
`;

const emailMultilineFixed = ts`
  import { defineTool } from '@mcify/core';
  import { requireAuth } from '@mcify/core/middleware';
  import { z } from 'zod';

  export const inviteSend = defineTool({
    name: 'invite_send',
    description: 'Invite a colleague.',
    middlewares: [requireAuth()],
    input: z.object({ customerEmail: z.string().email() }),
    handler: async ({ customerEmail }, ctx) => {
      ctx.logger.info('invite_sent', {
        to: ctx.logger.hash(String(customerEmail)),
      });
      return { sent: true };
    },
  });
`;

untypedRuleTester().run('no-pii-in-logs', rule, {
  valid: [
    // hash(...) and ctx.logger.hash(...) around the identifiers; business ids and counts are fine.
    ordersTool(`ctx.logger.info('order_viewed', { orderId, userId: hash(userId) });`),
    ordersTool(`ctx.logger.info('order_viewed', { orderId, user: ctx.logger.hash(userId), count: 1 });`),
    ordersTool(`ctx.logger.info('order_viewed', { orderId, hasEmail: true });`),
    // customerId is not an identity.
    ts`
      import { defineTool } from '@mcify/core';
      import { z } from 'zod';

      export const customersGet = defineTool({
        name: 'customers_get',
        description: 'A customer.',
        input: z.object({ customerId: z.string() }),
        handler: async ({ customerId }, ctx) => {
          ctx.logger.info('customer_viewed', { customerId });
          return { customerId };
        },
      });
    `,
    // Each suggestion's result is clean.
    shorthandFixed,
    templateMessageFixed,
    consoleSubFixed,
    emailMultilineFixed,
  ],
  invalid: [
    // A shorthand property becomes `key: ctx.logger.hash(key)`.
    {
      code: shorthand,
      errors: [
        {
          messageId: 'personalDataLogged',
          line: 12,
          column: 5,
          data: { what: '`userId`' },
          suggestions: [{ messageId: 'hashLoggedValue', data: { value: 'userId' }, output: shorthandFixed }],
        },
      ],
    },
    // An identifier interpolated into the message.
    {
      code: templateMessage,
      errors: [{ messageId: 'personalDataLogged', line: 12, column: 5, suggestions: [{ messageId: 'hashLoggedValue', data: { value: 'userId' }, output: templateMessageFixed }] }],
    },
    // claims.sub given to console.log.
    {
      code: consoleSub,
      errors: [{ messageId: 'personalDataLogged', line: 12, column: 5, suggestions: [{ messageId: 'hashLoggedValue', data: { value: 'ctx.auth.claims.sub' }, output: consoleSubFixed }] }],
    },
    // An email from input, in a multi-line call: reported on its first line, the value itself wrapped.
    {
      code: emailMultiline,
      errors: [{ messageId: 'personalDataLogged', line: 11, column: 5, suggestions: [{ messageId: 'hashLoggedValue', data: { value: 'customerEmail' }, output: emailMultilineFixed }] }],
    },
    // A destructured context: no `ctx` in scope, so no suggestion (it would name ctx.logger).
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { z } from 'zod';

        export const ordersList = defineTool({
          name: 'orders_list',
          description: 'List your orders.',
          middlewares: [requireAuth()],
          input: z.object({}),
          handler: async (_input, { auth, logger }) => {
            const tenantId = String(auth.claims['tenantId']);
            logger.info('orders_listed', { tenantId });
            return { orders: [] };
          },
        });
      `,
      errors: [{ messageId: 'personalDataLogged', line: 12, column: 5, suggestions: [] }],
    },
  ],
});

espreeRuleTester().run('no-pii-in-logs (espree, .js)', rule, {
  valid: [
    {
      filename: 'tools.js',
      code: ts`
        import { defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';

        export const profileGet = defineTool({
          name: 'profile_get',
          description: 'Your profile.',
          middlewares: [requireAuth()],
          handler: async (_input, ctx) => {
            const email = ctx.auth.claims.email;
            console.debug('profile for', ctx.logger.hash(email));
            return { email };
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

        export const profileGet = defineTool({
          name: 'profile_get',
          description: 'Your profile.',
          middlewares: [requireAuth()],
          handler: async (_input, ctx) => {
            const email = ctx.auth.claims.email;
            console.debug('profile for', email);
            return { email };
          },
        });
      `,
      errors: [
        {
          messageId: 'personalDataLogged',
          line: 10,
          column: 5,
          suggestions: [
            {
              messageId: 'hashLoggedValue',
              data: { value: 'email' },
              output: ts`
                import { defineTool } from '@mcify/core';
                import { requireAuth } from '@mcify/core/middleware';

                export const profileGet = defineTool({
                  name: 'profile_get',
                  description: 'Your profile.',
                  middlewares: [requireAuth()],
                  handler: async (_input, ctx) => {
                    const email = ctx.auth.claims.email;
                    console.debug('profile for', ctx.logger.hash(String(email)));
                    return { email };
                  },
                });
              `,
            },
          ],
        },
      ],
    },
  ],
});

// With types the guide's suggestion knows a string from anything else: only the latter is converted with String().
const typedProfile = (logged: string) => ts`
  import { defineTool } from '@mcify/core';
  import { requireAuth } from '@mcify/core/middleware';
  import { z } from 'zod';

  export const profileGet = defineTool({
    name: 'profile_get',
    description: 'Your profile.',
    middlewares: [requireAuth()],
    input: z.object({ customerEmail: z.string(), customerEmails: z.array(z.string()) }),
    handler: async ({ customerEmail, customerEmails }, ctx) => {
      ctx.logger.info('profile', { to: ${logged} });
      return { count: customerEmails.length, customerEmail };
    },
  });
`;

typedRuleTester().run('no-pii-in-logs (typed)', rule, {
  valid: [],
  invalid: [
    {
      code: typedProfile('customerEmail'),
      errors: [{ messageId: 'personalDataLogged', line: 11, suggestions: [{ messageId: 'hashLoggedValue', data: { value: 'customerEmail' }, output: typedProfile('ctx.logger.hash(customerEmail)') }] }],
    },
    {
      code: typedProfile('customerEmails'),
      errors: [{ messageId: 'personalDataLogged', line: 11, suggestions: [{ messageId: 'hashLoggedValue', data: { value: 'customerEmails' }, output: typedProfile('ctx.logger.hash(String(customerEmails))') }] }],
    },
  ],
});
