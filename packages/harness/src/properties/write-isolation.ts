/**
 * Write isolation: as principal A, call each tool that writes with inputs drawn from victim B's
 * harvested ids and identity; when the request names objects of B's (ids in B's view that nobody on
 * A's side saw, not public), B reads those objects twice before A's call and twice after (the harvest
 * calls that saw them: the list page, the detail read). An object whose record is stable across each
 * pair of reads and differs between them (changed, or gone) was written by A:
 * `harness/cross-tenant-write`.
 *
 * Write cases run one at a time. With the hook's `reset()` (in-process), the data is reset before
 * every case that names the victim's objects, so a counterexample shrinks and is replayed once before it is reported (confidence
 * high); without it the first counterexample ends the cell, unshrunk and unreplayed (medium), and the
 * evidence says so. Every call that answered with a result is recorded (`ctx.write`) so the user can
 * restore the data.
 *
 * @module
 */
import fc from 'fast-check';
import { snapshotObjects, toolKind, type ObjectSnapshot } from '../engine/harvest.js';
import { attackerSide, canonicalJson, isolationPairs, namedInRequest, requestFragments, type IsolationPair } from '../engine/ownership.js';
import { perToolProperty, type CellOutcome, type PlanContext, type PlannedCell, type Property, type RunContext } from '../engine/property.js';
import { cellParameters, reproducePath } from '../engine/seeds.js';
import { harnessSeverity, type CallOutcome, type Exchange, type ListedTool } from '../engine/types.js';
import { arbitraryFor } from '../fuzz/schema-arbitrary.js';
import { caseReach, outcomeWithoutFinding, Reach } from './read-isolation.js';

/** Which tools write isolation calls: writes the run may call, when there is a pair to check. */
export function writeIsolationCell(tool: ListedTool, context: Pick<PlanContext, 'target' | 'options' | 'mayCall'>): PlannedCell {
  if (toolKind(tool) === 'read') return { tool: tool.name, applicable: false, reason: 'reads only: read isolation checks it' };
  if (!context.mayCall(tool)) return { tool: tool.name, applicable: false, reason: 'writes not allowed' };
  if (isolationPairs(context.target).length === 0) return { tool: tool.name, applicable: false, reason: 'no two principals to isolate (one tenant, and users not isolated)' };
  // A case naming the victim's objects: four snapshots of about two reads each, the call, and a replay.
  return { tool: tool.name, applicable: true, estimatedRequests: context.options.runs * 10 };
}

/** What one case did to the victim's objects. */
interface Attempt {
  /** Objects of B's whose record changed, each with its record before and after. */
  readonly changed: readonly { readonly id: string; readonly before: string; readonly after: string | undefined }[];
  readonly exchanges: readonly Exchange[];
}

interface Failure extends Attempt {
  readonly pair: IsolationPair;
  readonly args: unknown;
  readonly replayed: boolean;
}

function clip(text: string, length = 240): string {
  return text.length > length ? `${text.slice(0, length - 3)}...` : text;
}

