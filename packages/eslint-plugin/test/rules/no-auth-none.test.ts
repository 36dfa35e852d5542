import { espreeRuleTester, rules, ts, typedRuleTester, untypedRuleTester } from './support.js';

const rule = rules['no-auth-none'];

// `auth: none()` with a claim-reading tool imported from fixture/tools.ts: only typed linting sees
// that the imported tool reads ctx.auth; untyped, the same code is valid.
const noneWithImportedTools = ts`
  import { defineConfig, none } from '@mcify/core';
  import { meGet, slugify } from './tools.js';

  export default defineConfig({
    name: 'profile',
    version: '1.0.0',
    auth: none(),
    tools: [meGet, slugify],
  });
`;

untypedRuleTester().run('no-auth-none', rule, {
  valid: [
    // oauth(...) issues per-user tokens.
    ts`
      import { defineConfig, defineTool, oauth } from '@mcify/core';
      import { requireAuth } from '@mcify/core/middleware';
      import { z } from 'zod';

      const me = defineTool({
        name: 'me',
        description: 'Who you are.',
        middlewares: [requireAuth()],
        input: z.object({}),
        handler: async (_input, ctx) => ({ sub: ctx.auth.claims.sub }),
      });

      export default defineConfig({
        name: 'profile',
        version: '1.0.0',
        auth: oauth({ provider: 'workos', issuer: 'https://profile.authkit.app', audience: 'https://profile.example/mcp', maxTokenAgeSec: 900 }),
        tools: [me],
      });
    `,
    // bearer with a verify returning per-session claims (Pattern B).
    ts`
      import { bearer, defineConfig, defineTool } from '@mcify/core';
      import { requireAuth } from '@mcify/core/middleware';
      import { z } from 'zod';
      import { sessions } from './sessions.js';

      const me = defineTool({
        name: 'me',
        description: 'Who you are.',
        middlewares: [requireAuth()],
        input: z.object({}),
        handler: async (_input, ctx) => ({ sub: ctx.auth.claims.sub }),
      });

      export default defineConfig({
        name: 'profile',
        version: '1.0.0',
        auth: bearer({ env: 'UNUSED', verify: async (token) => (await sessions.claimsFor(token)) ?? false }),
        tools: [me],
      });
    `,
    // A local single-user server whose tools never read ctx.auth.
    ts`
      import { defineConfig, defineTool, none } from '@mcify/core';
      import { z } from 'zod';

      const slugify = defineTool({
        name: 'slugify',
        description: 'Slugify a title.',
        input: z.object({ title: z.string() }),
        handler: async ({ title }) => ({ slug: title.toLowerCase() }),
      });

      export default defineConfig({ name: 'utils', version: '1.0.0', auth: none(), tools: [slugify] });
    `,
    // A static bearer in front of pure utility tools.
    ts`
      import { bearer, defineConfig, defineTool } from '@mcify/core';
      import { requireAuth } from '@mcify/core/middleware';
      import { z } from 'zod';

      const slugify = defineTool({
        name: 'slugify',
        description: 'Slugify a title.',
        middlewares: [requireAuth()],
        input: z.object({ title: z.string() }),
        handler: async ({ title }) => ({ slug: title.toLowerCase() }),
      });

      export default defineConfig({ name: 'utils', version: '1.0.0', auth: bearer({ env: 'UTILS_TOKEN' }), tools: [slugify] });
    `,
    // Untyped: the imported tools are opaque (the typed suite flags this).
    noneWithImportedTools,
  ],
  invalid: [
    // No auth at all: reported on the defineConfig( line.
    {
      code: ts`
        import { defineConfig, defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { z } from 'zod';

        const me = defineTool({
          name: 'me',
          description: 'Who you are.',
          middlewares: [requireAuth()],
          input: z.object({}),
          handler: async (_input, ctx) => ({ sub: ctx.auth.claims.sub }),
        });

        export default defineConfig({
          name: 'profile',
          version: '1.0.0',
          tools: [me],
        });
      `,
      errors: [
        {
          messageId: 'noPerUserAuth',
          line: 13,
          column: 16,
          data: { what: 'has no auth', tool: 'me' },
        },
      ],
    },
    {
      code: ts`
        import { defineConfig, defineTool, none } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { z } from 'zod';

        const me = defineTool({
          name: 'me',
          description: 'Who you are.',
          middlewares: [requireAuth()],
          input: z.object({}),
          handler: async (_input, ctx) => ({ tenant: ctx.auth.claims['tenantId'] }),
        });

        export default defineConfig({
          name: 'profile',
          version: '1.0.0',
          auth: none(),
          tools: [me],
        });
      `,
      errors: [{ messageId: 'noPerUserAuth', line: 16, column: 3, endLine: 16, endColumn: 15 }],
    },
    // A static bearer token (no verify) while a tool reads claims.
    {
      code: ts`
        import { bearer, defineConfig, defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { z } from 'zod';

        const me = defineTool({
          name: 'me',
          description: 'Who you are.',
          middlewares: [requireAuth()],
          input: z.object({}),
          handler: async (_input, ctx) => ({ sub: ctx.auth.claims.sub }),
        });

        export default defineConfig({
          name: 'profile',
          version: '1.0.0',
          auth: bearer({ env: 'PROFILE_MCP_TOKEN' }),
          tools: [me],
        });
      `,
      errors: [{ messageId: 'noPerUserAuth', line: 16, column: 3 }],
    },
    // A static API key through a variable, with a tool keyed by ctx.auth.key.
    {
      code: ts`
        import { apiKey, defineConfig, defineTool } from '@mcify/core';
        import { requireAuth } from '@mcify/core/middleware';
        import { z } from 'zod';

        const usageGet = defineTool({
          name: 'usage_get',
          description: 'Usage of your key.',
          middlewares: [requireAuth()],
          input: z.object({}),
          handler: async (_input, ctx) => ({ key: ctx.auth.type === 'api_key' ? ctx.auth.key.length : 0 }),
        });

        const serverAuth = apiKey({ headerName: 'x-api-key', env: 'USAGE_API_KEY' });

        export default defineConfig({
          name: 'usage',
          version: '1.0.0',
          auth: serverAuth,
          tools: [usageGet],
        });
      `,
      errors: [{ messageId: 'noPerUserAuth', line: 18, column: 3 }],
    },
  ],
});

