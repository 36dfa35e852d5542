import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bearer, defineConfig, defineTool, none, oauth, type LogRecord, type OAuthOptions } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { createTestIdp, forgeryKinds, type TestIdp } from '@mcify-audit/harness';
import { serveNode, type RunningServer, type ServeNodeOptions } from '@mcify/runtime';
import { postRpc, toolCall, toolsList, type RpcReply } from './support/rpc.js';

const audience = 'https://orders.example/mcp';

const whoami = defineTool({
  name: 'whoami',
  middlewares: [requireAuth()],
  input: z.object({}),
  handler: (_input, ctx) => ({
    type: ctx.auth.type,
    sub: ctx.auth.claims.sub ?? null,
    tenantId: ctx.auth.claims.tenantId ?? null,
    scopes: ctx.auth.type === 'oauth' ? ctx.auth.scopes : [],
  }),
});
const refund = defineTool({
  name: 'orders_refund',
  middlewares: [requireAuth({ scopes: ['orders:refund'] })],
  input: z.object({ orderId: z.string() }),
  handler: ({ orderId }) => `refunded ${orderId}`,
});

const servers: RunningServer[] = [];
const idps: TestIdp[] = [];
afterAll(async () => {
  await Promise.all([...servers.map((server) => server.close()), ...idps.map((idp) => idp.close())]);
});

async function startIdp(alg: 'RS256' | 'ES256' | 'EdDSA' = 'RS256'): Promise<TestIdp> {
  const idp = await createTestIdp({ alg });
  idps.push(idp);
  return idp;
}

async function serve(auth: OAuthOptions | ReturnType<typeof bearer>, options: ServeNodeOptions = {}): Promise<RunningServer> {
  const config = defineConfig({
    name: 'oauth-test',
    version: '1.0.0',
    auth: 'provider' in auth ? oauth(auth) : auth,
    tools: [whoami, refund],
  });
  const server = await serveNode(config, { logging: { sink: () => undefined }, ...options });
  servers.push(server);
  return server;
}

const bearerOf = (token: string) => ({ authorization: `Bearer ${token}` });

function payloadOf(reply: RpcReply): unknown {
  const content = z.array(z.object({ text: z.string() })).min(1).parse(reply.body?.result?.content);
  return JSON.parse(content[0]?.text ?? 'null');
}

function expectInvalidToken(reply: RpcReply): void {
  expect(reply.status).toBe(401);
  expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="[^"]+", error="invalid_token", error_description="[^"]+"$/);
  expect(reply.body?.error?.code).toBe(-32000);
}

describe.each(['RS256', 'ES256', 'EdDSA'] as const)('oauth() with a %s identity provider', (alg) => {
  let idp: TestIdp;
  let server: RunningServer;
  beforeAll(async () => {
    idp = await startIdp(alg);
    server = await serve({ provider: 'custom', issuer: idp.issuer, audience, jwksUri: idp.jwksUri });
  });

  it('accepts a valid access token and exposes claims and normalised scopes', async () => {
    const token = await idp.mint({ sub: 'alice', tenantId: 'acme' }, { audience, scopes: ['orders:read'] });
    const reply = await postRpc(server.url, toolCall('whoami'), bearerOf(token));
    expect(reply.status).toBe(200);
    expect(payloadOf(reply)).toEqual({ type: 'oauth', sub: 'alice', tenantId: 'acme', scopes: ['orders:read'] });
  });

  it.each(forgeryKinds)('refuses the forgery %s with 401 invalid_token', async (kind) => {
    const token = await idp.forge(kind, { sub: 'alice', tenantId: 'acme' }, { audience, scopes: ['orders:refund'] });
    expectInvalidToken(await postRpc(server.url, toolCall('whoami'), bearerOf(token)));
  });
});

