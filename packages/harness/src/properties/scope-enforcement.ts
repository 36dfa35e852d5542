/**
 * The scope-enforcement property: a sensitive tool must refuse a caller whose token lacks the scope
 * it needs, with 403 and `WWW-Authenticate: Bearer error="insufficient_scope"` (catalogue class 20).
 *
 * For each sensitive tool, within one tenant:
 * 1. find an input that succeeds (a result without `isError`) for the tenant's principal with the most
 *    scopes, on its own object: inputs are drawn from the tool's schema with that principal's own ids
 *    (those no other principal's harvest saw, plus the hook's / `--id` objects);
 * 2. repeat that input, its ids swapped for another own object of the same kind (or the same ones after
 *    `reset()`), as each principal of the tenant with strictly fewer scopes (fewest first), each on its
 *    own objects since tools may confine to the caller, and in-process also with a token minted for the
 *    top principal with no scopes at all;
 * 3. a result without `isError` is `harness/scope-not-enforced` (`high` confidence when, replayed after
 *    `reset()`, it runs again); 403 with `insufficient_scope` is
 *    correct; a tool error or any other status is `harness/wrong-status`. In-process, a tool error is
 *    first checked against a control (the same call with the top principal's scopes minted for the same
 *    identity): when the control fails too, the object was unusable and nothing is reported.
 *
 * A principal with fewer scopes that still holds the scope named after the tool's verb
 * (`orders_refund` ↔ `orders:refund`) is entitled to the call and is not tried. With no succeeding
 * input the cell is *not exercised*. Every successful call of a tool not annotated read-only is listed
 * through `ctx.write`. Calls are made one at a time (`writes: true`).
 *
 * fast-check drives the search (an `asyncProperty` over the tool's inputs with the cell's parameters):
 * the main run stops exercising once one input succeeded for the top principal (when none did and the
 * target has `reset()`, the search runs once more from the seeded data); a failing case is
 * shrunk only when the target has `reset()` (each shrink step then starts from the seeded data), else
 * it is reported as found.
 *
 * @module
 */
import fc from 'fast-check';
import type { PlanContext, PlannedCell, Property, RunContext } from '../engine/property.js';
import { cellParameters, reproducePath } from '../engine/seeds.js';
import { harnessSeverity, type CallOutcome, type Exchange, type FuzzTarget, type HarnessRuleId, type ListedTool, type Principal, type PrincipalClient } from '../engine/types.js';
import { arbitraryFor } from '../fuzz/schema-arbitrary.js';

/** Who calls in step 2: a principal, or the top principal's identity with a token without scopes. */
interface Caller {
  readonly label: string;
  readonly scopes: readonly string[];
  /** Whose objects it acts on. */
  readonly owner: Principal;
  readonly noScopes: boolean;
}

interface Violation {
  readonly ruleId: HarnessRuleId;
  readonly messageId: string;
  readonly message: string;
  readonly summary: string;
  readonly caller: Caller;
  readonly input: unknown;
  readonly exchanges: readonly Exchange[];
  readonly confirmed: boolean;
}

/** The per-run memory of objects whose state a successful call may have changed. */
const consumedByTarget = new WeakMap<FuzzTarget, Set<string>>();

function consumedOf(target: FuzzTarget): Set<string> {
  let consumed = consumedByTarget.get(target);
  if (consumed === undefined) {
    consumed = new Set();
    consumedByTarget.set(target, consumed);
  }
  return consumed;
}

/** The tenant whose principals are compared: the one with the most principals holding fewer scopes than its top. */
export function scopeGroup(principals: readonly Principal[], canMintWithoutScopes: boolean): { top: Principal; lesser: Principal[] } | undefined {
  const tenants = [...new Set(principals.map((principal) => principal.tenant))].sort();
  let best: { top: Principal; lesser: Principal[] } | undefined;
  for (const tenant of tenants) {
    const members = principals.filter((principal) => principal.tenant === tenant && principal.scopes !== undefined && principal.token !== undefined);
    const top = [...members].sort((a, b) => (b.scopes?.length ?? 0) - (a.scopes?.length ?? 0) || a.name.localeCompare(b.name))[0];
    if (top === undefined) continue;
    const lesser = members
      .filter((principal) => (principal.scopes?.length ?? 0) < (top.scopes?.length ?? 0))
      .sort((a, b) => (a.scopes?.length ?? 0) - (b.scopes?.length ?? 0) || a.name.localeCompare(b.name));
    if (lesser.length === 0 && !canMintWithoutScopes) continue;
    if (best === undefined || lesser.length > best.lesser.length) best = { top, lesser };
  }
  return best;
}

