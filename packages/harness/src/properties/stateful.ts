/**
 * Stateful sequences (fast-check `commands`): owner O creates objects through the server's create
 * tools; X, in another tenant (or another user, when users are isolated), lists, reads, updates and
 * deletes them by the ids O received. What the harvest cannot know (objects created after it) is
 * checked here:
 *
 * - X's list or read answer holding a value O's create answer gave (by the ownership oracle, against
 *   X's side's harvests and a fresh one) and replayed: `harness/cross-tenant-read` on X's tool;
 * - O's reads of the object (stable twice before and twice after X's call) changing:
 *   `harness/cross-tenant-write` on X's tool.
 *
 * One target-wide cell; each sequence starts from the hook's `reset()` when there is one (then
 * sequences shrink), and otherwise the first counterexample ends the cell. O only creates; only X
 * changes anything, and every call that answered with a result is listed as a write.
 *
 * @module
 */
import fc from 'fast-check';
// The name lists only: the analyzer's entry point would load the TypeScript compiler API.
import { wordsOf } from '@mcify-audit/analyzer/name-lists';
import { argumentPlan, harvestRequests, isHarvestTool, snapshotObjects, toolKind, type ArgumentPlan } from '../engine/harvest.js';
import { answerLeaves, attackerSide, isIdLikeKey, isolationPairs, occursInRequest, requestFragments, victimValues, type IsolationPair, type VictimValue } from '../engine/ownership.js';
import type { CellOutcome, PlanContext, PlannedCell, PrincipalView, Property, RunContext, SeenValue } from '../engine/property.js';
import { cellParameters, reproducePath } from '../engine/seeds.js';
import { harnessSeverity, type CallOutcome, type Exchange, type HarnessRuleId, type ListedTool } from '../engine/types.js';
import { arbitraryFor } from '../fuzz/schema-arbitrary.js';
import { outcomeWithoutFinding } from './read-isolation.js';
import { recordChange } from './write-isolation.js';

/** Verbs that make a write tool a create tool. */
export const createVerbs: ReadonlySet<string> = new Set(['create', 'add', 'new', 'place', 'insert', 'open', 'register', 'submit', 'post', 'upload', 'book']);

/** Commands per sequence, at most. */
const maxCommands = 6;

/** Whether a tool creates objects: a write whose name's verb (last word, then first) is a create verb. */
export function isCreateTool(tool: Pick<ListedTool, 'name' | 'annotations'>): boolean {
  if (toolKind(tool) !== 'write') return false;
  const words = wordsOf(tool.name);
  return [words.at(-1), words[0]].some((word) => word !== undefined && createVerbs.has(word));
}

interface ToolsOfSequence {
  readonly create: readonly ListedTool[];
  /** Reads taking no id (lists), called by X with arguments drawn from O's pools. */
  readonly lists: readonly ListedTool[];
  /** Reads taking one id, called by X with an id O received. */
  readonly reads: readonly { readonly tool: ListedTool; readonly argument: string; readonly plan: ArgumentPlan }[];
  /** Writes that are not creates and take an id: X's updates and deletes. */
  readonly changes: readonly { readonly tool: ListedTool; readonly argument: string }[];
}

function firstIdArgument(schema: Readonly<Record<string, unknown>>, idFields: readonly string[]): string | undefined {
  const properties = schema.properties;
  if (properties === null || typeof properties !== 'object') return undefined;
  const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
  const names = [...required, ...Object.keys(properties)];
  return names.find((name) => isIdLikeKey(name, idFields));
}

