/**
 * A small fuzz target and run context for the authentication, scope and session property tests,
 * built from `bootConfig` on a fixture: raw fetch underneath, a JSON-RPC principal client (the
 * fixtures are stateless), a trusted issuer over the boot's test IdP, findings and notes collected.
 */
import type { McifyConfig } from '@mcify-audit/reference-core';
import type { Deadline, Harvest, PrincipalView, RawRequest, ResolvedFuzzOptions, RunContext } from '../src/engine/property.js';
import { isSensitiveTool } from '../src/engine/run-context.js';
import { cellSeed } from '../src/engine/seeds.js';
import type { CallOutcome, Exchange, FuzzTarget, HarnessFinding, HarnessNote, ListedTool, Principal, PrincipalClient, TrustedIssuer, WriteRecord } from '../src/engine/types.js';
import type { AuditHook } from '../src/target/audit-hook.js';
import { bootConfig, type BootedServer } from '../src/target/boot-config.js';
import { Secret } from '../src/target/secret.js';
import type { ForgeryKind, ForgeOptions } from '../src/idp/forge.js';

export interface TestRun {
  readonly booted: BootedServer;
  readonly target: FuzzTarget;
  readonly tools: ListedTool[];
  context(options?: Partial<ResolvedFuzzOptions>, harvest?: Harvest): TestContext;
  close(): Promise<void>;
}

export interface TestContext extends RunContext {
  readonly findings: HarnessFinding[];
  readonly notes: HarnessNote[];
  readonly writes: WriteRecord[];
  readonly exchanges: Exchange[];
}

export const defaultOptions: ResolvedFuzzOptions = {
  seed: 7,
  replay: undefined,
  runs: 10,
  timeoutMs: 60_000,
  requestTimeoutMs: 10_000,
  allowWrites: true,
  excludeTools: [],
  harvestPages: 5,
  maxSkewSec: 60,
  concurrency: 4,
};

/** Boots a fixture config and describes it as an in-process fuzz target. */
export async function bootTarget(config: McifyConfig, hook: AuditHook, options: { readonly issuer?: boolean } = {}): Promise<TestRun> {
  const booted = await bootConfig(config, hook, { logging: { sink: () => undefined } });
  const url = new URL(booted.url);
  const principals: Principal[] = Object.entries(hook.principals).map(([name, details]) => {
    const token = booted.tokens[name];
    return {
      name,
      tenant: details.tenant,
      scopes: details.scopes,
      token: token === undefined ? undefined : new Secret(`${name}'s token`, token),
      claims: details.claims,
      identity: [details.tenant, ...Object.values(details.claims ?? {}).filter((value): value is string => typeof value === 'string')],
    };
  });
  const idp = booted.idp;
  const audience = booted.audience;
  const issuer: TrustedIssuer | undefined =
    idp === undefined || options.issuer === false
      ? undefined
      : {
          async mint(principal, changes = {}) {
            const claims = { ...principal.claims, ...changes.claims };
            const base = {
              audience: changes.audience ?? audience ?? 'x',
              scopes: changes.scopes ?? principal.scopes ?? [],
              ...(changes.expiresInSec === undefined ? {} : { expiresInSec: changes.expiresInSec }),
              ...(changes.notBeforeSec === undefined ? {} : { notBeforeSec: changes.notBeforeSec }),
              ...(changes.issuedAtSec === undefined ? {} : { issuedAtSec: changes.issuedAtSec }),
              ...(changes.issuer === undefined ? {} : { issuer: changes.issuer }),
              ...(changes.typ === undefined ? {} : { typ: changes.typ }),
            };
            if (changes.omit?.includes('exp') === true) return idp.forge('missing-exp', claims, base);
            // The test IdP always writes an audience: an empty list stands in for a missing one.
            if (changes.omit?.includes('aud') === true) return idp.mint(claims, { ...base, audience: [] });
            return idp.mint(claims, base);
          },
          forge(kind: ForgeryKind, principal: Principal, forgeOptions: ForgeOptions = {}) {
            return idp.forge(kind, { ...principal.claims }, { audience: audience ?? 'x', scopes: principal.scopes ?? [], ...forgeOptions });
          },
          publicKeyPem: () => idp.publicKeyPem(),
          privateMaterial: [],
          issuerUrl: idp.issuer,
        };
  const revoked: Record<string, Secret> = {};
  if (hook.revokedToken !== undefined) {
    const first = Object.entries(hook.principals)[0];
    if (first !== undefined) revoked[first[0]] = new Secret(`${first[0]}'s revoked token`, await hook.revokedToken(first[0], first[1]));
  }
  const target: FuzzTarget = {
    mode: 'in-process',
    url,
    loopback: true,
    fetch: (input, init) => fetch(input, { ...init, redirect: 'manual' }),
    principals,
    isolate: hook.isolate ?? 'tenant',
    tokenKind: config.auth.type === 'oauth' ? 'jwt' : config.auth.type === 'none' ? 'none' : 'opaque',
    challengeScheme: config.auth.type === 'api_key' ? 'ApiKey' : config.auth.type === 'none' ? undefined : 'Bearer',
    credentialHeader: config.auth.type === 'api_key' ? { name: config.auth.headerName, prefix: '' } : { name: 'authorization', prefix: 'Bearer ' },
    issuer,
    objects: hook.objects ?? {},
    publicValues: hook.publicValues ?? [],
    idFields: hook.idFields ?? [],
    secrets: [],
    revoked,
    reset: hook.reset === undefined ? undefined : async () => { await hook.reset?.(); },
    source: undefined,
    close: () => booted.close(),
  };
  const tools = await listTools(target);
  return { booted, target, tools, context: (options, harvest) => createContext(target, tools, { ...defaultOptions, ...options }, harvest), close: () => booted.close() };
}