typedRuleTester().run('no-auth-none (typed)', rule, {
  valid: [
    {
      filename: 'file.ts',
      code: ts`
        import { defineConfig, none } from '@mcify/core';
        import { slugify } from './tools.js';

        export default defineConfig({
          name: 'utils',
          version: '1.0.0',
          auth: none(),
          tools: [slugify],
        });
      `,
    },
  ],
  invalid: [{ filename: 'file.ts', code: noneWithImportedTools, errors: [{ messageId: 'noPerUserAuth', line: 7, column: 3 }] }],
});

espreeRuleTester().run('no-auth-none (espree, .js)', rule, {
  valid: [
    {
      filename: 'mcify.config.js',
      code: ts`
        import { bearer, defineConfig, defineTool } from '@mcify/core';
        import { verifySession } from './sessions.js';

        const me = defineTool({
          name: 'me',
          description: 'Who you are.',
          handler: async (_input, ctx) => ({ sub: ctx.auth.claims.sub }),
        });

        export default defineConfig({ name: 'profile', version: '1.0.0', auth: bearer({ verify: verifySession }), tools: [me] });
      `,
    },
  ],
  invalid: [
    {
      filename: 'mcify.config.js',
      code: ts`
        import { bearer, defineConfig, defineTool } from '@mcify/core';

        const me = defineTool({
          name: 'me',
          description: 'Who you are.',
          handler: async (_input, ctx) => ({ sub: ctx.auth.claims.sub }),
        });

        export default defineConfig({
          name: 'profile',
          version: '1.0.0',
          auth: bearer({ env: 'PROFILE_MCP_TOKEN' }),
          tools: [me],
        });
      `,
      errors: [{ messageId: 'noPerUserAuth', line: 12, column: 3 }],
    },
  ],
});
