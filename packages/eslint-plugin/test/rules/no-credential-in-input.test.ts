import { espreeRuleTester, rules, ts, typedRuleTester, untypedRuleTester } from './support.js';

const rule = rules['no-credential-in-input'];

// `connectInput` (fixture/schemas.ts) carries `accessToken`: found only with type information.
const importedSchemaTool = ts`
  import { defineTool } from '@mcify/core';
  import { connectInput } from './schemas.js';

  export const repoConnect = defineTool({
    name: 'repo_connect',
    description: 'Connect your repository host.',
    input: connectInput,
    handler: async ({ provider }) => ({ provider }),
  });
`;

const apiKeyField = ts`
  import { defineTool } from '@mcify/core';
  import { requireAuth } from '@mcify/core/middleware';
  import { z } from 'zod';

  export const weatherConnect = defineTool({
    name: 'weather_connect',
    description: 'Connect your weather provider.',
    middlewares: [requireAuth()],
    input: z.object({
      provider: z.enum(['openweather', 'tomorrow']),
      apiKey: z.string(),
    }),
    handler: async ({ provider }) => ({ provider }),
  });
`;

const apiKeyFieldRemoved = ts`
  import { defineTool } from '@mcify/core';
  import { requireAuth } from '@mcify/core/middleware';
  import { z } from 'zod';

  export const weatherConnect = defineTool({
    name: 'weather_connect',
    description: 'Connect your weather provider.',
    middlewares: [requireAuth()],
    input: z.object({
      provider: z.enum(['openweather', 'tomorrow']),
    }),
    handler: async ({ provider }) => ({ provider }),
  });
`;