async function listTools(target: FuzzTarget): Promise<ListedTool[]> {
  const token = target.principals[0]?.token?.reveal();
  const response = await target.fetch(target.url, { method: 'POST', headers: rpcHeaders(target, token, undefined), body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }) });
  const body = (await response.json()) as { result: { tools: ListedTool[] } };
  return body.result.tools;
}

function rpcHeaders(target: FuzzTarget, token: string | undefined, sessionId: string | undefined): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...(token === undefined ? {} : { [target.credentialHeader.name]: `${target.credentialHeader.prefix}${token}` }),
    ...(sessionId === undefined ? {} : { 'mcp-session-id': sessionId }),
  };
}

/** A harvest with the hook's objects only (the fixtures' seeded ids), enough for the auth and scope properties. */
export function staticHarvest(idsByPrincipal: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>): Harvest {
  const views = new Map<string, PrincipalView>();
  for (const [principal, fields] of Object.entries(idsByPrincipal)) {
    const ids = new Map<string, { value: string; key: string; tool: string }>();
    for (const [key, values] of Object.entries(fields)) for (const value of values) ids.set(value, { value, key, tool: 'seed' });
    views.set(principal, {
      principal,
      ids,
      values: new Set(ids.keys()),
      idsByField: new Map(Object.entries(fields).map(([key, values]) => [key, [...values].sort()])),
      answeredTools: new Set(),
    });
  }
  return {
    views,
    idPool: (victim) => [...(views.get(victim)?.ids.keys() ?? [])].sort(),
    identityPool: () => [],
    refresh: (principal) => Promise.resolve(views.get(principal) ?? { principal, ids: new Map(), values: new Set(), idsByField: new Map(), answeredTools: new Set() }),
    poolHashes: {},
  };
}