/** Whether a principal holds a scope named after one of the tool's words (`orders_refund` ↔ `orders:refund`): it may then call the tool. */
export function entitledByName(tool: string, top: readonly string[], scopes: readonly string[]): boolean {
  const words = new Set(tool.toLowerCase().split(/[^a-z0-9]+/).filter((word) => word.length > 2 && !['read', 'list', 'get'].includes(word)));
  const named = top.filter((scope) => {
    const parts = scope.toLowerCase().split(/[^a-z0-9]+/);
    return parts.length > 1 && words.has(parts[parts.length - 1] ?? '');
  });
  return named.some((scope) => scopes.includes(scope));
}

/** A principal's own ids: those no other principal's harvest saw, plus the hook's / `--id` objects; by the key they were seen under. */
function ownIds(ctx: RunContext, principal: Principal): Map<string, string> {
  const own = new Map<string, string>();
  let views;
  try {
    views = ctx.harvest.views;
  } catch {
    views = undefined;
  }
  const mine = views?.get(principal.name);
  const others = new Set<string>();
  for (const [name, view] of views ?? []) if (name !== principal.name) for (const value of view.ids.keys()) others.add(value);
  const all = new Map<string, string>();
  for (const [value, seen] of mine?.ids ?? []) all.set(value, seen.key);
  for (const [field, values] of Object.entries(ctx.target.objects[principal.name] ?? {})) for (const value of values) all.set(value, field);
  for (const [value, key] of all) if (!others.has(value)) own.set(value, key);
  return own.size > 0 ? own : all;
}

/** The input's string leaves that are ids of `ids`, with their replacement applied. */
function substitute(input: unknown, replace: (value: string) => string | undefined): unknown {
  if (typeof input === 'string') return replace(input) ?? input;
  if (Array.isArray(input)) return input.map((item) => substitute(item, replace));
  if (typeof input === 'object' && input !== null) return Object.fromEntries(Object.entries(input).map(([key, value]) => [key, substitute(value, replace)]));
  return input;
}

function usedIds(input: unknown, ids: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (ids.has(value) && !found.includes(value)) found.push(value);
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(walk);
  };
  walk(input);
  return found;
}

function challengeOf(outcome: CallOutcome): string | undefined {
  const response = outcome.exchange?.response;
  if (response === undefined || 'error' in response) return undefined;
  return Object.entries(response.headers).find(([key]) => key.toLowerCase() === 'www-authenticate')?.[1];
}

/** The scope-enforcement property. Stateless apart from the run's consumed objects (kept per target). */
export function createScopeEnforcementProperty(): Property {
  return {
    id: 'scope-enforcement',
    writes: true,
    plan(context: PlanContext): PlannedCell[] {
      const group = scopeGroup(context.target.principals, context.target.issuer !== undefined);
      return context.tools.map((tool): PlannedCell => {
        if (!context.isSensitive(tool)) return { tool: tool.name, applicable: false, reason: 'not a sensitive tool' };
        if (!context.mayCall(tool)) return { tool: tool.name, applicable: false, reason: 'writes not allowed' };
        if (group === undefined) {
          return { tool: tool.name, applicable: false, reason: context.target.principals.some((principal) => principal.scopes === undefined) ? "the principals' scopes are not known" : 'no tenant has a principal with fewer scopes than another (and no issuer to mint a token without scopes)' };
        }
        return { tool: tool.name, applicable: true, estimatedRequests: Math.min(context.options.runs, 20) + 2 * (group.lesser.length + 1) };
      });
    },
    run: (tool, ctx) => runCell(tool, ctx),
  };
}

