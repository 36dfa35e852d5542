/**
 * Test support: a black-box `FuzzTarget` over a running server, with only what the client layer reads
 * filled in (the pinned fetch, one principal per token, the Bearer credential header) and the rest
 * empty. Principals are alone in a tenant named after them unless `tenants` says otherwise.
 */
import type { FuzzTarget, Principal } from '../src/engine/types.js';
import { pinnedFetch, type PinnedFetch } from '../src/target/pinned-fetch.js';
import { resolveTarget } from '../src/target/resolve-target.js';
import { Secret } from '../src/target/secret.js';

export async function plainTarget(
  url: string,
  tokens: Readonly<Record<string, string>>,
  options: { readonly tenants?: Readonly<Record<string, string>>; readonly secrets?: readonly Secret[] } = {},
): Promise<FuzzTarget & { fetch: PinnedFetch }> {
  const fetch = pinnedFetch(await resolveTarget(url), { timeoutMs: 5000 });
  const principals: Principal[] = Object.entries(tokens).map(([name, token]) => ({
    name,
    tenant: options.tenants?.[name] ?? name,
    scopes: undefined,
    token: new Secret(`${name}'s token`, token),
    claims: undefined,
    identity: [],
  }));
  return {
    mode: 'black-box',
    url: new URL(url),
    loopback: true,
    fetch,
    principals,
    isolate: 'tenant',
    tokenKind: 'jwt',
    challengeScheme: 'Bearer',
    credentialHeader: { name: 'authorization', prefix: 'Bearer ' },
    issuer: undefined,
    objects: {},
    publicValues: [],
    idFields: [],
    secrets: options.secrets ?? [],
    revoked: {},
    reset: undefined,
    source: undefined,
    close: () => {
      fetch.close();
      return Promise.resolve();
    },
  };
}
