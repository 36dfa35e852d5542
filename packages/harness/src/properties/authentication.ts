/**
 * The authentication property: every forged or malformed credential of the catalogue
 * (`token-catalogue.ts`) that applies to the target is sent to `initialize`, `tools/list` (the
 * target-wide cell, `tool: null`) and one `tools/call` per tool, and must get the catalogue's answer.
 *
 * - a 2xx (or, for class 12, a fetch of the forged key URL) is `harness/forged-token-accepted`;
 * - a refusal with a status the catalogue does not allow (a 5xx, a 400 for a forged signature...) is
 *   `harness/wrong-status`;
 * - a 401 whose `WWW-Authenticate` does not open with the target's challenge scheme (or, when the
 *   server publishes RFC 9728 metadata and speaks Bearer, carries no `resource_metadata=`) is
 *   `harness/missing-www-authenticate`.
 *
 * A 429 or no answer at all says nothing and is not judged. A forged credential that ran a tool not
 * annotated read-only may have changed data: that call is listed through `ctx.write`. Black-box, only
 * tools `mayCall` allows get a cell (a forged credential the server accepted would run the tool).
 *
 * The catalogue is finite and small, so each cell sends every variant once, in catalogue order
 * (simplest first), as fast-check `examples` with the cell's parameters: `--runs` does not cut it. The
 * first failing variant of each rule is the cell's counterexample (what shrinking toward the simplest
 * variant would find); its `reproduce.path` is its index, and `--path authentication/<tool>:<index>`
 * replays exactly that case. Each counterexample is sent once more, and the finding is `high`
 * confidence when the answer repeats. Requests carry no `Mcp-Session-Id`: a session standing in for a
 * credential is the sessions property's finding, and a server must refuse a bad credential before it
 * asks for a session.
 *
 * **Aggregation over tools.** A rule that fails in every authentication cell (the target-wide one and
 * every tool's) is reported once, with `tool: null`; otherwise each failing cell reports its own
 * (`tool: null` then stands for `initialize` / `tools/list`). The property instance keeps the cells'
 * results per target: it reports by itself when the last cell it planned has run, and the
 * orchestrator may call {@link AuthenticationProperty.finish} after the authentication cells (needed
 * when the budget cut some of them; idempotent).
 *
 * @module
 */
import fc from 'fast-check';
import type { PlanContext, PlannedCell, Property, RunContext } from '../engine/property.js';
import { cellParameters, cellSeed, reproducePath } from '../engine/seeds.js';
import { harnessSeverity, type Exchange, type FuzzTarget, type HarnessFinding, type HarnessRuleId, type ListedTool } from '../engine/types.js';
import { arbitraryFor } from '../fuzz/schema-arbitrary.js';
import { catalogueFor, probeResourceMetadata, type CatalogueVariant, type TokenCatalogue } from './token-catalogue.js';

/** The MCP protocol version raw requests announce. */
const PROTOCOL_VERSION = '2025-06-18';

/** What one cell sends per variant: the methods of the target-wide cell, or the tool's call. */
type Method = 'initialize' | 'tools/list' | 'tools/call';

interface Case {
  readonly variant: CatalogueVariant;
  readonly method: Method;
}

/** A variant's answer that broke the catalogue's expectation. */
interface Violation {
  readonly ruleId: HarnessRuleId;
  readonly messageId: string;
  readonly message: string;
  readonly summary: string;
  readonly index: number;
  readonly variant: CatalogueVariant;
  readonly method: Method;
  readonly exchanges: readonly Exchange[];
  readonly confirmed: boolean;
  readonly status: string;
}

interface CellRecord {
  readonly tool: string | null;
  readonly input: unknown;
  /** The run's seed (what `--seed` replays with). */
  readonly seed: number;
  readonly violations: ReadonlyMap<HarnessRuleId, Violation>;
}

