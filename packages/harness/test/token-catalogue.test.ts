/** The forged-credential catalogue: which classes apply to which target, and what each variant builds. */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FuzzTarget, Principal, TrustedIssuer } from '../src/engine/types.js';
import { createTestIdp, type TestIdp } from '../src/idp/test-idp.js';
import { catalogueFor, probeResourceMetadata, type CatalogueVariant, type TokenCatalogue } from '../src/properties/token-catalogue.js';
import { Secret } from '../src/target/secret.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await createTestIdp();
});
afterAll(async () => {
  await idp.close();
});

const audience = 'https://orders.example/mcp';
const claimsOf = { alice: { sub: 'user_alice', tenantId: 'acme' }, bob: { sub: 'user_bob', tenantId: 'globex' } } as const;

async function principals(kind: 'jwt' | 'opaque'): Promise<Principal[]> {
  return Promise.all(
    (['alice', 'bob'] as const).map(async (name) => ({
      name,
      tenant: claimsOf[name].tenantId,
      scopes: ['orders:read'],
      token: new Secret(`${name}'s token`, kind === 'jwt' ? await idp.mint({ ...claimsOf[name] }, { audience, scopes: ['orders:read'] }) : `opaque-${name}-0123456789abcdef`),
      claims: kind === 'jwt' ? { ...claimsOf[name] } : undefined,
      identity: [],
    })),
  );
}

function issuerOf(): TrustedIssuer {
  return {
    mint: (principal, changes = {}) =>
      idp.mint({ ...principal.claims, ...changes.claims }, {
        audience: changes.audience ?? audience,
        ...(changes.expiresInSec === undefined ? {} : { expiresInSec: changes.expiresInSec }),
        ...(changes.notBeforeSec === undefined ? {} : { notBeforeSec: changes.notBeforeSec }),
        ...(changes.issuedAtSec === undefined ? {} : { issuedAtSec: changes.issuedAtSec }),
        ...(changes.issuer === undefined ? {} : { issuer: changes.issuer }),
        ...(changes.typ === undefined ? {} : { typ: changes.typ }),
      }),
    forge: (kind, principal, options = {}) => idp.forge(kind, { ...principal.claims }, { audience, ...options }),
    publicKeyPem: () => idp.publicKeyPem(),
    privateMaterial: [],
    issuerUrl: idp.issuer,
  };
}

async function targetOf(overrides: Partial<FuzzTarget> & { kind?: 'jwt' | 'opaque' } = {}): Promise<FuzzTarget> {
  const { kind = 'jwt', ...rest } = overrides;
  return {
    mode: 'in-process',
    url: new URL('http://127.0.0.1:9/mcp'),
    loopback: true,
    fetch: () => Promise.reject(new Error('no network in this test')),
    principals: await principals(kind),
    isolate: 'tenant',
    tokenKind: kind,
    challengeScheme: 'Bearer',
    credentialHeader: { name: 'authorization', prefix: 'Bearer ' },
    issuer: kind === 'jwt' ? issuerOf() : undefined,
    objects: {},
    publicValues: [],
    idFields: [],
    secrets: [],
    revoked: {},
    reset: undefined,
    source: undefined,
    close: () => Promise.resolve(),
    ...rest,
  };
}

function notApplying(catalogue: TokenCatalogue): Record<number, string> {
  return Object.fromEntries(catalogue.classes.flatMap((entry) => (entry.applies ? [] : [[entry.number, entry.reason]])));
}

function find(catalogue: TokenCatalogue, label: string): CatalogueVariant {
  const variant = catalogue.variants.find((candidate) => candidate.label === label);
  if (variant === undefined) throw new Error(`no variant ${label}; have ${catalogue.variants.map((candidate) => candidate.label).join(', ')}`);
  return variant;
}

async function tokenOf(variant: CatalogueVariant): Promise<string> {
  const built = await variant.build();
  return (built.headers.authorization ?? '').replace(/^Bearer /, '');
}

