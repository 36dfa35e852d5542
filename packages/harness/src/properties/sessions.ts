/**
 * The sessions property (catalogue class 22): a session id never authenticates, and never routes one
 * principal's calls into another's session. Only for servers that issue `Mcp-Session-Id`; on others
 * every cell is *not applicable: stateless*.
 *
 * - Target-wide cell (`tool: null`): A's session id sent with no credential, and with a forged one
 *   (random bytes in the credential header). Listing the tools succeeding is
 *   `harness/forged-token-accepted` (victim A).
 * - One cell per callable tool: B (another tenant) calls the tool with B's own token and A's session
 *   id, the input drawn from B's own ids. An answer carrying a value only A's side saw (an id or
 *   distinctive value in A's harvest that no principal of B's tenant saw, not public, not in B's
 *   request) is `harness/cross-tenant-read` (principal B, victim A): B's call ran in A's session. A
 *   suspect answer is sent once more; the finding is `high` confidence when the value comes back.
 *   When every routing cell ran B's call in A's session (none refused it) and A's data showed on at
 *   least one, the flaw is the transport's: one finding with `tool: null`; else one per tool that
 *   showed it. Findings are reported after the last planned cell, or by `finish`.
 *
 * Only read tools (`readOnlyHint`, else the name's verb) get a routing cell: a write sent through A's
 * session would change A's data for real, so effects through a session are not checked. Tools
 * `mayCall` refuses are not applicable.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { CellOutcome, PlanContext, PlannedCell, Property, RunContext } from '../engine/property.js';
import { cellSeed, reproducePath } from '../engine/seeds.js';
import { harnessSeverity, type CallOutcome, type Exchange, type FuzzTarget, type HarnessFinding, type Principal } from '../engine/types.js';
import { toolKind } from '../engine/harvest.js';
import { arbitraryFor } from '../fuzz/schema-arbitrary.js';

const STATELESS = 'stateless: the server issues no Mcp-Session-Id';

/** The pair the property plays: A's session, B's token (another tenant). */
export function sessionPair(principals: readonly Principal[]): { a: Principal; b: Principal } | undefined {
  const withTokens = principals.filter((principal) => principal.token !== undefined);
  const a = withTokens[0] ?? principals[0];
  if (a === undefined) return undefined;
  const b = withTokens.find((principal) => principal.tenant !== a.tenant);
  return b === undefined ? undefined : { a, b };
}

/** A value counts as distinctive (A's, if only A's side saw it): 8+ characters mixing letters and digits, or an email. */
function distinctive(value: string): boolean {
  return (value.length >= 8 && /[a-z]/i.test(value) && /\d/.test(value)) || /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(value);
}

function stringLeaves(value: unknown, into: Set<string>): Set<string> {
  if (typeof value === 'string') {
    into.add(value);
    try {
      stringLeaves(JSON.parse(value), into);
    } catch {
      // plain text
    }
  } else if (Array.isArray(value)) for (const item of value) stringLeaves(item, into);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) stringLeaves(item, into);
  return into;
}

interface RoutingRecord {
  readonly tool: string;
  /** Whether the server ran B's call in A's session (a result or a tool error) rather than refusing it. */
  readonly ran: boolean;
  readonly leak: HarnessFinding | undefined;
}

interface RunState {
  planned: Set<string> | undefined;
  readonly done: Map<string, RoutingRecord>;
  /** Routing cells run, exercised or not. */
  readonly seen: Set<string>;
  finished: boolean;
}

/** The sessions property, with the hook the orchestrator calls after its cells (see {@link createSessionsProperty}). */
export interface SessionsProperty extends Property {
  /** Reports the routing cells' findings, aggregated over tools; runs by itself after the last planned cell. Idempotent per run. */
  finish(context: RunContext): Promise<void>;
}

/**
 * The sessions property. B's call running in A's session is a transport flaw more than a tool's: when
 * the server ran B's call in A's session on every routing cell and A's data showed on at least one,
 * it is reported once with `tool: null`; per tool only when some tools refused the mixed call. As the
 * authentication property, it keeps its cells' results per target and reports after the last planned
 * cell, or when the orchestrator calls `finish`.
 */
