/**
 * Suggestions in the published dialect (`settings.mcify.dialect: 'published'`), output for output:
 * `no-pii-in-logs` adds the keyed `logHash` helper with its `node:crypto` import (typed in TypeScript,
 * untyped in JavaScript, once per file); the input-field rules remove the field with the published
 * wording, and not when the handler reads it; `require-auth` uses requireAuth under the name the file
 * imports it by, and imports it under another name when the file declares one of its own.
 */
import { espreeRuleTester, rules, ts, untypedRuleTester } from './support.js';

const published = { mcify: { dialect: 'published' } };

const helperTs = [
  '',
  '',
  "/** A keyed pseudonym of a value for logs: HMAC-SHA-256 under LOG_HASH_KEY, which the server's environment must set. */",
  'function logHash(value: unknown): string {',
  "  const key = process.env['LOG_HASH_KEY'];",
  "  if (key === undefined || key === '') throw new Error('LOG_HASH_KEY is not set: it keys the pseudonyms of identifiers in logs.');",
  "  return createHmac('sha256', key).update(String(value)).digest('hex');",
  '}',
].join('\n');

/** A tool logging `{ ${logged} }`; `header` and `helper` go right after the imports (no ts tag: they hold line breaks). */
const invite = (logged: string, header = '', helper = '') =>
  [
    "import { defineTool } from '@mcify/core';",
    "import { requireAuth } from '@mcify/core/middleware';",
    `import { z } from 'zod';${header}${helper}`,
    '',
    'export const inviteSend = defineTool({',
    "  name: 'invite_send',",
    "  description: 'Invite a colleague.',",
    '  middlewares: [requireAuth()],',
    '  input: z.object({ customerEmail: z.string().email() }),',
    '  output: z.object({ sent: z.boolean() }),',
    '  handler: async ({ customerEmail }, ctx) => {',
    `    ctx.logger.info('invite_sent', { ${logged} });`,
    '    return { sent: true };',
    '  },',
    '});',
    '',
  ].join('\n');

const cryptoImport = "\nimport { createHmac } from 'node:crypto';";

untypedRuleTester().run('no-pii-in-logs (published dialect)', rules['no-pii-in-logs'], {
  valid: [{ code: invite('to: logHash(customerEmail)', cryptoImport, helperTs), settings: published }],
  invalid: [
    // The helper and its import are added after the imports; the value is wrapped.
    {
      code: invite('to: customerEmail'),
      settings: published,
      errors: [
        {
          messageId: 'personalDataLoggedPublished',
          suggestions: [
            { messageId: 'hashLoggedValuePublished', data: { value: 'customerEmail', helper: 'logHash' }, output: invite('to: logHash(customerEmail)', cryptoImport, helperTs) },
          ],
        },
      ],
    },
    // A shorthand property keeps its key; a file that already has the helper and the import gains neither again.
    {
      code: invite('customerEmail', cryptoImport, helperTs),
      settings: published,
      errors: [
        {
          messageId: 'personalDataLoggedPublished',
          suggestions: [
            { messageId: 'hashLoggedValuePublished', data: { value: 'customerEmail', helper: 'logHash' }, output: invite('customerEmail: logHash(customerEmail)', cryptoImport, helperTs) },
          ],
        },
      ],
    },
  ],
});

const profileJs = (logged: string, helper = '') =>
  [
    `import { defineTool } from '@mcify/core';${helper}`,
    '',
    'export const profileGet = defineTool({',
    "  name: 'profile_get',",
    "  description: 'Your profile.',",
    '  handler: async (input, ctx) => {',
    `    console.debug('profile for', ${logged});`,
    '    return { ok: true };',
    '  },',
    '});',
    '',
  ].join('\n');

espreeRuleTester().run('no-pii-in-logs (published dialect, espree, .js)', rules['no-pii-in-logs'], {
  valid: [],
  invalid: [
    // In JavaScript the helper has no type annotations.
    {
      filename: 'tools.js',
      code: profileJs('input.email'),
      settings: published,
      errors: [
        {
          messageId: 'personalDataLoggedPublished',
          suggestions: [
            {
              messageId: 'hashLoggedValuePublished',
              data: { value: 'input.email', helper: 'logHash' },
              output: profileJs('logHash(input.email)', `${cryptoImport}${helperTs.replace('(value: unknown): string {', '(value) {')}`),
            },
          ],
        },
      ],
    },
  ],
});

