/** The scope-enforcement property against the fixtures: orders-vulnerable's ungated refund is found, the correct servers pass. */
import { fileURLToPath } from 'node:url';
import { defineConfig, defineTool, oauth, ToolError } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import ledgerConfig, { mcifyAudit as ledgerHook } from '../../../fixtures/servers/ledger-sessions/mcify.config.js';
import ordersConfig, { mcifyAudit as ordersHook } from '../../../fixtures/servers/orders/mcify.config.js';
import vulnerableConfig, { mcifyAudit as vulnerableHook } from '../../../fixtures/servers/orders-vulnerable/mcify.config.js';
import { harvestAll } from '../src/engine/harvest.js';
import { runFuzz } from '../src/engine/run-fuzz.js';
import type { Principal } from '../src/engine/types.js';
import { createScopeEnforcementProperty, entitledByName, scopeGroup } from '../src/properties/scope-enforcement.js';
import type { AuditHook } from '../src/target/audit-hook.js';
import { blackBoxTarget } from '../src/target/black-box.js';
import { bootConfig } from '../src/target/boot-config.js';
import { inProcessTarget } from '../src/target/in-process.js';
import { parseTokenSpec } from '../src/target/token-spec.js';
import { bootTarget, runProperty, staticHarvest, type TestRun } from './auth-support.js';

/** What the harvest of the orders fixtures finds: each user's own orders. */
const ordersIds = staticHarvest({
  alice: { id: ['ord_acme_1001', 'ord_acme_1002'] },
  carol: { id: ['ord_acme_1003'] },
  bob: { id: ['ord_globex_2001', 'ord_globex_2002'] },
  dave: { id: ['ord_globex_2003'] },
});

describe('scope-enforcement on orders-vulnerable', () => {
  let run: TestRun;
  beforeAll(async () => {
    run = await bootTarget(vulnerableConfig, vulnerableHook);
  }, 30_000);
  afterAll(async () => {
    await run.close();
  });

  it('reports scope-not-enforced on orders_refund only: for carol (orders:read) and for a token with no scopes', async () => {
    const ctx = run.context({ runs: 15 }, ordersIds);
    const cells = await runProperty(createScopeEnforcementProperty(), ctx);
    expect(ctx.findings.map((finding) => [finding.ruleId, finding.tool, finding.principal]).sort()).toEqual([
      ['harness/scope-not-enforced', 'orders_refund', 'alice without scopes'],
      ['harness/scope-not-enforced', 'orders_refund', 'carol'],
    ]);
    const carol = ctx.findings.find((finding) => finding.principal === 'carol');
    expect(carol?.input).toEqual({ orderId: 'ord_acme_1003' });
    expect(carol?.reproduce.path).toMatch(/^scope-enforcement\/orders_refund:\d+(:\d+)*$/);
    expect(cells.find((cell) => cell.tool === 'orders_refund')?.status).toBe('failed');
    expect(cells.filter((cell) => cell.status === 'held').map((cell) => cell.tool).sort()).toEqual(['orders_cancel', 'orders_export']);
    expect(cells.find((cell) => cell.tool === 'orders_get')).toEqual({ tool: 'orders_get', status: 'not-applicable', reason: 'not a sensitive tool', cases: 0 });
    // Every successful write is listed, the ones that broke the rule included.
    expect(ctx.writes).toEqual(expect.arrayContaining([{ tool: 'orders_refund', principal: 'carol', arguments: { orderId: 'ord_acme_1003' } }]));
    expect(ctx.writes.some((write) => write.tool === 'orders_cancel' && write.principal === 'alice')).toBe(true);
  }, 60_000);
});

describe('scope-enforcement on orders', () => {
  let run: TestRun;
  beforeAll(async () => {
    run = await bootTarget(ordersConfig, ordersHook);
  }, 30_000);
  afterAll(async () => {
    await run.close();
  });

  it('finds nothing: every sensitive tool answers 403 insufficient_scope to carol and to a token without scopes', async () => {
    const ctx = run.context({ runs: 15 }, ordersIds);
    const cells = await runProperty(createScopeEnforcementProperty(), ctx);
    expect(ctx.findings).toEqual([]);
    const applicable = cells.filter((cell) => cell.status !== 'not-applicable');
    expect(applicable.length).toBeGreaterThan(0);
    expect(applicable.every((cell) => cell.status === 'held')).toBe(true);
  }, 60_000);

  it('says not-exercised, with the reason, when no input succeeds for the top principal', async () => {
    const ctx = run.context({ runs: 5 }, staticHarvest({ alice: { id: ['ord_nowhere_1'] }, carol: { id: ['ord_nowhere_2'] } }));
    const property = createScopeEnforcementProperty();
    const outcome = await property.run('orders_refund', ctx);
    expect(outcome.status).toBe('not-exercised');
    expect(outcome.reason).toMatch(/^no input succeeded for alice/);
    expect(ctx.findings).toEqual([]);
  }, 30_000);
});

