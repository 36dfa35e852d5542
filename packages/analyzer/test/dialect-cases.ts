/**
 * Test support shared by the analyzer's and the ESLint plugin's dialect tests: one server on which every
 * rule fires, the message each rule must report in each dialect, and temporary project folders with or
 * without an `@mcify/core` package.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DialectName, RuleId } from '../src/index.js';

/**
 * A server written on the published API (`ctx.auth.token`, no claims) on which every rule fires once:
 * the analysis is the same in both dialects, only the advice differs.
 */
export const everyRuleServer = `import { defineConfig, defineTool } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { PrismaClient } from '@prisma/client';
import { z } from 'zod';

const db = new PrismaClient();

export const ordersList = defineTool({
  name: 'orders_list',
  description: 'List orders.',
  middlewares: [requireAuth()],
  input: z.object({ userId: z.string(), apiKey: z.string() }),
  output: z.object({ count: z.number() }),
  handler: async (input, ctx) => {
    if (ctx.auth.type === 'bearer') ctx.logger.info('called', { token: ctx.auth.token });
    const orders = await db.order.findMany({ where: { userId: input.userId } });
    return { count: orders.length };
  },
});

export const ordersRefund = defineTool({
  name: 'orders_refund',
  description: 'Refund an order.',
  input: z.object({ orderId: z.string(), customerEmail: z.string() }),
  output: z.object({ ok: z.boolean() }),
  handler: async (input, ctx) => {
    ctx.logger.info('refund', { to: input.customerEmail });
    const order = await db.order.findUnique({ where: { id: input.orderId } });
    return { ok: ctx.auth.type !== 'none' && order !== null };
  },
});

export const sessionPolicy = { accessTokenLifetimeSec: 86_400 };

export default defineConfig({ name: 'orders', version: '1.0.0', tools: [ordersList, ordersRefund] });
`;

/** What each rule's message on `everyRuleServer` must contain in each dialect: its id and an API name of the dialect. */
export const expectedAdvice: Readonly<Record<RuleId, Readonly<Record<DialectName, { readonly messageId: string; readonly says: string }>>>> = {
  'mcify/no-identity-in-input': {
    guide: { messageId: 'identityField', says: 'read the identity from ctx.auth.claims' },
    published: { messageId: 'identityFieldPublished', says: 'ctx.auth.subject under oauthProvider, or the session or user your verify looks up by ctx.auth.token' },
  },
  'mcify/no-credential-in-input': {
    guide: { messageId: 'credentialField', says: "keyed by the caller's ctx.auth.claims" },
    published: { messageId: 'credentialFieldPublished', says: 'ctx.auth.subject under oauthProvider, or the session looked up by ctx.auth.token' },
  },
  'mcify/require-auth': {
    guide: { messageId: 'missingRequireAuth', says: 'Add middlewares: [requireAuth()]' },
    published: { messageId: 'missingRequireAuth', says: 'Add middlewares: [requireAuth()]' },
  },
  'mcify/require-scope-check': {
    guide: { messageId: 'missingScopeCheck', says: "requireAuth({ scopes: ['…'] }) or requireAuth({ check })" },
    published: { messageId: 'missingScopeCheckPublished', says: 'requireAuth({ predicate })' },
  },
  'mcify/scoped-queries': {
    guide: { messageId: 'unscopedQuery', says: "the token's tenantId or sub" },
    published: { messageId: 'unscopedQueryPublished', says: 'ctx.auth.subject under oauthProvider' },
  },
  'mcify/no-untrusted-identity': {
    guide: { messageId: 'untrustedIdentity', says: 'Take the identity from ctx.auth instead' },
    published: { messageId: 'untrustedIdentity', says: 'Take the identity from ctx.auth instead' },
  },
  'mcify/no-auth-none': {
    guide: { messageId: 'noPerUserAuth', says: 'Use oauth({ ... }) or bearer({ verify })' },
    published: { messageId: 'noPerUserAuthPublished', says: 'Use oauthProvider({ ... }), or bearer({ verify })' },
  },
  'mcify/no-secret-in-logs': {
    guide: { messageId: 'secretLogged', says: 'or hash(...) instead' },
    published: { messageId: 'secretLoggedPublished', says: 'createHmac from node:crypto' },
  },
  'mcify/no-pii-in-logs': {
    guide: { messageId: 'personalDataLogged', says: 'ctx.logger.hash(...)' },
    published: { messageId: 'personalDataLoggedPublished', says: 'createHmac from node:crypto' },
  },
  'mcify/token-lifetime': {
    guide: { messageId: 'longLifetime', says: 'accessTokenLifetimeSec allows 1 day(s)' },
    published: { messageId: 'longLifetime', says: 'accessTokenLifetimeSec allows 1 day(s)' },
  },
};

/** API the published `@mcify/core` does not have: no published-dialect message may name it. */
export const notPublishedApi = /claims|hash\(|ToolError|scopes: \[|\{ check \}|oauth\(\{/;

/**
 * A temporary project folder: `src/` for sources, and `node_modules/@mcify/core/package.json` with
 * `manifest` (plus any `files` beside it) when given. `remove()` deletes it.
 */
export function temporaryProject(manifest?: Readonly<Record<string, unknown>>, files: Readonly<Record<string, string>> = {}): { root: string; src: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'mcify-dialect-'));
  const src = join(root, 'src');
  mkdirSync(src);
  if (manifest !== undefined) {
    const core = join(root, 'node_modules', '@mcify', 'core');
    mkdirSync(core, { recursive: true });
    writeFileSync(join(core, 'package.json'), JSON.stringify(manifest));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(core, name), text);
  }
  return { root, src, remove: () => { rmSync(root, { recursive: true, force: true }); } };
}
