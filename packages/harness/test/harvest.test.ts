import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argumentPlan, harvestAll, harvestRequests, isHarvestTool, nextPageArguments, snapshotObjects, toolKind, type HarvestDeps } from '../src/engine/harvest.js';
import type { Deadline } from '../src/engine/property.js';
import type { CallOutcome, FuzzTarget, ListedTool, Principal, PrincipalClient } from '../src/engine/types.js';
import { isolationRun, type IsolationRun } from './isolation-context.js';

const object = (properties: Record<string, unknown> = {}, required: string[] = []) => ({ type: 'object', properties, required });

describe('toolKind', () => {
  it('reads annotations first', () => {
    expect(toolKind({ name: 'orders_cancel', annotations: { readOnlyHint: true } })).toBe('read');
    expect(toolKind({ name: 'orders_list', annotations: { readOnlyHint: false } })).toBe('write');
    expect(toolKind({ name: 'orders_list', annotations: { destructiveHint: true } })).toBe('write');
  });

  it("takes a name's verb: last word, then first, then any; a name without a verb is a write", () => {
    const reads = ['orders_list', 'list_open_orders', 'getOrder', 'profile_get', 'org_info', 'orders_summary', 'orders_export', 'search', 'invoices_get', 'count_users'];
    const writes = ['orders_create', 'orders_cancel', 'integrations_connect', 'refund_order', 'invoices_void', 'createInvoice', 'frobnicate', 'orders', 'place_order'];
    expect(reads.filter((name) => toolKind({ name }) !== 'read')).toEqual([]);
    expect(writes.filter((name) => toolKind({ name }) !== 'write')).toEqual([]);
  });
});

describe('isHarvestTool', () => {
  const deps = { mayCall: () => true, isSensitive: (tool: ListedTool) => tool.name.endsWith('export') };
  const tool = (name: string, annotations?: ListedTool['annotations']): ListedTool => ({ name, inputSchema: object(), ...(annotations === undefined ? {} : { annotations }) });

  it('harvests reads the run may call, never writes, never sensitive tools unless annotated read-only', () => {
    expect(isHarvestTool(tool('orders_list'), deps)).toBe(true);
    expect(isHarvestTool(tool('orders_cancel'), deps)).toBe(false);
    expect(isHarvestTool(tool('orders_export'), deps)).toBe(false);
    expect(isHarvestTool(tool('orders_export', { readOnlyHint: true }), deps)).toBe(true);
    expect(isHarvestTool(tool('orders_list'), { ...deps, mayCall: () => false })).toBe(false);
  });
});

describe('argumentPlan', () => {
  it('fixes required defaults, consts and enums, and fills id-like and identity arguments', () => {
    const plan = argumentPlan(object({ format: { type: 'string', default: 'csv' }, kind: { const: 'a' }, status: { enum: ['open', 'closed'] }, orderId: { type: 'string' }, userId: { type: 'string' }, n: { type: 'integer' } }, ['format', 'kind', 'status', 'orderId', 'userId']));
    expect(plan?.fixed).toEqual({ format: 'csv', kind: 'a', status: 'open' });
    expect(plan?.idArguments).toEqual([
      { name: 'orderId', integer: false, identity: false },
      { name: 'userId', integer: false, identity: true },
    ]);
  });

  it('takes integer ids and hook-named id fields, and gives up on any other required argument', () => {
    expect(argumentPlan(object({ id: { type: 'integer' } }, ['id']))?.idArguments).toEqual([{ name: 'id', integer: true, identity: false }]);
    expect(argumentPlan(object({ sku: { type: 'string' } }, ['sku']), ['sku'])?.idArguments).toHaveLength(1);
    expect(argumentPlan(object({ query: { type: 'string' } }, ['query']))).toBeUndefined();
    expect(argumentPlan(object({ id: { type: 'boolean' } }, ['id']))).toBeUndefined();
    expect(argumentPlan(object({ limit: { type: 'integer' } }))).toEqual({ fixed: {}, idArguments: [], properties: new Map([['limit', { type: 'integer' }]]) });
  });
});