untypedRuleTester().run('no-credential-in-input', rule, {
  valid: [
    // Pagination, sync, idempotency and CSRF tokens are not credentials.
    ts`
      import { defineTool } from '@mcify/core';
      import { z } from 'zod';

      export const eventsList = defineTool({
        name: 'events_list',
        description: 'Events, page by page.',
        input: z.object({ pageToken: z.string().optional(), nextToken: z.string().optional(), syncToken: z.string().optional(), idempotencyToken: z.string().optional(), csrfToken: z.string().optional() }),
        handler: async () => ({ events: [] }),
      });
    `,
    // LLM parameters that merely contain "token".
    ts`
      import { defineTool } from '@mcify/core';
      import { z } from 'zod';

      export const textSummarize = defineTool({
        name: 'text_summarize',
        description: 'Summarize a text.',
        input: z.object({ text: z.string(), maxTokens: z.number().int(), tokenCount: z.number().int().optional(), tokenizer: z.string().optional() }),
        handler: async ({ text }) => ({ summary: text.slice(0, 100) }),
      });
    `,
    // Names that do not end in a credential word.
    ts`
      import { defineTool } from '@mcify/core';
      import { z } from 'zod';

      export const keysDescribe = defineTool({
        name: 'keys_describe',
        description: 'Describe a key.',
        input: z.object({ apiKeyLabel: z.string(), publicKey: z.string(), keyFingerprint: z.string(), sessionName: z.string(), tokenType: z.string(), secretName: z.string(), passwordMinLength: z.number() }),
        handler: async (input) => input,
      });
    `,
    // A credential in the output schema only.
    ts`
      import { defineTool } from '@mcify/core';
      import { z } from 'zod';

      export const linkCreate = defineTool({
        name: 'link_create',
        description: 'A one-time link for the widget.',
        input: z.object({ linkId: z.string() }),
        output: z.object({ widgetToken: z.string() }),
        handler: async ({ linkId }) => ({ widgetToken: linkId }),
      });
    `,
    // Untyped: the imported schema is opaque (the typed suite flags it).
    importedSchemaTool,
    apiKeyFieldRemoved,
  ],
  invalid: [
    {
      code: apiKeyField,
      errors: [
        {
          messageId: 'credentialField',
          line: 11,
          column: 5,
          endLine: 11,
          endColumn: 23,
          data: { field: 'apiKey', tool: 'weather_connect' },
          suggestions: [{ messageId: 'removeCredentialField', data: { field: 'apiKey' }, output: apiKeyFieldRemoved }],
        },
      ],
    },
    // An OAuth refresh token, snake_case, on a one-line schema.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { z } from 'zod';

        export const githubRepos = defineTool({
          name: 'github_repos',
          description: 'Your GitHub repositories.',
          input: z.object({ refresh_token: z.string(), perPage: z.number().int() }),
          handler: async ({ perPage }) => ({ perPage }),
        });
      `,
      errors: [
        {
          messageId: 'credentialField',
          line: 7,
          column: 21,
          suggestions: [
            {
              messageId: 'removeCredentialField',
              data: { field: 'refresh_token' },
              output: ts`
                import { defineTool } from '@mcify/core';
                import { z } from 'zod';

                export const githubRepos = defineTool({
                  name: 'github_repos',
                  description: 'Your GitHub repositories.',
                  input: z.object({  perPage: z.number().int() }),
                  handler: async ({ perPage }) => ({ perPage }),
                });
              `,
            },
          ],
        },
      ],
    },
    // A password nested in an object field: reported on its own line, removed from the inner object.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { z } from 'zod';

        export const mailTest = defineTool({
          name: 'mail_test',
          description: 'Send a test mail.',
          input: z.object({
            to: z.string().email(),
            smtp: z.object({
              host: z.string(),
              password: z.string(),
            }),
          }),
          handler: async ({ to }) => ({ sent: to }),
        });
      `,
      errors: [
        {
          messageId: 'credentialField',
          line: 11,
          column: 7,
          suggestions: [
            {
              messageId: 'removeCredentialField',
              data: { field: 'password' },
              output: ts`
                import { defineTool } from '@mcify/core';
                import { z } from 'zod';

                export const mailTest = defineTool({
                  name: 'mail_test',
                  description: 'Send a test mail.',
                  input: z.object({
                    to: z.string().email(),
                    smtp: z.object({
                      host: z.string(),
                    }),
                  }),
                  handler: async ({ to }) => ({ sent: to }),
                });
              `,
            },
          ],
        },
      ],
    },
    // Two credentials in one schema: one finding each, each suggestion removes only its own field.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { z } from 'zod';

        export const cartGet = defineTool({
          name: 'cart_get',
          description: 'Your cart.',
          input: z.object({
            sessionId: z.string(),
            cookie: z.string().optional(),
          }),
          handler: async () => ({ items: [] }),
        });
      `,
      errors: [
        {
          messageId: 'credentialField',
          line: 8,
          column: 5,
          suggestions: [
            {
              messageId: 'removeCredentialField',
              data: { field: 'sessionId' },
              output: ts`
                import { defineTool } from '@mcify/core';
                import { z } from 'zod';

                export const cartGet = defineTool({
                  name: 'cart_get',
                  description: 'Your cart.',
                  input: z.object({
                    cookie: z.string().optional(),
                  }),
                  handler: async () => ({ items: [] }),
                });
              `,
            },
          ],
        },
        {
          messageId: 'credentialField',
          line: 9,
          column: 5,
          suggestions: [
            {
              messageId: 'removeCredentialField',
              data: { field: 'cookie' },
              output: ts`
                import { defineTool } from '@mcify/core';
                import { z } from 'zod';

                export const cartGet = defineTool({
                  name: 'cart_get',
                  description: 'Your cart.',
                  input: z.object({
                    sessionId: z.string(),
                  }),
                  handler: async () => ({ items: [] }),
                });
              `,
            },
          ],
        },
      ],
    },
  ],
});

typedRuleTester().run('no-credential-in-input (typed)', rule, {
  valid: [
    {
      filename: 'file.ts',
      code: ts`
        import { defineTool } from '@mcify/core';
        import { connectInput } from './schemas.js';

        export const providersList = defineTool({
          name: 'providers_list',
          description: 'Repository hosts you can connect.',
          input: connectInput.pick({ provider: true }),
          handler: async ({ provider }) => ({ provider }),
        });
      `,
    },
  ],
  invalid: [
    {
      filename: 'file.ts',
      code: importedSchemaTool,
      errors: [{ messageId: 'credentialField', line: 7, column: 3, endLine: 7, endColumn: 22, suggestions: [] }],
    },
  ],
});

espreeRuleTester().run('no-credential-in-input (espree, .mjs)', rule, {
  valid: [
    {
      filename: 'tools.mjs',
      code: ts`
        import { defineTool } from '@mcify/core';
        import { z } from 'zod';

        export const slackChannels = defineTool({
          name: 'slack_channels',
          description: 'Your Slack channels.',
          input: z.object({ cursor: z.string().optional() }),
          handler: async () => ({ channels: [] }),
        });
      `,
    },
  ],
  invalid: [
    {
      filename: 'tools.mjs',
      code: ts`
        import { defineTool } from '@mcify/core';
        import { z } from 'zod';

        export const slackPost = defineTool({
          name: 'slack_post',
          description: 'Post to Slack.',
          input: z.object({
            channel: z.string(),
            slackToken: z.string(),
          }),
          handler: async ({ channel }) => ({ channel }),
        });
      `,
      errors: [
        {
          messageId: 'credentialField',
          line: 9,
          column: 5,
          suggestions: [
            {
              messageId: 'removeCredentialField',
              data: { field: 'slackToken' },
              output: ts`
                import { defineTool } from '@mcify/core';
                import { z } from 'zod';

                export const slackPost = defineTool({
                  name: 'slack_post',
                  description: 'Post to Slack.',
                  input: z.object({
                    channel: z.string(),
                  }),
                  handler: async ({ channel }) => ({ channel }),
                });
              `,
            },
          ],
        },
      ],
    },
  ],
});