describe('scope-enforcement on ledger-sessions (opaque tokens, no issuer)', () => {
  let run: TestRun;
  beforeAll(async () => {
    run = await bootTarget(ledgerConfig, ledgerHook);
  }, 30_000);
  afterAll(async () => {
    await run.close();
  });

  it('finds nothing: invoices_void needs invoices:void and says so with 403', async () => {
    const ctx = run.context({ runs: 15 }, staticHarvest({
      // Invoices are the organisation's: both users of acme see all three.
      alice: { id: ['inv_acme_1001', 'inv_acme_1002', 'inv_acme_1003'] },
      carol: { id: ['inv_acme_1001', 'inv_acme_1002', 'inv_acme_1003'] },
    }));
    const cells = await runProperty(createScopeEnforcementProperty(), ctx);
    expect(ctx.findings).toEqual([]);
    expect(cells.find((cell) => cell.tool === 'invoices_void')?.status).toBe('held');
  }, 60_000);
});

describe('scope groups', () => {
  const principal = (name: string, tenant: string, scopes: string[] | undefined): Principal => ({ name, tenant, scopes, token: undefined, claims: undefined, identity: [] });

  it('compares within the tenant that has principals with fewer scopes, fewest first', () => {
    const withTokens = [principal('alice', 'acme', ['a', 'b', 'c']), principal('carol', 'acme', ['a']), principal('erin', 'acme', ['a', 'b']), principal('bob', 'globex', ['a'])].map((p) => ({ ...p, token: { label: p.name } as never }));
    const group = scopeGroup(withTokens, false);
    expect(group?.top.name).toBe('alice');
    expect(group?.lesser.map((p) => p.name)).toEqual(['carol', 'erin']);
    const bobOnly = withTokens.filter((p) => p.name === 'bob');
    expect(scopeGroup(bobOnly, false)).toBeUndefined();
    expect(scopeGroup(bobOnly, true)?.top.name).toBe('bob');
  });

  it('leaves out a principal holding the scope named after the tool', () => {
    expect(entitledByName('orders_refund', ['orders:read', 'orders:refund'], ['orders:read'])).toBe(false);
    expect(entitledByName('orders_refund', ['orders:read', 'orders:refund'], ['orders:read', 'orders:refund'])).toBe(true);
    expect(entitledByName('orders_export', ['orders:read', 'orders:refund'], ['orders:read'])).toBe(false);
  });
});

describe('scope-enforcement through runFuzz (the real harvest, client and source map)', () => {
  const engine = () => ({ properties: [createScopeEnforcementProperty()], harvest: (ctx: Parameters<typeof harvestAll>[0]) => harvestAll(ctx) });

  it('in-process orders-vulnerable (sensitivity by the name rule): scope-not-enforced on orders_refund only, for carol and a token without scopes', async () => {
    const target = await inProcessTarget(fileURLToPath(new URL('../../../fixtures/servers/orders-vulnerable/mcify.config.ts', import.meta.url)), { source: false });
    try {
      const result = await runFuzz(target, { runs: 15, seed: 2, timeoutMs: 60_000 }, { engine: engine() });
      expect(result.findings.map((finding) => [finding.ruleId, finding.tool, finding.principal]).sort()).toEqual([
        ['harness/scope-not-enforced', 'orders_refund', 'alice without scopes'],
        ['harness/scope-not-enforced', 'orders_refund', 'carol'],
      ]);
      expect(result.writes.some((write) => write.tool === 'orders_refund' && write.principal === 'carol')).toBe(true);
      // Each was replayed after reset() and ran again.
      expect(result.findings.map((finding) => finding.confidence)).toEqual(['high', 'high']);
      // The replay line runs that case alone, from the seeded data (reset() first), and finds it again.
      const path = result.findings[0]?.reproduce.path ?? '';
      expect(path).toMatch(/^scope-enforcement\/orders_refund:\d+(:\d+)*$/);
      await target.reset?.();
      const replayed = await runFuzz(target, { seed: 2, replay: path, timeoutMs: 30_000 }, { engine: engine() });
      expect(replayed.findings.map((finding) => [finding.ruleId, finding.tool, finding.principal]).sort()).toEqual([
        ['harness/scope-not-enforced', 'orders_refund', 'alice without scopes'],
        ['harness/scope-not-enforced', 'orders_refund', 'carol'],
      ]);
    } finally {
      await target.close();
    }
  }, 30_000);

  it('black-box ledger-sessions with --allow-writes: nothing; the scopes come from the --token specs', async () => {
    const booted = await bootConfig(ledgerConfig, ledgerHook, { logging: { sink: () => undefined } });
    try {
      const tokens = Object.entries(booted.principals).map(([name, principal]) => parseTokenSpec(`${name}@${principal.tenant}[${principal.scopes.join(',')}]=${booted.tokens[name] ?? ''}`));
      const target = await blackBoxTarget({ url: booted.url, tokens });
      const result = await runFuzz(target, { runs: 10, seed: 2, timeoutMs: 60_000, allowWrites: true }, { engine: engine() });
      await target.close();
      expect(result.findings).toEqual([]);
      expect(result.cells.find((cell) => cell.property === 'scope-enforcement' && cell.tool === 'invoices_void')?.status).toBe('held');
    } finally {
      await booted.close();
    }
  }, 30_000);
});

