import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOutcome, FuzzTarget, HarnessFinding, ListedTool, Principal, PrincipalClient, WriteRecord } from '../src/engine/types.js';
import { recordChange, writeIsolation, writeIsolationCell } from '../src/properties/write-isolation.js';
import type { RunContext } from '../src/engine/property.js';
import { fuzzOptions, isolationRun, runContextOver, type IsolationRun } from './isolation-context.js';

const json = (data: unknown): CallOutcome => ({ kind: 'result', status: 200, text: JSON.stringify(data), data, code: undefined, exchange: undefined });
const toolError = (text: string): CallOutcome => ({ kind: 'tool-error', status: 200, text, data: undefined, code: undefined, exchange: undefined });

describe('recordChange', () => {
  it('names the fields that changed, or says the object is gone', () => {
    expect(recordChange('orders_get: {"id":"o1","status":"open"}', 'orders_get: {"id":"o1","status":"cancelled"}')).toBe('status: "open" → "cancelled"');
    expect(recordChange('t: {"id":"o1","a":1}', 't: {"id":"o1"}')).toBe('a: 1 → absent');
    expect(recordChange('t: {"id":"o1"}', undefined)).toBe('it no longer appears (was t: {"id":"o1"})');
    expect(recordChange('t: not json', 't: still not')).toBe('t: not json → t: still not');
  });
});

