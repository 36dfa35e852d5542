import { describe, expect, it } from 'vitest';
import type { PrincipalView, SeenValue } from '../src/engine/property.js';
import {
  answerLeaves,
  canonicalJson,
  isDistinctiveValue,
  isIdLikeKey,
  namedInRequest,
  objectRecords,
  occursInRequest,
  requestFragments,
  textTokens,
  valueLeaves,
  victimValues,
  type OwnershipInput,
} from '../src/engine/ownership.js';

/** A view as the harvest would build it from the answers `principal` got from `tool`. */
function viewOf(principal: string, tool: string, answers: readonly unknown[], idFields: readonly string[] = []): PrincipalView {
  const ids = new Map<string, SeenValue>();
  const values = new Set<string>();
  for (const answer of answers) {
    for (const leaf of valueLeaves(answer)) {
      values.add(leaf.value);
      if (isIdLikeKey(leaf.key, idFields) && !ids.has(leaf.value)) ids.set(leaf.value, { value: leaf.value, key: leaf.key, tool });
    }
  }
  const byField = new Map<string, string[]>();
  for (const seen of ids.values()) byField.set(seen.key, [...(byField.get(seen.key) ?? []), seen.value].sort());
  return { principal, ids, values, idsByField: byField, answeredTools: new Set([tool]) };
}

const bob = viewOf('bob', 'orders_list', [
  { orders: [{ id: 'ord_globex_2001', item: 'Hammock', totalCents: 8800, status: 'open', createdAt: '2026-01-05T11:00:00.000Z' }] },
  { userId: 'user_bob', tenantId: 'globex', email: 'bob@globex.test', displayName: 'Bob Brown', seq: 7 },
]);
const alice = viewOf('alice', 'orders_list', [
  { orders: [{ id: 'ord_acme_1001', item: 'Rocket skates', totalCents: 12900, status: 'open', createdAt: '2026-01-05T10:00:00.000Z' }] },
  { userId: 'user_alice', tenantId: 'acme', email: 'alice@acme.test', displayName: 'Alice Anders', seq: 7 },
]);
const carol = viewOf('carol', 'orders_list', [{ orders: [], shared: 'catalogue_2024_v2' }]);

function leaked(answer: unknown, changes: Partial<OwnershipInput> = {}): string[] {
  return victimValues({
    answer: answerLeaves({ data: answer, text: JSON.stringify(answer) }),
    victim: bob,
    attackerSide: [alice, carol],
    request: {},
    publicValues: [],
    idFields: [],
    ...changes,
  }).map((found) => found.value);
}

describe('value classification', () => {
  it('takes id, *Id, *_id and hook-named keys as id-like, and nothing else', () => {
    expect(['id', 'orderId', 'order_id', 'ORDER_ID', 'lineIds'].map((key) => isIdLikeKey(key))).toEqual([true, true, true, true, true]);
    expect(['identity', 'idea', 'valid', 'status', 'hidden', ''].map((key) => isIdLikeKey(key))).toEqual([false, false, false, false, false, false]);
    expect(isIdLikeKey('sku', ['sku'])).toBe(true);
    expect(isIdLikeKey('sku')).toBe(false);
  });

  it('calls a value distinctive at 8 characters mixing letters and digits, or an email', () => {
    for (const value of ['ord_globex_2001', 'a1b2c3d4', '9f1c2e6a-1111-4c3b-9a1e-0123456789ab', 'bob@globex.test', 'x@y.io', '2026-01-05T11:00:00.000Z']) {
      expect(isDistinctiveValue(value), value).toBe(true);
    }
    for (const value of ['a1b2c3d', 'Hammock', 'user_bob', '12345678', 'open', 'not an email@', '']) {
      expect(isDistinctiveValue(value), value).toBe(false);
    }
  });

  it('splits text into id-like tokens without trailing punctuation', () => {
    expect(textTokens('Order ord_globex_2001 not found.')).toEqual(['Order', 'ord_globex_2001', 'not', 'found']);
    expect(textTokens('mail bob@globex.test, or (inv-7).')).toEqual(['mail', 'bob@globex.test', 'or', 'inv-7']);
  });
});