function sequenceTools(context: Pick<PlanContext, 'target' | 'tools' | 'mayCall' | 'isSensitive'>): ToolsOfSequence {
  const { tools, target } = context;
  const callable = tools.filter((tool) => context.mayCall(tool));
  const harvestable = tools.filter((tool) => isHarvestTool(tool, context));
  const reads = harvestable.flatMap((tool) => {
    const plan = argumentPlan(tool.inputSchema, target.idFields);
    const [only, ...others] = plan?.idArguments ?? [];
    return plan !== undefined && only !== undefined && others.length === 0 && !only.identity && !only.integer ? [{ tool, argument: only.name, plan }] : [];
  });
  const lists = harvestable.filter((tool) => argumentPlan(tool.inputSchema, target.idFields)?.idArguments.length === 0);
  const changes = callable.flatMap((tool) => {
    if (toolKind(tool) !== 'write' || isCreateTool(tool)) return [];
    const argument = firstIdArgument(tool.inputSchema, target.idFields);
    return argument === undefined ? [] : [{ tool, argument }];
  });
  return { create: callable.filter(isCreateTool), lists, reads, changes };
}

/** The one target-wide cell: applicable with a callable create tool, something for X to do, and a pair. */
export function statefulCell(context: Pick<PlanContext, 'target' | 'tools' | 'options' | 'mayCall' | 'isSensitive'>): PlannedCell {
  const anyCreate = context.tools.some(isCreateTool);
  const tools = sequenceTools(context);
  if (!anyCreate) return { tool: null, applicable: false, reason: 'no create tool (create, add, new, place, insert, open...)' };
  if (tools.create.length === 0) return { tool: null, applicable: false, reason: 'writes not allowed' };
  if (tools.lists.length + tools.reads.length + tools.changes.length === 0) return { tool: null, applicable: false, reason: 'no tool for the other tenant to reach the objects with' };
  if (isolationPairs(context.target).length === 0) return { tool: null, applicable: false, reason: 'no two principals to isolate (one tenant, and users not isolated)' };
  return { tool: null, applicable: true, estimatedRequests: sequencesFor(context.options.runs) * maxCommands * 6 };
}

/** Sequences per run: a quarter of `--runs` (each is several requests), at least 5. */
function sequencesFor(runs: number): number {
  return Math.max(5, Math.ceil(runs / 4));
}

// ---------------------------------------------------------------------------------------------------
// The model

/** An object O created, and what O was told about it. */
interface Created {
  readonly id: string;
  readonly tool: string;
  readonly leaves: readonly { readonly value: string; readonly key: string }[];
}

interface Model {
  readonly created: Created[];
}

/** What a sequence found, thrown out of the model run so fast-check sees a failure. */
class Breach extends Error {
  override readonly name = 'Breach';
  constructor(
    readonly ruleId: HarnessRuleId,
    readonly tool: string,
    readonly input: unknown,
    readonly summary: string,
    readonly exchanges: readonly Exchange[],
    readonly value: string,
    readonly confidence: 'high' | 'medium',
  ) {
    super(`${ruleId} on ${tool}`);
  }
}

/** The view of O the oracle reads: what O's create answers showed (ids under id-like keys, every value). */
function createdView(owner: string, created: readonly Created[], idFields: readonly string[]): PrincipalView {
  const ids = new Map<string, SeenValue>();
  const values = new Set<string>();
  for (const object of created) {
    for (const leaf of object.leaves) {
      values.add(leaf.value);
      if (isIdLikeKey(leaf.key, idFields) && !ids.has(leaf.value)) ids.set(leaf.value, { value: leaf.value, key: leaf.key, tool: object.tool });
    }
  }
  return { principal: owner, ids, values, idsByField: new Map(), answeredTools: new Set(created.map((object) => object.tool)) };
}

/** The stateful property (see the module). */
export const stateful: Property = {
  id: 'stateful',
  writes: true,
  plan(context) {
    return [statefulCell(context)];
  },
  run(_tool, ctx) {
    return runSequences(ctx);
  },
};

