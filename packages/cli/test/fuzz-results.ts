/**
 * Test support: fuzz results built by hand, shaped as the engine returns them, for the report and
 * format tests (pure functions, no server). Tokens are real-looking JWTs so that a leak would show.
 */
import { join } from 'node:path';
import type { Cell, Exchange, FuzzResult, HarnessFinding, ToolSource } from '@mcify-audit/harness';
import { Secret } from '@mcify-audit/harness';
import { repoRoot } from './support/run-cli.js';

/** base64url of a JSON value. */
function part(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A JWT-shaped token (header, claims, a signature of random-looking bytes). */
export function fakeJwt(sub: string, tenant: string): string {
  const signature = Buffer.from(`${sub}:${tenant}:`.repeat(12)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${part({ sub, tenant, iat: 1_700_000_000, exp: 1_700_000_900 })}.${signature}`;
}

export const tokens = { alice: fakeJwt('user_alice', 'acme'), bob: fakeJwt('user_bob', 'globex'), carol: fakeJwt('user_carol', 'acme') } as const;

/** The run's secrets, as the target holds them. */
export const secrets = Object.entries(tokens).map(([name, token]) => new Secret(`${name}'s token`, token));

const ordersFile = join(repoRoot, 'fixtures/servers/orders-vulnerable/src/tools/orders.ts');
export const configFile = join(repoRoot, 'fixtures/servers/orders-vulnerable/mcify.config.ts');

function source(line: number, sensitive = false): ToolSource {
  return { file: ordersFile, line, column: 14, endLine: line + 20, endColumn: 3, sensitive };
}

function exchange(seq: number, principal: string, label: string, body: string, response: string, status = 200): Exchange {
  return {
    seq,
    principal,
    label,
    request: { method: 'POST', url: 'http://127.0.0.1:41234/mcp', headers: { authorization: `Bearer ${principal}'s token`, 'content-type': 'application/json' }, body },
    response: { status, headers: { 'content-type': 'application/json' }, body: response },
    durationMs: 3,
  };
}

function cell(tool: string | null, property: Cell['property'], status: Cell['status'], reason?: string, cases = 10): Cell {
  return { tool, property, status, reason, cases: status === 'not-applicable' ? 0 : cases, requests: status === 'not-applicable' ? 0 : cases * 2, seed: 1000 + cases };
}

const curl = (tool: string, args: unknown, who = 'ALICE') =>
  `curl -sS -X POST 'http://127.0.0.1:41234/mcp' -H 'content-type: application/json' -H "Authorization: Bearer $MCIFY_TOKEN_${who}" --data '${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool, arguments: args } })}'`;

const crossRead: HarnessFinding = {
  ruleId: 'harness/cross-tenant-read',
  severity: 'error',
  confidence: 'high',
  messageId: 'crossTenantRead',
  message: 'alice (acme) received ord_globex_2001, a value only bob (globex) can see, from orders_get.',
  data: { tool: 'orders_get', principal: 'alice', victim: 'bob', value: 'ord_globex_2001' },
  tool: 'orders_get',
  principal: 'alice',
  victim: 'bob',
  input: { orderId: 'ord_globex_2001' },
  evidence: {
    summary: "ord_globex_2001 (seen by bob under orderId in orders_list) came back in orders_get's result, twice; no acme principal sees it.",
    // A server that echoes a token: the report must not carry it.
    exchanges: [exchange(41, 'alice', 'tools/call orders_get', '{"orderId":"ord_globex_2001"}', `{"id":"ord_globex_2001","tenant":"globex","debug":"${tokens.bob}"}`)],
  },
  reproduce: { curl: curl('orders_get', { orderId: 'ord_globex_2001' }), seed: 42, path: 'read-isolation/orders_get:3:1:0' },
};

const crossWrite: HarnessFinding = {
  ruleId: 'harness/cross-tenant-write',
  severity: 'error',
  confidence: 'medium',
  messageId: 'crossTenantWrite',
  message: "alice (acme) changed bob's (globex) order ord_globex_2002 through orders_cancel: status open → cancelled.",
  data: { tool: 'orders_cancel' },
  tool: 'orders_cancel',
  principal: 'alice',
  victim: 'bob',
  input: { orderId: 'ord_globex_2002' },
  evidence: { summary: "bob's orders_get of ord_globex_2002 read status open twice before and cancelled twice after.", exchanges: [] },
  reproduce: { curl: curl('orders_cancel', { orderId: 'ord_globex_2002' }), seed: 42, path: 'write-isolation/orders_cancel:0' },
};

const scope: HarnessFinding = {
  ruleId: 'harness/scope-not-enforced',
  severity: 'error',
  confidence: 'high',
  messageId: 'scopeNotEnforced',
  message: 'carol, whose token carries only orders:read, ran the sensitive tool orders_refund.',
  data: { tool: 'orders_refund' },
  tool: 'orders_refund',
  principal: 'carol',
  victim: null,
  input: { orderId: 'ord_acme_1001', amount: 5 },
  evidence: { summary: 'orders_refund returned a result without isError for carol (scopes: orders:read).', exchanges: [] },
  reproduce: { curl: curl('orders_refund', { orderId: 'ord_acme_1001', amount: 5 }, 'CAROL'), seed: 42, path: 'scope-enforcement/orders_refund:1' },
};

const forged: HarnessFinding = {
  ruleId: 'harness/forged-token-accepted',
  severity: 'error',
  confidence: 'high',
  messageId: 'forgedAccepted',
  message: 'A token that expired 240 s ago (class 5) was accepted on every tool: 200 and the tool ran.',
  data: { class: '5' },
  tool: null,
  principal: 'forged: expired',
  victim: null,
  input: null,
  evidence: { summary: 'initialize, tools/list and every tools/call answered 200 to the expired token.', exchanges: [] },
  reproduce: { curl: "curl -sS -X POST 'http://127.0.0.1:41234/mcp' -H \"Authorization: Bearer $MCIFY_FORGED_TOKEN\" --data '{}'", seed: 42, path: 'authentication/*:5' },
};

const challenge: HarnessFinding = {
  ruleId: 'harness/missing-www-authenticate',
  severity: 'warning',
  confidence: 'medium',
  messageId: 'missingChallenge',
  message: 'A 401 to a malformed token (class 1) carried no WWW-Authenticate: Bearer challenge. <b>&"\'</b> ]]>',
  data: {},
  tool: null,
  principal: null,
  victim: null,
  input: null,
  evidence: { summary: 'status 401, headers: content-type.', exchanges: [] },
  reproduce: { curl: "curl -sS -X POST 'http://127.0.0.1:41234/mcp' --data '{}'", seed: 42, path: 'authentication/*:1' },
};

const tools = ['orders_list', 'orders_get', 'orders_cancel', 'orders_refund', 'profile_get'] as const;

/** A run of orders-vulnerable in-process: five findings, every kind of cell. */
export function vulnerableResult(overrides: Partial<FuzzResult> = {}): FuzzResult {
  return {
    seed: 42,
    mode: 'in-process',
    url: 'http://127.0.0.1:41234/mcp',
    principals: [
      { name: 'alice', tenant: 'acme', scopes: ['orders:read', 'orders:write', 'orders:refund'] },
      { name: 'bob', tenant: 'globex', scopes: ['orders:read'] },
      { name: 'carol', tenant: 'acme', scopes: ['orders:read'] },
    ],
    tools: [
      { name: 'orders_list', readOnly: true, sensitive: false, source: source(20) },
      { name: 'orders_get', readOnly: true, sensitive: false, source: source(50) },
      { name: 'orders_cancel', readOnly: false, sensitive: true, source: source(80, true) },
      { name: 'orders_refund', readOnly: false, sensitive: true, source: source(110, true) },
      { name: 'profile_get', readOnly: true, sensitive: false, source: undefined },
    ],
    cells: [
      cell(null, 'authentication', 'failed'),
      cell(null, 'sessions', 'not-applicable', 'stateless: the server issues no Mcp-Session-Id'),
      ...tools.map((tool) => cell(tool, 'read-isolation', tool === 'orders_get' ? 'failed' : tool === 'profile_get' ? 'not-exercised' : 'held', tool === 'profile_get' ? 'every answer was a validation error' : undefined)),
      ...tools.map((tool) => cell(tool, 'scope-enforcement', tool === 'orders_refund' ? 'failed' : tool === 'orders_cancel' ? 'held' : 'not-applicable', tool === 'orders_refund' || tool === 'orders_cancel' ? undefined : 'not a sensitive tool')),
      ...tools.map((tool) => cell(tool, 'write-isolation', tool === 'orders_cancel' ? 'failed' : tool === 'orders_refund' ? 'not-exercised' : 'not-applicable', tool === 'orders_refund' ? 'time budget' : tool === 'orders_cancel' ? undefined : 'read-only tool')),
      cell(null, 'server-hygiene', 'failed'),
    ],
    findings: [challenge, crossWrite, crossRead, forged, scope],
    notes: [
      { code: 'time-budget', message: 'The time budget ran out with 1 cell left: write-isolation orders_refund is not exercised.' },
      { code: 'unsupported-schema', message: '#/properties/tags: contains (not applied)', tool: 'orders_list' },
    ],
    writes: [
      { tool: 'orders_cancel', principal: 'alice', arguments: { orderId: 'ord_globex_2002' } },
      { tool: 'orders_refund', principal: 'carol', arguments: { orderId: 'ord_acme_1001', amount: 5 } },
    ],
    pools: { alice: 'sha256:aaaa', bob: 'sha256:bbbb', carol: 'sha256:cccc' },
    requests: 412,
    durationMs: 5321,
    budgetExhausted: true,
    ...overrides,
  };
}

/** A clean run: every cell held or not applicable, no finding. */
export function cleanResult(): FuzzResult {
  return vulnerableResult({
    findings: [],
    cells: vulnerableResult().cells.map((entry) => (entry.status === 'failed' || entry.status === 'not-exercised' ? { ...entry, status: 'held', reason: undefined } : entry)),
    writes: [],
    notes: [],
    budgetExhausted: false,
  });
}
