/**
 * The harvest: what each principal can see, gathered before any property runs, so read and write
 * isolation can draw one principal's ids into another's requests and tell whose a value is.
 *
 * **Which tools.** Only reads: a tool annotated `readOnlyHint: true`; or, without that annotation, a
 * tool the run may call (in-process, or black-box with `--allow-writes`) whose name's verb is a read
 * verb ({@link readVerbs}: get, list, search, find, read, show, describe, view, fetch, query, lookup,
 * info, summary, count, export, stats, status, ...) and that is not sensitive (so `orders_export`,
 * a read, is left to the read-isolation property and never called by the harvest). A name whose verb
 * is a write verb (create, update, cancel, refund, connect, ...), or has no verb at all, is a write.
 * An annotation `readOnlyHint: false` or `destructiveHint: true` makes a tool a write whatever its name.
 *
 * **Order.** Tools with no required arguments first (`{}`, plus required arguments that have a
 * default, a `const` or an `enum`), then, for a few bounded rounds, tools whose required arguments are
 * id-like or identity fields, called with the ids (or the principal's own identity) found so far.
 * Cursors in answers (`nextCursor`, `cursor`, `next_page`, `nextPageToken`, `hasMore` with a `page` or
 * `offset` argument) are followed up to `harvestPages` pages per call. The hook's `objects` and
 * `--id` values join the views. (A 429 pauses the principal in the client layer, within the budget.)
 *
 * Principals are harvested concurrently, at most `concurrency` calls at a time in all.
 *
 * @module
 */
import { createHash } from 'node:crypto';
// The name lists only: the analyzer's entry point would load the TypeScript compiler API.
import { wordsOf } from '@mcify-audit/analyzer/name-lists';
import { isIdentityFieldName, isIdLikeName, sortedPool } from '../fuzz/field-names.js';
import { answerLeaves, canonicalJson, isIdLikeKey, objectRecords } from './ownership.js';
import type { Deadline, Harvest, PrincipalView, ResolvedFuzzOptions, SeenValue } from './property.js';
import type { CallOutcome, Exchange, FuzzTarget, HarnessNote, ListedTool, Principal, PrincipalClient } from './types.js';

/** What the harvest needs of the run: a subset of the {@link import('./property.js').RunContext}. */
export interface HarvestDeps {
  readonly target: FuzzTarget;
  readonly options: Pick<ResolvedFuzzOptions, 'harvestPages' | 'concurrency'>;
  readonly tools: readonly ListedTool[];
  readonly deadline: Deadline;
  client(principal: string): Promise<PrincipalClient>;
  mayCall(tool: ListedTool): boolean;
  isSensitive(tool: ListedTool): boolean;
  note?(note: HarnessNote): void;
}

/** Verbs that make a tool name a read (the analyzer's read verbs and a few more). */
export const readVerbs: ReadonlySet<string> = new Set([
  'get', 'list', 'search', 'find', 'read', 'show', 'describe', 'view', 'fetch', 'query', 'lookup', 'info', 'summary',
  'summarize', 'summarise', 'count', 'export', 'stats', 'status', 'browse', 'inspect', 'retrieve', 'whoami', 'me',
]);

/** Verbs that make a tool name a write: creates, changes, deletes, sends, connects. */
export const writeVerbs: ReadonlySet<string> = new Set([
  'create', 'add', 'new', 'place', 'insert', 'open', 'update', 'set', 'edit', 'patch', 'put', 'upsert', 'save', 'modify',
  'change', 'delete', 'remove', 'destroy', 'purge', 'wipe', 'erase', 'drop', 'cancel', 'refund', 'void', 'revoke',
  'transfer', 'payout', 'withdraw', 'charge', 'pay', 'approve', 'grant', 'impersonate', 'reset', 'rotate', 'send', 'post',
  'submit', 'upload', 'import', 'write', 'move', 'rename', 'assign', 'unassign', 'connect', 'disconnect', 'link', 'unlink',
  'invite', 'register', 'book', 'publish', 'unpublish', 'archive', 'restore', 'close', 'complete', 'confirm', 'accept',
  'reject', 'deny', 'mark', 'toggle', 'enable', 'disable', 'start', 'stop', 'run', 'execute', 'exec', 'trigger', 'sync',
  'merge', 'apply', 'issue', 'subscribe', 'unsubscribe', 'lock', 'unlock', 'block', 'unblock', 'ban', 'share', 'copy',
  'clone', 'duplicate', 'generate', 'login', 'logout', 'signup', 'clear', 'dump', 'schedule', 'notify', 'email',
]);