const fieldTool = (fields: string, handler: string) => ts`
  import { defineTool } from '@mcify/core';
  import { requireAuth } from '@mcify/core/middleware';
  import { z } from 'zod';

  export const ordersFind = defineTool({
    name: 'orders_find',
    description: 'Find an order by its id.',
    middlewares: [requireAuth()],
    input: z.object({${fields}}),
    output: z.object({ orderId: z.string() }),
    handler: ${handler},
  });
`;

untypedRuleTester().run('no-identity-in-input (published dialect)', rules['no-identity-in-input'], {
  valid: [],
  invalid: [
    {
      code: fieldTool(' userId: z.string(), orderId: z.string() ', 'async ({ orderId }) => ({ orderId })'),
      settings: published,
      errors: [
        {
          messageId: 'identityFieldPublished',
          data: { field: 'userId', tool: 'orders_find' },
          suggestions: [{ messageId: 'removeInputFieldPublished', data: { field: 'userId' }, output: fieldTool('  orderId: z.string() ', 'async ({ orderId }) => ({ orderId })') }],
        },
      ],
    },
    // The handler reads the field: removing it would not compile, so nothing is suggested (in either dialect).
    {
      code: fieldTool(' userId: z.string(), orderId: z.string() ', 'async ({ orderId, userId }) => ({ orderId: `${orderId}:${userId}` })'),
      settings: published,
      errors: [{ messageId: 'identityFieldPublished', suggestions: [] }],
    },
    {
      code: fieldTool(' userId: z.string(), orderId: z.string() ', 'async (input) => ({ orderId: input.orderId + input.userId })'),
      errors: [{ messageId: 'identityField', suggestions: [] }],
    },
  ],
});

untypedRuleTester().run('no-credential-in-input (published dialect)', rules['no-credential-in-input'], {
  valid: [],
  invalid: [
    {
      code: fieldTool(' apiKey: z.string(), orderId: z.string() ', 'async ({ orderId }) => ({ orderId })'),
      settings: published,
      errors: [
        {
          messageId: 'credentialFieldPublished',
          suggestions: [{ messageId: 'removeCredentialFieldPublished', data: { field: 'apiKey' }, output: fieldTool('  orderId: z.string() ', 'async ({ orderId }) => ({ orderId })') }],
        },
      ],
    },
  ],
});

const profile = (imports: string, middlewares: string, extra = '') => ts`
  import { defineTool } from '@mcify/core';
  ${imports}
  import { z } from 'zod';
  ${extra}
  export const profileGet = defineTool({${middlewares}
    name: 'profile_get',
    description: 'Your profile.',
    input: z.object({}),
    output: z.object({ type: z.string() }),
    handler: async (_input, ctx) => ({ type: ctx.auth.type }),
  });
`;

const localRequireAuth = '\nfunction requireAuth() {\n  return async (_input: unknown, _ctx: unknown, next: () => Promise<unknown>) => next();\n}\n';

untypedRuleTester().run('require-auth (both dialects: the same suggestion)', rules['require-auth'], {
  valid: [],
  invalid: [
    // An aliased import is used as it is named.
    {
      code: profile("import { requireAuth as authenticated } from '@mcify/core/middleware';", ''),
      settings: published,
      errors: [{ messageId: 'missingRequireAuth', suggestions: [{ messageId: 'addRequireAuth', output: profile("import { requireAuth as authenticated } from '@mcify/core/middleware';", ' middlewares: [authenticated()],') }] }],
    },
    // A namespace import: its member.
    {
      code: profile("import * as mw from '@mcify/core/middleware';", ''),
      errors: [{ messageId: 'missingRequireAuth', suggestions: [{ messageId: 'addRequireAuth', output: profile("import * as mw from '@mcify/core/middleware';", ' middlewares: [mw.requireAuth()],') }] }],
    },
    // A requireAuth of the file's own (not mcify's): mcify's is imported under another name.
    {
      code: profile("import { rateLimit } from '@mcify/core/middleware';", '', localRequireAuth),
      settings: published,
      errors: [
        {
          messageId: 'missingRequireAuth',
          suggestions: [{ messageId: 'addRequireAuth', output: profile("import { rateLimit, requireAuth as mcifyRequireAuth } from '@mcify/core/middleware';", ' middlewares: [mcifyRequireAuth()],', localRequireAuth) }],
        },
      ],
    },
  ],
});