export function createSessionsProperty(): SessionsProperty {
  const states = new WeakMap<FuzzTarget, RunState>();
  const stateOf = (target: FuzzTarget): RunState => {
    let state = states.get(target);
    if (state === undefined || state.finished) {
      state = { planned: undefined, done: new Map(), seen: new Set(), finished: false };
      states.set(target, state);
    }
    return state;
  };
  const finish = (ctx: RunContext): Promise<void> => {
    const state = states.get(ctx.target);
    if (state === undefined || state.finished) return Promise.resolve();
    state.finished = true;
    const order = (record: RoutingRecord) => ctx.tools.findIndex((tool) => tool.name === record.tool);
    reportRouting(ctx, [...state.done.values()].sort((a, b) => order(a) - order(b)), state.planned);
    return Promise.resolve();
  };
  return {
    id: 'sessions',
    writes: false,
    plan(context: PlanContext): PlannedCell[] {
      const state = stateOf(context.target);
      const cells: PlannedCell[] = [{ tool: null, applicable: true, estimatedRequests: 2 }, ...context.tools.map((tool): PlannedCell => ({ tool: tool.name, applicable: true, estimatedRequests: 2 }))];
      const planned = ((): PlannedCell[] => {
        if (context.sessionIssued === false) return cells.map((cell) => ({ tool: cell.tool, applicable: false, reason: STATELESS }));
        if (sessionPair(context.target.principals) === undefined) return cells.map((cell) => ({ tool: cell.tool, applicable: false, reason: 'needs two principals with credentials in different tenants' }));
        return cells.map((cell): PlannedCell => {
          const tool = context.tools.find((candidate) => candidate.name === cell.tool);
          if (tool === undefined) return cell;
          if (!context.mayCall(tool)) return { tool: cell.tool, applicable: false, reason: 'writes not allowed' };
          // A write sent through another's session would change the victim's data for real.
          if (toolKind(tool) !== 'read') return { tool: cell.tool, applicable: false, reason: "not a read tool: only reads are sent through another principal's session" };
          return cell;
        });
      })();
      state.planned = new Set(planned.flatMap((cell) => (cell.applicable && cell.tool !== null ? [cell.tool] : [])));
      return planned;
    },
    async run(tool, ctx) {
      if (tool === null) return runSessionAuth(ctx);
      const state = stateOf(ctx.target);
      const { cell, record } = await runSessionRouting(tool, ctx);
      if (record !== undefined) state.done.set(tool, record);
      state.seen.add(tool);
      if (state.planned !== undefined && [...state.planned].every((key) => state.seen.has(key))) await finish(ctx);
      return cell;
    },
    finish,
  };
}

function reportRouting(ctx: RunContext, records: readonly RoutingRecord[], planned: ReadonlySet<string> | undefined): void {
  const leaks = records.flatMap((record) => (record.leak === undefined ? [] : [record.leak]));
  const first = leaks[0];
  if (first === undefined) return;
  const complete = planned === undefined || [...planned].every((tool) => records.some((record) => record.tool === tool));
  if (complete && records.every((record) => record.ran)) {
    const tools = records.map((record) => record.tool);
    ctx.finding({
      ...first,
      tool: null,
      message: `${first.message} The server ran the mixed call in the session's context on every tool (${tools.join(', ')}): the session id, not the token, decides who the caller is.`,
      evidence: { ...first.evidence, summary: `${first.evidence.summary}; on ${first.tool ?? '?'}, and every tool ran the call in the session (${tools.length})` },
    });
    return;
  }
  for (const leak of leaks) ctx.finding(leak);
}

async function sessionOf(ctx: RunContext, principal: Principal): Promise<string | undefined> {
  try {
    return (await ctx.client(principal.name)).sessionId;
  } catch {
    return undefined;
  }
}

