import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { z } from 'zod';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { defineConfig, defineTool, oauth } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { serveNode, type RunningServer } from '@mcify/runtime';
import { startOidcProvider, type RunningOidcProvider } from './support/oidc-provider.js';

/**
 * End to end against a real OpenID provider (`oidc-provider`, OpenID certified): the runtime finds the
 * provider's keys through discovery and accepts the RFC 9068 `at+jwt` access tokens it issues for this
 * server's resource indicator, and only those.
 */

const whoamiOutput = z.object({ sub: z.string().nullable(), clientId: z.string().nullable(), scopes: z.array(z.string()) });

const whoami = defineTool({
  name: 'whoami',
  description: 'Who the caller is, as the verified access token says.',
  middlewares: [requireAuth()],
  input: z.object({}),
  output: whoamiOutput,
  handler: (_input, ctx) => {
    const clientId = ctx.auth.claims.client_id;
    return {
      sub: ctx.auth.claims.sub ?? null,
      clientId: typeof clientId === 'string' ? clientId : null,
      scopes: ctx.auth.type === 'oauth' ? [...ctx.auth.scopes] : [],
    };
  },
});

const refundOrder = defineTool({
  name: 'orders_refund',
  description: 'Refunds an order (needs orders:refund).',
  middlewares: [requireAuth({ scopes: ['orders:refund'] })],
  input: z.object({}),
  handler: () => 'refunded',
});

/** A free loopback port: taken by the OS, then released for the runtime to bind. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => {
    probe.close((error) => {
      if (error) reject(error);
      else resolve();
    });
  });
  return port;
}

/** A raw JSON-RPC POST to the MCP endpoint, as an MCP client would send it. */
function rpc(url: string, token: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, ...body }),
  });
}

const callRefund = { method: 'tools/call', params: { name: 'orders_refund', arguments: {} } };

const resourceMetadataSchema = z.object({ resource: z.string(), authorization_servers: z.array(z.string()) }).passthrough();
const callResultSchema = z
  .object({ jsonrpc: z.literal('2.0'), id: z.literal(1), result: z.object({ isError: z.boolean().optional(), content: z.array(z.unknown()) }) })
  .passthrough();

describe('JWT access tokens from a real OpenID provider (oidc-provider)', () => {
  let idp: RunningOidcProvider;
  let mcp: RunningServer;
  /** This server's resource identifier (RFC 8707), which is also the MCP endpoint URL. */
  let resource: string;

  beforeAll(async () => {
    idp = await startOidcProvider();
    const port = await freePort();
    resource = `http://127.0.0.1:${port}/mcp`;
    const config = defineConfig({
      name: 'orders',
      version: '1.0.0',
      // No jwksUri: the runtime must find the keys through the provider's discovery document.
      auth: oauth({ provider: 'custom', issuer: idp.issuer, audience: resource }),
      tools: [whoami, refundOrder],
    });
    mcp = await serveNode(config, { port, logging: { sink: () => undefined } });
    expect(mcp.url).toBe(resource);
  });

  afterAll(async () => {
    await Promise.allSettled([mcp.close(), idp.close()]);
  });

  it('issues RFC 9068 at+jwt access tokens whose audience is the requested resource', async () => {
    const { accessToken, scope } = await idp.clientCredentialsToken(resource, 'orders:read');
    expect(scope).toBe('orders:read');
    const header = decodeProtectedHeader(accessToken);
    expect(header.typ).toBe('at+jwt');
    expect(header.alg).toBe('RS256');
    expect(decodeJwt(accessToken)).toMatchObject({
      iss: idp.issuer,
      aud: resource,
      sub: idp.clientId,
      client_id: idp.clientId,
      scope: 'orders:read',
    });
  });

  it('names the provider as its authorization server in its protected resource metadata', async () => {
    const response = await fetch(`${new URL(resource).origin}/.well-known/oauth-protected-resource/mcp`);
    expect(response.status).toBe(200);
    const metadata = resourceMetadataSchema.parse(await response.json());
    expect(metadata.resource).toBe(resource);
    expect(metadata.authorization_servers).toEqual([idp.issuer]);
  });

  it('accepts the token through the official MCP SDK client, keys found through discovery', async () => {
    const { accessToken } = await idp.clientCredentialsToken(resource, 'orders:read');
    const client = new Client({ name: 'oidc-provider-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(mcp.url), {
      requestInit: { headers: { authorization: `Bearer ${accessToken}` } },
    });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect(result.isError).not.toBe(true);
      expect(whoamiOutput.parse(result.structuredContent)).toEqual({
        sub: idp.clientId,
        clientId: idp.clientId,
        scopes: ['orders:read'],
      });
    } finally {
      await client.close();
    }
    // The runtime read jwks_uri from the discovery document, then fetched the provider's JWKS.
    expect(idp.requests).toContain('/.well-known/openid-configuration');
    expect(idp.requests).toContain('/jwks');
  });

  it.each([
    ['a URN resource', 'urn:mcify:other'],
    ['another URL on the same host', () => `${new URL(resource).origin}/other-mcp`],
  ])('refuses the same provider’s token for %s with 401 invalid_token', async (_label, other) => {
    const otherResource = typeof other === 'string' ? other : other();
    const { accessToken } = await idp.clientCredentialsToken(otherResource, 'orders:read');
    expect(decodeJwt(accessToken).aud).toBe(otherResource);
    const response = await rpc(mcp.url, accessToken, { method: 'tools/list' });
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="invalid_token"');
  });

  it('answers 403 insufficient_scope to an orders:read token calling the orders:refund tool', async () => {
    const { accessToken } = await idp.clientCredentialsToken(resource, 'orders:read');
    const response = await rpc(mcp.url, accessToken, callRefund);
    expect(response.status).toBe(403);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="orders:refund"');
  });

  it('lets a token granted orders:read and orders:refund call the orders:refund tool', async () => {
    const { accessToken, scope } = await idp.clientCredentialsToken(resource, 'orders:read orders:refund');
    expect(scope).toBe('orders:read orders:refund');
    const response = await rpc(mcp.url, accessToken, callRefund);
    expect(response.status).toBe(200);
    const body = callResultSchema.parse(await response.json());
    expect(body.result.isError).not.toBe(true);
    expect(body.result.content).toEqual([{ type: 'text', text: 'refunded' }]);
  });
});