async function runCell(toolName: string | null, ctx: RunContext) {
  const tool = ctx.tools.find((candidate) => candidate.name === toolName);
  const none = (reason: string) => ({ status: 'not-exercised' as const, reason, cases: 0, requests: 0 });
  if (tool === undefined || toolName === null) return none('the tool is not listed');
  const issuer = ctx.target.issuer;
  const group = scopeGroup(ctx.target.principals, issuer !== undefined);
  if (group === undefined) return none('no principal with fewer scopes');
  const { top } = group;
  const topScopes = top.scopes ?? [];
  const callers: Caller[] = [
    ...(issuer === undefined ? [] : [{ label: `${top.name} without scopes`, scopes: [], owner: top, noScopes: true }]),
    ...group.lesser.filter((principal) => !entitledByName(tool.name, topScopes, principal.scopes ?? [])).map((principal) => ({ label: principal.name, scopes: principal.scopes ?? [], owner: principal, noScopes: false })),
  ];
  if (callers.length === 0) return none(`every principal with fewer scopes than ${top.name} holds the scope named after ${tool.name}`);

  const consumed = consumedOf(ctx.target);
  const topIds = ownIds(ctx, top);
  const { arbitrary } = arbitraryFor(tool.inputSchema, { pools: { idLike: [...topIds.keys()].sort() } });
  const readOnly = tool.annotations?.readOnlyHint === true;
  const shrink = ctx.target.reset !== undefined;
  const noScopeClient = memo(async () => {
    if (issuer === undefined) throw new Error('no issuer');
    return ctx.clientWith({ label: `${top.name} without scopes`, token: await issuer.mint(top, { scopes: [] }) });
  });
  const clientFor = (caller: Caller): Promise<PrincipalClient> => (caller.noScopes ? noScopeClient() : ctx.client(caller.owner.name));
  const counts = { requests: 0, cases: 0, exercised: false, failedOnce: false, baselineTries: 0 };
  let tested: string[] = [];
  let skipped: string[] = [];
  let last: Violation[] = [];

  const call = async (client: PrincipalClient, input: unknown, who: string): Promise<CallOutcome> => {
    counts.requests += 1;
    const outcome = await client.callTool(tool.name, input);
    if (outcome.kind === 'result' && !readOnly) ctx.write({ tool: tool.name, principal: who, arguments: input });
    return outcome;
  };

  const evaluate = async (input: unknown): Promise<boolean> => {
    if (ctx.deadline.expired()) return true;
    if (counts.exercised && !counts.failedOnce) return true;
    if (counts.failedOnce && ctx.target.reset !== undefined) {
      await ctx.target.reset();
      consumed.clear();
    }
    counts.cases += 1;
    const used = usedIds(input, topIds);
    if (used.some((id) => consumed.has(id))) return true;
    counts.baselineTries += 1;
    const baseline = await call(await ctx.client(top.name), input, top.name);
    if (baseline.kind !== 'result') return true;
    for (const id of used) consumed.add(id);
    counts.exercised = true;
    const violations: Violation[] = [];
    const testedNow: string[] = [];
    const skippedNow: string[] = [];
    for (const caller of callers) {
      const replaced = await inputFor(ctx, caller, input, used, topIds, consumed);
      if (replaced === undefined) {
        skippedNow.push(`${caller.label} (no unused object of its own of the kind ${JSON.stringify(used)} was; no reset())`);
        continue;
      }
      const client = await clientFor(caller);
      const outcome = await call(client, replaced.input, caller.label);
      testedNow.push(caller.label);
      const again = async (): Promise<CallOutcome | undefined> => {
        // Replayed from the seeded data, so the object is in the state the first call found it in.
        if (ctx.target.reset === undefined || ctx.deadline.expired()) return undefined;
        await ctx.target.reset();
        consumed.clear();
        return call(client, replaced.input, caller.label);
      };
      const verdict = await judgeScope(ctx, tool, caller, replaced.input, outcome, top, again);
      if (outcome.kind === 'result' || (verdict !== undefined && 'violation' in verdict && verdict.consumes)) for (const id of replaced.ids) consumed.add(id);
      if (verdict !== undefined && 'violation' in verdict) violations.push(verdict.violation);
      // An answer that says nothing about scopes (no answer, an unusable object) does not count as tried.
      if (verdict !== undefined && 'inconclusive' in verdict) testedNow.pop();
    }
    tested = testedNow;
    skipped = skippedNow;
    if (violations.length === 0) return true;
    counts.failedOnce = true;
    last = violations;
    return false;
  };

  const parameters = cellParameters<[unknown]>(ctx.options, 'scope-enforcement', toolName, { shrink, timeLimitMs: ctx.deadline.remainingMs() });
  let result = await fc.check(fc.asyncProperty(arbitrary, evaluate), parameters);
  if (!counts.exercised && ctx.target.reset !== undefined && !ctx.deadline.expired()) {
    // Earlier cells (a forged credential that ran, another tool's writes) may have used up the top
    // principal's objects: once more from the seeded data.
    await ctx.target.reset();
    consumed.clear();
    result = await fc.check(fc.asyncProperty(arbitrary, evaluate), parameters);
  }
  for (const reason of skipped) ctx.note({ code: 'not-tested', tool: toolName, message: `scope-enforcement: ${reason}.` });
  const path = result.counterexamplePath ?? '0';
  for (const violation of last) {
    const first = violation.exchanges[0];
    ctx.finding({
      ruleId: violation.ruleId,
      severity: harnessSeverity(violation.ruleId),
      confidence: violation.confirmed ? 'high' : 'medium',
      messageId: violation.messageId,
      message: violation.message,
      data: { tool: toolName, principal: violation.caller.label, scopes: violation.caller.scopes.join(' '), topPrincipal: top.name, topScopes: topScopes.join(' ') },
      tool: toolName,
      principal: violation.caller.label,
      victim: null,
      input: violation.input,
      evidence: { summary: violation.summary, exchanges: violation.exchanges },
      reproduce: { curl: first === undefined ? '' : ctx.curl(first), seed: ctx.options.seed, path: reproducePath('scope-enforcement', toolName, path) },
    });
  }
  if (last.length > 0) return { status: 'failed' as const, reason: [...new Set(last.map((violation) => violation.ruleId))].join(', '), cases: counts.cases, requests: counts.requests };
  if (!counts.exercised) {
    return {
      status: 'not-exercised' as const,
      reason: ctx.deadline.expired() ? 'time budget' : `no input succeeded for ${top.name} (the principal of ${top.tenant} with the most scopes) on its own objects in ${counts.baselineTries} tries`,
      cases: counts.cases,
      requests: counts.requests,
    };
  }
  if (tested.length === 0) return { status: 'not-exercised' as const, reason: 'no principal with fewer scopes had an object of its own to try', cases: counts.cases, requests: counts.requests };
  return { status: 'held' as const, cases: counts.cases, requests: counts.requests };
}