interface RunState {
  /** Applicable cells the plan named (undefined when the property was not planned through this instance). */
  planned: Set<string> | undefined;
  readonly done: Map<string, CellRecord>;
  prepared: Promise<TokenCatalogue> | undefined;
  finished: boolean;
}

/** The authentication property, with the hook the orchestrator may call after its cells. */
export interface AuthenticationProperty extends Property {
  /**
   * Reports the findings of the cells run so far, aggregated over tools. Called by itself after the
   * last planned cell; call it after the authentication cells when some did not run (time budget).
   * Idempotent per run; stops the catalogue's loopback listener.
   */
  finish(context: RunContext): Promise<void>;
}

const cellKey = (tool: string | null): string => tool ?? '\0*';

/**
 * A fresh authentication property. Its per-run state is keyed by the target, so one instance serves
 * one run at a time per target.
 *
 * @example
 * ```ts
 * const authentication = createAuthenticationProperty();
 * for (const cell of authentication.plan(planContext)) if (cell.applicable) await authentication.run(cell.tool, ctx);
 * await authentication.finish(ctx); // no-op here: the last planned cell already reported
 * ```
 */
export function createAuthenticationProperty(): AuthenticationProperty {
  const states = new WeakMap<FuzzTarget, RunState>();
  const stateOf = (target: FuzzTarget): RunState => {
    let state = states.get(target);
    if (state === undefined || state.finished) {
      state = { planned: undefined, done: new Map(), prepared: undefined, finished: false };
      states.set(target, state);
    }
    return state;
  };

  const prepare = (state: RunState, ctx: RunContext): Promise<TokenCatalogue> => {
    state.prepared ??= (async () => {
      const metadata = await probeResourceMetadata(ctx.target.url, async (url) => {
        const exchange = await ctx.raw({ principal: null, label: 'auth: resource metadata probe', method: 'GET', headers: { accept: 'application/json' }, url });
        return 'error' in exchange.response ? undefined : exchange.response;
      });
      const catalogue = catalogueFor(ctx.target, { maxSkewSec: ctx.options.maxSkewSec, resourceMetadata: metadata });
      for (const entry of catalogue.classes) {
        if (!entry.applies && entry.number <= 19) {
          ctx.note({ code: 'not-tested', message: `authentication: catalogue class ${entry.number} (${entry.name}) not tested: ${entry.reason}.` });
        }
      }
      return catalogue;
    })();
    return state.prepared;
  };

  const finish = async (ctx: RunContext): Promise<void> => {
    const state = states.get(ctx.target);
    if (state === undefined || state.finished) return;
    state.finished = true;
    // In the plan's order (target-wide first, then the listed tools), whatever order the cells ended in.
    const order = (record: CellRecord) => (record.tool === null ? -1 : ctx.tools.findIndex((tool) => tool.name === record.tool));
    report(ctx, [...state.done.values()].sort((a, b) => order(a) - order(b)), state.planned);
    const catalogue = await state.prepared?.catch(() => undefined);
    await catalogue?.close();
  };

  return {
    id: 'authentication',
    writes: false,
    plan(context: PlanContext): PlannedCell[] {
      const state = stateOf(context.target);
      const variants = catalogueFor(context.target, { maxSkewSec: context.options.maxSkewSec }).variants.length;
      const cells: PlannedCell[] = [{ tool: null, applicable: true, estimatedRequests: 2 * variants + 2 }];
      for (const tool of context.tools) {
        cells.push(
          context.mayCall(tool)
            ? { tool: tool.name, applicable: true, estimatedRequests: variants }
            : { tool: tool.name, applicable: false, reason: 'writes not allowed (a forged credential the server accepted would run the tool)' },
        );
      }
      state.planned = new Set(cells.filter((cell) => cell.applicable).map((cell) => cellKey(cell.tool)));
      return cells;
    },
    async run(tool, ctx) {
      const state = stateOf(ctx.target);
      const catalogue = await prepare(state, ctx);
      const outcome = await runCell(tool, ctx, catalogue);
      state.done.set(cellKey(tool), outcome.record);
      if (state.planned !== undefined && [...state.planned].every((key) => state.done.has(key))) await finish(ctx);
      return outcome.cell;
    },
    finish,
  };
}