describe('valueLeaves and answerLeaves', () => {
  it('walks structured values, keeps keys, gives array items their array key and numbers as strings', () => {
    expect(valueLeaves({ orderIds: ['a', 'b'], nested: { id: 42, ok: true, none: null } })).toEqual([
      { value: 'a', key: 'orderIds' },
      { value: 'b', key: 'orderIds' },
      { value: '42', key: 'id' },
    ]);
    expect(valueLeaves(['x'])).toEqual([{ value: 'x', key: '' }]);
  });

  it('parses JSON held in strings and tokenises CSV or sentences', () => {
    const json = valueLeaves({ data: JSON.stringify([{ id: 'ord_acme_1001' }]) });
    expect(json).toContainEqual({ value: 'ord_acme_1001', key: 'id' });
    const csv = valueLeaves({ data: 'id,item\nord_acme_1001,"Rocket skates"' });
    expect(csv).toContainEqual({ value: 'ord_acme_1001', key: '' });
    // A one-token string is not repeated as a token of itself.
    expect(valueLeaves({ id: 'plain' })).toEqual([{ value: 'plain', key: 'id' }]);
  });

  it('keeps distinctive object keys (maps keyed by id) and leaves other keys out', () => {
    const leaves = valueLeaves({ byId: { ord_globex_2001: { status: 'open' } } });
    expect(leaves).toContainEqual({ value: 'ord_globex_2001', key: '' });
    expect(leaves.map((leaf) => leaf.value)).not.toContain('byId');
  });

  it('reads plain text answers, JSON text answers and structured answers, de-duplicated', () => {
    expect(answerLeaves({ data: undefined, text: 'Your order ord_acme_1001 is open' }).map((leaf) => leaf.value)).toContain('ord_acme_1001');
    expect(answerLeaves({ data: undefined, text: '{"id":"ord_acme_1001"}' })).toContainEqual({ value: 'ord_acme_1001', key: 'id' });
    const structured = answerLeaves({ data: { id: 'ord_acme_1001' }, text: '{"id":"ord_acme_1001"}' });
    expect(structured.filter((leaf) => leaf.value === 'ord_acme_1001')).toEqual([{ value: 'ord_acme_1001', key: 'id' }]);
    // The text itself is no leaf, only what it holds.
    expect(answerLeaves({ data: undefined, text: 'Order 17 shipped' }).map((leaf) => leaf.value)).toEqual(['Order', '17', 'shipped']);
  });
});

describe('requestFragments and occursInRequest', () => {
  it('case-folds and decodes JSON, URL and base64 arguments, nested', () => {
    const inner = Buffer.from(JSON.stringify({ ref: 'ORD_GLOBEX_2001' })).toString('base64url');
    const fragments = requestFragments({ filter: encodeURIComponent(JSON.stringify({ cursor: inner })), Key_Name: 1 });
    expect(fragments.has('ord_globex_2001')).toBe(true);
    expect(fragments.has('key_name')).toBe(true);
    expect(occursInRequest('Ord_Globex_2001', fragments)).toBe(true);
  });

  it('takes standard and URL-safe base64, and ignores base64-looking words that do not decode to text', () => {
    expect(requestFragments({ q: Buffer.from('inv_globex_2002').toString('base64') }).has('inv_globex_2002')).toBe(true);
    const word = requestFragments({ q: 'abcdefgh' });
    expect([...word].sort()).toEqual(['abcdefgh', 'q']);
  });

  it('counts a value inside a sent string, or containing a substantial sent string, as an echo', () => {
    const fragments = requestFragments({ note: 'please look at ord_globex_2001 today', item: 'Hammock-XL', limit: 20 });
    expect(occursInRequest('ord_globex_2001', fragments)).toBe(true);
    expect(occursInRequest('hammock-xl (gift)', fragments)).toBe(true);
  });

  it('does not let a short or small fragment hide a longer value', () => {
    const fragments = requestFragments({ limit: 20, tenant: 'globex' });
    expect(occursInRequest('ord_globex_2001', fragments)).toBe(false);
    expect(occursInRequest('2026-01-05T11:00:00.000Z', fragments)).toBe(false);
  });

  it('names the candidates a request carries exactly', () => {
    const fragments = requestFragments({ orderId: 'ORD_GLOBEX_2001', other: 'ord_globex_2002x' });
    expect(namedInRequest(fragments, ['ord_globex_2001', 'ord_globex_2002', 'user_bob'])).toEqual(['ord_globex_2001']);
  });
});