/**
 * Whether a tool only reads: `readOnlyHint: true`; else `readOnlyHint: false` or `destructiveHint:
 * true` make it a write; else its name's verb decides (the last word, then the first, then any word;
 * write verbs before read verbs), and a name without a verb is a write.
 */
export function toolKind(tool: Pick<ListedTool, 'name' | 'annotations'>): 'read' | 'write' {
  const hints = tool.annotations;
  if (hints?.readOnlyHint === true) return 'read';
  if (hints?.readOnlyHint === false || hints?.destructiveHint === true) return 'write';
  const words = wordsOf(tool.name);
  for (const word of [words.at(-1), words[0]]) {
    if (word === undefined) continue;
    if (readVerbs.has(word)) return 'read';
    if (writeVerbs.has(word)) return 'write';
  }
  if (words.some((word) => writeVerbs.has(word))) return 'write';
  return words.some((word) => readVerbs.has(word)) ? 'read' : 'write';
}

/** Whether the harvest may call the tool: a read, callable in this run, and (unless annotated read-only) not sensitive. */
export function isHarvestTool(tool: ListedTool, deps: Pick<HarvestDeps, 'mayCall' | 'isSensitive'>): boolean {
  if (toolKind(tool) !== 'read' || !deps.mayCall(tool)) return false;
  return tool.annotations?.readOnlyHint === true || !deps.isSensitive(tool);
}

// ---------------------------------------------------------------------------------------------------
// Arguments

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A required argument the harvest fills with ids (or the principal's identity). */
interface IdArgument {
  readonly name: string;
  readonly integer: boolean;
  readonly identity: boolean;
}

/** How the harvest calls a tool: fixed arguments, and the id arguments to fill; undefined when it cannot. */
export interface ArgumentPlan {
  readonly fixed: Json;
  readonly idArguments: readonly IdArgument[];
  /** The input's property names (for cursors). */
  readonly properties: ReadonlyMap<string, Json>;
}

function typesOf(schema: Json): string[] {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((type): type is string => typeof type === 'string');
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) return branches.flatMap((branch) => (isObject(branch) ? typesOf(branch) : []));
  }
  return [];
}

/**
 * The plan for calling a tool from its input schema: required arguments with a `default`, `const` or
 * `enum` are fixed (the first enum value), id-like and identity string or integer arguments are to be
 * filled; any other required argument makes the tool uncallable by the harvest (undefined).
 */
export function argumentPlan(schema: Readonly<Record<string, unknown>>, idFields: readonly string[] = []): ArgumentPlan | undefined {
  const properties = new Map<string, Json>();
  if (isObject(schema.properties)) for (const [name, property] of Object.entries(schema.properties)) if (isObject(property)) properties.set(name, property);
  const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
  const fixed: Record<string, unknown> = {};
  const idArguments: IdArgument[] = [];
  for (const name of required) {
    const property = properties.get(name) ?? {};
    if ('default' in property) fixed[name] = property.default;
    else if ('const' in property) fixed[name] = property.const;
    else if (Array.isArray(property.enum) && property.enum.length > 0) fixed[name] = property.enum[0];
    else {
      const types = typesOf(property);
      const identity = isIdentityFieldName(name);
      const idLike = identity || isIdLikeName(name) || idFields.includes(name);
      const stringy = types.length === 0 || types.includes('string');
      const integer = !stringy && (types.includes('integer') || types.includes('number'));
      if (!idLike || (!stringy && !integer)) return undefined;
      idArguments.push({ name, integer, identity });
    }
  }
  return { fixed, idArguments, properties };
}

// ---------------------------------------------------------------------------------------------------
// Cursors

const cursorKeys = ['nextCursor', 'next_cursor', 'cursor', 'next_page', 'nextPage', 'nextPageToken', 'next_page_token', 'pageToken', 'next', 'continuation', 'after'];
const cursorArguments = ['cursor', 'nextCursor', 'next_cursor', 'pageToken', 'page_token', 'next_page', 'nextPage', 'after', 'starting_after', 'continuation', 'page'];