async function runCell(tool: string | null, ctx: RunContext, catalogue: TokenCatalogue) {
  const seed = ctx.options.seed;
  const inputSeed = cellSeed(ctx.options.seed, 'authentication', tool);
  const listed = tool === null ? undefined : ctx.tools.find((candidate) => candidate.name === tool);
  const empty = (reason: string) => ({ cell: { status: 'not-exercised' as const, reason, cases: 0, requests: 0 }, record: { tool, input: undefined, seed, violations: new Map<HarnessRuleId, Violation>() } });
  if (tool !== null && listed === undefined) return empty('the tool is not listed');
  if (catalogue.variants.length === 0) return empty('no catalogue class applies');
  const input = listed === undefined ? undefined : inputFor(listed, ctx, inputSeed);
  const methods: readonly Method[] = tool === null ? ['initialize', 'tools/list'] : ['tools/call'];
  const cases: Case[] = catalogue.variants.flatMap((variant) => methods.map((method) => ({ variant, method })));
  const violations = new Map<HarnessRuleId, Violation>();
  const replaying = ctx.options.replay?.property === 'authentication' && ctx.options.replay.tool === tool;
  let requests = 0;
  let sent = 0;
  const progress = { outOfTime: false };

  const send = async (entry: Case): Promise<{ exchange: Exchange; afterwards: string | undefined }> => {
    const built = await entry.variant.build();
    const body = entry.method === 'initialize'
      ? rpc('initialize', { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'mcify-audit-harness', version: '0.1.0' } })
      : entry.method === 'tools/list'
        ? rpc('tools/list', {})
        : rpc('tools/call', { name: tool, arguments: input ?? {} });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': PROTOCOL_VERSION,
      ...built.headers,
    };
    const exchange = await ctx.raw({
      principal: `forged: ${entry.variant.label}`,
      label: `auth ${entry.variant.number} ${entry.variant.label} ${entry.method === 'tools/call' ? `tools/call ${tool ?? ''}` : entry.method}`,
      method: 'POST',
      headers,
      body,
      ...(built.url === undefined ? {} : { url: built.url }),
      ...(built.headerList === undefined ? {} : { headerList: [...Object.entries(headers).filter(([name]) => !built.headerList?.some(([repeated]) => repeated.toLowerCase() === name.toLowerCase())), ...built.headerList] }),
    });
    requests += 1;
    return { exchange, afterwards: built.afterwards?.() };
  };

  const property = fc.asyncProperty(fc.integer({ min: 0, max: cases.length - 1 }), async (index) => {
    const entry = cases[index];
    if (entry === undefined) return true;
    if (ctx.deadline.expired()) {
      progress.outOfTime = true;
      return true;
    }
    let answer;
    try {
      answer = await send(entry);
    } catch (error) {
      ctx.note({ code: 'not-tested', message: `authentication: the "${entry.variant.label}" credential (class ${entry.variant.number}) could not be built: ${error instanceof Error ? error.message : String(error)}` });
      return true;
    }
    sent += 1;
    const verdict = judge(answer.exchange, entry, answer.afterwards);
    // A forged credential that ran a tool may have changed data: the call is listed like any write.
    if (verdict?.ruleId === 'harness/forged-token-accepted' && listed !== undefined && listed.annotations?.readOnlyHint !== true && !('error' in answer.exchange.response) && ranTool(answer.exchange.response.body)) {
      ctx.write({ tool: listed.name, principal: `forged: ${entry.variant.label}`, arguments: input ?? {} });
    }
    if (verdict === undefined) return true;
    if (!violations.has(verdict.ruleId)) {
      // Sent once more: the finding is confirmed when the answer repeats.
      let confirmed = false;
      const exchanges = [answer.exchange];
      if (!ctx.deadline.expired()) {
        const again = await send(entry).catch(() => undefined);
        if (again !== undefined) {
          exchanges.push(again.exchange);
          confirmed = judge(again.exchange, entry, again.afterwards)?.ruleId === verdict.ruleId;
        }
      }
      violations.set(verdict.ruleId, { ...verdict, index, variant: entry.variant, method: entry.method, exchanges, confirmed });
    }
    return !replaying;
  });
  const parameters = {
    ...cellParameters<[number]>(ctx.options, 'authentication', tool),
    numRuns: cases.length,
    examples: cases.map((_, index): [number] => [index]),
  };
  await fc.check(property, parameters);

  const failed = violations.size > 0;
  const cell = failed
    ? { status: 'failed' as const, reason: [...violations.keys()].join(', '), cases: sent, requests }
    : progress.outOfTime
      ? { status: 'not-exercised' as const, reason: 'time budget', cases: sent, requests }
      : sent === 0
        ? { status: 'not-exercised' as const, reason: 'no forged credential got an answer', cases: sent, requests }
        : { status: 'held' as const, cases: sent, requests };
  return { cell, record: { tool, input, seed, violations } };
}

