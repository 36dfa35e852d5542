/**
 * Read isolation: as principal A, call each read tool with inputs drawn from victim B's harvested
 * ids and identity (B in another tenant, or another user of A's tenant when users are isolated); an
 * answer holding a value that is B's by the ownership oracle (`../engine/ownership.ts`) is a suspect.
 * A suspect is checked again against fresh harvests of A's side (a value A's tenant can see now is
 * not B's), then the same input is replayed once; only a value that comes back is reported, as
 * `harness/cross-tenant-read` with the shrunk input.
 *
 * One fast-check run per (tool) cell: the generated value carries the pair, so the counterexample's
 * path replays the pair too. Read cases are side-effect free, so they shrink. Only read tools have a
 * cell (the harvest's rule); a tool that writes is checked by write isolation, one case at a time.
 *
 * Coverage: a cell is *held* when some input got past validation to the tool's logic: an answer
 * with a result, or a refusal other than a validation error of an input that named one of B's
 * harvested values (the server looked B's object up and refused). It is *not exercised* when every
 * answer was -32602, a validation error, an HTTP refusal, or a not-found for inputs naming nothing B has.
 *
 * @module
 */
import fc from 'fast-check';
import { harvestRequests, toolKind } from '../engine/harvest.js';
import {
  answerLeaves,
  attackerSide,
  canonicalJson,
  isolationPairs,
  namedInRequest,
  requestFragments,
  victimValues,
  type IsolationPair,
  type VictimValue,
} from '../engine/ownership.js';
import { perToolProperty, type CellOutcome, type PlanContext, type PlannedCell, type PrincipalView, type Property, type RunContext } from '../engine/property.js';
import { cellParameters, reproducePath } from '../engine/seeds.js';
import { harnessSeverity, type CallOutcome, type Exchange, type ListedTool } from '../engine/types.js';
import { arbitraryFor } from '../fuzz/schema-arbitrary.js';

const validationPattern = /invalid (?:arguments?|params|parameters|input)|validation (?:error|failed)|-32602|failed to validate|is required|must (?:be|match|have)|expected [\w ]+, received/i;

/** Whether a call was refused before the tool's logic ran: -32602, or a tool error that reads as input validation. */
export function isValidationRefusal(outcome: CallOutcome): boolean {
  if (outcome.kind === 'rpc-error') return outcome.code === -32602 || validationPattern.test(outcome.text);
  return outcome.kind === 'tool-error' && validationPattern.test(outcome.text);
}

/** How far one case got, for coverage. */
export type CaseReach = 'reached' | 'refused-named' | 'validation' | 'refused';

/**
 * How far a case got: a result `reached` the tool's logic; a refusal (tool error, not validation) of
 * an input naming the victim's values is `refused-named` (the server looked the object up and said
 * no); validation errors and other refusals did not exercise isolation.
 */
export function caseReach(outcome: CallOutcome, namedVictimValues: boolean): CaseReach {
  if (outcome.kind === 'result') return 'reached';
  if (isValidationRefusal(outcome)) return 'validation';
  if (outcome.kind === 'tool-error' && namedVictimValues) return 'refused-named';
  return 'refused';
}

/** Counts of case reaches, and the sentence a not-exercised cell gives. */
export class Reach {
  readonly counts: Record<CaseReach, number> = { reached: 0, 'refused-named': 0, validation: 0, refused: 0 };

  /** The last reach added. */
  last: CaseReach | undefined;

  add(reach: CaseReach): void {
    this.counts[reach] += 1;
    this.last = reach;
  }

  get total(): number {
    return Object.values(this.counts).reduce((sum, count) => sum + count, 0);
  }

  get exercised(): boolean {
    return this.counts.reached + this.counts['refused-named'] > 0;
  }

  /** Held when a case reached an object, else not exercised with the reason. */
  coverage(): Coverage {
    return this.exercised ? { status: 'held' } : { status: 'not-exercised', reason: this.reason() };
  }

  /** Why the cell was not exercised, from what the answers were. */
  reason(): string {
    const { validation, refused } = this.counts;
    if (validation + refused === 0) return 'no case ran';
    const parts = [validation > 0 ? `${String(validation)} validation errors` : '', refused > 0 ? `${String(refused)} refusals or not-found answers for inputs naming no harvested object` : ''].filter((part) => part !== '');
    return `no input reached a harvested object (${parts.join(', ')})`;
  }
}

/** How a cell without a finding covered its tool. */
export type Coverage = { readonly status: 'held' } | { readonly status: 'not-exercised'; readonly reason: string };

/**
 * How a fast-check cell that reported no finding ends: a property that failed without one stopped
 * (not exercised, with fast-check's message), one the budget cut is not exercised (time budget), else
 * `coverage()` says whether a case reached an object.
 */
