/**
 * The contract between the orchestrator (`run-fuzz.ts`) and the property modules
 * (`../properties/*.ts`): each property says which cells it has, then runs one cell at a time with
 * the run's context. A property never talks to the network except through the context.
 *
 * @module
 */
import type { Cell, CellStatus, Exchange, FuzzTarget, HarnessFinding, HarnessNote, ListedTool, PrincipalClient, PropertyId, WriteRecord } from './types.js';

/** The options of a run, resolved (defaults applied, checked). */
export interface ResolvedFuzzOptions {
  /** The run's seed; each cell's seed derives from it (`seedFor`). */
  readonly seed: number;
  /** `--path P`: only that case runs. */
  readonly replay: { readonly property: PropertyId; readonly tool: string | null; readonly path: string } | undefined;
  /** fast-check runs per (tool, property); default 100. */
  readonly runs: number;
  /** Whole run's wall-clock budget, ms; default 300 000. */
  readonly timeoutMs: number;
  /** Per request, ms; default 10 000. */
  readonly requestTimeoutMs: number;
  readonly allowWrites: boolean;
  readonly excludeTools: readonly string[];
  /** Pages followed per tool while harvesting; default 5. */
  readonly harvestPages: number;
  /** Seconds past `exp` that count as expired whatever the server tolerates; default 60. */
  readonly maxSkewSec: number;
  /** Concurrent requests for read cases; default 4. Write cases run one at a time. */
  readonly concurrency: number;
}

/** One id or value a principal saw, and where. */
export interface SeenValue {
  readonly value: string;
  /** The key it was under (`id`, `orderId`), or `''` for a bare array item or text. */
  readonly key: string;
  readonly tool: string;
}

/** What one principal can see: the harvest's result for it. */
export interface PrincipalView {
  readonly principal: string;
  /** Values seen under id-like keys (`id`, `*Id`, `*_id`, hook `idFields`), plus hook/`--id` objects. */
  readonly ids: ReadonlyMap<string, SeenValue>;
  /** Every string leaf of every answer it got (for the "A's tenant saw it too" test). */
  readonly values: ReadonlySet<string>;
  /** Id values by the key they were seen under (`orderId` → [...]), sorted. */
  readonly idsByField: ReadonlyMap<string, readonly string[]>;
  /** Tools that answered it with a result during the harvest. */
  readonly answeredTools: ReadonlySet<string>;
}

/** The harvest of every principal's view. */
export interface Harvest {
  readonly views: ReadonlyMap<string, PrincipalView>;
  /** The victim's id pool, de-duplicated and sorted (what `arbitraryFor` draws from). */
  idPool(victim: string): readonly string[];
  /** The victim's identity values (its claims' strings, tenant, identity-named values it saw), sorted. */
  identityPool(victim: string): readonly string[];
  /** Harvests `principal`'s view again now (after a suspect answer); does not replace the stored view. */
  refresh(principal: string): Promise<PrincipalView>;
  /** A hash per principal of its pool (for replay). */
  readonly poolHashes: Readonly<Record<string, string>>;
}

/** A raw HTTP request to the target, for forged and malformed traffic. */
export interface RawRequest {
  /** Who or what is sending (`forged: alg-none`, `alice`, null for none): goes in the exchange record. */
  readonly principal: string | null;
  readonly label: string;
  readonly method?: string;
  /** Headers as sent; the credential header's value is recorded as a label, never the token. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body (a JSON-RPC message as text), or undefined. */
  readonly body?: string;
  /** Overrides the URL (same origin only: query-string token class). */
  readonly url?: string;
  /**
   * Headers as a list where a name may repeat (two `Authorization` lines, catalogue class 2). When the
   * traffic layer supports it, it is sent instead of `headers`; otherwise `headers` is sent.
   */
  readonly headerList?: readonly (readonly [string, string])[];
}

