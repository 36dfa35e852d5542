/**
 * The same server as a config module, for `mcify-audit fuzz --config`: the harness loads it and boots
 * it in-process on this project's own published `@mcify/runtime` (resolved from this folder), with the
 * tokens `mcifyAudit.issueToken` hands out. NEUTRAL_SERVER_VARIANT=fixed loads it without the planted
 * flaws, as start.mjs does.
 */
import process from 'node:process';
import { createConfig } from './server.mjs';
import { createStore, users } from './store.mjs';

const store = createStore();

export default createConfig(store, { variant: process.env.NEUTRAL_SERVER_VARIANT === 'fixed' ? 'fixed' : 'planted' });

/** The audit hook: each user's tenant and scopes, and the session token the store issued for it. */
export const mcifyAudit = {
  principals: Object.fromEntries(Object.entries(users).map(([name, user]) => [name, { tenant: user.tenant, scopes: [...user.scopes] }])),
  issueToken: (name) => {
    const token = store.tokens[name];
    if (token === undefined) throw new Error(`No session for ${name}.`);
    return token;
  },
};