describe('write isolation cells', () => {
  const target = { principals: [{ name: 'alice', tenant: 'acme' }, { name: 'bob', tenant: 'globex' }], isolate: 'tenant' } as unknown as FuzzTarget;
  const context = (mayCall: boolean) => ({ target, options: fuzzOptions({ runs: 10 }), mayCall: () => mayCall });
  const tool = (name: string, annotations?: ListedTool['annotations']): ListedTool => ({ name, inputSchema: { type: 'object' }, ...(annotations === undefined ? {} : { annotations }) });

  it('covers tools that write and may be called; reads and uncallable writes are not applicable', () => {
    expect(writeIsolationCell(tool('orders_cancel'), context(true))).toEqual({ tool: 'orders_cancel', applicable: true, estimatedRequests: 100 });
    expect(writeIsolationCell(tool('orders_list'), context(true))).toEqual({ tool: 'orders_list', applicable: false, reason: 'reads only: read isolation checks it' });
    expect(writeIsolationCell(tool('orders_cancel'), context(false))).toEqual({ tool: 'orders_cancel', applicable: false, reason: 'writes not allowed' });
    expect(writeIsolationCell(tool('orders_cancel', { readOnlyHint: true }), context(true)).applicable).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------
// A scripted store of documents per tenant, with a write tool whose behaviour each test chooses.

interface Store {
  docs: Map<string, { owner: string; status: string; reads: number }>;
}

function principal(name: string, tenant: string): Principal {
  return { name, tenant, scopes: undefined, token: undefined, claims: { sub: `user_${name}` }, identity: [] };
}

const docTools: ListedTool[] = [
  { name: 'docs_list', inputSchema: { type: 'object', properties: {} } },
  { name: 'doc_archive', inputSchema: { type: 'object', properties: { docId: { type: 'string' } }, required: ['docId'] } },
];

async function storeContext(write: (store: Store, caller: string, docId: string) => CallOutcome, options: { volatile?: boolean; reset?: boolean; sharedWithAlice?: boolean } = {}) {
  const seed = (): Store => ({
    docs: new Map([
      ['doc_acme_0001', { owner: 'alice', status: 'open', reads: 0 }],
      ['doc_globex_0002', { owner: 'bob', status: 'open', reads: 0 }],
      ['doc_globex_0003', { owner: 'bob', status: 'open', reads: 0 }],
    ]),
  });
  let store = seed();
  const findings: HarnessFinding[] = [];
  const writes: WriteRecord[] = [];
  let resets = 0;
  const target = {
    mode: 'in-process',
    principals: [principal('alice', 'acme'), principal('bob', 'globex')],
    isolate: 'tenant',
    objects: {},
    publicValues: [],
    idFields: [],
    reset:
      options.reset === false
        ? undefined
        : () => {
            resets += 1;
            store = seed();
            return Promise.resolve();
          },
  } as unknown as FuzzTarget;
  const visible = (caller: string, owner: string) => owner === caller || (options.sharedWithAlice === true && caller === 'alice');
  const client = (name: string): Promise<PrincipalClient> =>
    Promise.resolve({
      principal: name,
      sessionId: undefined,
      listTools: () => Promise.resolve(docTools),
      callTool: (tool: string, args: unknown) => {
        if (tool === 'docs_list') {
          const docs = [...store.docs].filter(([, doc]) => visible(name, doc.owner)).map(([id, doc]) => {
            doc.reads += 1;
            return { id, status: doc.status, ...(options.volatile === true ? { reads: doc.reads } : {}) };
          });
          return Promise.resolve(json({ docs }));
        }
        return Promise.resolve(write(store, name, String((args as { docId?: unknown }).docId)));
      },
      close: () => Promise.resolve(),
    });
  const context = await runContextOver({ target, tools: docTools, client, runs: 15, findings, writes });
  return { context, findings, writes, resets: () => resets };
}

/** Archives any document, whoever owns it (the flaw). */
const archiveAny = (store: Store, _caller: string, docId: string): CallOutcome => {
  const doc = store.docs.get(docId);
  if (doc === undefined) return toolError(`Doc ${docId} not found.`);
  doc.status = 'archived';
  return json({ docId, status: 'archived' });
};

/** Archives the caller's own documents only (correct). */
const archiveOwn = (store: Store, caller: string, docId: string): CallOutcome => {
  const doc = store.docs.get(docId);
  if (doc?.owner !== caller) return toolError(`Doc ${docId} not found.`);
  doc.status = 'archived';
  return json({ docId, status: 'archived' });
};

describe('write isolation on a scripted store', () => {
  it("reports a change to the victim's object the request named, shrunk and replayed after reset()", async () => {
    const { context, findings, writes, resets } = await storeContext(archiveAny);
    const outcome = await writeIsolation.run('doc_archive', context);
    expect(outcome.status).toBe('failed');
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({ ruleId: 'harness/cross-tenant-write', confidence: 'high', tool: 'doc_archive' });
    expect([finding?.principal, finding?.victim].sort()).toEqual(['alice', 'bob']);
    expect(finding?.evidence.summary).toMatch(/status: "open" → "archived"/);
    expect(finding?.evidence.summary).toMatch(/After reset\(\), replaying the same input changed it again/);
    expect(finding?.reproduce.path).toMatch(/^write-isolation\/doc_archive:\d+(:\d+)*$/);
    expect(resets()).toBeGreaterThan(1);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((write) => write.tool === 'doc_archive')).toBe(true);
  });

  it('without reset(), reports the first counterexample unshrunk with medium confidence, and says so', async () => {
    const { context, findings } = await storeContext(archiveAny, { reset: false });
    expect((await writeIsolation.run('doc_archive', context)).status).toBe('failed');
    expect(findings[0]?.confidence).toBe('medium');
    expect(findings[0]?.evidence.summary).toMatch(/no reset\(\): this counterexample was not shrunk nor replayed/);
  });

  it('holds when only own objects change', async () => {
    const { context, findings, writes } = await storeContext(archiveOwn);
    const outcome = await writeIsolation.run('doc_archive', context);
    expect(outcome.status).toBe('held');
    expect(findings).toEqual([]);
    // Only the calls that answered with a result are listed as writes (none did: nobody named their own object).
    expect(writes.every((write) => write.tool === 'doc_archive')).toBe(true);
  });

  it("never reports an object the attacker's side can see, nor a view that is not stable", async () => {
    const shared = await storeContext(archiveAny, { sharedWithAlice: true });
    await writeIsolation.run('doc_archive', shared.context);
    expect(shared.findings.filter((finding) => finding.principal === 'alice')).toEqual([]);
    const volatile = await storeContext(archiveAny, { volatile: true });
    expect((await writeIsolation.run('doc_archive', volatile.context)).status).toBe('held');
    expect(volatile.findings).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The fixtures.

async function writeCells(run: IsolationRun, context: RunContext = run.context) {
  const outcomes: Record<string, string> = {};
  for (const cell of writeIsolation.plan(context)) {
    outcomes[cell.tool ?? '*'] = cell.applicable ? (await writeIsolation.run(cell.tool, context)).status : `not-applicable: ${cell.reason}`;
  }
  return outcomes;
}

describe('write isolation on orders-vulnerable', () => {
  let run: IsolationRun;
  let statuses: Record<string, string>;
  beforeAll(async () => {
    run = await isolationRun('orders-vulnerable', { runs: 12 });
    statuses = await writeCells(run);
  }, 30_000);
  afterAll(async () => {
    await run.close();
  });

  it('reports orders_cancel, and nothing on the other writes', () => {
    expect(run.context.collected().findings.map((finding) => [finding.ruleId, finding.tool])).toEqual([['harness/cross-tenant-write', 'orders_cancel']]);
    expect(statuses).toEqual({
      profile_get: 'not-applicable: reads only: read isolation checks it',
      orders_list: 'not-applicable: reads only: read isolation checks it',
      orders_get: 'not-applicable: reads only: read isolation checks it',
      orders_create: 'held',
      orders_cancel: 'failed',
      orders_refund: 'held',
      orders_export: 'not-applicable: reads only: read isolation checks it',
      orders_summary: 'not-applicable: reads only: read isolation checks it',
      integrations_connect: 'held',
      integrations_list: 'not-applicable: reads only: read isolation checks it',
    });
  });

  it("cancels another tenant's open order, confirmed after reset(), and lists the writes", () => {
    const { findings, writes } = run.context.collected();
    const [finding] = findings;
    const tenants = new Map(run.target.principals.map((principal) => [principal.name, principal.tenant]));
    expect(finding?.confidence).toBe('high');
    expect(tenants.get(finding?.principal ?? '')).not.toBe(tenants.get(finding?.victim ?? ''));
    expect(finding?.input).toEqual({ orderId: expect.stringMatching(/^ord_(acme|globex)_\d{4}$/) as unknown });
    expect(finding?.evidence.summary).toContain('status: "open" → "cancelled"');
    expect(writes.some((write) => write.tool === 'orders_cancel' && write.principal === finding?.principal)).toBe(true);
    expect(writes.some((write) => write.tool === 'orders_create')).toBe(true);
  });

  it('without reset(), still finds it, unshrunk, medium confidence', async () => {
    const findings: HarnessFinding[] = [];
    const context = { ...run.context, target: { ...run.target, reset: undefined }, finding: (found: HarnessFinding) => findings.push(found) };
    try {
      expect((await writeIsolation.run('orders_cancel', context)).status).toBe('failed');
      expect(findings[0]?.confidence).toBe('medium');
    } finally {
      await run.target.reset?.();
    }
  });
});

describe('write isolation on the correct servers', () => {
  for (const name of ['orders', 'ledger-sessions'] as const) {
    it(`${name}: nothing reported, every write cell held`, async () => {
      const run = await isolationRun(name, { runs: 8 });
      try {
        const statuses = await writeCells(run);
        expect(run.context.collected().findings).toEqual([]);
        for (const [tool, status] of Object.entries(statuses)) expect(status, tool).toMatch(/^(held|not-applicable: reads only: read isolation checks it)$/);
      } finally {
        await run.close();
      }
    }, 30_000);
  }
});
