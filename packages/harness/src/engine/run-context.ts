/**
 * The run's context: what a property may use while it runs a cell (see {@link RunContext}). It owns
 * the principals' MCP clients (opened on first use, one per principal, shared by the cells), the raw
 * channel for forged traffic, and the collectors for findings, notes and writes.
 *
 * @module
 */
// The name lists only: the analyzer's entry point would load the TypeScript compiler API.
import { resolveOptions, sensitiveVerbOf } from '@mcify-audit/analyzer/name-lists';
import { curlFor } from '../client/curl.js';
import { ExchangeLog } from '../client/exchange-log.js';
import { openPrincipalClient } from '../client/mcp-client.js';
import { sendRaw } from '../client/raw-request.js';
import { RateGate } from '../client/recording-fetch.js';
import { Secret } from '../target/secret.js';
import type { Deadline, Harvest, RawRequest, ResolvedFuzzOptions, RunContext } from './property.js';
import { cellSeed } from './seeds.js';
import type { Exchange, FuzzTarget, HarnessFinding, HarnessNote, ListedTool, PrincipalClient, PropertyId, WriteRecord } from './types.js';

/**
 * How the context reaches the target: the client layer (`../client/`) implements it over the target's
 * recording fetch. Kept as an interface so the context can be built on any transport.
 */
export interface RunTraffic {
  /**
   * A new MCP client that sends `token` in the target's credential header (no credential when
   * undefined), reusing `sessionId` when given. `label` names the sender in the exchange records.
   */
  openClient(options: {
    readonly label: string;
    readonly principal: string | null;
    readonly token: string | undefined;
    readonly sessionId?: string;
    /** Not bound to the run's deadline (the listing, which the plan needs whatever the budget). */
    readonly unbounded?: boolean;
  }): Promise<PrincipalClient>;
  raw(request: RawRequest): Promise<Exchange>;
  curl(exchange: Exchange): string;
  /** Requests sent so far (every exchange the recorder saw). */
  requestCount(): number;
  /** Closes what the traffic layer holds (connections, the recorder). */
  close?(): Promise<void>;
}

/** The client layer's traffic for a run: one exchange log (credentials redacted) and one rate-limit gate for every client. */
export interface TargetTraffic extends RunTraffic {
  readonly log: ExchangeLog;
  readonly gate: RateGate;
}

/**
 * The run's traffic over the client layer: every principal's token, revoked token, hook secret and the
 * issuer's private material registered with the log before any request, so none is ever recorded.
 */
export function createTraffic(target: FuzzTarget, options: Pick<ResolvedFuzzOptions, 'requestTimeoutMs'>, deadline: Deadline): TargetTraffic {
  const secrets: Secret[] = [
    ...target.principals.flatMap((principal) => (principal.token === undefined ? [] : [principal.token])),
    ...Object.values(target.revoked),
    ...target.secrets,
    ...(target.issuer?.privateMaterial ?? []).map((material, index) => new Secret(`the identity provider's private key #${String(index + 1)}`, material)),
  ];
  const log = new ExchangeLog({ secrets, credentialHeader: target.credentialHeader });
  const gate = new RateGate();
  return {
    log,
    gate,
    openClient: (request) =>
      openPrincipalClient({
        target,
        log,
        principal: request.principal,
        label: request.label,
        token: request.token,
        ...(request.sessionId === undefined ? {} : { sessionId: request.sessionId }),
        requestTimeoutMs: options.requestTimeoutMs,
        gate,
        ...(request.unbounded === true ? {} : { signal: deadline.signal, deadline }),
      }),
    raw: (request) => sendRaw(target, log, request, { gate, deadline, signal: deadline.signal, timeoutMs: options.requestTimeoutMs, ...(request.headerList === undefined ? {} : { headerList: request.headerList }) }),
    curl: (exchange) => curlFor(exchange, target),
    requestCount: () => log.count,
  };
}

/** What the run collected through the context. */
export interface Collected {
  readonly findings: readonly HarnessFinding[];
  readonly notes: readonly HarnessNote[];
  readonly writes: readonly WriteRecord[];
}

/** The context as the orchestrator holds it: a {@link RunContext}, plus what only the orchestrator does. */
export interface EngineContext extends RunContext {
  /** Sets the harvest once it is done (properties run only after that). */
  setHarvest(harvest: Harvest): void;
  /** Sets the listed tools (less `--exclude-tool`) once they are listed. */
  setTools(tools: readonly ListedTool[]): void;
  collected(): Collected;
  /** Closes every client the context opened, then the traffic layer. */
  close(): Promise<void>;
}