/** `status: "open" → "cancelled"` for the fields two records of one object differ in; the records themselves when they are not JSON. */
export function recordChange(before: string, after: string | undefined): string {
  if (after === undefined) return `it no longer appears (was ${clip(before)})`;
  const parse = (record: string): Record<string, unknown> | undefined => {
    const json = record.split('\n')[0]?.replace(/^[^:]*: /, '');
    try {
      const value: unknown = JSON.parse(json ?? '');
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const left = parse(before);
  const right = parse(after);
  if (left !== undefined && right !== undefined) {
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    // JSON.stringify answers undefined (typed as string) for a missing field.
    const shown = (value: unknown) => (JSON.stringify(value) as string | undefined) ?? 'absent';
    const changes = keys.filter((key) => shown(left[key]) !== shown(right[key])).map((key) => `${key}: ${shown(left[key])} → ${shown(right[key])}`);
    if (changes.length > 0) return changes.join(', ');
  }
  return `${clip(before)} → ${clip(after)}`;
}

/** The write-isolation property (see the module). */
export const writeIsolation: Property = perToolProperty({ id: 'write-isolation', writes: true, cell: writeIsolationCell, runTool: runWriteCell });

async function runWriteCell(tool: ListedTool, ctx: RunContext): Promise<CellOutcome> {
  const { target, harvest } = ctx;
  const pairs = isolationPairs(target);
  if (pairs.length === 0) return { status: 'not-exercised', reason: 'no two principals to isolate', cases: 0, requests: 0 };
  const tenantOf = new Map(target.principals.map((principal) => [principal.name, principal.tenant]));
  const publicValues = new Set(target.publicValues.map((value) => value.toLowerCase()));
  const reset = target.reset;
  let requests = 0;
  const reach = new Reach();
  let failure: Failure | undefined;

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
      if (outcome.kind === 'result') ctx.write({ tool: tool.name, principal, arguments: args });
      return outcome;
    } catch {
      return undefined;
    }
  };

  const snapshot = async (victim: string, ids: readonly string[]): Promise<ObjectSnapshot | undefined> => {
    const view = harvest.views.get(victim);
    if (view === undefined) return undefined;
    const taken = await snapshotObjects(ctx, victim, view, ids);
    requests += taken.requests;
    return taken;
  };

  /** Objects of the victim's that the request names and nobody on the attacker's side saw. */
  const namedObjects = (pair: IsolationPair, args: unknown): string[] => {
    const view = harvest.views.get(pair.victim);
    if (view === undefined) return [];
    const side = attackerSide(target, pair.attacker).flatMap((name) => harvest.views.get(name) ?? []);
    return namedInRequest(requestFragments(args), view.ids.keys()).filter((id) => !publicValues.has(id.toLowerCase()) && !side.some((seen) => seen.ids.has(id) || seen.values.has(id)));
  };

  const attempt = async (pair: IsolationPair, args: unknown): Promise<Attempt | undefined> => {
    const named = namedObjects(pair, args);
    // A case naming none of the victim's objects cannot find anything: it runs on the data as it is.
    if (named.length > 0 && reset !== undefined) await reset();
    if (named.length === 0) {
      const outcome = await call(pair.attacker, args);
      if (outcome !== undefined) reach.add(caseReach(outcome, false));
      return { changed: [], exchanges: [] };
    }
    const first = await snapshot(pair.victim, named);
    const second = await snapshot(pair.victim, named);
    const outcome = await call(pair.attacker, args);
    if (outcome === undefined || first === undefined || second === undefined) return undefined;
    reach.add(caseReach(outcome, true));
    const third = await snapshot(pair.victim, named);
    const fourth = await snapshot(pair.victim, named);
    if (third === undefined || fourth === undefined) return undefined;
    const changed = named.flatMap((id) => {
      const before = first.records.get(id);
      const after = third.records.get(id);
      // Stable before (and visible to the victim), stable after, and different.
      if (before === undefined || before !== second.records.get(id) || after !== fourth.records.get(id) || before === after) return [];
      return [{ id, before, after }];
    });
    const exchanges = [outcome.exchange, second.exchanges[0], third.exchanges[0]].filter((exchange) => exchange !== undefined);
    return { changed, exchanges };
  };

  // Cases that already held, by (pair, input): fast-check draws the same small inputs again and again
  // (a pool of a few ids), and shrinking retries candidates it has tried. With reset() every case starts
  // from the same data, so the same case holds again; without it, one that changed nothing the first
  // time is not sent again either. Write cases run one at a time, so every one saved is latency saved.
  const held = new Set<string>();
  const check = async ({ pair: index, args }: { pair: number; args: unknown }): Promise<boolean> => {
    const pair = pairs[index];
    if (pair === undefined || ctx.deadline.expired()) return true;
    const key = `${String(index)}\0${canonicalJson(args)}`;
    if (held.has(key)) return true;
    const found = await attempt(pair, args);
    if (found === undefined || found.changed.length === 0) {
      if (found !== undefined) held.add(key);
      return true;
    }
    if (reset === undefined || ctx.deadline.expired()) {
      failure = { ...found, pair, args, replayed: false };
      return false;
    }
    // Replay from the same reset data: the same objects must change again.
    const again = await attempt(pair, args);
    const ids = new Set(again?.changed.map((change) => change.id));
    const confirmed = found.changed.filter((change) => ids.has(change.id));
    if (confirmed.length === 0) return true;
    failure = { changed: confirmed, exchanges: found.exchanges, pair, args, replayed: true };
    return false;
  };

  let details;
  try {
    details = await fc.check(
      fc.asyncProperty(fc.oneof(...arbitraries), check),
      cellParameters(ctx.options, 'write-isolation', tool.name, { shrink: reset !== undefined, timeLimitMs: ctx.deadline.remainingMs() }),
    );
  } finally {
    // Leave the seeded data as it was for the cells that follow.
    if (reset !== undefined) await Promise.resolve(reset()).catch(() => undefined);
  }
  const cases = details.numRuns;
  if (details.failed && failure !== undefined) {
    const found = failure;
    const [first] = found.changed;
    const firstExchange = found.exchanges[0];
    const objects = found.changed.map((change) => change.id);
    const changes = found.changed.slice(0, 3).map((change) => `${change.id}: ${recordChange(change.before, change.after)}`);
    const how = found.replayed
      ? ` After reset(), replaying the same input changed ${objects.length === 1 ? 'it' : 'them'} again.`
      : reset === undefined
        ? ' The target has no reset(): this counterexample was not shrunk nor replayed, and the data stays changed (the writes are listed).'
        : ' The time budget ran out before a replay.';
    ctx.finding({
      ruleId: 'harness/cross-tenant-write',
      severity: harnessSeverity('harness/cross-tenant-write'),
      confidence: found.replayed ? 'high' : 'medium',
      messageId: 'crossTenantWrite',
      message: `${found.pair.attacker} (${tenantOf.get(found.pair.attacker) ?? ''}) changed ${found.pair.victim}'s ${first?.id ?? 'object'} (${tenantOf.get(found.pair.victim) ?? ''}) through ${tool.name}.`,
      data: { principal: found.pair.attacker, victim: found.pair.victim, tool: tool.name, object: first?.id ?? '' },
      tool: tool.name,
      principal: found.pair.attacker,
      victim: found.pair.victim,
      input: found.args,
      evidence: {
        summary:
          `${found.pair.attacker} called ${tool.name} naming ${objects.join(', ')}, which ${found.pair.victim}'s harvest saw and nobody on ${found.pair.attacker}'s side did; ` +
          `${found.pair.victim}'s reads, stable across two reads before the call and two after, changed: ${changes.join('; ')}.${how}`,
        exchanges: found.exchanges,
      },
      reproduce: {
        curl: firstExchange === undefined ? '' : ctx.curl(firstExchange),
        seed: ctx.options.seed,
        path: reproducePath('write-isolation', tool.name, details.counterexamplePath ?? ''),
      },
    });
    return { status: 'failed', reason: `${found.pair.attacker} changed ${found.pair.victim}'s data`, cases, requests };
  }
  return outcomeWithoutFinding(details, ctx.deadline, { cases, requests }, () => reach.coverage());
}