/** How long the run has left. */
export interface Deadline {
  remainingMs(): number;
  expired(): boolean;
  /** Aborted when the budget runs out or the run is interrupted. */
  readonly signal: AbortSignal;
}

/** Everything a property may use while it runs a cell. */
export interface RunContext {
  readonly target: FuzzTarget;
  readonly options: ResolvedFuzzOptions;
  /** Listed tools, less `--exclude-tool`. */
  readonly tools: readonly ListedTool[];
  readonly harvest: Harvest;
  readonly deadline: Deadline;
  /** The principal's MCP client (one per principal, shared, opened on first use). */
  client(principal: string): Promise<PrincipalClient>;
  /** A client with an arbitrary credential (forged token, another's session id...): not cached. */
  clientWith(options: { readonly label: string; readonly token: string | undefined; readonly sessionId?: string }): Promise<PrincipalClient>;
  raw(request: RawRequest): Promise<Exchange>;
  /** The cell's seed: a pure function of the run's seed, the property and the tool. */
  seedFor(property: PropertyId, tool: string | null): number;
  /** Whether black-box may call this tool (readOnlyHint, or --allow-writes); always true in-process. */
  mayCall(tool: ListedTool): boolean;
  /** Whether the tool is sensitive (the analyzer's decision when the source is known, else the name and description rule). */
  isSensitive(tool: ListedTool): boolean;
  /** A curl line replaying the exchange, with `$MCIFY_TOKEN_<NAME>` in place of the token. */
  curl(exchange: Exchange): string;
  finding(finding: HarnessFinding): void;
  note(note: HarnessNote): void;
  /** Record a successful non-read call (tool, principal, arguments). */
  write(record: WriteRecord): void;
}

/** A cell a property plans: applicable with an estimate of its requests, or not applicable with why. */
export type PlannedCell =
  | { readonly tool: string | null; readonly applicable: true; readonly estimatedRequests: number }
  | { readonly tool: string | null; readonly applicable: false; readonly reason: string };

/** What running one cell found (findings go through `ctx.finding`). */
export interface CellOutcome {
  readonly status: Exclude<CellStatus, 'not-applicable'>;
  readonly reason?: string;
  readonly cases: number;
  readonly requests: number;
}

/** What the plan step knows before any property runs. */
export interface PlanContext {
  readonly target: FuzzTarget;
  readonly options: ResolvedFuzzOptions;
  readonly tools: readonly ListedTool[];
  mayCall(tool: ListedTool): boolean;
  isSensitive(tool: ListedTool): boolean;
  /**
   * Whether the server issued an `Mcp-Session-Id` to the client that listed the tools; undefined when
   * not known. The sessions property plans its cells *not applicable: stateless* when false.
   */
  readonly sessionIssued?: boolean;
}

export interface Property {
  readonly id: PropertyId;
  /** Read-only properties run concurrently; write properties one case at a time, after every read property. */
  readonly writes: boolean;
  plan(context: PlanContext): PlannedCell[];
  run(tool: string | null, context: RunContext): Promise<CellOutcome>;
}

/**
 * A property with one cell per listed tool: `cell` plans each tool, `runTool` runs a cell with its
 * listed tool (a cell whose tool is no longer listed ends not exercised).
 */
export function perToolProperty(spec: {
  readonly id: PropertyId;
  readonly writes: boolean;
  readonly cell: (tool: ListedTool, context: PlanContext) => PlannedCell;
  readonly runTool: (tool: ListedTool, context: RunContext) => Promise<CellOutcome>;
}): Property {
  return {
    id: spec.id,
    writes: spec.writes,
    plan: (context) => context.tools.map((tool) => spec.cell(tool, context)),
    run: async (toolName, context) => {
      const tool = context.tools.find((listed) => listed.name === toolName);
      if (tool === undefined) return { status: 'not-exercised', reason: `${String(toolName)} is not listed`, cases: 0, requests: 0 };
      return spec.runTool(tool, context);
    },
  };
}

export type { Cell };