/** The baseline input with its ids swapped for an unused own object of the caller's (same kind), or the same ids after reset(). */
async function inputFor(
  ctx: RunContext,
  caller: Caller,
  input: unknown,
  used: readonly string[],
  topIds: ReadonlyMap<string, string>,
  consumed: Set<string>,
): Promise<{ input: unknown; ids: string[] } | undefined> {
  if (used.length === 0) return { input, ids: [] };
  const pick = (): Map<string, string> | undefined => {
    const own = caller.noScopes ? topIds : ownIds(ctx, caller.owner);
    const taken = new Set<string>();
    const mapping = new Map<string, string>();
    for (const id of used) {
      const kind = topIds.get(id);
      const candidate = [...own.entries()]
        .filter(([value, key]) => key === kind && !consumed.has(value) && !taken.has(value) && !used.includes(value))
        .map(([value]) => value)
        .sort()[0];
      if (candidate === undefined) return undefined;
      taken.add(candidate);
      mapping.set(id, candidate);
    }
    return mapping;
  };
  let mapping = pick();
  if (mapping === undefined && ctx.target.reset !== undefined) {
    await ctx.target.reset();
    consumed.clear();
    mapping = caller.noScopes ? new Map(used.map((id) => [id, id])) : pick();
  }
  if (mapping === undefined) return undefined;
  const ids = [...mapping.values()];
  return { input: substitute(input, (value) => mapping.get(value)), ids };
}