function decode(segment: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('which classes apply', () => {
  it('in-process with JWTs: 1 to 18; 19 without a revoked token; 20 to 22 belong to other properties', async () => {
    const catalogue = catalogueFor(await targetOf());
    expect(catalogue.classes.map((entry) => entry.number)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect(Object.keys(notApplying(catalogue)).map(Number)).toEqual([19, 20, 21, 22]);
    expect(notApplying(catalogue)[19]).toContain('no revoked credential');
    expect(notApplying(catalogue)[20]).toContain('scope-enforcement');
  });

  it('black-box JWTs: the classes needing a trusted key (7, 9, 14-17) do not apply, with the reason', async () => {
    const catalogue = catalogueFor(await targetOf({ mode: 'black-box', issuer: undefined }));
    const skipped = notApplying(catalogue);
    expect(Object.keys(skipped).map(Number)).toEqual([7, 9, 14, 15, 16, 17, 19, 20, 21, 22]);
    expect(skipped[7]).toContain('in-process only');
    expect(skipped[14]).toContain('in-process only');
  });

  it('opaque tokens: no JWT class; 12 needs loopback; 19 applies with a revoked token', async () => {
    const opaque = catalogueFor(await targetOf({ kind: 'opaque', revoked: { alice: new Secret("alice's revoked token", 'revoked-alice-0123456789') } }));
    const skipped = notApplying(opaque);
    for (let number = 4; number <= 18; number += 1) expect(skipped[number]).toContain('opaque');
    expect(skipped[19]).toBeUndefined();
    expect(find(opaque, 'revoked alice').victim).toBe('alice');
    const remote = catalogueFor(await targetOf({ loopback: false }));
    expect(notApplying(remote)[12]).toContain('not on loopback');
  });

  it('expects 401 with the challenge scheme; resource_metadata only for Bearer servers that publish metadata; 400/413/431 for oversized, 403 for class 18', async () => {
    const bearer = catalogueFor(await targetOf(), { resourceMetadata: true });
    expect(find(bearer, 'no-credential').expect).toEqual({ statuses: [401], challengeScheme: 'Bearer', resourceMetadata: true });
    expect(find(bearer, 'oversized-12KiB').expect.statuses).toEqual([401, 400, 413, 431]);
    expect(find(bearer, 'duplicate sub').expect.statuses).toEqual([401, 403]);
    const apiKey = catalogueFor(await targetOf({ kind: 'opaque', challengeScheme: 'ApiKey', credentialHeader: { name: 'x-api-key', prefix: '' } }), { resourceMetadata: true });
    expect(find(apiKey, 'no-credential').expect).toEqual({ statuses: [401], challengeScheme: 'ApiKey', resourceMetadata: false });
    expect((await find(apiKey, 'random-opaque').build()).headers['x-api-key']).toMatch(/^[\w-]{40,}$/);
  });
});

describe('what the variants build', () => {
  it('alg none in four spellings, with and without the trailing dot, and with the original signature', async () => {
    const target = await targetOf();
    const catalogue = catalogueFor(target);
    const original = target.principals[0]?.token?.reveal().split('.') ?? [];
    for (const spelling of ['none', 'None', 'NONE', 'nOnE']) {
      const [header, payload, signature] = (await tokenOf(find(catalogue, `alg-none ${spelling}`))).split('.');
      expect(decode(header).alg).toBe(spelling);
      expect(decode(payload).sub).toBe('user_alice');
      expect(signature).toBe('');
      expect((await tokenOf(find(catalogue, `alg-none ${spelling} no-dot`))).split('.')).toHaveLength(2);
      expect((await tokenOf(find(catalogue, `alg-none ${spelling} original-signature`))).split('.')[2]).toBe(original[2]);
    }
  });

  it('tampered claims keep the signature; HS256 with a blank secret is a real HMAC; ES256 r=s=0; embedded jwk; kid injection', async () => {
    const target = await targetOf();
    const catalogue = catalogueFor(target);
    const original = target.principals[0]?.token?.reveal().split('.') ?? [];
    const tampered = (await tokenOf(find(catalogue, 'tampered sub'))).split('.');
    expect(decode(tampered[1]).sub).toBe('user_bob');
    expect(tampered[2]).toBe(original[2]);
    expect(find(catalogue, 'tampered sub').victim).toBe('bob');
    expect(decode((await tokenOf(find(catalogue, 'tampered tenantId'))).split('.')[1]).tenantId).toBe('globex');
    const [h, p, mac] = (await tokenOf(find(catalogue, 'hs256 blank secret'))).split('.');
    expect(decode(h).alg).toBe('HS256');
    expect(mac).toBe(createHmac('sha256', '').update(`${h ?? ''}.${p ?? ''}`).digest('base64url'));
    const zero = (await tokenOf(find(catalogue, 'es256 r=s=0 (raw)'))).split('.');
    expect(decode(zero[0]).alg).toBe('ES256');
    expect(Buffer.from(zero[2] ?? '', 'base64url')).toEqual(Buffer.alloc(64));
    expect(decode((await tokenOf(find(catalogue, 'embedded-jwk ES256'))).split('.')[0]).jwk).toMatchObject({ kty: 'EC' });
    expect(decode((await tokenOf(find(catalogue, 'kid path traversal'))).split('.')[0]).kid).toBe('../../../../../../../../dev/null');
  });

  it('expired and future-dated tokens sit beyond the skew: now − (maxSkew + 15) s', async () => {
    for (const maxSkewSec of [60, 120]) {
      const catalogue = catalogueFor(await targetOf(), { maxSkewSec });
      const beyond = maxSkewSec + 15;
      const now = Math.floor(Date.now() / 1000);
      const expired = decode((await tokenOf(find(catalogue, `expired ${beyond}s ago`))).split('.')[1]);
      expect(Math.abs(Number(expired.exp) - (now - beyond))).toBeLessThanOrEqual(2);
      const notBefore = decode((await tokenOf(find(catalogue, `nbf ${beyond}s ahead`))).split('.')[1]);
      expect(Math.abs(Number(notBefore.nbf) - (now + beyond))).toBeLessThanOrEqual(2);
      const issued = decode((await tokenOf(find(catalogue, `iat ${beyond}s ahead`))).split('.')[1]);
      expect(Math.abs(Number(issued.iat) - (now + beyond))).toBeLessThanOrEqual(2);
      expect(decode((await tokenOf(find(catalogue, 'exp missing'))).split('.')[1]).exp).toBeUndefined();
    }
  });

  it('jku points at a loopback listener the catalogue runs, and tells when it was fetched', async () => {
    const catalogue = catalogueFor(await targetOf());
    try {
      const built = await find(catalogue, 'jku loopback').build();
      const jku = String(decode((built.headers.authorization ?? '').replace(/^Bearer /, '').split('.')[0]).jku);
      expect(jku).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jku\/[0-9a-f]{16}$/);
      expect(built.afterwards?.()).toBeUndefined();
      await fetch(jku);
      expect(built.afterwards?.()).toContain('fetched the jku URL');
    } finally {
      await catalogue.close();
    }
  });

  it('sends two Authorization lines where the traffic layer can, the joined value where it cannot', async () => {
    const built = await find(catalogueFor(await targetOf()), 'two-authorization-headers').build();
    expect(built.headerList?.map(([name]) => name)).toEqual(['authorization', 'authorization']);
    expect(built.headers.authorization).toBe(built.headerList?.map(([, value]) => value).join(', '));
  });

  it('puts the token in the query string for class 2, and changes a character that counts', async () => {
    const target = await targetOf();
    const catalogue = catalogueFor(target);
    const query = await find(catalogue, 'token-in-query').build();
    expect(query.headers).toEqual({});
    expect(new URL(query.url ?? '').searchParams.get('access_token')).toBe(target.principals[0]?.token?.reveal());
    const altered = await tokenOf(find(catalogue, 'altered-character'));
    const original = target.principals[0]?.token?.reveal() ?? '';
    expect(altered).not.toBe(original);
    expect(altered.split('.')[2]?.[0]).not.toBe(original.split('.')[2]?.[0]);
  });
});

describe('probeResourceMetadata', () => {
  const endpoint = new URL('http://127.0.0.1:9/mcp');
  it('is true when either well-known location answers 200 with a JSON object', async () => {
    const asked: string[] = [];
    const found = await probeResourceMetadata(endpoint, (url) => {
      asked.push(url);
      return Promise.resolve(url.endsWith('/mcp') ? { status: 404, body: '' } : { status: 200, body: '{"resource":"x"}' });
    });
    expect(found).toBe(true);
    expect(asked).toEqual(['http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp', 'http://127.0.0.1:9/.well-known/oauth-protected-resource']);
  });
  it('is false on 404s, non-JSON and no answer', async () => {
    expect(await probeResourceMetadata(endpoint, () => Promise.resolve({ status: 404, body: '{}' }))).toBe(false);
    expect(await probeResourceMetadata(endpoint, () => Promise.resolve({ status: 200, body: '<html>' }))).toBe(false);
    expect(await probeResourceMetadata(endpoint, () => Promise.resolve({ status: 200, body: '{"ok":true,"runtime":"mcify"}' }))).toBe(false);
    expect(await probeResourceMetadata(endpoint, () => Promise.resolve(undefined))).toBe(false);
  });
});
