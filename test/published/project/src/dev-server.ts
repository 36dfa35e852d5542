/** The order tools with no login, for trying them locally with the inspector. */
import { defineConfig } from '@mcify/core';
import { orderTools } from './tools/orders.js';

// expect(types): mcify/no-auth-none -- no per-user auth, yet the order tools read ctx.auth
export default defineConfig({
  name: 'acme-ledger-dev',
  version: '1.0.0',
  tools: orderTools,
});
