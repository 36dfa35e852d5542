import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOutcome, FuzzTarget, HarnessFinding, ListedTool, Principal, PrincipalClient, WriteRecord } from '../src/engine/types.js';
import { readIsolation } from '../src/properties/read-isolation.js';
import { isCreateTool, stateful, statefulCell } from '../src/properties/stateful.js';
import { fuzzOptions, isolationRun, runContextOver, type IsolationRun } from './isolation-context.js';

const json = (data: unknown): CallOutcome => ({ kind: 'result', status: 200, text: JSON.stringify(data), data, code: undefined, exchange: undefined });
const toolError = (text: string): CallOutcome => ({ kind: 'tool-error', status: 200, text, data: undefined, code: undefined, exchange: undefined });
const object = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required, additionalProperties: false });

describe('create tools and the cell', () => {
  it('takes writes whose verb creates', () => {
    expect(['orders_create', 'createInvoice', 'add_note', 'place_order', 'tickets_open'].filter((name) => isCreateTool({ name }))).toHaveLength(5);
    expect(['orders_cancel', 'orders_list', 'invoices_void', 'integrations_connect'].filter((name) => isCreateTool({ name }))).toEqual([]);
    expect(isCreateTool({ name: 'orders_create', annotations: { readOnlyHint: true } })).toBe(false);
  });

  it('is one target-wide cell, not applicable without a callable create tool or a pair', () => {
    const target = { principals: [{ name: 'alice', tenant: 'acme' }, { name: 'bob', tenant: 'globex' }], isolate: 'tenant', idFields: [] } as unknown as FuzzTarget;
    const tools: ListedTool[] = [
      { name: 'notes_create', inputSchema: object({ text: { type: 'string' } }, ['text']) },
      { name: 'note_get', inputSchema: object({ noteId: { type: 'string' } }, ['noteId']) },
    ];
    const context = { target, tools, options: fuzzOptions({ runs: 20 }), mayCall: () => true, isSensitive: () => false };
    expect(statefulCell(context)).toEqual({ tool: null, applicable: true, estimatedRequests: 180 });
    expect(statefulCell({ ...context, mayCall: (tool: ListedTool) => !tool.name.endsWith('create') })).toEqual({ tool: null, applicable: false, reason: 'writes not allowed' });
    expect(statefulCell({ ...context, tools: tools.slice(1) }).applicable).toBe(false);
    expect(statefulCell({ ...context, target: { ...target, principals: [{ name: 'alice', tenant: 'acme' }] } as unknown as FuzzTarget }).applicable).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------
// A flaw only a sequence finds: documents created after the harvest are readable by anyone.

function principal(name: string, tenant: string): Principal {
  return { name, tenant, scopes: undefined, token: undefined, claims: { sub: `user_${name}` }, identity: [] };
}

const docTools: ListedTool[] = [
  { name: 'docs_list', inputSchema: object({}) },
  { name: 'doc_get', inputSchema: object({ docId: { type: 'string' } }, ['docId']) },
  { name: 'doc_create', inputSchema: object({ title: { type: 'string', minLength: 1, maxLength: 20 } }, ['title']) },
];

async function docsContext(flawed: boolean) {
  interface Doc { owner: string; title: string; stamp: string; seeded: boolean }
  const seed = () => new Map<string, Doc>([
    ['doc_acme_0001', { owner: 'alice', title: 'plan', stamp: 'st_acme_0001', seeded: true }],
    ['doc_globex_0001', { owner: 'bob', title: 'plan', stamp: 'st_globex_0001', seeded: true }],
  ]);
  let docs = seed();
  let next = 100;
  const findings: HarnessFinding[] = [];
  const writes: WriteRecord[] = [];
  const target = {
    mode: 'in-process',
    principals: [principal('alice', 'acme'), principal('bob', 'globex')],
    isolate: 'tenant',
    objects: {},
    publicValues: [],
    idFields: [],
    reset: () => {
      docs = seed();
      return Promise.resolve();
    },
  } as unknown as FuzzTarget;
  const client = (name: string): Promise<PrincipalClient> =>
    Promise.resolve({
      principal: name,
      sessionId: undefined,
      listTools: () => Promise.resolve(docTools),
      callTool: (tool: string, args: unknown) => {
        const input = (args ?? {}) as Record<string, unknown>;
        if (tool === 'docs_list') return Promise.resolve(json({ docs: [...docs].filter(([, doc]) => doc.owner === name).map(([id, doc]) => ({ id, title: doc.title, stamp: doc.stamp })) }));
        if (tool === 'doc_create') {
          next += 1;
          const id = `doc_${name}_${String(next)}`;
          docs.set(id, { owner: name, title: String(input.title), stamp: `st_${String(next)}_${name}9`, seeded: false });
          return Promise.resolve(json({ id, title: input.title, stamp: `st_${String(next)}_${name}9` }));
        }
        const doc = docs.get(String(input.docId));
        // The flaw: a document created since the seed is readable by its id alone.
        if (doc === undefined || (doc.owner !== name && !(flawed && !doc.seeded))) return Promise.resolve(toolError(`Doc ${String(input.docId)} not found.`));
        return Promise.resolve(json({ id: input.docId, title: doc.title, stamp: doc.stamp }));
      },
      close: () => Promise.resolve(),
    });
  const context = await runContextOver({ target, tools: docTools, client, runs: 20, findings, writes });
  return { context, findings, writes };
}

describe('stateful sequences on a scripted server', () => {
  it('find what read isolation cannot: an object created after the harvest, read by the other tenant', async () => {
    const { context, findings, writes } = await docsContext(true);
    expect((await readIsolation.run('doc_get', context)).status).toBe('held');
    expect(findings).toEqual([]);
    const outcome = await stateful.run(null, context);
    expect(outcome.status).toBe('failed');
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({ ruleId: 'harness/cross-tenant-read', tool: 'doc_get', confidence: 'high' });
    expect(finding?.principal).not.toBe(finding?.victim);
    expect(finding?.evidence.summary).toMatch(/The sequence: (alice|bob) doc_create/);
    expect(finding?.reproduce.path).toMatch(/^stateful\/\*:\d+(:\d+)*$/);
    // Only the owner created; every create is listed.
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((write) => write.tool === 'doc_create')).toBe(true);
  });

  it('hold on the same server without the flaw', async () => {
    const { context, findings } = await docsContext(false);
    expect((await stateful.run(null, context)).status).toBe('held');
    expect(findings).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The fixtures.

describe('stateful sequences on orders-vulnerable', () => {
  let run: IsolationRun;
  let status: string;
  beforeAll(async () => {
    run = await isolationRun('orders-vulnerable', { runs: 25 });
    status = (await stateful.run(null, run.context)).status;
  }, 30_000);
  afterAll(async () => {
    await run.close();
  });

  it('report only planted flaws, on the tool the other tenant used', () => {
    expect(status).toBe('failed');
    const planted = new Set(['harness/cross-tenant-read orders_list', 'harness/cross-tenant-read orders_get', 'harness/cross-tenant-write orders_cancel']);
    const findings = run.context.collected().findings;
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) expect(planted.has(`${finding.ruleId} ${finding.tool ?? ''}`), `${finding.ruleId} ${finding.tool ?? ''}`).toBe(true);
    expect(run.context.collected().writes.every((write) => ['orders_create', 'orders_cancel', 'orders_refund', 'integrations_connect'].includes(write.tool))).toBe(true);
  });
});

describe('stateful sequences on the correct servers', () => {
  for (const name of ['orders', 'ledger-sessions'] as const) {
    it(`${name}: held, nothing reported`, async () => {
      const run = await isolationRun(name, { runs: 24 });
      try {
        expect((await stateful.run(null, run.context)).status).toBe('held');
        expect(run.context.collected().findings).toEqual([]);
      } finally {
        await run.close();
      }
    }, 30_000);
  }
});