function rpc(method: string, params: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
}

/** A valid input for the tool: the schema arbitrary's first value for the cell's seed, ids from the first principal's pool. */
function inputFor(tool: ListedTool, ctx: RunContext, seed: number): unknown {
  let pool: readonly string[] = [];
  try {
    const first = ctx.target.principals[0];
    if (first !== undefined) pool = ctx.harvest.idPool(first.name);
  } catch {
    // no harvest yet: generated values only
  }
  const { arbitrary } = arbitraryFor(tool.inputSchema, { pools: { idLike: pool } });
  return fc.sample(arbitrary, { seed, numRuns: 1 })[0] ?? {};
}

function header(exchange: Exchange, name: string): string | undefined {
  if ('error' in exchange.response) return undefined;
  return Object.entries(exchange.response.headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** Whether a 2xx answer's body says the tool ran (a result without `isError`). */
function ranTool(body: string): boolean {
  const texts = body.includes('data:') ? body.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5)) : [body];
  return texts.some((text) => {
    try {
      const message: unknown = JSON.parse(text);
      if (typeof message !== 'object' || message === null || !('result' in message)) return false;
      const { result } = message;
      return typeof result === 'object' && result !== null && (result as { isError?: unknown }).isError !== true;
    } catch {
      return false;
    }
  });
}