export function outcomeWithoutFinding(
  details: { readonly failed: boolean; readonly interrupted: boolean; readonly errorInstance?: unknown },
  deadline: Pick<RunContext['deadline'], 'expired'>,
  counts: { readonly cases: number; readonly requests: number },
  coverage: () => Coverage,
): CellOutcome {
  if (details.failed) {
    const message = details.errorInstance instanceof Error ? details.errorInstance.message : 'the property failed without a finding';
    return { status: 'not-exercised', reason: `the cell stopped: ${message}`, ...counts };
  }
  if (details.interrupted || deadline.expired()) return { status: 'not-exercised', reason: 'time budget', ...counts };
  return { ...coverage(), ...counts };
}

/** Which tools read isolation calls: reads the run may call, when there is a pair to check. */
export function readIsolationCell(tool: ListedTool, context: Pick<PlanContext, 'target' | 'options' | 'mayCall'>): PlannedCell {
  if (toolKind(tool) === 'write') return { tool: tool.name, applicable: false, reason: 'changes data: write isolation checks it' };
  if (!context.mayCall(tool)) return { tool: tool.name, applicable: false, reason: 'writes not allowed (not annotated readOnlyHint: true; --allow-writes calls it)' };
  if (isolationPairs(context.target).length === 0) return { tool: tool.name, applicable: false, reason: 'no two principals to isolate (one tenant, and users not isolated)' };
  return { tool: tool.name, applicable: true, estimatedRequests: Math.ceil(context.options.runs * 1.1) };
}

interface Failure {
  readonly pair: IsolationPair;
  readonly args: unknown;
  readonly values: readonly VictimValue[];
  readonly exchanges: readonly Exchange[];
  readonly replayed: boolean;
}

