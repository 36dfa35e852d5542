import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFuzz, runFuzz } from '../src/engine/run-fuzz.js';
import type { FuzzTarget } from '../src/engine/types.js';
import { blackBoxTarget } from '../src/target/black-box.js';
import { inProcessTarget } from '../src/target/in-process.js';
import { bootConfig, type BootedServer } from '../src/target/boot-config.js';
import { loadConfig, referenceConfigOf } from '../src/target/load-config.js';
import { parseTokenSpec } from '../src/target/token-spec.js';

const fixtures = resolve(import.meta.dirname, '../../../fixtures/servers');

/** Boots a fixture as `mcify-audit serve` does. */
async function boot(name: string): Promise<BootedServer> {
  const loaded = await loadConfig(join(fixtures, name, 'mcify.config.ts'));
  return bootConfig(referenceConfigOf(loaded, 'test'), loaded.hook, { logging: { sink: () => undefined } });
}

/** `--token NAME@TENANT=TOKEN` for each principal the server printed. */
function tokenSpecs(server: BootedServer, scopes: Readonly<Record<string, readonly string[]>> = {}) {
  return Object.entries(server.tokens).map(([name, token]) => {
    const tenant = server.principals[name]?.tenant ?? name;
    const given = scopes[name];
    return parseTokenSpec(`${name}@${tenant}${given === undefined ? '' : `[${given.join(',')}]`}=${token}`);
  });
}

describe('blackBoxTarget against orders-vulnerable (JWT tokens)', () => {
  let server: BootedServer;
  let target: FuzzTarget;
  beforeAll(async () => {
    server = await boot('orders-vulnerable');
    target = await blackBoxTarget({ url: server.url, tokens: tokenSpecs(server, { dave: ['orders:read', 'orders:export'] }), source: join(fixtures, 'orders-vulnerable') });
  }, 60_000);
  afterAll(async () => {
    await target.close();
    await server.close();
  });

  it('probes the challenge scheme and decodes identity and scopes from the JWTs', () => {
    expect(target.mode).toBe('black-box');
    expect(target.loopback).toBe(true);
    expect(target.challengeScheme).toBe('Bearer');
    expect(target.tokenKind).toBe('jwt');
    expect(target.issuer).toBeUndefined();
    expect(target.reset).toBeUndefined();
    const alice = target.principals.find((principal) => principal.name === 'alice');
    expect(alice?.tenant).toBe('acme');
    expect(alice?.claims?.sub).toBe('user_alice');
    expect(alice?.identity).toEqual(['user_alice', 'acme']);
    // The JWT's scope claim; the [scope,...] given with --token wins over it.
    expect(target.principals.find((principal) => principal.name === 'carol')?.scopes).toEqual(['orders:read']);
    expect(target.principals.find((principal) => principal.name === 'dave')?.scopes).toEqual(['orders:read', 'orders:export']);
    for (const principal of target.principals) expect(JSON.stringify(target.principals)).not.toContain(principal.token?.reveal() ?? '\0');
  });

  it('maps --source to each defineTool', () => {
    expect(target.source?.configFile).toBe(join(fixtures, 'orders-vulnerable/mcify.config.ts'));
    expect(target.source?.tools.get('orders_get')).toMatchObject({ file: join(fixtures, 'orders-vulnerable/src/tools/orders.ts'), sensitive: false });
    expect(target.source?.tools.get('orders_refund')?.sensitive).toBe(true);
  });

  it('without --allow-writes calls no tool that is not annotated read-only', async () => {
    const result = await runFuzz(target, { seed: 2, runs: 5 });
    const called = new Set(result.cells.filter((cell) => cell.tool !== null && cell.property !== 'server-hygiene' && cell.property !== 'authentication' && cell.requests > 0).map((cell) => cell.tool));
    const readOnly = new Set(result.tools.filter((tool) => tool.readOnly).map((tool) => tool.name));
    for (const tool of called) expect(readOnly.has(tool ?? '')).toBe(true);
    expect(result.writes).toEqual([]);
    expect(result.findings.filter((finding) => finding.ruleId === 'harness/scope-not-enforced')).toEqual([]);
  }, 30_000);

  it('with --allow-writes finds the planted cross-tenant reads, pointed at the source', async () => {
    const result = await runFuzz(target, { seed: 4, runs: 25, allowWrites: true });
    const reads = result.findings.filter((finding) => finding.ruleId === 'harness/cross-tenant-read').map((finding) => finding.tool);
    expect(new Set(reads)).toEqual(new Set(['orders_list', 'orders_get']));
    expect(result.tools.find((tool) => tool.name === 'orders_get')?.source?.file).toBe(join(fixtures, 'orders-vulnerable/src/tools/orders.ts'));
    // A correct tool is not flagged.
    expect(result.findings.filter((finding) => finding.tool === 'profile_get')).toEqual([]);
    const text = JSON.stringify(result);
    for (const token of Object.values(server.tokens)) expect(text).not.toContain(token);
  }, 30_000);
});

