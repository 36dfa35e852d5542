import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiKey, bearer, defineConfig, defineTool, McifyConfigError, type AuthConfig, type Claims, type LogRecord } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { createHttpHandler, serveNode, type RunningServer } from '@mcify/runtime';
import { postRpc, toolCall, toolsList } from './support/rpc.js';

const sessionToken = 'sess_4b1f0e3c9a7d2e8f6c5b4a3d2e1f0a9b';
const staticToken = 'static_9f8e7d6c5b4a39281706f5e4d3c2b1a0';

const whoami = defineTool({
  name: 'whoami',
  middlewares: [requireAuth()],
  input: z.object({}),
  handler: (_input, ctx) => ({ type: ctx.auth.type, sub: ctx.auth.claims.sub ?? null, tenant: ctx.auth.claims.tenantId ?? null }),
});
const adminOnly = defineTool({
  name: 'users_delete',
  middlewares: [requireAuth({ scopes: ['admin'], message: 'Deleting users requires the admin scope.' })],
  input: z.object({ userRef: z.string() }),
  handler: () => 'deleted',
});

function serverWith(auth: AuthConfig, logs: LogRecord[] = []): Promise<RunningServer> {
  const config = defineConfig({ name: 'secret-auth', version: '1.0.0', auth, tools: [whoami, adminOnly] });
  return serveNode(config, { env: { MCP_STATIC_TOKEN: staticToken }, logging: { sink: (record) => logs.push(record) } });
}

function textOf(reply: Awaited<ReturnType<typeof postRpc>>): string {
  const content = z.array(z.object({ text: z.string() })).parse(reply.body?.result?.content);
  return content.map((block) => block.text).join('');
}

describe('bearer({ verify }) over HTTP', () => {
  let server: RunningServer;
  const logs: LogRecord[] = [];
  beforeAll(async () => {
    server = await serverWith(
      bearer({
        env: 'BEARER_ENV_UNUSED',
        verify: (token) => {
          if (token === 'boom') throw new Error('session store down');
          if (token === sessionToken) return { sub: 'alice', tenantId: 'acme' };
          if (token === 'admin-session') return { sub: 'root', scope: 'admin' };
          // What an untyped verify could return: `sub` must be a string.
          if (token === 'bad-claims') return { sub: ['alice', 'bob'] } as unknown as Claims;
          return false;
        },
      }),
      logs,
    );
  });
  afterAll(() => server.close());

  it('accepts a valid session and exposes the claims verify returned', async () => {
    const reply = await postRpc(server.url, toolCall('whoami'), { authorization: `Bearer ${sessionToken}` });
    expect(reply.status).toBe(200);
    expect(JSON.parse(textOf(reply))).toEqual({ type: 'bearer', sub: 'alice', tenant: 'acme' });
  });

  it('answers 401 with a resource_metadata challenge and no error code when the token is missing', async () => {
    const reply = await postRpc(server.url, toolsList);
    expect(reply.status).toBe(401);
    const challenge = reply.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"$/);
  });

  it.each([
    ['a Basic scheme', 'Basic YWxpY2U6cGFzcw=='],
    ['an empty bearer value', 'Bearer '],
    ['two tokens', `Bearer ${sessionToken}, Bearer other`],
    ['a token with spaces', 'Bearer a b'],
  ])('refuses %s with 401 invalid_request', async (_case, authorization) => {
    const reply = await postRpc(server.url, toolsList, { authorization });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });

  it('refuses an unknown token with 401 invalid_token and does not echo it', async () => {
    const reply = await postRpc(server.url, toolsList, { authorization: 'Bearer not-a-session-123' });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(reply.text + (reply.headers.get('www-authenticate') ?? '')).not.toContain('not-a-session-123');
  });

  it('answers 401, not 500, when verify throws, and logs it', async () => {
    const reply = await postRpc(server.url, toolsList, { authorization: 'Bearer boom' });
    expect(reply.status).toBe(401);
    expect(logs.some((record) => record.event === 'auth_verify_threw' && record.level === 'error')).toBe(true);
  });

  it('answers 401 when verify returns type-confused claims', async () => {
    const reply = await postRpc(server.url, toolsList, { authorization: 'Bearer bad-claims' });
    expect(reply.status).toBe(401);
  });

  it('answers 403 insufficient_scope naming the scope when a tool gate refuses, before the handler runs', async () => {
    const reply = await postRpc(server.url, toolCall('users_delete', { userRef: 'u1' }, 7), { authorization: `Bearer ${sessionToken}` });
    expect(reply.status).toBe(403);
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="[^"]+", error="insufficient_scope", error_description="Deleting users requires the admin scope\.", scope="admin"$/);
    expect(reply.body).toMatchObject({ id: 7, error: { message: 'Deleting users requires the admin scope.' } });
    const admin = await postRpc(server.url, toolCall('users_delete', { userRef: 'u1' }), { authorization: 'Bearer admin-session' });
    expect(admin.status).toBe(200);
    expect(textOf(admin)).toBe('deleted');
  });
});

