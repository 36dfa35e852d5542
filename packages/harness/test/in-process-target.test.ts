import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FuzzTarget, Principal } from '../src/engine/types.js';
import { inProcessTarget, PublishedRuntimeError } from '../src/target/in-process.js';

const fixtures = resolve(import.meta.dirname, '../../../fixtures/servers');

/** The official SDK client with a raw token (the target's own tokens, or a minted one). */
async function connect(target: FuzzTarget, token: string, clients: Client[]): Promise<Client> {
  const client = new Client({ name: 'in-process-target-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(target.url, { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  clients.push(client);
  return client;
}

function principal(target: FuzzTarget, name: string): Principal {
  const found = target.principals.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no principal ${name}`);
  return found;
}

describe('inProcessTarget on orders-vulnerable (oauth, with its source)', () => {
  let target: FuzzTarget;
  beforeAll(async () => {
    target = await inProcessTarget(join(fixtures, 'orders-vulnerable/mcify.config.ts'));
  }, 60_000);
  afterAll(async () => {
    await target.close();
  });

  it('is a loopback in-process target with JWT principals from the hook', () => {
    expect(target.mode).toBe('in-process');
    expect(target.loopback).toBe(true);
    expect(target.url.hostname).toBe('127.0.0.1');
    expect(target.tokenKind).toBe('jwt');
    expect(target.challengeScheme).toBe('Bearer');
    expect(target.credentialHeader).toEqual({ name: 'authorization', prefix: 'Bearer ' });
    expect(target.principals.map((p) => [p.name, p.tenant])).toEqual([
      ['alice', 'acme'],
      ['carol', 'acme'],
      ['bob', 'globex'],
      ['dave', 'globex'],
    ]);
    expect(principal(target, 'alice').identity).toEqual(['user_alice', 'acme']);
    expect(principal(target, 'carol').scopes).toEqual(['orders:read']);
    expect(target.isolate).toBe('tenant');
    expect(target.reset).toBeTypeOf('function');
    expect(target.issuer?.issuerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The IdP's private key, which secret-reflected looks for in every answer.
    expect(target.issuer?.privateMaterial.some((text) => text.startsWith('-----BEGIN PRIVATE KEY-----'))).toBe(true);
  });

  it('never shows a token when printed', () => {
    const alice = principal(target, 'alice');
    const token = alice.token?.reveal() ?? '';
    expect(token.split('.')).toHaveLength(3);
    expect(JSON.stringify(target.principals)).not.toContain(token);
    expect(JSON.stringify(target.principals)).toContain("alice's token");
  });

  it("maps each tool to its defineTool and the analyzer's sensitive decision", () => {
    const tools = target.source?.tools;
    const file = join(fixtures, 'orders-vulnerable/src/tools/orders.ts');
    expect(target.source?.configFile).toBe(join(fixtures, 'orders-vulnerable/mcify.config.ts'));
    expect(tools?.get('orders_get')).toMatchObject({ file, sensitive: false });
    expect(tools?.get('orders_refund')).toMatchObject({ file, sensitive: true });
    expect(tools?.get('profile_get')).toMatchObject({ file: join(fixtures, 'orders-vulnerable/src/tools/profile.ts'), sensitive: false });
    const get = tools?.get('orders_get');
    expect(get?.line).toBeGreaterThan(1);
    expect(get?.endLine).toBe(get?.line);
    expect(get?.endColumn).toBeGreaterThan(get?.column ?? 0);
    expect([...(tools?.keys() ?? [])].sort()).toEqual([
      'integrations_connect',
      'integrations_list',
      'orders_cancel',
      'orders_create',
      'orders_export',
      'orders_get',
      'orders_list',
      'orders_refund',
      'orders_summary',
      'profile_get',
    ]);
  });
});

describe('inProcessTarget on orders (the trusted issuer)', () => {
  let target: FuzzTarget;
  const clients: Client[] = [];
  beforeAll(async () => {
    target = await inProcessTarget(join(fixtures, 'orders/mcify.config.ts'), { source: false });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await target.close();
  });

  it('mints a token with no scopes that the server refuses with 403, and one with the scope it accepts', async () => {
    const issuer = target.issuer;
    if (issuer === undefined) throw new Error('orders is an oauth() server: it has a trusted issuer');
    const alice = principal(target, 'alice');
    const none = await connect(target, await issuer.mint(alice, { scopes: [] }), clients);
    const refused = none.callTool({ name: 'orders_export', arguments: {} });
    await expect(refused).rejects.toBeInstanceOf(StreamableHTTPError);
    await expect(refused).rejects.toMatchObject({ code: 403 });
    const scoped = await connect(target, await issuer.mint(alice, { scopes: ['orders:read', 'orders:export'] }), clients);
    const exported = await scoped.callTool({ name: 'orders_export', arguments: {} });
    expect(exported.isError).not.toBe(true);
  });

  it('forges tokens the server refuses, and cannot mint one without exp', async () => {
    const issuer = target.issuer;
    if (issuer === undefined) throw new Error('no issuer');
    const alice = principal(target, 'alice');
    const forged = issuer.forge('untrusted-key', alice);
    await expect(connect(target, await forged, clients)).rejects.toMatchObject({ code: 401 });
    await expect(issuer.mint(alice, { omit: ['exp'] })).rejects.toThrow(/missing-exp/);
    expect(await issuer.publicKeyPem()).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('has no source map when told not to analyse', () => {
    expect(target.source?.tools.size).toBe(0);
  });
});

describe('inProcessTarget on ledger-sessions (bearer with verify)', () => {
  let target: FuzzTarget;
  beforeAll(async () => {
    target = await inProcessTarget(join(fixtures, 'ledger-sessions/mcify.config.ts'), { source: false });
  }, 60_000);
  afterAll(async () => {
    await target.close();
  });

  it('has opaque tokens from issueToken, no trusted issuer, revoked tokens and labelled secrets from the hook', () => {
    expect(target.tokenKind).toBe('opaque');
    expect(target.issuer).toBeUndefined();
    expect(target.challengeScheme).toBe('Bearer');
    expect(Object.keys(target.revoked).sort()).toEqual(target.principals.map((p) => p.name).sort());
    for (const [name, secret] of Object.entries(target.revoked)) {
      expect(secret.label).toBe(`${name}'s revoked token`);
      expect(secret.reveal()).not.toBe(principal(target, name).token?.reveal());
    }
    expect(target.secrets.length).toBeGreaterThan(0);
    expect(JSON.stringify(target.secrets)).not.toContain(target.secrets[0]?.reveal() ?? '');
    expect(target.reset).toBeTypeOf('function');
  });
});