export interface RunContextOptions {
  readonly target: FuzzTarget;
  readonly options: ResolvedFuzzOptions;
  /** Listed tools, less `--exclude-tool`. */
  readonly tools: readonly ListedTool[];
  readonly deadline: Deadline;
  readonly traffic: RunTraffic;
  /** The harvest, when it is already known; else set it with `setHarvest`. */
  readonly harvest?: Harvest;
}

const analyzerDefaults = resolveOptions();

/**
 * Whether black-box may call this tool: tools annotated `readOnlyHint: true` always, any other only
 * with `--allow-writes`. In-process every tool may be called (the data is the fixture's, reset by the hook).
 */
export function mayCallTool(target: Pick<FuzzTarget, 'mode'>, options: Pick<ResolvedFuzzOptions, 'allowWrites'>, tool: ListedTool): boolean {
  return target.mode === 'in-process' || tool.annotations?.readOnlyHint === true || options.allowWrites;
}

/**
 * Whether a tool is sensitive: the analyzer's decision recorded in the source map when the source is
 * known, else the analyzer's own rule on the listed name and description (a sensitive verb such as
 * refund, delete, export, cancel, transfer).
 */
export function isSensitiveTool(target: Pick<FuzzTarget, 'source'>, tool: ListedTool): boolean {
  const known = target.source?.tools.get(tool.name);
  if (known !== undefined) return known.sensitive;
  return sensitiveVerbOf(tool.name, tool.description, analyzerDefaults) !== undefined;
}

/**
 * Builds the run's context. Findings are de-duplicated per (rule, tool, principal): the first one
 * kept, unless a later one is confirmed by a replay and the first is not. Notes are de-duplicated on
 * (code, tool, message); writes on (tool, principal, arguments).
 */
export function createRunContext(parts: RunContextOptions): EngineContext {
  const { target, options, deadline, traffic } = parts;
  let harvest = parts.harvest;
  let tools = parts.tools;
  const clients = new Map<string, Promise<PrincipalClient>>();
  const opened: Promise<PrincipalClient>[] = [];
  const findings = new Map<string, HarnessFinding>();
  const notes = new Map<string, HarnessNote>();
  const writes = new Map<string, WriteRecord>();
  const principals = new Map(target.principals.map((principal) => [principal.name, principal]));
  let closed = false;

  const open = (request: Parameters<RunTraffic['openClient']>[0]): Promise<PrincipalClient> => {
    if (closed) return Promise.reject(new Error('the run is over: its context is closed'));
    const client = traffic.openClient(request);
    opened.push(client);
    return client;
  };

  return {
    target,
    options,
    get tools() {
      return tools;
    },
    setTools(value) {
      tools = value;
    },
    deadline,
    get harvest(): Harvest {
      if (harvest === undefined) throw new Error('the harvest has not run yet: properties run after it');
      return harvest;
    },
    setHarvest(value) {
      harvest = value;
    },
    client(name) {
      let client = clients.get(name);
      if (client === undefined) {
        const principal = principals.get(name);
        if (principal === undefined) return Promise.reject(new Error(`no principal named ${name} (the principals are ${[...principals.keys()].join(', ')})`));
        client = open({ label: name, principal: name, token: principal.token?.reveal() });
        // A client that failed to open is not kept: the next cell tries again.
        client.catch(() => clients.delete(name));
        clients.set(name, client);
      }
      return client;
    },
    clientWith({ label, token, sessionId }) {
      return open({ label, principal: token === undefined ? null : label, token, ...(sessionId === undefined ? {} : { sessionId }) });
    },
    raw: (request) => traffic.raw(request),
    seedFor: (property: PropertyId, tool: string | null) => cellSeed(options.seed, property, tool),
    mayCall: (tool) => mayCallTool(target, options, tool),
    isSensitive: (tool) => isSensitiveTool(target, tool),
    curl: (exchange) => traffic.curl(exchange),
    finding(finding) {
      const key = JSON.stringify([finding.ruleId, finding.tool, finding.principal]);
      const kept = findings.get(key);
      if (kept === undefined || (kept.confidence === 'medium' && finding.confidence === 'high')) findings.set(key, finding);
    },
    note(note) {
      const key = JSON.stringify([note.code, note.tool ?? null, note.message]);
      if (!notes.has(key)) notes.set(key, note);
    },
    write(record) {
      const key = JSON.stringify([record.tool, record.principal, record.arguments ?? null]);
      if (!writes.has(key)) writes.set(key, record);
    },
    collected: () => ({ findings: [...findings.values()], notes: [...notes.values()], writes: [...writes.values()] }),
    async close() {
      if (closed) return;
      closed = true;
      const settled = await Promise.allSettled(opened);
      await Promise.allSettled(settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value.close()] : [])));
      await traffic.close?.();
    },
  };
}