describe('nextPageArguments', () => {
  const properties = (...names: string[]) => new Map(names.map((name) => [name, {}]));

  it('follows a cursor into the argument of the same name, or the tool cursor argument', () => {
    expect(nextPageArguments({ limit: 5 }, { items: [], nextCursor: 'c2' }, properties('nextCursor', 'limit'))).toEqual({ limit: 5, nextCursor: 'c2' });
    expect(nextPageArguments({}, { next_page: 'p2' }, properties('cursor'))).toEqual({ cursor: 'p2' });
    expect(nextPageArguments({}, { cursor: 7 }, properties('page'))).toEqual({ page: 7 });
  });

  it('turns hasMore into the next page or offset', () => {
    expect(nextPageArguments({}, { hasMore: true, items: [1, 2] }, properties('page'))).toEqual({ page: 2 });
    expect(nextPageArguments({ page: 2 }, { hasMore: true }, properties('page'))).toEqual({ page: 3 });
    expect(nextPageArguments({ offset: 2 }, { has_more: true, items: [1, 2, 3] }, properties('offset'))).toEqual({ offset: 5 });
  });

  it('stops without a cursor, without a cursor argument, or at the end', () => {
    expect(nextPageArguments({}, { items: [] }, properties('cursor'))).toBeUndefined();
    expect(nextPageArguments({}, { nextCursor: 'c2' }, properties('limit'))).toBeUndefined();
    expect(nextPageArguments({}, { nextCursor: '', hasMore: false }, properties('cursor'))).toBeUndefined();
    expect(nextPageArguments({}, ['not', 'an', 'object'], properties('cursor'))).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------
// A scripted server, for the harvest's order, cursors, hook objects, bounds and deadline.

interface Scripted {
  readonly tools: ListedTool[];
  readonly calls: { principal: string; tool: string; args: Record<string, unknown> }[];
  maxInFlight: number;
  deps(options?: { harvestPages?: number; concurrency?: number; deadline?: Deadline; objects?: FuzzTarget['objects'] }): HarvestDeps;
}

function result(data: unknown): CallOutcome {
  return { kind: 'result', status: 200, text: JSON.stringify(data), data, code: undefined, exchange: undefined };
}

function toolError(text: string): CallOutcome {
  return { kind: 'tool-error', status: 200, text, data: undefined, code: undefined, exchange: undefined };
}

const openDeadline: Deadline = { remainingMs: () => 60_000, expired: () => false, signal: new AbortController().signal };

function principal(name: string, tenant: string, claims: Record<string, unknown>): Principal {
  return { name, tenant, scopes: undefined, token: undefined, claims, identity: [], };
}

function scripted(): Scripted {
  // Each principal's notes: three pages of a cursor list, a detail read, a write that must never run.
  const notes = (owner: string) => Array.from({ length: 6 }, (_, index) => ({ id: `note_${owner}_${String(index + 1)}`, ownerId: `user_${owner}` }));
  const tools: ListedTool[] = [
    { name: 'notes_list', inputSchema: object({ cursor: { type: 'string' } }) },
    { name: 'note_get', inputSchema: object({ noteId: { type: 'string' } }, ['noteId']) },
    { name: 'note_delete', inputSchema: object({ noteId: { type: 'string' } }, ['noteId']) },
    { name: 'notes_export', inputSchema: object() },
    { name: 'notes_search', inputSchema: object({ query: { type: 'string' } }, ['query']) },
    { name: 'whoami', inputSchema: object(), annotations: { readOnlyHint: true } },
  ];
  const calls: Scripted['calls'] = [];
  let inFlight = 0;
  const state: Scripted = {
    tools,
    calls,
    maxInFlight: 0,
    deps(options = {}) {
      const target = {
        principals: [principal('alice', 'acme', { sub: 'user_alice', iss: 'https://issuer.test', org: 'acme' }), principal('bob', 'globex', { sub: 'user_bob' })],
        objects: options.objects ?? {},
        idFields: [],
      } as unknown as FuzzTarget;
      return {
        target,
        options: { harvestPages: options.harvestPages ?? 5, concurrency: options.concurrency ?? 2 },
        tools,
        deadline: options.deadline ?? openDeadline,
        mayCall: () => true,
        isSensitive: (tool) => tool.name.endsWith('export') || tool.name.endsWith('delete'),
        client: (name) => {
          const client: PrincipalClient = {
            principal: name,
            sessionId: undefined,
            listTools: () => Promise.resolve(tools),
            async callTool(tool, args) {
              const input = (args ?? {}) as Record<string, unknown>;
              calls.push({ principal: name, tool, args: input });
              inFlight += 1;
              state.maxInFlight = Math.max(state.maxInFlight, inFlight);
              await new Promise((resolve) => setTimeout(resolve, 2));
              inFlight -= 1;
              const mine = notes(name);
              if (tool === 'notes_list') {
                const page = typeof input.cursor === 'string' ? Number(input.cursor) : 0;
                const slice = mine.slice(page * 2, page * 2 + 2);
                return result({ notes: slice.map(({ id }) => ({ id })), ...(page < 2 ? { nextCursor: String(page + 1) } : {}) });
              }
              if (tool === 'note_get') {
                const found = mine.find((note) => note.id === input.noteId);
                return found === undefined ? toolError(`Note ${String(input.noteId)} not found.`) : result({ ...found, body: `secret body of ${found.id} x1` });
              }
              if (tool === 'whoami') return result({ userId: `user_${name}`, tenant: name === 'alice' ? 'acme' : 'globex' });
              return toolError(`${tool} must not be called by the harvest`);
            },
            close: () => Promise.resolve(),
          };
          return Promise.resolve(client);
        },
      };
    },
  };
  return state;
}

describe('harvestAll on a scripted server', () => {
  it('lists first, follows cursors, then reads each id found; never calls writes, sensitive tools or tools it cannot fill', async () => {
    const server = scripted();
    const harvest = await harvestAll(server.deps());
    expect(new Set(server.calls.map((call) => call.tool))).toEqual(new Set(['notes_list', 'note_get', 'whoami']));
    const alice = harvest.views.get('alice');
    expect(alice?.idsByField.get('id')).toEqual(['note_alice_1', 'note_alice_2', 'note_alice_3', 'note_alice_4', 'note_alice_5', 'note_alice_6']);
    expect(alice?.ids.get('note_alice_5')).toEqual({ value: 'note_alice_5', key: 'id', tool: 'notes_list' });
    expect(alice?.ids.get('user_alice')).toEqual({ value: 'user_alice', key: 'userId', tool: 'whoami' });
    expect(alice?.values.has('secret body of note_alice_3 x1')).toBe(true);
    expect(alice?.answeredTools).toEqual(new Set(['notes_list', 'whoami', 'note_get']));
    // The first call of every list tool precedes every id read.
    const firstGet = server.calls.findIndex((call) => call.tool === 'note_get');
    expect(server.calls.slice(firstGet).some((call) => call.tool === 'notes_list' && call.args.cursor === undefined)).toBe(false);
    expect(harvest.idPool('bob')).toContain('note_bob_6');
    expect(harvest.idPool('bob').some((id) => id.includes('alice'))).toBe(false);
    expect(harvestRequests(alice ?? ({} as never))).toBe(server.calls.filter((call) => call.principal === 'alice').length);
  });

  it('stops following cursors at harvestPages', async () => {
    const server = scripted();
    const harvest = await harvestAll(server.deps({ harvestPages: 2 }));
    expect(server.calls.filter((call) => call.principal === 'alice' && call.tool === 'notes_list')).toHaveLength(2);
    expect(harvest.idPool('alice')).not.toContain('note_alice_5');
  });

  it('builds sorted pools: ids, and identity from claims (not iss), tenant and identity-named values seen', async () => {
    const harvest = await harvestAll(scripted().deps());
    const pool = harvest.idPool('alice');
    expect(pool).toEqual([...pool].sort());
    expect(new Set(pool).size).toBe(pool.length);
    expect(harvest.identityPool('alice')).toEqual(['acme', 'user_alice']);
    expect(harvest.identityPool('bob')).toEqual(['globex', 'user_bob']);
    expect(harvest.identityPool('nobody')).toEqual([]);
    expect(harvest.idPool('nobody')).toEqual([]);
  });

  it('hashes each pool, the same whatever order the answers came in', async () => {
    const first = await harvestAll(scripted().deps({ concurrency: 1 }));
    const second = await harvestAll(scripted().deps({ concurrency: 4 }));
    expect(first.poolHashes).toEqual(second.poolHashes);
    expect(first.poolHashes.alice).toMatch(/^[0-9a-f]{64}$/);
    expect(first.poolHashes.alice).not.toBe(first.poolHashes.bob);
  });

  it('adds the hook objects and --id values to the views', async () => {
    const harvest = await harvestAll(scripted().deps({ objects: { bob: { noteId: ['note_bob_archived_9'] } } }));
    expect(harvest.views.get('bob')?.ids.get('note_bob_archived_9')).toEqual({ value: 'note_bob_archived_9', key: 'noteId', tool: '' });
    expect(harvest.idPool('bob')).toContain('note_bob_archived_9');
  });

  it('keeps at most `concurrency` calls in flight across principals', async () => {
    const server = scripted();
    await harvestAll(server.deps({ concurrency: 2 }));
    expect(server.maxInFlight).toBeLessThanOrEqual(2);
    expect(server.maxInFlight).toBeGreaterThan(0);
  });

  it('sends nothing once the deadline has passed, and notes the empty views', async () => {
    const server = scripted();
    const notes: string[] = [];
    const expired: Deadline = { remainingMs: () => 0, expired: () => true, signal: AbortSignal.abort() };
    const deps = server.deps({ deadline: expired });
    const harvest = await harvestAll({ ...deps, note: (note) => notes.push(`${note.code}: ${note.message}`) });
    expect(server.calls).toEqual([]);
    expect(harvest.views.get('alice')?.ids.size).toBe(0);
    expect(notes.some((note) => note.startsWith('harvest: ') && note.includes('alice'))).toBe(true);
  });

  it('says so once when it may call no tool at all', async () => {
    const server = scripted();
    const notes: string[] = [];
    const deps = server.deps();
    await harvestAll({ ...deps, target: { ...deps.target, mode: 'black-box' }, mayCall: (tool) => tool.annotations?.readOnlyHint === true && tool.name !== 'whoami', note: (note) => notes.push(note.message) });
    expect(server.calls).toEqual([]);
    expect(notes).toEqual([expect.stringMatching(/^The harvest could call no tool: no listed tool is annotated readOnlyHint: true/) as unknown]);
  });

  it('refresh harvests again now, without replacing the stored view', async () => {
    const server = scripted();
    const harvest = await harvestAll(server.deps());
    const before = server.calls.length;
    const stored = harvest.views.get('bob');
    const fresh = await harvest.refresh('bob');
    expect(server.calls.length).toBeGreaterThan(before);
    expect(fresh).not.toBe(stored);
    expect(harvest.views.get('bob')).toBe(stored);
    expect([...fresh.ids.keys()].sort()).toEqual([...(stored?.ids.keys() ?? [])].sort());
    await expect(harvest.refresh('nobody')).rejects.toThrow(/no principal named nobody/);
  });

  it('snapshots the objects named: re-runs the harvest calls that saw them and keeps their records', async () => {
    const server = scripted();
    const deps = server.deps();
    const harvest = await harvestAll(deps);
    const view = harvest.views.get('bob');
    if (view === undefined) throw new Error('no view');
    const before = server.calls.length;
    const snapshot = await snapshotObjects(deps, 'bob', view, ['note_bob_3', 'note_bob_gone']);
    const made = server.calls.slice(before);
    expect(made.every((call) => call.principal === 'bob')).toBe(true);
    expect(made.map((call) => call.tool).sort()).toEqual(['note_get', 'note_get', 'notes_list']);
    expect(snapshot.records.get('note_bob_3')).toContain('"body":"secret body of note_bob_3 x1"');
    expect(snapshot.records.get('note_bob_gone')).toBeUndefined();
    expect(snapshot.requests).toBe(3);
  });
});

describe('harvestAll on orders-vulnerable', () => {
  let run: IsolationRun;
  beforeAll(async () => {
    run = await isolationRun('orders-vulnerable');
  }, 30_000);
  afterAll(async () => {
    await run.close();
  });

  it("sees each principal's own orders and identity, and no one else's", () => {
    const { harvest } = run.context;
    expect(harvest.idPool('bob')).toEqual(['globex', 'ord_globex_2001', 'ord_globex_2002', 'user_bob']);
    expect(harvest.idPool('alice')).toEqual(['acme', 'ord_acme_1001', 'ord_acme_1002', 'user_alice']);
    expect(harvest.identityPool('bob')).toEqual(['globex', 'user_bob']);
    expect(harvest.views.get('bob')?.values.has('bob@globex.test')).toBe(true);
    expect(harvest.views.get('alice')?.values.has('ord_globex_2001')).toBe(false);
  });

  it('calls only the read tools, and not the sensitive export', () => {
    for (const view of run.context.harvest.views.values()) {
      expect([...view.answeredTools].sort()).toEqual(['integrations_list', 'orders_get', 'orders_list', 'orders_summary', 'profile_get']);
    }
  });
});
