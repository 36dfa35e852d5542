/**
 * The Acme ledger MCP server, one deployment for every customer organisation. mcify is its own OAuth
 * authorization server ("Connect Claude"): the dashboard's session decides who approves the connection,
 * and its user and organisation become the token's subject (`ctx.auth.subject`).
 */
import { defineConfig, MemoryOAuthStore, oauthProvider } from '@mcify/core';
import { invoiceTools } from './src/tools/invoices.js';
import { orderTools } from './src/tools/orders.js';

const DASHBOARD = 'https://dashboard.acme.example';

/** The dashboard's signed session cookie (`acme_session=<userId>.<orgId>`), read by the host. */
function dashboardSession(request: Request): { userId: string; orgId: string } | null {
  const cookie = request.headers.get('cookie') ?? '';
  const match = /(?:^|;\s*)acme_session=([\w-]+)\.([\w-]+)/.exec(cookie);
  return match?.[1] === undefined || match[2] === undefined ? null : { userId: match[1], orgId: match[2] };
}

export default defineConfig({
  name: 'acme-ledger',
  version: '1.0.0',
  // ok: mcify/no-auth-none
  auth: oauthProvider({
    store: new MemoryOAuthStore(),
    authorize: (request) => {
      const session = dashboardSession(request);
      if (session === null) return { status: 'redirect', url: `${DASHBOARD}/login?next=${encodeURIComponent(request.url)}` };
      return { status: 'authenticated', subject: { userId: session.userId, orgId: session.orgId } };
    },
    // expect: mcify/token-lifetime -- "users kept having to reconnect", so access tokens last a day
    accessTtlSeconds: 86400,
    // expect: mcify/token-lifetime -- and refresh tokens a quarter
    refreshTtlDays: 90,
  }),
  tools: [...orderTools, ...invoiceTools],
});