describe('victimValues', () => {
  it("reports B's ids and distinctive values that A's side never saw", () => {
    const answer = { id: 'ord_globex_2001', item: 'Hammock', createdAt: '2026-01-05T11:00:00.000Z', owner: { userId: 'user_bob' } };
    expect(leaked(answer)).toEqual(['ord_globex_2001', '2026-01-05T11:00:00.000Z', 'user_bob']);
    const [first] = victimValues({ answer: answerLeaves({ data: answer, text: '' }), victim: bob, attackerSide: [alice], request: {}, publicValues: [], idFields: [] });
    expect(first).toEqual({ value: 'ord_globex_2001', answerKey: 'id', victimKey: 'id', victimTool: 'orders_list' });
  });

  it('(a) ignores what B never saw, and values that are neither ids of B nor distinctive', () => {
    expect(leaked({ id: 'ord_unknown_9999', item: 'Hammock', displayName: 'Bob Brown' })).toEqual([]);
    // `seq: 7` is B's but not an id and not distinctive; `user_bob` outside an id-like key is not distinctive either.
    expect(leaked({ count: '7', text: 'user_bob' })).toEqual([]);
    expect(leaked({ email: 'bob@globex.test' })).toEqual(['bob@globex.test']);
  });

  it("(a) uses the hook's idFields for both views", () => {
    const skuBob = viewOf('bob', 'catalog_list', [{ sku: 'HAMMOCK' }], ['sku']);
    const input = { answer: answerLeaves({ data: { sku: 'HAMMOCK' }, text: '' }), victim: skuBob, attackerSide: [alice], request: {}, publicValues: [] };
    expect(victimValues({ ...input, idFields: ['sku'] }).map((found) => found.value)).toEqual(['HAMMOCK']);
    expect(victimValues({ ...input, idFields: [] })).toEqual([]);
  });

  it("(b) never counts a value anyone on A's side saw", () => {
    const shared = viewOf('bob', 'catalog', [{ id: 'catalogue_2024_v2' }]);
    const answer = answerLeaves({ data: { id: 'catalogue_2024_v2' }, text: '' });
    expect(victimValues({ answer, victim: shared, attackerSide: [alice], request: {}, publicValues: [], idFields: [] })).toHaveLength(1);
    expect(victimValues({ answer, victim: shared, attackerSide: [alice, carol], request: {}, publicValues: [], idFields: [] })).toEqual([]);
  });

  it("(c) never counts an echo of A's request, however encoded", () => {
    const answer = { orderId: 'ord_globex_2001', status: 'cancelled' };
    expect(leaked(answer)).toEqual(['ord_globex_2001']);
    expect(leaked(answer, { request: { orderId: 'ord_globex_2001' } })).toEqual([]);
    expect(leaked(answer, { request: { q: Buffer.from('ORD_GLOBEX_2001').toString('base64') } })).toEqual([]);
    expect(leaked(answer, { request: { q: encodeURIComponent('{"id":"ord_globex_2001"}') } })).toEqual([]);
  });

  it('(c) leaves the rest of an answer to an echoed id subject to the rules', () => {
    const answer = { id: 'ord_globex_2001', createdAt: '2026-01-05T11:00:00.000Z', item: 'Hammock' };
    expect(leaked(answer, { request: { orderId: 'ord_globex_2001' } })).toEqual(['2026-01-05T11:00:00.000Z']);
  });

  it('(d) never counts a declared public value', () => {
    expect(leaked({ id: 'ord_globex_2001' }, { publicValues: ['ORD_GLOBEX_2001'] })).toEqual([]);
  });

  it('reads leaks in error texts too, except the echoed parts', () => {
    const text = 'Order ord_globex_2001 belongs to bob@globex.test';
    const found = victimValues({ answer: answerLeaves({ data: undefined, text }), victim: bob, attackerSide: [alice], request: { orderId: 'ord_globex_2001' }, publicValues: [], idFields: [] });
    expect(found.map((value) => value.value)).toEqual(['bob@globex.test']);
  });
});

describe('objectRecords', () => {
  it('maps each id to the canonical record holding it, joining list and detail views', () => {
    const records = objectRecords({ orders: [{ status: 'open', id: 'ord_1' }, { id: 'ord_2', status: 'cancelled', lines: [{ lineId: 'l1', qty: 1 }] }] });
    expect(records.get('ord_1')).toBe('{"id":"ord_1","status":"open"}');
    expect(records.get('l1')).toBe('{"lineId":"l1","qty":1}');
    expect(records.get('ord_2')).toContain('"status":"cancelled"');
    const joined = objectRecords([{ id: 'ord_1', status: 'open' }, { id: 'ord_1', status: 'open', item: 'x' }]);
    expect(joined.get('ord_1')?.split('\n')).toHaveLength(2);
  });

  it('reads records inside JSON strings and numeric ids, and nothing without an id-like key', () => {
    expect(objectRecords({ data: JSON.stringify([{ id: 7, v: 1 }]) }).get('7')).toBe('{"id":7,"v":1}');
    expect(objectRecords({ name: 'x', nested: { value: 'y' } }).size).toBe(0);
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });
});