/**
 * A notes server whose delete tool checks its scope in the handler and refuses with a tool error (as
 * the published runtime's `requireAuth({ predicate })` does), or with the gate's 403 (`scope`).
 */
function notesServer(gate: 'tool-error' | 'scope', options: { readonly carolsNoteGone?: boolean } = {}) {
  const notes = new Map<string, { owner: string; deleted: boolean }>();
  const seed = () => {
    notes.clear();
    notes.set('note_alice_1001', { owner: 'user_alice', deleted: false });
    notes.set('note_alice_1002', { owner: 'user_alice', deleted: false });
    notes.set('note_carol_1003', { owner: 'user_carol', deleted: options.carolsNoteGone === true });
    notes.set('note_bob_2001', { owner: 'user_bob', deleted: false });
  };
  seed();
  const notesDelete = defineTool({
    name: 'notes_delete',
    description: 'Delete one of your notes.',
    middlewares: gate === 'scope' ? [requireAuth({ scopes: ['notes:delete'] })] : [requireAuth()],
    input: z.object({ noteId: z.string().min(1) }),
    output: z.object({ deleted: z.string() }),
    handler: (input, ctx) => {
      const scopes = ctx.auth.type === 'oauth' ? ctx.auth.scopes : [];
      if (!scopes.includes('notes:delete')) throw new ToolError('forbidden: the notes:delete scope is required');
      const note = notes.get(input.noteId);
      if (note === undefined || note.deleted || note.owner !== ctx.auth.claims.sub) throw new ToolError(`Note ${input.noteId} not found.`);
      note.deleted = true;
      return { deleted: input.noteId };
    },
  });
  const config = defineConfig({
    name: 'notes',
    version: '1.0.0',
    auth: oauth({ provider: 'custom', issuer: 'https://auth.notes.example', audience: 'https://notes.example/mcp' }),
    tools: [notesDelete],
  });
  const hook: AuditHook = {
    principals: {
      alice: { tenant: 'acme', claims: { sub: 'user_alice', tenantId: 'acme' }, scopes: ['notes:read', 'notes:delete'] },
      carol: { tenant: 'acme', claims: { sub: 'user_carol', tenantId: 'acme' }, scopes: ['notes:read'] },
      bob: { tenant: 'globex', claims: { sub: 'user_bob', tenantId: 'globex' }, scopes: ['notes:read', 'notes:delete'] },
    },
    reset: seed,
  };
  return { config, hook };
}

const notesIds = staticHarvest({ alice: { id: ['note_alice_1001', 'note_alice_1002'] }, carol: { id: ['note_carol_1003'] }, bob: { id: ['note_bob_2001'] } });

describe('scope-enforcement on a server that refuses a missing scope with a tool error', () => {
  it('reports wrong-status for carol and for a token without scopes, each confirmed by a control with the scopes', async () => {
    const { config, hook } = notesServer('tool-error');
    const run = await bootTarget(config, hook);
    try {
      const ctx = run.context({ runs: 10 }, notesIds);
      const outcome = await createScopeEnforcementProperty().run('notes_delete', ctx);
      expect(outcome.status).toBe('failed');
      expect(ctx.findings.map((finding) => [finding.ruleId, finding.principal, finding.confidence]).sort()).toEqual([
        ['harness/wrong-status', 'alice without scopes', 'high'],
        ['harness/wrong-status', 'carol', 'high'],
      ]);
      expect(ctx.findings[0]?.message).toContain('a tool error (isError: true), not 403 insufficient_scope');
    } finally {
      await run.close();
    }
  }, 30_000);

  it('says nothing when the control fails too (the object was not usable)', async () => {
    const { config, hook } = notesServer('tool-error', { carolsNoteGone: true });
    const run = await bootTarget(config, hook);
    try {
      const ctx = run.context({ runs: 10 }, notesIds);
      await createScopeEnforcementProperty().run('notes_delete', ctx);
      expect(ctx.findings.map((finding) => finding.principal)).toEqual(['alice without scopes']);
    } finally {
      await run.close();
    }
  }, 30_000);

  it('holds when the gate answers 403 insufficient_scope', async () => {
    const { config, hook } = notesServer('scope');
    const run = await bootTarget(config, hook);
    try {
      const ctx = run.context({ runs: 10 }, notesIds);
      const outcome = await createScopeEnforcementProperty().run('notes_delete', ctx);
      expect(ctx.findings).toEqual([]);
      expect(outcome.status).toBe('held');
    } finally {
      await run.close();
    }
  }, 30_000);
});