/** A's session id with no credential, and with a forged one: listing the tools must fail. */
async function runSessionAuth(ctx: RunContext) {
  const pair = sessionPair(ctx.target.principals);
  if (pair === undefined) return { status: 'not-exercised' as const, reason: 'needs two principals in different tenants', cases: 0, requests: 0 };
  const sessionId = await sessionOf(ctx, pair.a);
  if (sessionId === undefined) return { status: 'not-exercised' as const, reason: STATELESS, cases: 0, requests: 0 };
  if (ctx.target.tokenKind === 'none') return { status: 'not-exercised' as const, reason: 'the server takes no credentials', cases: 0, requests: 0 };
  const { name: header, prefix } = ctx.target.credentialHeader;
  const attempts = [
    { label: `no credential with ${pair.a.name}'s session`, headers: {} as Record<string, string>, forged: false },
    { label: `forged: random credential with ${pair.a.name}'s session`, headers: { [header]: `${prefix}${randomBytes(24).toString('base64url')}` }, forged: true },
  ];
  let requests = 0;
  const accepted: { index: number; attempt: (typeof attempts)[number]; exchange: Exchange }[] = [];
  for (const [index, attempt] of attempts.entries()) {
    const exchange = await ctx.raw({
      principal: attempt.forged ? attempt.label : null,
      label: `sessions: tools/list, ${attempt.label}`,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId, ...attempt.headers },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    requests += 1;
    if ('error' in exchange.response || exchange.response.status < 200 || exchange.response.status >= 300) continue;
    if (!exchange.response.body.includes('"result"')) continue;
    accepted.push({ index, attempt, exchange });
  }
  const failed = accepted.length > 0;
  const shown = accepted[0];
  if (shown !== undefined) {
    const credentials = accepted.map((entry) => (entry.attempt.forged ? 'a forged credential' : 'no credential')).join(' and with ');
    ctx.finding({
      ruleId: 'harness/forged-token-accepted',
      severity: harnessSeverity('harness/forged-token-accepted'),
      confidence: 'medium',
      messageId: 'session-authenticates',
      message: `${pair.a.name}'s session id was accepted with ${credentials}: tools/list answered with a result. A session id must never stand in for a token.`,
      data: { session: pair.a.name, credential: accepted.map((entry) => (entry.attempt.forged ? 'forged' : 'none')).join(', ') },
      tool: null,
      principal: shown.attempt.label,
      victim: pair.a.name,
      input: null,
      evidence: { summary: `tools/list with ${pair.a.name}'s Mcp-Session-Id and ${credentials} answered with a result`, exchanges: accepted.map((entry) => entry.exchange) },
      reproduce: { curl: ctx.curl(shown.exchange), seed: ctx.options.seed, path: reproducePath('sessions', null, String(shown.index)) },
    });
  }
  return failed ? { status: 'failed' as const, reason: 'harness/forged-token-accepted', cases: attempts.length, requests } : { status: 'held' as const, cases: attempts.length, requests };
}

/** B's token with A's session id on one tool: the answer must not carry what only A's side saw. */
async function runSessionRouting(tool: string, ctx: RunContext): Promise<{ cell: CellOutcome; record: RoutingRecord | undefined }> {
  const listed = ctx.tools.find((candidate) => candidate.name === tool);
  const pair = sessionPair(ctx.target.principals);
  const none = (reason: string) => ({ cell: { status: 'not-exercised' as const, reason, cases: 0, requests: 0 }, record: undefined });
  if (listed === undefined) return none('the tool is not listed');
  if (pair === undefined) return none('needs two principals in different tenants');
  const { a, b } = pair;
  const sessionId = await sessionOf(ctx, a);
  if (sessionId === undefined) return none(STATELESS);
  const token = b.token?.reveal();
  if (token === undefined) return none(`${b.name} has no credential`);

  let views;
  try {
    views = ctx.harvest.views;
  } catch {
    return none('no harvest');
  }
  const bSide = new Set<string>();
  for (const principal of ctx.target.principals) {
    if (principal.tenant !== b.tenant) continue;
    const view = views.get(principal.name);
    for (const value of view?.values ?? []) bSide.add(value);
    for (const value of view?.ids.keys() ?? []) bSide.add(value);
    for (const value of principal.identity) bSide.add(value);
  }
  const aView = views.get(a.name);
  const aOnly = new Set([...(aView?.ids.keys() ?? []), ...[...(aView?.values ?? [])].filter(distinctive), ...a.identity.filter(distinctive)].filter((value) => !bSide.has(value) && !ctx.target.publicValues.includes(value)));
  if (aOnly.size === 0) return none(`${a.name}'s harvest has no value ${b.name}'s tenant did not see`);

  const bPool = [...(views.get(b.name)?.ids.keys() ?? [])].sort();
  const { arbitrary } = arbitraryFor(listed.inputSchema, { pools: { idLike: bPool } });
  const input = fc.sample(arbitrary, { seed: cellSeed(ctx.options.seed, 'sessions', tool), numRuns: 1 })[0] ?? {};
  const label = `${b.name} with ${a.name}'s session`;
  const client = await ctx.clientWith({ label, token, sessionId });
  const requestText = JSON.stringify(input).toLowerCase();
  const leaked = (outcome: CallOutcome): string[] => (outcome.kind === 'result' ? [...stringLeaves(outcome.data ?? outcome.text, new Set([outcome.text]))].filter((value) => aOnly.has(value) && !requestText.includes(value.toLowerCase())) : []);
  try {
    const first = await client.callTool(tool, input);
    const ran = first.kind === 'result' || first.kind === 'tool-error';
    const values = leaked(first);
    if (values.length === 0) return { cell: { status: 'held', cases: 1, requests: 1 }, record: { tool, ran, leak: undefined } };
    const again = await client.callTool(tool, input);
    const confirmed = leaked(again).some((value) => values.includes(value));
    const exchanges = [first.exchange, again.exchange].filter((exchange): exchange is Exchange => exchange !== undefined);
    const shown = values.slice(0, 3).map((value) => JSON.stringify(value)).join(', ');
    const leak: HarnessFinding = {
      ruleId: 'harness/cross-tenant-read',
      severity: harnessSeverity('harness/cross-tenant-read'),
      confidence: confirmed ? 'high' : 'medium',
      messageId: 'session-cross-read',
      message: `${b.name} (${b.tenant}) sent ${a.name}'s session id with its own token to ${tool} and received ${a.name}'s data (${shown}): the call ran in ${a.name}'s session.`,
      data: { session: a.name, values: shown },
      tool,
      principal: b.name,
      victim: a.name,
      input,
      evidence: { summary: `the answer carried ${shown}, seen only by ${a.name}'s tenant`, exchanges },
      reproduce: { curl: exchanges[0] === undefined ? '' : ctx.curl(exchanges[0]), seed: ctx.options.seed, path: reproducePath('sessions', tool, '0') },
    };
    return { cell: { status: 'failed', reason: 'harness/cross-tenant-read', cases: 1, requests: 2 }, record: { tool, ran, leak } };
  } finally {
    await client.close().catch(() => undefined);
  }
}