describe('publicUrl', () => {
  it('names the public origin in the challenge and the resource metadata', async () => {
    const config = defineConfig({ name: 's', version: '1', auth: bearer({ verify: () => false }), tools: [whoami] });
    const handle = createHttpHandler(config, { publicUrl: 'https://mcp.example.com/mcp', logging: { sink: () => undefined } });
    const refused = await handle(new Request('http://backend.internal.invalid:8080/mcp', { method: 'POST', body: '{}' }));
    expect(refused.headers.get('www-authenticate')).toBe('Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"');
    const metadata = await handle(new Request('http://backend.internal.invalid:8080/.well-known/oauth-protected-resource/mcp'));
    expect(await metadata.json()).toMatchObject({ resource: 'https://mcp.example.com/mcp' });
  });
});

describe('bearer({ env }) with a shared static token', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serverWith(bearer({ env: 'MCP_STATIC_TOKEN' }));
  });
  afterAll(() => server.close());

  it('accepts the static token and refuses any other, including a prefix of it', async () => {
    expect((await postRpc(server.url, toolCall('whoami'), { authorization: `Bearer ${staticToken}` })).status).toBe(200);
    for (const token of [staticToken.slice(0, -1), `${staticToken}x`, 'x']) {
      expect((await postRpc(server.url, toolsList, { authorization: `Bearer ${token}` })).status).toBe(401);
    }
  });

  it('refuses to start when the variable is unset, saying which one', () => {
    const config = defineConfig({ name: 's', version: '1', auth: bearer({ env: 'NOT_SET_ANYWHERE' }) });
    expect(() => createHttpHandler(config, { env: {} })).toThrow(McifyConfigError);
    expect(() => createHttpHandler(config, { env: {} })).toThrow(/\$NOT_SET_ANYWHERE/);
  });
});

describe('apiKey() over HTTP', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serverWith(apiKey({ headerName: 'X-Api-Key', verify: (key) => (key === 'key-acme-1' ? { sub: 'svc', tenantId: 'acme' } : false) }));
  });
  afterAll(() => server.close());

  it('accepts a valid key from the configured header', async () => {
    const reply = await postRpc(server.url, toolCall('whoami'), { 'x-api-key': 'key-acme-1' });
    expect(reply.status).toBe(200);
    expect(JSON.parse(textOf(reply))).toEqual({ type: 'api_key', sub: 'svc', tenant: 'acme' });
  });

  it('answers 401 with an ApiKey challenge naming the header when the key is missing or wrong', async () => {
    for (const headers of [{}, { 'x-api-key': 'wrong' }, { authorization: 'Bearer key-acme-1' }]) {
      const reply = await postRpc(server.url, toolsList, headers);
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toMatch(/^ApiKey realm="mcp", header="x-api-key"/);
    }
  });

  it('answers 403 for a tool gate the key does not satisfy', async () => {
    const reply = await postRpc(server.url, toolCall('users_delete', { userRef: 'u1' }), { 'x-api-key': 'key-acme-1' });
    expect(reply.status).toBe(403);
  });

  it('also works with a static key from the environment', async () => {
    const config = defineConfig({ name: 's', version: '1', auth: apiKey({ headerName: 'x-api-key', env: 'KEY' }), tools: [whoami] });
    const handle = createHttpHandler(config, { env: { KEY: 'k-static-123' }, logging: { sink: () => undefined } });
    const call = (key: string) =>
      handle(
        new Request('http://127.0.0.1/mcp', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-api-key': key },
          body: JSON.stringify(toolsList),
        }),
      );
    expect((await call('k-static-123')).status).toBe(200);
    expect((await call('k-static-124')).status).toBe(401);
  });
});