async function runSequences(ctx: RunContext): Promise<CellOutcome> {
  const { target, harvest } = ctx;
  const pairs = isolationPairs(target);
  const tools = sequenceTools(ctx);
  const reset = target.reset;
  const tenantOf = new Map(target.principals.map((principal) => [principal.name, principal.tenant]));
  if (pairs.length === 0 || tools.create.length === 0) return { status: 'not-exercised', reason: 'nothing to run', cases: 0, requests: 0 };
  let requests = 0;
  /** Objects created, and X's calls on them that got past validation (a counter object: the commands update it). */
  const stats = { created: 0, reached: 0 };
  let breach: Breach | undefined;
  let breachPair: IsolationPair | undefined;
  let steps: string[] = [];
  let breachSteps: readonly string[] = [];
  const freshSides = new Map<string, readonly PrincipalView[]>();

  const call = async (principal: string, tool: string, args: unknown, writes: boolean): Promise<CallOutcome | undefined> => {
    try {
      const client = await ctx.client(principal);
      const outcome = await client.callTool(tool, args);
      requests += 1;
      if (writes && outcome.kind === 'result') ctx.write({ tool, principal, arguments: args });
      return outcome;
    } catch {
      return undefined;
    }
  };

  const sideViews = async (attacker: string, fresh: boolean): Promise<readonly PrincipalView[]> => {
    const side = attackerSide(target, attacker);
    const stored = side.flatMap((name) => harvest.views.get(name) ?? []);
    if (!fresh) return stored;
    const key = side.join('\0');
    let refreshed = freshSides.get(key);
    if (refreshed === undefined) {
      refreshed = await Promise.all(side.map((name) => harvest.refresh(name)));
      for (const view of refreshed) requests += harvestRequests(view);
      freshSides.set(key, refreshed);
    }
    return [...stored, ...refreshed];
  };

  /** X's read (list or by id): O's values in the answer, confirmed against fresh harvests and a replay, throw a Breach. */
  const checkRead = async (pair: IsolationPair, model: Model, tool: string, args: unknown): Promise<void> => {
    const outcome = await call(pair.attacker, tool, args, false);
    if (outcome === undefined) return;
    if (outcome.kind === 'result') stats.reached += 1;
    if (outcome.kind !== 'result' && outcome.kind !== 'tool-error') return;
    const victim = createdView(pair.victim, model.created, target.idFields);
    const fragments = requestFragments(args);
    const oracle = (answer: CallOutcome, views: readonly PrincipalView[]): VictimValue[] =>
      victimValues({ answer: answerLeaves(answer), victim, attackerSide: views, request: args, fragments, publicValues: target.publicValues, idFields: target.idFields });
    if (oracle(outcome, await sideViews(pair.attacker, false)).length === 0) return;
    const views = await sideViews(pair.attacker, true);
    const suspects = oracle(outcome, views);
    if (suspects.length === 0) return;
    const replay = await call(pair.attacker, tool, args, false);
    const again = new Set(replay === undefined ? [] : oracle(replay, views).map((value) => value.value));
    const confirmed = suspects.filter((value) => again.has(value.value));
    if (confirmed.length === 0) return;
    const shown = confirmed.slice(0, 5).map((value) => JSON.stringify(value.value)).join(', ');
    throw new Breach(
      'harness/cross-tenant-read',
      tool,
      args,
      `${tool} answered ${pair.attacker} with ${shown}, which ${pair.victim}'s create answers gave and nobody on ${pair.attacker}'s side saw (nor in a fresh harvest), not carried by the request; a replay gave it again.`,
      [outcome.exchange, replay?.exchange].filter((exchange) => exchange !== undefined),
      confirmed[0]?.value ?? '',
      'high',
    );
  };

  class CreateCommand implements fc.AsyncCommand<Model, IsolationPair> {
    constructor(
      readonly tool: string,
      readonly args: unknown,
    ) {}
    check(): boolean {
      return true;
    }
    async run(model: Model, pair: IsolationPair): Promise<void> {
      const outcome = await call(pair.victim, this.tool, this.args, true);
      steps.push(`${pair.victim} ${this.toString()}`);
      if (outcome?.kind !== 'result') return;
      const leaves = answerLeaves(outcome);
      const known = harvest.views.get(pair.victim);
      const fragments = requestFragments(this.args);
      // The new object's id: the first id-like value the owner had not seen and did not send.
      const fresh = leaves.filter((leaf) => isIdLikeKey(leaf.key, target.idFields) && known?.values.has(leaf.value) !== true && !occursInRequest(leaf.value, fragments));
      const id = (fresh.find((leaf) => leaf.key === 'id') ?? fresh[0])?.value;
      if (id === undefined) return;
      stats.created += 1;
      model.created.push({ id, tool: this.tool, leaves });
    }
    toString(): string {
      return `${this.tool} ${JSON.stringify(this.args)}`;
    }
  }

  class ListCommand implements fc.AsyncCommand<Model, IsolationPair> {
    constructor(
      readonly tool: string,
      readonly args: unknown,
    ) {}
    check(model: Readonly<Model>): boolean {
      return model.created.length > 0;
    }
    async run(model: Model, pair: IsolationPair): Promise<void> {
      steps.push(`${pair.attacker} ${this.toString()}`);
      await checkRead(pair, model, this.tool, this.args);
    }
    toString(): string {
      return `${this.tool} ${JSON.stringify(this.args)}`;
    }
  }

  class ReadCommand implements fc.AsyncCommand<Model, IsolationPair> {
    constructor(
      readonly tool: string,
      readonly argument: string,
      readonly fixed: Readonly<Record<string, unknown>>,
      readonly pick: number,
    ) {}
    check(model: Readonly<Model>): boolean {
      return model.created.length > 0;
    }
    async run(model: Model, pair: IsolationPair): Promise<void> {
      const object = model.created[this.pick % model.created.length];
      if (object === undefined) return;
      const args = { ...this.fixed, [this.argument]: object.id };
      steps.push(`${pair.attacker} ${this.tool} ${JSON.stringify(args)}`);
      await checkRead(pair, model, this.tool, args);
    }
    toString(): string {
      return `${this.tool} {${this.argument}: created #${String(this.pick)}}`;
    }
  }

  class ChangeCommand implements fc.AsyncCommand<Model, IsolationPair> {
    constructor(
      readonly tool: string,
      readonly argument: string,
      readonly args: unknown,
      readonly pick: number,
    ) {}
    check(model: Readonly<Model>): boolean {
      return model.created.length > 0;
    }
    async run(model: Model, pair: IsolationPair): Promise<void> {
      const object = model.created[this.pick % model.created.length];
      if (object === undefined) return;
      const base = this.args !== null && typeof this.args === 'object' && !Array.isArray(this.args) ? this.args : {};
      const args = { ...base, [this.argument]: object.id };
      steps.push(`${pair.attacker} ${this.tool} ${JSON.stringify(args)}`);
      const owner = createdView(pair.victim, [object], target.idFields);
      const read = () => snapshotObjects(ctx, pair.victim, owner, [object.id], { lists: true });
      const first = await read();
      const second = await read();
      const outcome = await call(pair.attacker, this.tool, args, true);
      const third = await read();
      const fourth = await read();
      requests += first.requests + second.requests + third.requests + fourth.requests;
      if (outcome === undefined) return;
      if (outcome.kind === 'result' || outcome.kind === 'tool-error') stats.reached += 1;
      const before = first.records.get(object.id);
      const after = third.records.get(object.id);
      if (before === undefined || before !== second.records.get(object.id) || after !== fourth.records.get(object.id) || before === after) return;
      throw new Breach(
        'harness/cross-tenant-write',
        this.tool,
        args,
        `${pair.victim} created ${object.id} (${object.tool}); ${pair.attacker} called ${this.tool} with it, and ${pair.victim}'s reads of it, stable across two reads before and two after, changed: ${recordChange(before, after)}.`,
        [outcome.exchange, second.exchanges[0], third.exchanges[0]].filter((exchange) => exchange !== undefined),
        object.id,
        'medium',
      );
    }
    toString(): string {
      return `${this.tool} {${this.argument}: created #${String(this.pick)}}`;
    }
  }

  const createsFor = (pair: IsolationPair): fc.Arbitrary<CreateCommand>[] =>
    tools.create.map((tool) => arbitraryFor(tool.inputSchema, { pools: { idLike: harvest.idPool(pair.victim), identity: [] } }).arbitrary.map((args) => new CreateCommand(tool.name, args)));
  const commandsFor = (pair: IsolationPair): fc.Arbitrary<fc.AsyncCommand<Model, IsolationPair>>[] => {
    const pools = { idLike: harvest.idPool(pair.victim), identity: harvest.identityPool(pair.victim) };
    return [
      ...createsFor(pair),
      ...tools.lists.map((tool) => arbitraryFor(tool.inputSchema, { pools }).arbitrary.map((args) => new ListCommand(tool.name, args))),
      ...tools.reads.map(({ tool, argument, plan }) => fc.nat(maxCommands).map((pick) => new ReadCommand(tool.name, argument, plan.fixed, pick))),
      ...tools.changes.map(({ tool, argument }) => fc.tuple(arbitraryFor(tool.inputSchema, { pools }).arbitrary, fc.nat(maxCommands)).map(([args, pick]) => new ChangeCommand(tool.name, argument, args, pick))),
    ];
  };
  // Every sequence opens with a create, so the other commands have an object to reach.
  const sequences = fc.oneof(
    ...pairs.map((pair, index) => fc.tuple(fc.oneof(...createsFor(pair)), fc.commands(commandsFor(pair), { maxCommands })).map(([first, commands]) => ({ pair: index, first, commands }))),
  );

  const property = fc.asyncProperty(sequences, async ({ pair: index, first, commands }) => {
    const pair = pairs[index];
    if (pair === undefined || ctx.deadline.expired()) return;
    if (reset !== undefined) await reset();
    steps = [];
    try {
      await fc.asyncModelRun(() => ({ model: { created: [] }, real: pair }), [first, ...commands]);
    } catch (error) {
      if (error instanceof Breach) {
        breach = error;
        breachPair = pair;
        breachSteps = [...steps];
      }
      throw error;
    }
  });
  let details;
  try {
    details = await fc.check(property, cellParameters({ ...ctx.options, runs: sequencesFor(ctx.options.runs) }, 'stateful', null, { shrink: reset !== undefined, timeLimitMs: ctx.deadline.remainingMs() }));
  } finally {
    if (reset !== undefined) await Promise.resolve(reset()).catch(() => undefined);
  }
  const cases = details.numRuns;
  if (details.failed && breach !== undefined && breachPair !== undefined) {
    const found = breach;
    const pair = breachPair;
    const firstExchange = found.exchanges[0];
    const read = found.ruleId === 'harness/cross-tenant-read';
    ctx.finding({
      ruleId: found.ruleId,
      severity: harnessSeverity(found.ruleId),
      confidence: found.confidence,
      messageId: read ? 'crossTenantReadSequence' : 'crossTenantWriteSequence',
      message: `${pair.attacker} (${tenantOf.get(pair.attacker) ?? ''}) ${read ? 'read' : 'changed'} an object ${pair.victim} (${tenantOf.get(pair.victim) ?? ''}) had just created, through ${found.tool}.`,
      data: { principal: pair.attacker, victim: pair.victim, tool: found.tool, value: found.value },
      tool: found.tool,
      principal: pair.attacker,
      victim: pair.victim,
      input: found.input,
      evidence: {
        summary: `${found.summary} The sequence: ${breachSteps.join('; ')}.${reset === undefined ? ' The target has no reset(): the sequence was not shrunk.' : ''}`,
        exchanges: found.exchanges,
      },
      reproduce: { curl: firstExchange === undefined ? '' : ctx.curl(firstExchange), seed: ctx.options.seed, path: reproducePath('stateful', null, details.counterexamplePath ?? '') },
    });
    return { status: 'failed', reason: `${pair.attacker} reached ${pair.victim}'s new object through ${found.tool}`, cases, requests };
  }
  return outcomeWithoutFinding(details, ctx.deadline, { cases, requests }, () => {
    if (stats.created === 0) return { status: 'not-exercised', reason: 'no create call gave an object id' };
    if (stats.reached === 0) return { status: 'not-exercised', reason: 'no list, read or change of a created object got past validation' };
    return { status: 'held' };
  });
}