describe('blackBoxTarget against ledger-sessions (opaque tokens)', () => {
  let server: BootedServer;
  let target: FuzzTarget;
  beforeAll(async () => {
    server = await boot('ledger-sessions');
    target = await blackBoxTarget({ url: server.url, tokens: tokenSpecs(server) });
  }, 60_000);
  afterAll(async () => {
    await target.close();
    await server.close();
  });

  it('knows the tokens are not JWTs, and probes Bearer', () => {
    expect(target.tokenKind).toBe('opaque');
    expect(target.challengeScheme).toBe('Bearer');
    for (const principal of target.principals) {
      expect(principal.claims).toBeUndefined();
      expect(principal.identity).toEqual([principal.tenant]);
    }
    expect(target.source).toBeUndefined();
  });
});

describe('an API-key server', () => {
  let folder: string;
  let server: BootedServer;
  beforeAll(async () => {
    // A config on the reference core, outside the repository, resolving its packages through a link.
    folder = mkdtempSync(join(tmpdir(), 'mcify-audit-api-key-'));
    symlinkSync(resolve(import.meta.dirname, '../../../node_modules'), join(folder, 'node_modules'), 'dir');
    writeFileSync(
      join(folder, 'mcify.config.mjs'),
      [
        "import { apiKey, defineConfig, defineTool } from '@mcify/core';",
        "import { requireAuth } from '@mcify/core/middleware';",
        "import { z } from 'zod';",
        "const keys = { 'key-of-ann-0123456789': 'north', 'key-of-ben-0123456789': 'south' };",
        'export default defineConfig({',
        "  name: 'keys', version: '1.0.0',",
        "  auth: apiKey({ headerName: 'X-Team-Key', verify: (key) => (key in keys ? { tenant: keys[key] } : false) }),",
        "  tools: [defineTool({ name: 'team_get', description: 'The caller team.', middlewares: [requireAuth()], input: z.object({}), output: z.object({ tenant: z.string() }), handler: (_input, ctx) => ({ tenant: String(ctx.auth.claims.tenant) }) })],",
        '});',
        "export const mcifyAudit = { principals: { ann: { tenant: 'north' }, ben: { tenant: 'south' } }, issueToken: (name) => `key-of-${name}-0123456789` };",
      ].join('\n'),
    );
    const loaded = await loadConfig(join(folder, 'mcify.config.mjs'));
    server = await bootConfig(referenceConfigOf(loaded, 'test'), loaded.hook, { logging: { sink: () => undefined } });
  }, 60_000);
  afterAll(async () => {
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('black-box: the ApiKey challenge names the header the keys go in, and the keys work there', async () => {
    const target = await blackBoxTarget({ url: server.url, tokens: tokenSpecs(server) });
    try {
      expect(target.challengeScheme).toBe('ApiKey');
      expect(target.credentialHeader).toEqual({ name: 'x-team-key', prefix: '' });
      expect(target.tokenKind).toBe('opaque');
      const plan = await planFuzz(target, { seed: 1, runs: 5 });
      expect(plan.tools.map((tool) => tool.name)).toEqual(['team_get']);
    } finally {
      await target.close();
    }
  });

  it('in-process: the header the config names', async () => {
    const target = await inProcessTarget(join(folder, 'mcify.config.mjs'), { source: false });
    try {
      expect(target.challengeScheme).toBe('ApiKey');
      expect(target.credentialHeader).toEqual({ name: 'x-team-key', prefix: '' });
      expect(target.tokenKind).toBe('opaque');
      expect((await planFuzz(target, { seed: 1, runs: 5 })).tools.map((tool) => tool.name)).toEqual(['team_get']);
    } finally {
      await target.close();
    }
  });
});