function largestArrayLength(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (!isObject(value)) return 0;
  return Math.max(0, ...Object.values(value).map((child) => (Array.isArray(child) ? child.length : 0)));
}

/** The arguments of the next page, when the answer says there is one and the tool takes a cursor; else undefined. */
export function nextPageArguments(args: Json, data: unknown, properties: ReadonlyMap<string, unknown>): Json | undefined {
  if (!isObject(data)) return undefined;
  for (const key of cursorKeys) {
    const cursor = data[key];
    if ((typeof cursor !== 'string' || cursor === '') && typeof cursor !== 'number') continue;
    const argument = properties.has(key) ? key : cursorArguments.find((name) => properties.has(name));
    if (argument !== undefined) return { ...args, [argument]: cursor };
  }
  const more = data.hasMore ?? data.has_more ?? data.more;
  if (more !== true) return undefined;
  if (properties.has('page')) return { ...args, page: (typeof args.page === 'number' ? args.page : 1) + 1 };
  if (properties.has('offset')) return { ...args, offset: (typeof args.offset === 'number' ? args.offset : 0) + largestArrayLength(data) };
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Views

/** One call the harvest made that was answered with a result, and the values it saw. */
interface HarvestCall {
  readonly tool: string;
  readonly args: Json;
  readonly values: ReadonlySet<string>;
}

/** Requests each view's harvest sent, and the calls that answered (for {@link snapshotObjects}). */
const requestsByView = new WeakMap<PrincipalView, number>();
const callsByView = new WeakMap<PrincipalView, readonly HarvestCall[]>();
const identityByView = new WeakMap<PrincipalView, readonly string[]>();

/** Orders two places a value was seen: by key, then by tool. */
function compareSeen(key: string, tool: string, otherKey: string, otherTool: string): number {
  if (key !== otherKey) return key < otherKey ? -1 : 1;
  return tool < otherTool ? -1 : tool > otherTool ? 1 : 0;
}

/** How many requests the harvest of this view sent (0 for a view the harvest did not build). */
export function harvestRequests(view: PrincipalView): number {
  return requestsByView.get(view) ?? 0;
}

class ViewBuilder {
  readonly ids = new Map<string, SeenValue>();
  readonly values = new Set<string>();
  readonly identity = new Set<string>();
  readonly answeredTools = new Set<string>();
  readonly calls: HarvestCall[] = [];
  requests = 0;
  /** The harvest's phase: 0 the hook's and --id objects, 1 the lists, then one per round of id reads. */
  phase = 0;
  readonly #phaseOf = new Map<string, number>();

  constructor(
    readonly principal: string,
    readonly idFields: readonly string[],
  ) {}

  addId(value: string, key: string, tool: string): void {
    if (value === '') return;
    this.values.add(value);
    // Answers of one phase arrive concurrently: of the places a value was seen, keep the earliest phase's
    // (the hook's and --id objects, then the lists, then each round of id reads), and within a phase the
    // first by key, then tool; not the first to arrive. So the same data always gives the same view, and
    // a seed replays the same cases.
    const known = this.ids.get(value);
    const phase = this.phase;
    const knownPhase = this.#phaseOf.get(value);
    if (known === undefined || knownPhase === undefined || phase < knownPhase || (phase === knownPhase && compareSeen(key, tool, known.key, known.tool) < 0)) {
      this.ids.set(value, { value, key, tool });
      this.#phaseOf.set(value, phase);
    }
  }

  /** Adds a result's values; returns how many ids were new. */
  addResult(tool: string, args: Json, outcome: CallOutcome): number {
    const before = this.ids.size;
    this.answeredTools.add(tool);
    const values = new Set<string>();
    for (const leaf of answerLeaves(outcome)) {
      if (leaf.value === '') continue;
      values.add(leaf.value);
      this.values.add(leaf.value);
      if (isIdLikeKey(leaf.key, this.idFields)) this.addId(leaf.value, leaf.key, tool);
      if (leaf.key !== '' && isIdentityFieldName(leaf.key)) this.identity.add(leaf.value);
    }
    this.calls.push({ tool, args, values });
    return this.ids.size - before;
  }

  /** Candidate values for an id argument: ids seen under the same key, then under `id`, then any; identity arguments take identity values first. */
  candidates(argument: IdArgument, own: readonly string[]): string[] {
    // Sorted, so which ids a bounded round tries does not depend on which answer arrived first.
    const seen = [...this.ids.values()].sort((left, right) => (left.value < right.value ? -1 : left.value > right.value ? 1 : 0));
    const sameKey = seen.filter((value) => value.key === argument.name).map((value) => value.value);
    const plainId = seen.filter((value) => value.key === 'id').map((value) => value.value);
    const rest = seen.map((value) => value.value);
    const ordered = argument.identity ? [...own, ...this.identity, ...sameKey, ...rest] : [...sameKey, ...plainId, ...rest];
    const unique = [...new Set(ordered)];
    return argument.integer ? unique.filter((value) => /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value))) : unique;
  }

  view(): PrincipalView {
    const byField = new Map<string, string[]>();
    for (const seen of this.ids.values()) byField.set(seen.key, [...(byField.get(seen.key) ?? []), seen.value]);
    const view: PrincipalView = {
      principal: this.principal,
      ids: new Map([...this.ids].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))),
      values: new Set(this.values),
      idsByField: new Map([...byField].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)).map(([key, values]) => [key, sortedPool(values)])),
      answeredTools: new Set(this.answeredTools),
    };
    requestsByView.set(view, this.requests);
    callsByView.set(view, [...this.calls]);
    identityByView.set(view, [...this.identity]);
    return view;
  }
}