describe('oauth() token checks', () => {
  let idp: TestIdp;
  let server: RunningServer;
  const logs: LogRecord[] = [];
  beforeAll(async () => {
    idp = await startIdp();
    server = await serve(
      { provider: 'custom', issuer: idp.issuer, audience, jwksUri: idp.jwksUri, maxTokenAgeSec: 3600 },
      { logging: { sink: (record) => logs.push(record), level: 'debug' } },
    );
  });

  it('answers a missing token with 401 and a challenge naming the protected resource metadata', async () => {
    const reply = await postRpc(server.url, toolsList);
    expect(reply.status).toBe(401);
    const challenge = reply.headers.get('www-authenticate') ?? '';
    expect(challenge).toBe(`Bearer resource_metadata="${new URL(server.url).origin}/.well-known/oauth-protected-resource/mcp"`);
    const metadata = await fetch(/resource_metadata="([^"]+)"/.exec(challenge)?.[1] ?? '');
    expect(await metadata.json()).toMatchObject({ resource: server.url, authorization_servers: [idp.issuer], scopes_supported: ['orders:refund'] });
  });

  it.each([
    ['not a JWT', 'opaque-token'],
    ['two segments', 'abc.def'],
    ['four segments', 'a.b.c.d'],
    ['bad base64url', '!!!.???.***'],
    ['a non-JSON header', `${Buffer.from('not json').toString('base64url')}.e30.sig`],
  ])('refuses a malformed token (%s) with 401', async (_case, token) => {
    const reply = await postRpc(server.url, toolsList, bearerOf(token));
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('says why an expired token is refused, without echoing it', async () => {
    const token = await idp.forge('expired', { sub: 'alice' }, { audience });
    const reply = await postRpc(server.url, toolsList, bearerOf(token));
    expectInvalidToken(reply);
    expect(reply.headers.get('www-authenticate')).toContain('error_description="The token has expired."');
    expect(reply.text).not.toContain(token);
  });

  it.each([
    ['wrong audience', { audience: 'https://other.example/mcp' }, 'aud'],
    ['wrong issuer', { audience, issuer: 'https://attacker.example' }, 'iss'],
  ])('refuses a token with the %s and names the claim', async (_case, options, claim) => {
    const token = await idp.mint({ sub: 'alice' }, options);
    const reply = await postRpc(server.url, toolsList, bearerOf(token));
    expectInvalidToken(reply);
    expect(reply.headers.get('www-authenticate')).toContain(`(${claim})`);
  });

  it('accepts an audience array that names this resource, refuses one that does not', async () => {
    const named = await idp.mint({ sub: 'alice' }, { audience: ['https://other.example/mcp', audience] });
    expect((await postRpc(server.url, toolsList, bearerOf(named))).status).toBe(200);
    const other = await idp.mint({ sub: 'alice' }, { audience: ['https://other.example/mcp'] });
    expectInvalidToken(await postRpc(server.url, toolsList, bearerOf(other)));
  });

  it('refuses a token with a non-access-token typ', async () => {
    const token = await idp.mint({ sub: 'alice' }, { audience, typ: 'id+jwt' });
    const reply = await postRpc(server.url, toolsList, bearerOf(token));
    expectInvalidToken(reply);
    expect(reply.headers.get('www-authenticate')).toContain('not an access token');
    const plain = await idp.mint({ sub: 'alice' }, { audience, typ: 'JWT' });
    expect((await postRpc(server.url, toolsList, bearerOf(plain))).status).toBe(200);
  });

  it.each([
    ['sub as an array', { sub: ['alice', 'bob'] }],
    ['an empty sub', { sub: '' }],
    ['scope as an array', { sub: 'alice', scope: ['orders:refund'] }],
  ])('refuses type-confused claims (%s) with 401, not 500', async (_case, claims) => {
    const token = await idp.mint(claims, { audience });
    expectInvalidToken(await postRpc(server.url, toolsList, bearerOf(token)));
  });

  it('applies clock tolerance to exp and nbf, and the maximum token age to iat', async () => {
    const now = Math.floor(Date.now() / 1000);
    const justExpired = await idp.mint({ sub: 'alice', exp: now - 10 }, { audience });
    expect((await postRpc(server.url, toolsList, bearerOf(justExpired))).status).toBe(200);
    const longExpired = await idp.mint({ sub: 'alice', exp: now - 120 }, { audience });
    expectInvalidToken(await postRpc(server.url, toolsList, bearerOf(longExpired)));
    const tooOld = await idp.mint({ sub: 'alice' }, { audience, issuedAtSec: now - 7200, expiresInSec: 7500 });
    expectInvalidToken(await postRpc(server.url, toolsList, bearerOf(tooOld)));
  });

  it('answers a valid token without the tool scope with 403 insufficient_scope naming it', async () => {
    const token = await idp.mint({ sub: 'alice' }, { audience, scopes: ['orders:read'] });
    const reply = await postRpc(server.url, toolCall('orders_refund', { orderId: 'o1' }, 'r-1'), bearerOf(token));
    expect(reply.status).toBe(403);
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="[^"]+", error="insufficient_scope", error_description="[^"]+", scope="orders:refund"$/);
    expect(reply.body).toMatchObject({ id: 'r-1', error: { code: -32000 } });
    const allowed = await idp.mint({ sub: 'alice' }, { audience, scopes: ['orders:read', 'orders:refund'] });
    const ok = await postRpc(server.url, toolCall('orders_refund', { orderId: 'o1' }), bearerOf(allowed));
    expect(ok.status).toBe(200);
    expect(ok.body?.result?.content).toEqual([{ type: 'text', text: 'refunded o1' }]);
  });

  it('never logs a token', async () => {
    const token = await idp.mint({ sub: 'alice' }, { audience, scopes: ['orders:read'] });
    await postRpc(server.url, toolCall('whoami'), bearerOf(token));
    await postRpc(server.url, toolCall('orders_refund', { orderId: 'o1' }), bearerOf(token));
    expect(logs.map((record) => record.event)).toEqual(expect.arrayContaining(['tool_called', 'auth_refused']));
    expect(JSON.stringify(logs)).not.toContain(token);
  });
});