async function judgeScope(
  ctx: RunContext,
  tool: ListedTool,
  caller: Caller,
  input: unknown,
  outcome: CallOutcome,
  top: Principal,
  again: () => Promise<CallOutcome | undefined>,
): Promise<{ violation: Violation; consumes: boolean } | { inconclusive: string } | undefined> {
  const exchanges = outcome.exchange === undefined ? [] : [outcome.exchange];
  const who = caller.noScopes ? `a token for ${top.name} with no scopes` : `${caller.label} (scopes: ${caller.scopes.join(' ') || 'none'})`;
  if (outcome.kind === 'result') {
    const replayed = await again();
    if (replayed?.exchange !== undefined) exchanges.push(replayed.exchange);
    const summary = `${tool.name} ran for ${who} and returned a result without isError, where ${top.name} (scopes: ${(top.scopes ?? []).join(' ')}) was needed to show it succeeds${replayed?.kind === 'result' ? '; replayed after reset(), it ran again' : ''}`;
    return {
      violation: { ruleId: 'harness/scope-not-enforced', messageId: 'scope-not-enforced', message: `${tool.name} does not enforce its scope: ${who} called it and it succeeded.`, summary, caller, input, exchanges, confirmed: replayed?.kind === 'result' },
      consumes: true,
    };
  }
  if (outcome.kind === 'http-error' && outcome.status === 403 && /insufficient_scope/i.test(challengeOf(outcome) ?? '')) return undefined;
  if (outcome.kind === 'transport-error') {
    ctx.note({ code: 'target', tool: tool.name, message: `scope-enforcement: no answer to ${caller.label}'s call of ${tool.name}: ${outcome.text.slice(0, 200)}` });
    return { inconclusive: 'no answer' };
  }
  const got =
    outcome.kind === 'tool-error'
      ? 'a tool error (isError: true)'
      : outcome.kind === 'rpc-error'
        ? `JSON-RPC error ${outcome.code ?? ''}`
        : outcome.status === 403
          ? '403 without WWW-Authenticate error="insufficient_scope"'
          : `HTTP ${outcome.status ?? '?'}`;
  let confirmed = false;
  if (outcome.kind === 'tool-error' && ctx.target.issuer !== undefined) {
    // Control: the same call for the same identity with the top principal's scopes. When it fails too,
    // the object was not usable (not open, gone) and the tool error says nothing about scopes.
    const control = await ctx.clientWith({ label: `${caller.owner.name} with ${top.name}'s scopes`, token: await ctx.target.issuer.mint(caller.owner, { scopes: top.scopes ?? [] }) });
    const answer = await control.callTool(tool.name, input);
    await control.close().catch(() => undefined);
    if (answer.kind !== 'result') return { inconclusive: 'the object was not usable: the control call failed too' };
    if (tool.annotations?.readOnlyHint !== true) ctx.write({ tool: tool.name, principal: `${caller.owner.name} with ${top.name}'s scopes`, arguments: input });
    if (answer.exchange !== undefined) exchanges.push(answer.exchange);
    confirmed = true;
  }
  const summary = `${tool.name} refused ${who} with ${got}; a missing scope is answered 403 with WWW-Authenticate: Bearer error="insufficient_scope"`;
  return {
    violation: { ruleId: 'harness/wrong-status', messageId: 'scope-wrong-status', message: `${tool.name} refuses a caller without its scope with ${got}, not 403 insufficient_scope.`, summary, caller, input, exchanges, confirmed },
    consumes: confirmed,
  };
}

function memo<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= build();
    return built;
  };
}
