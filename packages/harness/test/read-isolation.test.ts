import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOutcome, FuzzTarget, HarnessFinding, ListedTool, Principal, PrincipalClient } from '../src/engine/types.js';
import { caseReach, isValidationRefusal, readIsolation, Reach } from '../src/properties/read-isolation.js';
import { isolationRun, runContextOver, type IsolationRun } from './isolation-context.js';

function outcome(kind: CallOutcome['kind'], text = '', changes: Partial<CallOutcome> = {}): CallOutcome {
  return { kind, status: 200, text, data: undefined, code: undefined, exchange: undefined, ...changes };
}

describe('coverage of a case', () => {
  it('tells validation refusals from refusals by the tool', () => {
    expect(isValidationRefusal(outcome('rpc-error', 'MCP error -32602: Invalid params', { code: -32602 }))).toBe(true);
    expect(isValidationRefusal(outcome('tool-error', 'Invalid arguments for tool orders_get: orderId: String must contain at least 1 character(s)'))).toBe(true);
    expect(isValidationRefusal(outcome('tool-error', 'Input validation error: expected string, received number'))).toBe(true);
    expect(isValidationRefusal(outcome('tool-error', 'Order ord_globex_2001 not found.'))).toBe(false);
    expect(isValidationRefusal(outcome('result', 'Invalid arguments'))).toBe(false);
  });

  it('counts results and refusals of inputs naming the victim as exercised, nothing else', () => {
    expect(caseReach(outcome('result'), false)).toBe('reached');
    expect(caseReach(outcome('tool-error', 'Order ord_globex_2001 not found.'), true)).toBe('refused-named');
    expect(caseReach(outcome('tool-error', 'Order zz not found.'), false)).toBe('refused');
    expect(caseReach(outcome('tool-error', 'Invalid arguments for tool x'), true)).toBe('validation');
    expect(caseReach(outcome('http-error', '', { status: 403 }), true)).toBe('refused');
    const reach = new Reach();
    reach.add('validation');
    reach.add('refused');
    expect(reach.exercised).toBe(false);
    expect(reach.reason()).toBe('no input reached a harvested object (1 validation errors, 1 refusals or not-found answers for inputs naming no harvested object)');
    reach.add('refused-named');
    expect(reach.exercised).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------
// A scripted two-tenant server and a minimal run context over it.

interface Script {
  /** The answer to a call of `tool` by `principal`, given how many times it was called before. */
  answer(principal: string, tool: string, args: Record<string, unknown>, count: number): CallOutcome;
}


function principal(name: string, tenant: string): Principal {
  return { name, tenant, scopes: undefined, token: undefined, claims: { sub: `user_${name}` }, identity: [] };
}

async function scriptedContext(tools: ListedTool[], script: Script, changes: { isolate?: 'tenant' | 'user'; principals?: Principal[]; publicValues?: string[] } = {}) {
  const findings: HarnessFinding[] = [];
  const counts = new Map<string, number>();
  const target = {
    mode: 'in-process',
    principals: changes.principals ?? [principal('alice', 'acme'), principal('bob', 'globex')],
    isolate: changes.isolate ?? 'tenant',
    objects: {},
    publicValues: changes.publicValues ?? [],
    idFields: [],
  } as unknown as FuzzTarget;
  const client = (name: string): Promise<PrincipalClient> =>
    Promise.resolve({
      principal: name,
      sessionId: undefined,
      listTools: () => Promise.resolve(tools),
      callTool: (tool: string, args: unknown) => {
        const key = `${name}\0${tool}`;
        const count = counts.get(key) ?? 0;
        counts.set(key, count + 1);
        return Promise.resolve(script.answer(name, tool, (args ?? {}) as Record<string, unknown>, count));
      },
      close: () => Promise.resolve(),
    });
  const context = await runContextOver({ target, tools, client, runs: 15, findings });
  return { context, findings, counts };
}

const json = (data: unknown): CallOutcome => outcome('result', JSON.stringify(data), { data });
const docsTools: ListedTool[] = [
  { name: 'docs_list', inputSchema: { type: 'object', properties: {} } },
  { name: 'doc_get', inputSchema: { type: 'object', properties: { docId: { type: 'string' } }, required: ['docId'] } },
];
const docsOf = (name: string) => (name === 'alice' ? ['doc_acme_0001'] : ['doc_globex_0002']);

describe('read isolation on a scripted server', () => {
  it('reports a value the victim saw that the attacker gets, replayed, with the shrunk input', async () => {
    // doc_get answers anyone's document: the leak is the body, which only the owner's harvest saw.
    const { context, findings } = await scriptedContext(docsTools, {
      answer: (name, tool, args) => {
        if (tool === 'docs_list') return json({ docs: docsOf(name).map((id) => ({ id })) });
        const id = String(args.docId);
        return ['doc_acme_0001', 'doc_globex_0002'].includes(id) ? json({ id, body: `body9 of ${id}`, secret: `${id.slice(4, 10)}_k3y` }) : outcome('tool-error', `Doc ${id} not found.`);
      },
    });
    const result = await readIsolation.run('doc_get', context);
    expect(result.status).toBe('failed');
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding?.ruleId).toBe('harness/cross-tenant-read');
    expect(finding?.confidence).toBe('high');
    expect(finding?.principal === 'alice' ? finding.victim : 'alice').toBe(finding?.principal === 'alice' ? 'bob' : 'alice');
    expect(finding?.input).toEqual({ docId: finding?.victim === 'bob' ? 'doc_globex_0002' : 'doc_acme_0001' });
    expect(finding?.evidence.summary).toMatch(/replaying the same input gave it again/);
    expect(finding?.reproduce.path).toMatch(/^read-isolation\/doc_get:\d+(:\d+)*$/);
  });

  it("does not report a value the attacker's tenant can see after all (fresh harvest), nor one that does not come back", async () => {
    // The victim's value reaches alice's own list once her harvest is refreshed: shared, not a leak.
    const shared = await scriptedContext(docsTools, {
      answer: (name, tool, args, count) => {
        if (tool === 'docs_list') return json({ docs: [...docsOf(name), ...(name === 'alice' && count > 0 ? ['doc_globex_0002'] : [])].map((id) => ({ id, note: `${id}-n0te` })) });
        return json({ id: args.docId, note: `${String(args.docId)}-n0te` });
      },
    });
    expect((await readIsolation.run('doc_get', shared.context)).status).toBe('held');
    expect(shared.findings).toEqual([]);
    // The leak appears once and never again: not confirmed, not reported.
    let leaked = false;
    const flaky = await scriptedContext(docsTools, {
      answer: (name, tool, args) => {
        if (tool === 'docs_list') return json({ docs: docsOf(name).map((id) => ({ id, stamp: `${id}-st4mp` })) });
        if (name === 'alice' && !leaked && args.docId === 'doc_globex_0002') {
          leaked = true;
          return json({ stamp: 'doc_globex_0002-st4mp' });
        }
        return outcome('tool-error', 'not found');
      },
    });
    expect(flaky.findings).toEqual([]);
    await readIsolation.run('doc_get', flaky.context);
    expect(leaked).toBe(true);
    expect(flaky.findings).toEqual([]);
  });

  it('never reports an echo of the request or a public value', async () => {
    const echo = await scriptedContext(docsTools, {
      answer: (name, tool, args) => (tool === 'docs_list' ? json({ docs: docsOf(name).map((id) => ({ id })) }) : json({ requested: args.docId, status: 'queued' })),
    });
    expect((await readIsolation.run('doc_get', echo.context)).status).toBe('held');
    expect(echo.findings).toEqual([]);
    const publicCatalogue = await scriptedContext(
      docsTools,
      { answer: (name, tool) => (tool === 'docs_list' ? json({ docs: docsOf(name).map((id) => ({ id })) }) : json({ id: 'doc_globex_0002' })) },
      { publicValues: ['doc_globex_0002', 'doc_acme_0001'] },
    );
    await readIsolation.run('doc_get', publicCatalogue.context);
    expect(publicCatalogue.findings).toEqual([]);
  });

  it('is not exercised when every answer is a validation error', async () => {
    const { context } = await scriptedContext(docsTools, {
      answer: (name, tool) => (tool === 'docs_list' ? json({ docs: docsOf(name).map((id) => ({ id })) }) : outcome('rpc-error', 'MCP error -32602: Invalid params', { code: -32602 })),
    });
    const result = await readIsolation.run('doc_get', context);
    expect(result.status).toBe('not-exercised');
    expect(result.reason).toMatch(/^no input reached a harvested object \(15 validation errors\)$/);
    expect(result.cases).toBe(15);
  });

  it('pairs users of one tenant when users are isolated, and plans no cell without a pair', async () => {
    const team = [principal('alice', 'acme'), principal('carol', 'acme')];
    const { context, findings } = await scriptedContext(
      docsTools,
      {
        answer: (name, tool, args) => {
          if (tool === 'docs_list') return json({ docs: [{ id: `doc_${name}_0001` }] });
          return json({ id: args.docId, owner: `${String(args.docId)}@acme.test`.replace('doc_', '') });
        },
      },
      { principals: team, isolate: 'user' },
    );
    await readIsolation.run('doc_get', context);
    expect(findings.map((finding) => [finding.principal, finding.victim])).toHaveLength(1);
    const tenantOnly = { ...context, target: { ...context.target, isolate: 'tenant' as const } };
    expect(readIsolation.plan(tenantOnly)).toEqual([
      { tool: 'docs_list', applicable: false, reason: 'no two principals to isolate (one tenant, and users not isolated)' },
      { tool: 'doc_get', applicable: false, reason: 'no two principals to isolate (one tenant, and users not isolated)' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The fixtures.

function cellsOf(run: IsolationRun) {
  return Promise.all(
    readIsolation.plan(run.context).map(async (cell) => ({ tool: cell.tool, planned: cell, outcome: cell.applicable ? await readIsolation.run(cell.tool, run.context) : undefined })),
  );
}

describe('read isolation on orders-vulnerable', () => {
  let run: IsolationRun;
  let cells: Awaited<ReturnType<typeof cellsOf>>;
  beforeAll(async () => {
    run = await isolationRun('orders-vulnerable', { runs: 20 });
    cells = await cellsOf(run);
  }, 30_000);
  afterAll(async () => {
    await run.close();
  });

  it('reports orders_list and orders_get, and nothing on the scoped reads', () => {
    const findings = run.context.collected().findings;
    expect(findings.map((finding) => [finding.ruleId, finding.tool]).sort()).toEqual([
      ['harness/cross-tenant-read', 'orders_get'],
      ['harness/cross-tenant-read', 'orders_list'],
    ]);
    const statuses: Record<string, string> = Object.fromEntries(cells.map((cell) => [cell.tool ?? '*', cell.outcome?.status ?? 'not-applicable']));
    expect(statuses).toEqual({
      profile_get: 'held',
      orders_list: 'failed',
      orders_get: 'failed',
      orders_create: 'not-applicable',
      orders_cancel: 'not-applicable',
      orders_refund: 'not-applicable',
      orders_export: 'held',
      orders_summary: 'held',
      integrations_connect: 'not-applicable',
      integrations_list: 'held',
    });
  });

  it("orders_list's finding passes the victim's user id from the identity pool, across tenants", () => {
    const finding = run.context.collected().findings.find((found) => found.tool === 'orders_list');
    const tenants = new Map(run.target.principals.map((principal) => [principal.name, principal.tenant]));
    expect(finding?.confidence).toBe('high');
    expect(tenants.get(finding?.principal ?? '')).not.toBe(tenants.get(finding?.victim ?? ''));
    expect(finding?.input).toEqual({ userId: `user_${finding?.victim ?? ''}` });
    expect(finding?.data.value).toMatch(/^ord_(acme|globex)_\d{4}$/);
    expect(finding?.reproduce.curl).toContain(`$MCIFY_TOKEN_${(finding?.principal ?? '').toUpperCase()}`);
    expect(finding?.evidence.exchanges.length).toBe(2);
    expect(JSON.stringify(finding)).not.toMatch(/eyJ[\w-]{20,}/);
  });

  it('replays a finding from its seed and path alone', async () => {
    const finding = run.context.collected().findings.find((found) => found.tool === 'orders_get');
    // `<property>/<tool>:<fast-check path>`, the path itself holding colons.
    const [head = '', ...steps] = (finding?.reproduce.path ?? '').split(':');
    expect(head).toBe('read-isolation/orders_get');
    const replay = { property: 'read-isolation' as const, tool: 'orders_get', path: steps.join(':') };
    const replayed: HarnessFinding[] = [];
    const context = { ...run.context, options: { ...run.context.options, replay }, finding: (found: HarnessFinding) => replayed.push(found) };
    const result = await readIsolation.run('orders_get', context);
    expect(result.status).toBe('failed');
    expect(replayed[0]?.input).toEqual(finding?.input);
    expect(replayed[0]?.principal).toBe(finding?.principal);
  });
});

describe('read isolation on the correct servers', () => {
  for (const name of ['orders', 'ledger-sessions'] as const) {
    it(`${name}: nothing reported, every read cell held`, async () => {
      const run = await isolationRun(name, { runs: 15 });
      try {
        const cells = await cellsOf(run);
        expect(run.context.collected().findings).toEqual([]);
        for (const cell of cells) {
          if (cell.planned.applicable) expect(cell.outcome?.status, cell.tool ?? '').toBe('held');
          else expect(cell.planned.reason).toBe('changes data: write isolation checks it');
        }
      } finally {
        await run.close();
      }
    }, 30_000);
  }
});