function createContext(target: FuzzTarget, tools: readonly ListedTool[], options: ResolvedFuzzOptions, harvest: Harvest | undefined): TestContext {
  const findings: HarnessFinding[] = [];
  const notes: HarnessNote[] = [];
  const writes: WriteRecord[] = [];
  const exchanges: Exchange[] = [];
  let seq = 0;
  const controller = new AbortController();
  const started = Date.now();
  const deadline: Deadline = {
    remainingMs: () => Math.max(0, options.timeoutMs - (Date.now() - started)),
    expired: () => Date.now() - started >= options.timeoutMs,
    signal: controller.signal,
  };
  const send = async (principal: string | null, label: string, request: { method: string; url: string; headers: Record<string, string>; body: string | undefined }): Promise<Exchange> => {
    const begun = Date.now();
    let response: Exchange['response'];
    try {
      const answer = await target.fetch(request.url, { method: request.method, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }) });
      response = { status: answer.status, headers: Object.fromEntries(answer.headers), body: await answer.text() };
    } catch (error) {
      response = { error: error instanceof Error ? error.message : String(error) };
    }
    seq += 1;
    const exchange: Exchange = { seq, principal, label, request: { method: request.method, url: request.url, headers: request.headers, body: request.body ?? '' }, response, durationMs: Date.now() - begun };
    exchanges.push(exchange);
    return exchange;
  };
  const openClient = (label: string, token: string | undefined, sessionId: string | undefined): PrincipalClient => ({
    principal: label,
    sessionId,
    listTools: () => Promise.resolve([...tools]),
    async callTool(name, args) {
      const exchange = await send(label, `tools/call ${name}`, { method: 'POST', url: target.url.href, headers: rpcHeaders(target, token, sessionId), body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }) });
      return outcomeOf(exchange);
    },
    close: () => Promise.resolve(),
  });
  return {
    target,
    options,
    tools,
    get harvest(): Harvest {
      if (harvest === undefined) throw new Error('no harvest');
      return harvest;
    },
    deadline,
    client(name) {
      const principal = target.principals.find((candidate) => candidate.name === name);
      if (principal === undefined) return Promise.reject(new Error(`no principal ${name}`));
      return Promise.resolve(openClient(name, principal.token?.reveal(), undefined));
    },
    clientWith: ({ label, token, sessionId }) => Promise.resolve(openClient(label, token, sessionId)),
    raw: (request: RawRequest) => send(request.principal, request.label, { method: request.method ?? (request.body === undefined ? 'GET' : 'POST'), url: request.url ?? target.url.href, headers: { ...request.headers }, body: request.body }),
    seedFor: (property, tool) => cellSeed(options.seed, property, tool),
    mayCall: () => true,
    isSensitive: (tool) => isSensitiveTool(target, tool),
    curl: (exchange) => `curl -X ${exchange.request.method} '${exchange.request.url}'`,
    finding: (finding) => findings.push(finding),
    note: (note) => notes.push(note),
    write: (record) => writes.push(record),
    findings,
    notes,
    writes,
    exchanges,
  };
}

function outcomeOf(exchange: Exchange): CallOutcome {
  if ('error' in exchange.response) return { kind: 'transport-error', status: undefined, text: exchange.response.error, data: undefined, code: undefined, exchange };
  const { status, body } = exchange.response;
  if (status < 200 || status >= 300) return { kind: 'http-error', status, text: body, data: undefined, code: undefined, exchange };
  const message = JSON.parse(body) as { result?: { isError?: boolean; content?: { text?: string }[]; structuredContent?: unknown }; error?: { code: number; message: string } };
  if (message.error !== undefined) return { kind: 'rpc-error', status, text: message.error.message, data: undefined, code: message.error.code, exchange };
  const text = (message.result?.content ?? []).map((part) => part.text ?? '').join('\n');
  return { kind: message.result?.isError === true ? 'tool-error' : 'result', status, text, data: message.result?.structuredContent, code: undefined, exchange };
}

/** Plans and runs every applicable cell of a property, one at a time. */
export async function runProperty(property: import('../src/engine/property.js').Property, ctx: RunContext): Promise<{ tool: string | null; status: string; reason: string | undefined; cases: number }[]> {
  const planned = property.plan({ target: ctx.target, options: ctx.options, tools: ctx.tools, mayCall: (tool) => ctx.mayCall(tool), isSensitive: (tool) => ctx.isSensitive(tool) });
  const cells: { tool: string | null; status: string; reason: string | undefined; cases: number }[] = [];
  for (const cell of planned) {
    if (!cell.applicable) {
      cells.push({ tool: cell.tool, status: 'not-applicable', reason: cell.reason, cases: 0 });
      continue;
    }
    const outcome = await property.run(cell.tool, ctx);
    cells.push({ tool: cell.tool, status: outcome.status, reason: outcome.reason, cases: outcome.cases });
  }
  return cells;
}
