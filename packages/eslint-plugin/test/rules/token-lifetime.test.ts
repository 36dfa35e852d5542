import { espreeRuleTester, rules, ts, untypedRuleTester } from './support.js';

const rule = rules['token-lifetime'];

/** A server config whose oauth(...) options end with `options` (on line 7). */
function oauthConfig(options: string): string {
  return ts`
    import { defineConfig, oauth } from '@mcify/core';
    import { tools } from './tools.js';

    export default defineConfig({
      name: 'helpdesk',
      version: '1.0.0',
      auth: oauth({ provider: 'workos', issuer: 'https://helpdesk.authkit.app', audience: 'https://helpdesk.example/mcp', ${options} }),
      tools,
    });
  `;
}

untypedRuleTester().run('token-lifetime', rule, {
  valid: [
    // Exactly 900 s (as an expression) and a 300 s clock tolerance.
    oauthConfig('maxTokenAgeSec: 15 * 60, clockToleranceSec: 300'),
    oauthConfig('maxTokenAgeSec: 900'),
    // Lifetimes at or under 900 s in other units, and a 15-minute duration string.
    ts`
      export const sessionPolicy = {
        accessTtlSeconds: 900,
        sessionTtlMinutes: 15,
        tokenTtlMs: 900_000,
        jwtExpiresIn: '15m',
      };
    `,
    // Not token lifetimes: cache max ages, CORS maxAge, a token bucket, a rate-limit window, timeouts,
    // and a bare `expiresIn` (the name says nothing of a token).
    ts`
      export const http = {
        cacheMaxAgeSec: 3600,
        cors: { maxAge: 86_400 },
        tokenBucketSize: 5000,
        rateLimitWindowSec: 3600,
        jwksCacheMaxAgeSec: 86_400,
        requestTimeoutMs: 30_000,
        expiresIn: '1h',
      };
    `,
  ],
  invalid: [
    {
      code: ts`
        import { defineConfig, oauth } from '@mcify/core';
        import { tools } from './tools.js';

        export default defineConfig({
          name: 'helpdesk',
          version: '1.0.0',
          auth: oauth({
            provider: 'workos',
            issuer: 'https://helpdesk.authkit.app',
            audience: 'https://helpdesk.example/mcp',
            maxTokenAgeSec: 86_400,
            clockToleranceSec: 30,
          }),
          tools,
        });
      `,
      errors: [
        {
          messageId: 'longLifetime',
          line: 11,
          column: 5,
          endLine: 11,
          endColumn: 27,
          data: { name: 'maxTokenAgeSec', duration: '1 day(s)' },
        },
      ],
    },
    // Two offending options on one line: one finding each, at its own column.
    {
      code: oauthConfig('clockToleranceSec: 3600, maxTokenAgeSec: 60 * 60 * 24'),
      errors: [
        { messageId: 'longLifetime', line: 7, column: 119 },
        { messageId: 'longLifetime', line: 7, column: 144 },
      ],
    },
    // Units read from the name: 3600 s, 60 min, 30 days; 600 000 ms and a cache max age are fine.
    {
      code: ts`
        export const sessionPolicy = {
          accessTtlSeconds: 3600,
          sessionTtlMinutes: 60,
          refreshTokenTtlDays: 30,
          tokenTtlMs: 600_000,
          cacheMaxAgeSec: 3600,
        };
      `,
      errors: [
        { messageId: 'longLifetime', line: 2, column: 3 },
        { messageId: 'longLifetime', line: 3, column: 3 },
        // Refresh tokens: their own message, and their own limit (7 days).
        { messageId: 'refreshLifetime', line: 4, column: 3, data: { name: 'refreshTokenTtlDays', duration: '30 day(s)' } },
      ],
    },
    // The published oauthProvider() with its lifetimes left out: the defaults (3,600 s, 30 days) are flagged, on the call.
    {
      code: ts`
        import { defineConfig, MemoryOAuthStore, oauthProvider } from '@mcify/core';

        export default defineConfig({
          name: 'notes',
          version: '1.0.0',
          auth: oauthProvider({ store: new MemoryOAuthStore(), authorize: async () => ({ subject: { sub: 'u' } }) }),
        });
      `,
      errors: [
        { messageId: 'defaultLifetime', line: 6, column: 9, data: { option: 'accessTtlSeconds', duration: '1 hour(s)' } },
        { messageId: 'defaultRefreshLifetime', line: 6, column: 9, data: { option: 'refreshTtlDays', duration: '30 day(s)' } },
      ],
    },
    // Only the refresh-token default left out, through the auth namespace.
    {
      code: ts`
        import { auth, defineConfig, MemoryOAuthStore } from '@mcify/core';

        export default defineConfig({
          name: 'notes',
          version: '1.0.0',
          auth: auth.oauthProvider({ store: new MemoryOAuthStore(), authorize: async () => ({ subject: { sub: 'u' } }), accessTtlSeconds: 600 }),
        });
      `,
      errors: [
        {
          messageId: 'defaultRefreshLifetime',
          line: 6,
          column: 9,
          data: { option: 'refreshTtlDays', duration: '30 day(s)' },
        },
      ],
    },
    // A duration string, and a constant.
    {
      code: ts`
        const ONE_DAY = 86_400;

        export const tokenPolicy = {
          jwtExpiresIn: '24h',
          serviceJwtExpiresIn: '15m',
          accessTokenLifetimeSec: ONE_DAY,
        };
      `,
      errors: [
        { messageId: 'longLifetime', line: 4, column: 3 },
        { messageId: 'longLifetime', line: 6, column: 3 },
      ],
    },
  ],
});

espreeRuleTester().run('token-lifetime (espree, .js)', rule, {
  valid: [
    // oauthProvider() with both lifetimes within the limits.
    {
      filename: 'mcify.config.js',
      code: ts`
        import { defineConfig, MemoryOAuthStore, oauthProvider } from '@mcify/core';

        export default defineConfig({
          name: 'notes',
          version: '1.0.0',
          auth: oauthProvider({ store: new MemoryOAuthStore(), authorize: async () => ({ subject: { sub: 'u' } }), accessTtlSeconds: 900, refreshTtlDays: 7 }),
        });
      `,
    },
    {
      filename: 'mcify.config.js',
      code: ts`
        import { defineConfig, oauth } from '@mcify/core';

        export default defineConfig({
          name: 'helpdesk',
          version: '1.0.0',
          auth: oauth({ provider: 'workos', issuer: 'https://helpdesk.authkit.app', audience: 'helpdesk', maxTokenAgeSec: 600 }),
          tools: [],
        });
      `,
    },
  ],
  invalid: [
    {
      filename: 'mcify.config.js',
      code: ts`
        import { defineConfig, oauth } from '@mcify/core';

        export default defineConfig({
          name: 'helpdesk',
          version: '1.0.0',
          auth: oauth({ provider: 'workos', issuer: 'https://helpdesk.authkit.app', audience: 'helpdesk',
            maxTokenAgeSec: 7200 }),
          tools: [],
        });
      `,
      errors: [{ messageId: 'longLifetime', line: 7, column: 5 }],
    },
  ],
});