describe('a config on the published mcify', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'mcify-audit-published-'));
    // The published dialect's shape: auth oauth_provider. No @mcify/runtime anywhere above the folder.
    writeFileSync(
      join(folder, 'mcify.config.mjs'),
      "export default { name: 'published', version: '1.0.0', auth: { type: 'oauth_provider' }, tools: [] };\n" +
        "export const mcifyAudit = { principals: { ann: { tenant: 'a' }, ben: { tenant: 'b' } }, issueToken: (name) => 'token-of-' + name };\n",
    );
    mkdirSync(join(folder, 'broken'));
    writeFileSync(join(folder, 'broken/mcify.config.mjs'), "export default { name: 'broken', version: '1.0.0', auth: { type: 'oauth_provider' } };\n");
    mkdirSync(join(folder, 'broken/node_modules/@mcify/runtime'), { recursive: true });
    writeFileSync(join(folder, 'broken/node_modules/@mcify/runtime/package.json'), JSON.stringify({ name: '@mcify/runtime', exports: { '.': './index.js' } }));
  });
  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('without a runtime to run on, refuses with the fuzz --url command to run instead', async () => {
    const refused = inProcessTarget(join(folder, 'mcify.config.mjs'), { source: false });
    await expect(refused).rejects.toBeInstanceOf(PublishedRuntimeError);
    await expect(refused).rejects.toThrow(/oauthProvider\(\).*@mcify\/runtime cannot be found.*run: mcify-audit fuzz --url http:\/\/127\.0\.0\.1:PORT\/mcp --token ann=env:MCIFY_TOKEN_ANN --token ben=env:MCIFY_TOKEN_BEN$/s);
  });

  it('with a runtime lacking serveNode, says so', async () => {
    const refused = inProcessTarget(join(folder, 'broken/mcify.config.mjs'), { source: false });
    await expect(refused).rejects.toThrow(/no "\.\/node" export with serveNode.*mcify-audit fuzz --url/s);
  });
});