/** A counting semaphore: at most `slots` tasks at once. */
function limiter(slots: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // A finishing task hands its slot to the next waiting one, so no newcomer slips in between.
    if (active >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next === undefined) active -= 1;
      else next();
    }
  };
}

/** Calls per tool per principal in the id rounds, rounds, and calls per principal in all. */
const callsPerTool = 25;
const idRounds = 3;
const callsPerPrincipal = 300;

/** Everything one harvest run shares: the deps, the limiter, the plans. */
class Harvester {
  readonly #deps: HarvestDeps;
  readonly #run: <T>(task: () => Promise<T>) => Promise<T>;
  readonly #listTools: { tool: ListedTool; plan: ArgumentPlan }[];
  readonly #idTools: { tool: ListedTool; plan: ArgumentPlan }[];
  constructor(deps: HarvestDeps) {
    this.#deps = deps;
    this.#run = limiter(Math.max(1, Math.floor(deps.options.concurrency)));
    const planned = deps.tools.filter((tool) => isHarvestTool(tool, deps)).flatMap((tool) => {
      const plan = argumentPlan(tool.inputSchema, deps.target.idFields);
      return plan === undefined ? [] : [{ tool, plan }];
    });
    this.#listTools = planned.filter(({ plan }) => plan.idArguments.length === 0);
    this.#idTools = planned.filter(({ plan }) => plan.idArguments.length > 0);
  }

  /** How many tools the harvest may call. */
  get toolCount(): number {
    return this.#listTools.length + this.#idTools.length;
  }

