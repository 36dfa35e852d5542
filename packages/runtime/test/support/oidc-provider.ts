import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import type { Configuration, JWK } from 'oidc-provider';
import { z } from 'zod';

/** Scopes every resource server of the test provider offers. */
export const offeredScopes = 'orders:read orders:refund';

/** A running `oidc-provider` (a certified OpenID provider) on a loopback port. */
export interface RunningOidcProvider {
  /** The issuer identifier, exactly as the discovery document spells it. */
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly clientId: string;
  /** Paths requested from the provider since it started (its own discovery check excluded). */
  readonly requests: readonly string[];
  /** A JWT access token from the client-credentials grant, for one resource indicator (RFC 8707). */
  clientCredentialsToken(resource: string, scope: string): Promise<{ accessToken: string; scope: string | undefined }>;
  close(): Promise<void>;
}

const clientId = 'harness';
const clientSecret = 'a-long-test-secret-for-the-harness-client-0123456789';

const discoverySchema = z.object({ issuer: z.string(), token_endpoint: z.string().url() }).passthrough();
const tokenResponseSchema = z
  .object({ access_token: z.string(), token_type: z.string(), expires_in: z.number(), scope: z.string().optional() })
  .passthrough();

/** Runs `action` with the `oidc-provider WARNING` / `NOTICE` console lines (dev adapter, Node 20) held back. */
async function withoutProviderNotices<T>(action: () => Promise<T>): Promise<T> {
  const { warn, info } = console;
  const filtered =
    (original: (...data: unknown[]) => void) =>
    (...data: unknown[]): void => {
      if (typeof data[0] === 'string' && data[0].includes('oidc-provider')) return;
      original(...data);
    };
  console.warn = filtered(warn);
  console.info = filtered(info);
  try {
    return await action();
  } finally {
    console.warn = warn;
    console.info = info;
  }
}

/**
 * Starts `oidc-provider` on 127.0.0.1 (random port) with one confidential client allowed the
 * client-credentials grant, resource indicators issuing RS256 `at+jwt` access tokens whose audience
 * is the requested resource, and a freshly generated signing key.
 */
export async function startOidcProvider(): Promise<RunningOidcProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey: JWK = { ...(await exportJWK(privateKey)), kid: 'oidc-provider-test-key', alg: 'RS256', use: 'sig' };

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['a-cookie-signing-key-the-tests-never-use'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Every request in these tests names its resource; no default audience.
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => ({
          scope: offeredScopes,
          audience: resourceIndicator,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 300,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  };

  const provider = await withoutProviderNotices(async () => {
    const { default: Provider } = await import('oidc-provider');
    return new Provider(issuer, configuration);
  });
  const requests: string[] = [];
  server.on('request', (request: IncomingMessage) => {
    requests.push(new URL(request.url ?? '/', issuer).pathname);
  });
  const handle = provider.callback();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void handle(request, response);
  });

  const discovery = discoverySchema.parse(await (await fetch(`${issuer}/.well-known/openid-configuration`)).json());
  requests.length = 0;
  const tokenEndpoint = discovery.token_endpoint;
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;

  return {
    issuer: discovery.issuer,
    tokenEndpoint,
    clientId,
    requests,
    async clientCredentialsToken(resource, scope) {
      const response = await withoutProviderNotices(() =>
        fetch(tokenEndpoint, {
          method: 'POST',
          headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }),
        }),
      );
      const text = await response.text();
      if (!response.ok) throw new Error(`token endpoint answered ${response.status}: ${text}`);
      const body = tokenResponseSchema.parse(JSON.parse(text));
      return { accessToken: body.access_token, scope: body.scope };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}