/** The rule an answer breaks, or undefined when it is what the catalogue expects (or says nothing: no answer, rate limited). */
export function judge(exchange: Exchange, entry: { readonly variant: Pick<CatalogueVariant, 'number' | 'label' | 'expect'>; readonly method: Method }, afterwards?: string): Omit<Violation, 'index' | 'variant' | 'method' | 'exchanges' | 'confirmed'> | undefined {
  const { variant, method } = entry;
  const where = method === 'tools/call' ? 'the tool call' : method;
  const forged = `the forged credential "${variant.label}" (catalogue class ${variant.number})`;
  if (afterwards !== undefined) {
    return { ruleId: 'harness/forged-token-accepted', messageId: 'key-url-fetched', message: `Sent ${forged} to ${where}: ${afterwards}.`, summary: afterwards, status: 'error' in exchange.response ? 'no answer' : String(exchange.response.status) };
  }
  if ('error' in exchange.response) return undefined;
  const { status, body } = exchange.response;
  if (status === 429) return undefined;
  if (status >= 200 && status < 300) {
    const ran = method === 'tools/call' && ranTool(body);
    const summary = ran ? `${where} answered ${status} and the tool ran` : `${where} answered ${status}`;
    return { ruleId: 'harness/forged-token-accepted', messageId: 'forged-token-accepted', message: `The server accepted ${forged}: ${summary}, where the catalogue expects ${variant.expect.statuses.join(' or ')}.`, summary, status: String(status) };
  }
  if (!variant.expect.statuses.includes(status)) {
    const summary = `${where} answered ${status}; the catalogue allows ${variant.expect.statuses.join(' or ')}`;
    return { ruleId: 'harness/wrong-status', messageId: 'wrong-status', message: `The server refused ${forged} with the wrong status: ${summary}.`, summary, status: String(status) };
  }
  if (status === 401) {
    const challenge = header(exchange, 'www-authenticate');
    const scheme = variant.expect.challengeScheme;
    const opensWith = challenge !== undefined && (scheme === undefined ? challenge.trim() !== '' : new RegExp(`^\\s*${scheme}(\\s|,|$)`, 'i').test(challenge));
    if (!opensWith) {
      const summary = challenge === undefined ? `the 401 to ${where} carries no WWW-Authenticate header` : `the 401 to ${where} challenges with "${challenge.split(/[\s,]/)[0] ?? ''}", not ${scheme ?? 'a scheme'}`;
      return { ruleId: 'harness/missing-www-authenticate', messageId: 'missing-www-authenticate', message: `Refused ${forged}, but ${summary}${scheme === undefined ? '' : ` (expected WWW-Authenticate: ${scheme} ...)`}.`, summary, status: '401' };
    }
    if (variant.expect.resourceMetadata && !/resource_metadata\s*=/i.test(challenge)) {
      const summary = `the 401 to ${where} carries no resource_metadata= although the server publishes RFC 9728 metadata`;
      return { ruleId: 'harness/missing-www-authenticate', messageId: 'missing-resource-metadata', message: `Refused ${forged}, but ${summary}.`, summary, status: '401' };
    }
  }
  return undefined;
}

/** Reports the cells' violations: a rule failing in every cell once with `tool: null`, else per cell. */
function report(ctx: RunContext, records: readonly CellRecord[], planned: ReadonlySet<string> | undefined): void {
  const complete = planned === undefined || [...planned].every((key) => records.some((record) => cellKey(record.tool) === key));
  const rules = new Set(records.flatMap((record) => [...record.violations.keys()]));
  for (const ruleId of [...rules].sort()) {
    const failing = records.filter((record) => record.violations.has(ruleId));
    if (complete && records.length > 1 && failing.length === records.length) {
      const chosen = failing.find((record) => record.tool === null) ?? failing[0];
      const violation = chosen?.violations.get(ruleId);
      if (chosen !== undefined && violation !== undefined) ctx.finding(findingOf(ctx, chosen, violation, null, `on every tool and on initialize / tools/list (${records.length} cells)`));
      continue;
    }
    for (const record of failing) {
      const violation = record.violations.get(ruleId);
      if (violation !== undefined) ctx.finding(findingOf(ctx, record, violation, record.tool, undefined));
    }
  }
}

function findingOf(ctx: RunContext, record: CellRecord, violation: Violation, tool: string | null, everywhere: string | undefined): HarnessFinding {
  const first = violation.exchanges[0];
  const summary = everywhere === undefined ? violation.summary : `${violation.summary}; the same holds ${everywhere}`;
  return {
    ruleId: violation.ruleId,
    severity: harnessSeverity(violation.ruleId),
    confidence: violation.confirmed ? 'high' : 'medium',
    messageId: violation.messageId,
    message: violation.message,
    data: { class: String(violation.variant.number), variant: violation.variant.label, method: violation.method, status: violation.status, ...(record.tool === null ? {} : { tool: record.tool }) },
    tool,
    principal: `forged: ${violation.variant.label}`,
    victim: violation.variant.victim,
    input: violation.method === 'tools/call' ? record.input : null,
    evidence: { summary, exchanges: violation.exchanges },
    reproduce: { curl: first === undefined ? '' : ctx.curl(first), seed: record.seed, path: reproducePath('authentication', record.tool, String(violation.index)) },
  };
}