  /** One call through the limiter; undefined when the budget is out or the call threw. (The client layer pauses for 429s.) */
  async call(client: PrincipalClient, builder: ViewBuilder, tool: string, args: Json): Promise<CallOutcome | undefined> {
    if (this.#deps.deadline.expired()) return undefined;
    try {
      const outcome = await this.#run(() => client.callTool(tool, args));
      builder.requests += 1;
      return outcome;
    } catch {
      return undefined;
    }
  }

  /** Calls a tool and follows its cursors up to `harvestPages` pages. */
  async paged(client: PrincipalClient, builder: ViewBuilder, tool: ListedTool, plan: ArgumentPlan, args: Json, done: Set<string>): Promise<void> {
    let current: Json | undefined = args;
    for (let page = 0; current !== undefined && page < Math.max(1, this.#deps.options.harvestPages); page += 1) {
      const key = `${tool.name}\0${canonicalJson(current)}`;
      if (done.has(key) || done.size >= callsPerPrincipal) return;
      done.add(key);
      const outcome = await this.call(client, builder, tool.name, current);
      if (outcome?.kind !== 'result') return;
      builder.addResult(tool.name, current, outcome);
      current = nextPageArguments(current, outcome.data, plan.properties);
    }
  }

  async harvest(principal: Principal): Promise<PrincipalView> {
    const builder = new ViewBuilder(principal.name, this.#deps.target.idFields);
    for (const [field, values] of Object.entries(this.#deps.target.objects[principal.name] ?? {})) for (const value of values) builder.addId(value, field, '');
    let client: PrincipalClient;
    try {
      client = await this.#deps.client(principal.name);
    } catch (error) {
      this.#deps.note?.({ code: 'harvest', message: `${principal.name}'s harvest could not connect (${error instanceof Error ? error.message : String(error)}): its view holds only the hook's or --id objects.` });
      return builder.view();
    }
    const done = new Set<string>();
    builder.phase = 1;
    await Promise.all(this.#listTools.map(({ tool, plan }) => this.paged(client, builder, tool, plan, plan.fixed, done)));
    const own = identityOf(principal);
    const tried = new Map<string, Set<string>>();
    for (let round = 0; round < idRounds && !this.#deps.deadline.expired(); round += 1) {
      builder.phase = round + 2;
      const before = builder.ids.size;
      const calls: Promise<void>[] = [];
      for (const { tool, plan } of this.#idTools) {
        const used = tried.get(tool.name) ?? new Set<string>();
        tried.set(tool.name, used);
        const [first, ...others] = plan.idArguments;
        if (first === undefined) continue;
        // Further id arguments take their first candidate; a tool with one that has none waits for a later round.
        const rest: Record<string, string | number> = {};
        for (const argument of others) {
          const value = builder.candidates(argument, own)[0];
          if (value !== undefined) rest[argument.name] = argument.integer ? Number(value) : value;
        }
        if (Object.keys(rest).length < others.length) continue;
        for (const candidate of builder.candidates(first, own)) {
          if (used.size >= callsPerTool) break;
          if (used.has(candidate)) continue;
          used.add(candidate);
          const args = { ...plan.fixed, ...rest, [first.name]: first.integer ? Number(candidate) : candidate };
          calls.push(this.paged(client, builder, tool, plan, args, done));
        }
      }
      await Promise.all(calls);
      if (builder.ids.size === before) break;
    }
    return builder.view();
  }
}

const nonIdentityClaims = new Set(['iss', 'aud', 'jti', 'scope', 'scp', 'nonce', 'typ', 'alg', 'kid', 'token_use', 'acr', 'amr', 'at_hash', 'c_hash']);

/** A principal's own identity: its identity values, its string claims (not `iss`, `aud`, `scope`...), its tenant. */
function identityOf(principal: Principal): string[] {
  const claims = Object.entries(principal.claims ?? {}).flatMap(([name, value]) => (typeof value === 'string' && !nonIdentityClaims.has(name) ? [value] : []));
  return [...new Set([...principal.identity, ...claims, principal.tenant])].filter((value) => value !== '');
}

function poolHash(idPool: readonly string[], identityPool: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify({ ids: idPool, identity: identityPool })).digest('hex');
}

/**
 * Harvests every principal's view (see the module) and returns the {@link Harvest} the properties
 * draw from. A principal whose harvest found no ids gets a note.
 *
 * @example
 * ```ts
 * const harvest = await harvestAll({ target, options, tools, deadline, client: ctx.client, mayCall: ctx.mayCall, isSensitive: ctx.isSensitive, note: ctx.note });
 * const pool = harvest.idPool('bob');
 * ```
 */
export async function harvestAll(deps: HarvestDeps): Promise<Harvest> {
  const harvester = new Harvester(deps);
  const principals = new Map(deps.target.principals.map((principal) => [principal.name, principal]));
  const views = new Map<string, PrincipalView>();
  const harvested = await Promise.all(deps.target.principals.map(async (principal) => [principal.name, await harvester.harvest(principal)] as const));
  for (const [name, view] of harvested) views.set(name, view);

  const idPool = (victim: string): readonly string[] => sortedPool([...(views.get(victim)?.ids.keys() ?? [])]);
  const identityPool = (victim: string): readonly string[] => {
    const principal = principals.get(victim);
    const view = views.get(victim);
    if (principal === undefined) return [];
    return sortedPool([...identityOf(principal), ...(view === undefined ? [] : (identityByView.get(view) ?? []))]);
  };
  const poolHashes = Object.fromEntries([...views.keys()].map((name) => [name, poolHash(idPool(name), identityPool(name))]));

  if (harvester.toolCount === 0) {
    const why =
      deps.target.mode === 'black-box'
        ? 'no listed tool is annotated readOnlyHint: true (with --allow-writes, tools whose name reads, such as *_list or *_get, are called too)'
        : 'no listed tool reads by its annotations or its name (get, list, search, ...) without being sensitive';
    deps.note?.({ code: 'harvest', message: `The harvest could call no tool: ${why}. Isolation inputs draw only on the hook's objects and --id values.` });
  }
  for (const [name, view] of views) {
    if (view.ids.size === 0 && harvester.toolCount > 0) {
      deps.note?.({ code: 'harvest', message: `The harvest found no ids in ${name}'s answers: inputs drawn for ${name}'s objects are generated only (name them with the hook's objects or --id ${name}.FIELD=VALUE).` });
    }
  }

  return {
    views,
    idPool,
    identityPool,
    poolHashes,
    refresh: async (name) => {
      const principal = principals.get(name);
      if (principal === undefined) throw new Error(`no principal named ${name} (the principals are ${[...principals.keys()].join(', ')})`);
      return harvester.harvest(principal);
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Object snapshots (write isolation)

/** What a principal's reads say about some objects now. */
export interface ObjectSnapshot {
  /** Each id's record (the canonical JSON of the objects holding it, per tool), or undefined when no answer held it. */
  readonly records: ReadonlyMap<string, string | undefined>;
  readonly requests: number;
  readonly exchanges: readonly Exchange[];
}

/**
 * Reads the objects named by `ids` again as `principal`: the harvest calls of the view that saw any
 * of them (the list page, the detail read), and for ids no harvest call saw (hook objects, objects
 * created since), each harvest tool taking one id argument, called with the id, and with `lists`
 * also each harvest tool taking no id (first page). Calls run one after another.
 */
export async function snapshotObjects(
  deps: Pick<HarvestDeps, 'client' | 'tools' | 'deadline' | 'target' | 'mayCall' | 'isSensitive'>,
  principal: string,
  view: PrincipalView,
  ids: readonly string[],
  options: { readonly lists?: boolean } = {},
): Promise<ObjectSnapshot> {
  const wanted = new Set(ids);
  const calls: { tool: string; args: Json }[] = [];
  const seenIn = new Set<string>();
  for (const call of callsByView.get(view) ?? []) {
    const holds = [...wanted].filter((id) => call.values.has(id));
    if (holds.length === 0) continue;
    for (const id of holds) seenIn.add(id);
    calls.push({ tool: call.tool, args: call.args });
  }
  const idTools = deps.tools.filter((tool) => isHarvestTool(tool, deps)).flatMap((tool) => {
    const plan = argumentPlan(tool.inputSchema, deps.target.idFields);
    const [only, ...others] = plan?.idArguments ?? [];
    return plan === undefined || only === undefined || others.length > 0 || only.identity ? [] : [{ tool, plan, argument: only }];
  });
  const unseen = [...wanted].filter((id) => !seenIn.has(id));
  if (options.lists === true && unseen.length > 0) {
    for (const tool of deps.tools.filter((listed) => isHarvestTool(listed, deps))) {
      const plan = argumentPlan(tool.inputSchema, deps.target.idFields);
      if (plan?.idArguments.length === 0) calls.push({ tool: tool.name, args: plan.fixed });
    }
  }
  for (const id of unseen) {
    for (const { tool, plan, argument } of idTools) {
      if (argument.integer && !/^-?\d+$/.test(id)) continue;
      calls.push({ tool: tool.name, args: { ...plan.fixed, [argument.name]: argument.integer ? Number(id) : id } });
    }
  }
  const perId = new Map<string, string[]>();
  const exchanges: Exchange[] = [];
  let requests = 0;
  const client = await deps.client(principal);
  for (const { tool, args } of calls) {
    if (deps.deadline.expired()) break;
    let outcome: CallOutcome;
    try {
      outcome = await client.callTool(tool, args);
    } catch {
      continue;
    }
    requests += 1;
    if (outcome.exchange !== undefined) exchanges.push(outcome.exchange);
    if (outcome.kind !== 'result') continue;
    const records = objectRecords(outcome.data ?? parsedText(outcome.text), deps.target.idFields);
    for (const id of wanted) {
      const record = records.get(id);
      if (record !== undefined) perId.set(id, [...(perId.get(id) ?? []), `${tool}: ${record}`]);
    }
  }
  return { records: new Map([...wanted].map((id) => [id, perId.get(id)?.sort().join('\n')])), requests, exchanges };
}

function parsedText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