describe('oauth() key discovery and rotation', () => {
  it('finds the JWKS through OpenID discovery when jwksUri is not given', async () => {
    const idp = await startIdp('ES256');
    const server = await serve({ provider: 'custom', issuer: idp.issuer, audience });
    const token = await idp.mint({ sub: 'bob' }, { audience });
    expect((await postRpc(server.url, toolsList, bearerOf(token))).status).toBe(200);
    expect(idp.requests.map((request) => request.path)).toEqual(expect.arrayContaining(['/.well-known/openid-configuration', '/jwks']));
  });

  it('follows key rotation and stops accepting a retired key', async () => {
    const idp = await startIdp();
    const server = await serve({ provider: 'custom', issuer: idp.issuer, audience, jwksUri: idp.jwksUri }, { jwks: { cooldownMs: 0, cacheMaxAgeMs: 0 } });
    const oldKid = idp.currentKid;
    const before = await idp.mint({ sub: 'alice' }, { audience });
    expect((await postRpc(server.url, toolsList, bearerOf(before))).status).toBe(200);
    await idp.rotate();
    const after = await idp.mint({ sub: 'alice' }, { audience });
    expect((await postRpc(server.url, toolsList, bearerOf(after))).status).toBe(200);
    idp.retire(oldKid);
    expectInvalidToken(await postRpc(server.url, toolsList, bearerOf(before)));
    expect((await postRpc(server.url, toolsList, bearerOf(after))).status).toBe(200);
  });

  it('answers 503 with Retry-After, not 401, while the signing keys cannot be fetched', async () => {
    const idp = await startIdp();
    const token = await idp.mint({ sub: 'alice' }, { audience });
    const { jwksUri, issuer } = idp;
    await idp.close();
    const logs: LogRecord[] = [];
    const server = await serve({ provider: 'custom', issuer, audience, jwksUri }, { logging: { sink: (record) => logs.push(record) } });
    const reply = await postRpc(server.url, toolsList, bearerOf(token));
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('5');
    expect(logs.some((record) => record.event === 'jwks_unavailable')).toBe(true);
  });

  it('enforces server-wide requiredScopes with 403 on every request', async () => {
    const idp = await startIdp();
    const server = await serve({ provider: 'custom', issuer: idp.issuer, audience, jwksUri: idp.jwksUri, requiredScopes: ['mcp:use'] });
    const without = await idp.mint({ sub: 'alice' }, { audience, scopes: ['orders:read'] });
    const reply = await postRpc(server.url, toolsList, bearerOf(without));
    expect(reply.status).toBe(403);
    expect(reply.headers.get('www-authenticate')).toContain('scope="mcp:use"');
    const withScope = await idp.mint({ sub: 'alice' }, { audience, scopes: ['mcp:use'] });
    expect((await postRpc(server.url, toolsList, bearerOf(withScope))).status).toBe(200);
  });
});

describe('auth override', () => {
  it('puts a test identity provider in place of the configured auth', async () => {
    const idp = await startIdp();
    const server = await serve(bearer({ verify: () => false }), { auth: { issuer: idp.issuer, audience } });
    const token = await idp.mint({ sub: 'carol', tenantId: 'globex' }, { audience });
    const reply = await postRpc(server.url, toolCall('whoami'), bearerOf(token));
    expect(reply.status).toBe(200);
    expect(payloadOf(reply)).toMatchObject({ type: 'oauth', sub: 'carol', tenantId: 'globex' });
  });

  it('keeps the configured token policy (scopes, clock tolerance, token age) when only the issuer is replaced', async () => {
    const idp = await startIdp();
    const server = await serve(
      { provider: 'custom', issuer: 'https://auth.example', audience, requiredScopes: ['mcp:use'], clockToleranceSec: 120, maxTokenAgeSec: 600 },
      { auth: { issuer: idp.issuer } },
    );
    const now = Math.floor(Date.now() / 1000);
    const withinTolerance = await idp.mint({ sub: 'alice', exp: now - 100 }, { audience, scopes: ['mcp:use'] });
    expect((await postRpc(server.url, toolsList, bearerOf(withinTolerance))).status).toBe(200);
    const beyondTolerance = await idp.mint({ sub: 'alice', exp: now - 200 }, { audience, scopes: ['mcp:use'] });
    expectInvalidToken(await postRpc(server.url, toolsList, bearerOf(beyondTolerance)));
    const tooOld = await idp.mint({ sub: 'alice' }, { audience, scopes: ['mcp:use'], issuedAtSec: now - 900, expiresInSec: 1200 });
    expectInvalidToken(await postRpc(server.url, toolsList, bearerOf(tooOld)));
    const withoutScope = await idp.mint({ sub: 'alice' }, { audience });
    expect((await postRpc(server.url, toolsList, bearerOf(withoutScope))).status).toBe(403);
  });

  it('accepts a verify function in place of the configured auth, even for a config without auth', async () => {
    const config = defineConfig({ name: 'open', version: '1', auth: none(), tools: [whoami] });
    const server = await serveNode(config, {
      auth: { verify: (token) => (token === 'let-me-in' ? { sub: 'dave' } : false) },
      logging: { sink: () => undefined },
    });
    servers.push(server);
    expect((await postRpc(server.url, toolsList)).status).toBe(401);
    const reply = await postRpc(server.url, toolCall('whoami'), bearerOf('let-me-in'));
    expect(payloadOf(reply)).toMatchObject({ type: 'bearer', sub: 'dave' });
  });
});