function quoted(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 117)}...` : value);
}

function describeValue(value: VictimValue, victim: string): string {
  const under = value.answerKey === '' ? '' : ` under "${value.answerKey}"`;
  const seen = value.victimKey === '' ? `${victim} saw it` : `${victim} saw it under "${value.victimKey}"${value.victimTool === '' ? ' (the hook or --id)' : ` in ${value.victimTool}`}`;
  return `${quoted(value.value)}${under} (${seen})`;
}

/** The read-isolation property (see the module). */
export const readIsolation: Property = perToolProperty({ id: 'read-isolation', writes: false, cell: readIsolationCell, runTool: runReadCell });

async function runReadCell(tool: ListedTool, ctx: RunContext): Promise<CellOutcome> {
  const { target, harvest } = ctx;
  const pairs = isolationPairs(target);
  const tenantOf = new Map(target.principals.map((principal) => [principal.name, principal.tenant]));
  let requests = 0;
  const reach = new Reach();
  let failure: Failure | undefined;
  const freshSides = new Map<string, readonly PrincipalView[]>();

  const arbitraries = pairs.map((pair, index) => {
    const built = arbitraryFor(tool.inputSchema, { pools: { idLike: harvest.idPool(pair.victim), identity: harvest.identityPool(pair.victim) } });
    if (index === 0 && built.unsupported.length > 0) ctx.note({ code: 'unsupported-schema', tool: tool.name, message: `Input schema keywords not applied (generation falls back to the schema without them): ${built.unsupported.join('; ')}` });
    return built.arbitrary.map((args) => ({ pair: index, args }));
  });

  const call = async (principal: string, args: unknown): Promise<CallOutcome | undefined> => {
    try {
      const client = await ctx.client(principal);
      const outcome = await client.callTool(tool.name, args);
      requests += 1;
      return outcome;
    } catch {
      return undefined;
    }
  };

  const freshSide = async (side: readonly string[]): Promise<readonly PrincipalView[]> => {
    const key = side.join('\0');
    const cached = freshSides.get(key);
    if (cached !== undefined) return cached;
    const views = await Promise.all(side.map((name) => harvest.refresh(name)));
    for (const view of views) requests += harvestRequests(view);
    freshSides.set(key, views);
    return views;
  };

  // Reads have no side effects: an input drawn again (a tool without arguments, a shrink step) gets
  // the verdict it got, without another request.
  const verdicts = new Map<string, { readonly held: boolean; readonly failure: Failure | undefined; readonly reach: CaseReach | undefined }>();
  const check = async (input: { pair: number; args: unknown }): Promise<boolean> => {
    const key = `${String(input.pair)}\0${canonicalJson(input.args)}`;
    const known = verdicts.get(key);
    if (known !== undefined) {
      if (known.reach !== undefined) reach.add(known.reach);
      if (!known.held) failure = known.failure;
      return known.held;
    }
    const before = reach.total;
    const held = await checkOnce(input);
    if (!ctx.deadline.expired()) verdicts.set(key, { held, failure: held ? undefined : failure, reach: reach.total > before ? reach.last : undefined });
    return held;
  };

  const checkOnce = async ({ pair: index, args }: { pair: number; args: unknown }): Promise<boolean> => {
    const pair = pairs[index];
    if (pair === undefined || ctx.deadline.expired()) return true;
    const victimView = harvest.views.get(pair.victim);
    const outcome = await call(pair.attacker, args);
    if (outcome === undefined || victimView === undefined) return true;
    const fragments = requestFragments(args);
    const named = namedInRequest(fragments, [...harvest.idPool(pair.victim), ...harvest.identityPool(pair.victim)]).length > 0;
    reach.add(caseReach(outcome, named));
    if (outcome.kind !== 'result' && outcome.kind !== 'tool-error') return true;
    const side = attackerSide(target, pair.attacker);
    const sideViews = side.flatMap((name) => harvest.views.get(name) ?? []);
    const oracle = (answer: CallOutcome, views: readonly PrincipalView[]) =>
      victimValues({ answer: answerLeaves(answer), victim: victimView, attackerSide: views, request: args, fragments, publicValues: target.publicValues, idFields: target.idFields });
    const suspects = oracle(outcome, sideViews);
    if (suspects.length === 0) return true;
    // (b) again, on what A's side sees now: a value A's tenant can reach after all is not B's.
    const views = [...sideViews, ...(await freshSide(side))];
    const still = oracle(outcome, views);
    if (still.length === 0) return true;
    if (ctx.deadline.expired()) {
      failure = { pair, args, values: still, exchanges: outcome.exchange === undefined ? [] : [outcome.exchange], replayed: false };
      return false;
    }
    const replay = await call(pair.attacker, args);
    if (replay === undefined || (replay.kind !== 'result' && replay.kind !== 'tool-error')) return true;
    const again = new Set(oracle(replay, views).map((value) => value.value));
    const confirmed = still.filter((value) => again.has(value.value));
    if (confirmed.length === 0) return true;
    failure = { pair, args, values: confirmed, exchanges: [outcome.exchange, replay.exchange].filter((exchange) => exchange !== undefined), replayed: true };
    return false;
  };

  if (arbitraries.length === 0) return { status: 'not-exercised', reason: 'no two principals to isolate', cases: 0, requests: 0 };
  const details = await fc.check(
    fc.asyncProperty(fc.oneof(...arbitraries), check),
    cellParameters(ctx.options, 'read-isolation', tool.name, { timeLimitMs: ctx.deadline.remainingMs() }),
  );
  const cases = details.numRuns;
  if (details.failed && failure !== undefined) {
    const found = failure;
    const attackerTenant = tenantOf.get(found.pair.attacker) ?? '';
    const victimTenant = tenantOf.get(found.pair.victim) ?? '';
    const [first] = found.values;
    const firstExchange = found.exchanges[0];
    const shown = found.values.slice(0, 5).map((value) => describeValue(value, found.pair.victim));
    ctx.finding({
      ruleId: 'harness/cross-tenant-read',
      severity: harnessSeverity('harness/cross-tenant-read'),
      confidence: found.replayed ? 'high' : 'medium',
      messageId: 'crossTenantRead',
      message: `${found.pair.attacker} (${attackerTenant}) read ${found.pair.victim}'s data (${victimTenant}) through ${tool.name}: ${quoted(first?.value ?? '')}.`,
      data: {
        principal: found.pair.attacker,
        victim: found.pair.victim,
        tool: tool.name,
        value: first?.value ?? '',
        victimKey: first?.victimKey ?? '',
        victimTool: first?.victimTool ?? '',
      },
      tool: tool.name,
      principal: found.pair.attacker,
      victim: found.pair.victim,
      input: found.args,
      evidence: {
        summary:
          `${tool.name} answered ${found.pair.attacker} with ${shown.join(', ')}${found.values.length > shown.length ? ` and ${String(found.values.length - shown.length)} more` : ''}; ` +
          `no principal of ${found.pair.attacker}'s side (${attackerSide(target, found.pair.attacker).join(', ')}) saw ${found.values.length === 1 ? 'it' : 'them'} in any harvest, including a fresh one after this answer, and the request did not carry ${found.values.length === 1 ? 'it' : 'them'}` +
          (found.replayed ? '; replaying the same input gave it again.' : '; the time budget ran out before a replay.'),
        exchanges: found.exchanges,
      },
      reproduce: {
        curl: firstExchange === undefined ? '' : ctx.curl(firstExchange),
        seed: ctx.options.seed,
        path: reproducePath('read-isolation', tool.name, details.counterexamplePath ?? ''),
      },
    });
    return { status: 'failed', reason: `${found.pair.attacker} read ${found.pair.victim}'s data`, cases, requests };
  }
  return outcomeWithoutFinding(details, ctx.deadline, { cases, requests }, () => reach.coverage());
}
