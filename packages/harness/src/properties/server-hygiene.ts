/**
 * The server-hygiene property: passive, on every answer the run gets. It sends nothing; a monitor
 * attached to the exchange log before the first request reads each answer as it is recorded.
 *
 * - `harness/server-error`: any 5xx answer, except a 503 with `Retry-After` (the server said it is
 *   overloaded: an `overloaded` note, not a finding).
 * - `harness/secret-reflected`: an answer (headers or body) that carries any principal's token or a
 *   16-character run of it, the identity provider's private key material, a secret the hook declares,
 *   a stack frame (`\n    at ` followed by a path or `node:`), an absolute path of the server's files,
 *   or `<Name>Error:` opening an error message — unless the request that got the answer carried the
 *   same text in its URL or body, or in a credential that is not one of the run's secrets (an echo
 *   of what the sender sent: a forged token coming back is not a leak; a real token coming back,
 *   even to its owner, is).
 *
 * Evidence names a secret by its label (`alice's token`) and says where it appeared, with at most the
 * first 6 characters of what matched. Findings are de-duplicated per (rule, tool); cells are one per
 * tool (its `tools/call` answers) plus `tool: null` for every other exchange (initialize, tools/list,
 * raw traffic, session streams). A cell is `failed` with a finding, `held` when its tool got answers,
 * else `not-exercised`.
 *
 * @module
 */
import type { ExchangeLog, RawExchange } from '../client/exchange-log.js';
import { secretCores } from '../client/exchange-log.js';
import type { PlanContext, PlannedCell, Property, RunContext } from '../engine/property.js';
import { reproducePath } from '../engine/seeds.js';
import { harnessSeverity, type Exchange, type FuzzTarget, type HarnessFinding } from '../engine/types.js';
import type { Secret } from '../target/secret.js';

/** Runs of this many characters of a secret count as the secret. */
const SEGMENT = 16;
/** Characters of a matched secret an evidence line may show. */
const SHOWN = 6;

export interface HygieneMonitorOptions {
  readonly target: Pick<FuzzTarget, 'principals' | 'secrets' | 'issuer' | 'revoked' | 'credentialHeader'>;
  /** More secrets to look for (beyond principals' tokens, revoked tokens, hook secrets, IdP material). */
  readonly secrets?: readonly Secret[];
  /**
   * Absolute paths of the server's own files (in-process: the config's folder and its project root).
   * Any answer naming a path under one of them is reported. Black-box targets pass none: absolute
   * `.js`/`.ts`/`.mjs`/`.cjs` paths under the usual roots are reported in both modes.
   */
  readonly serverPaths?: readonly string[];
}

/** One sign of a problem in one answer: a token, a path, a stack frame, a 500... */
interface Sign {
  readonly messageId: string;
  readonly message: string;
  readonly summary: string;
  readonly data: Readonly<Record<string, string>>;
  readonly victim: string | null;
  readonly input: unknown;
  readonly exchange: Exchange;
  /** Lower is graver: a secret outranks a path, a path a stack frame, a frame an error name. */
  readonly rank: number;
}

/**
 * What the monitor holds per (rule, tool) before it becomes a finding (the context builds the curl
 * line and seed): the gravest sign seen, every other kind of sign once, and how many answers showed one.
 */
interface Observation {
  readonly ruleId: 'harness/server-error' | 'harness/secret-reflected';
  readonly tool: string | null;
  primary: Sign;
  /** The first sign of each kind (by message id). */
  readonly kinds: Map<string, Sign>;
  occurrences: number;
  /** The exchange seq that last counted, so an answer with several signs counts once. */
  lastSeq: number;
}

/** What the monitor has seen so far. */
export interface HygieneState {
  /** Observations, one per (rule, tool), in the order first seen. */
  readonly observations: readonly Readonly<Observation>[];
  /** Tools whose `tools/call` got an HTTP answer, with how many answers. */
  readonly answeredTools: ReadonlyMap<string, number>;
  /** Tools that were called at all (answered or not). */
  readonly calledTools: ReadonlySet<string>;
  /** Answers to other traffic (initialize, tools/list, raw, streams). */
  readonly otherAnswers: number;
  /** 503 answers with `Retry-After`. */
  readonly overloaded: number;
  /** Answers examined. */
  readonly answers: number;
}

/** The passive checker: attach it to the log before any request, read its state at the end. */
export interface HygieneMonitor {
  /** Subscribes to `log`; returns the unsubscribe function. */
  attach(log: ExchangeLog): () => void;
  /** Checks one exchange (what `attach` does for every exchange the log records). */
  observe(exchange: Exchange, raw: RawExchange): void;
  state(): HygieneState;
}

interface SecretPattern {
  readonly label: string;
  /** The principal it belongs to, when it is a token. */
  readonly owner: string | null;
  readonly whole: string;
}

/** Stack frames: a line opening with 4 spaces (or a tab) and `at `, then a path, a `file://` URL or `node:`; also JSON-escaped. */
const STACK_FRAME = /(?:\n|\\n|^)((?: {4}|\t)at (?:[^\n\\"]*?[\s(])?(?:\/[\w.@-]|file:\/\/|node:|[A-Za-z]:(?:\\\\|\\|\/))[^\s)"]*)/;
/** `<Name>Error:` opening a message: at the start, after a quote, `>` or a newline (raw or JSON-escaped). */
const ERROR_OPENING = /(?:^|["'>\n]|\\n)\s*([A-Z][A-Za-z0-9]*Error): /;
/** An absolute path of source under the usual roots (or a Windows drive), JSON-escaped or not. */
const SOURCE_PATH = /(?<![\w.:/\\-])(?:\/(?:home|usr|app|srv|opt|var|Users)\/[^\s"'<>()`,;]*?\.(?:[cm]?js|ts)|[A-Za-z]:(?:\\\\|\\)[^\s"'<>()`,;]*?\.(?:[cm]?js|ts))(?![A-Za-z0-9])/;

/**
 * The monitor for a run. Pass the target (its principals' tokens, revoked tokens, hook secrets and
 * issuer material are what it looks for) and, in-process, the server's folders.
 *
 * @example
 * ```ts
 * const monitor = createHygieneMonitor({ target, serverPaths: [configDir, projectRoot] });
 * monitor.attach(traffic.log);             // before the first request
 * const property = serverHygieneProperty(monitor);   // runs last, reads the monitor's state
 * ```
 */
export function createHygieneMonitor(options: HygieneMonitorOptions): HygieneMonitor {
  const { target } = options;
  const patterns: SecretPattern[] = [];
  /** Every secret's 16-character runs, each to the first secret that has it. */
  const segments = new Map<string, SecretPattern>();
  const add = (label: string, whole: string, owner: string | null) => {
    if (whole.length === 0 || patterns.some((pattern) => pattern.whole === whole)) return;
    const pattern: SecretPattern = { label, owner, whole };
    patterns.push(pattern);
    for (const core of secretCores(whole)) {
      for (let i = 0; i + SEGMENT <= core.length; i += 1) {
        const run = core.slice(i, i + SEGMENT);
        if (!segments.has(run)) segments.set(run, pattern);
      }
    }
  };
  for (const principal of target.principals) if (principal.token !== undefined) add(principal.token.label, principal.token.reveal(), principal.name);
  for (const [name, secret] of Object.entries(target.revoked)) add(secret.label, secret.reveal(), name);
  for (const secret of [...target.secrets, ...(options.secrets ?? [])]) add(secret.label, secret.reveal(), null);
  const material = target.issuer?.privateMaterial ?? [];
  for (const [index, value] of material.entries()) add(`the identity provider's private key${material.length > 1 ? ` #${String(index + 1)}` : ''}`, value, null);
  const credentialHeaders = [...new Set([target.credentialHeader.name.toLowerCase(), 'authorization'])];
  const serverPaths = (options.serverPaths ?? []).filter((path) => path.length > 1).map((path) => path.replace(/[\\/]+$/, ''));

  const observations = new Map<string, Observation>();
  const answeredTools = new Map<string, number>();
  const calledTools = new Set<string>();
  let otherAnswers = 0;
  let overloaded = 0;
  let answers = 0;

  const observe = (exchange: Exchange, raw: RawExchange) => {
    const call = toolCallOf(raw.request.body);
    if (call !== undefined) calledTools.add(call.name);
    if ('error' in raw.response) return;
    answers += 1;
    if (call !== undefined) answeredTools.set(call.name, (answeredTools.get(call.name) ?? 0) + 1);
    else otherAnswers += 1;
    const tool = call?.name ?? null;
    const where = exchange.label + (exchange.principal === null ? ' without a credential' : ` as ${exchange.principal}`);
    const input = call === undefined ? undefined : (toolCallOf(exchange.request.body)?.arguments ?? null);
    const report = (ruleId: Observation['ruleId'], sign: Omit<Sign, 'exchange' | 'input'>) => {
      const full: Sign = { ...sign, exchange, input };
      const key = `${ruleId}\0${tool ?? ''}`;
      const seen = observations.get(key);
      if (seen === undefined) {
        observations.set(key, { ruleId, tool, primary: full, kinds: new Map([[sign.messageId, full]]), occurrences: 1, lastSeq: exchange.seq });
        return;
      }
      if (seen.lastSeq !== exchange.seq) seen.occurrences += 1;
      seen.lastSeq = exchange.seq;
      if (!seen.kinds.has(sign.messageId)) seen.kinds.set(sign.messageId, full);
      if (sign.rank < seen.primary.rank) seen.primary = full;
    };

    const { status, headers, body } = raw.response;
    if (status >= 500) {
      if (status === 503 && headers['retry-after'] !== undefined) overloaded += 1;
      else {
        report('harness/server-error', {
          rank: 0,
          messageId: 'server-error',
          message: `The server answered ${where} with HTTP ${String(status)}.`,
          summary: `HTTP ${String(status)} to ${where}${excerptOf(exchange)}`,
          data: { status: String(status), request: exchange.label },
          victim: null,
        });
      }
    }

    const sent = sentText(raw, credentialHeaders, (value) => patterns.some((pattern) => pattern.whole === value));
    const places: [string, string][] = [['the answer body', body], ...Object.entries(headers).map(([name, value]): [string, string] => [`the ${name} header`, value])];
    for (const [place, text] of places) {
      if (text.length === 0) continue;
      for (const [pattern, match] of findSecrets(text, patterns, segments, sent)) {
        const what = match === pattern.whole ? pattern.label : `a ${String(SEGMENT)}-character run of ${pattern.label}`;
        report('harness/secret-reflected', {
          rank: 0,
          messageId: 'secret-reflected',
          message: `The answer to ${where} contained ${what} (in ${place}).`,
          summary: `${what}, starting "${match.slice(0, SHOWN)}", appeared in ${place} of the answer to ${where}`,
          data: { secret: pattern.label, where: place, request: exchange.label },
          victim: pattern.owner,
        });
      }
      for (const [kind, found] of leaks(text, serverPaths)) {
        if (sent.includes(found) || sent.includes(decodeJsonText(found))) continue;
        const shown = redactRuns(found.length > 120 ? `${found.slice(0, 117)}...` : found);
        report('harness/secret-reflected', {
          rank: leakRank[kind],
          messageId: `secret-reflected-${kind}`,
          message: `The answer to ${where} contained ${describeLeak(kind)} (in ${place}).`,
          summary: `${describeLeak(kind)} in ${place} of the answer to ${where}: ${JSON.stringify(shown)}`,
          data: { secret: describeLeak(kind), where: place, request: exchange.label },
          victim: null,
        });
      }
    }
  };

  return {
    attach(log) {
      return log.onExchange(observe);
    },
    observe,
    state() {
      return { observations: [...observations.values()], answeredTools, calledTools, otherAnswers, overloaded, answers };
    },
  };

  /** `text` with every secret, whole or by 16-character run, replaced by `<label>` (excerpts are shown). */
  function redactRuns(text: string): string {
    let out = text;
    for (const pattern of patterns) if (out.includes(pattern.whole)) out = out.split(pattern.whole).join(`<${pattern.label}>`);
    for (let i = 0; i + SEGMENT <= out.length; i += 1) {
      const pattern = segments.get(out.slice(i, i + SEGMENT));
      if (pattern === undefined) continue;
      let end = i + SEGMENT;
      while (end < out.length && segments.get(out.slice(end - SEGMENT + 1, end + 1)) === pattern) end += 1;
      const label = `<${pattern.label}>`;
      out = out.slice(0, i) + label + out.slice(end);
      i += label.length - 1;
    }
    return out;
  }
}

/** The server-hygiene {@link Property}, reading `monitor`'s state. Run it after every other property. */
export function serverHygieneProperty(monitor: HygieneMonitor): Property {
  return {
    id: 'server-hygiene',
    writes: false,
    plan(context: PlanContext): PlannedCell[] {
      return [
        { tool: null, applicable: true, estimatedRequests: 0 },
        ...context.tools.map((tool): PlannedCell =>
          context.mayCall(tool) ? { tool: tool.name, applicable: true, estimatedRequests: 0 } : { tool: tool.name, applicable: false, reason: 'writes not allowed: the tool is not called' },
        ),
      ];
    },
    run(tool: string | null, context: RunContext) {
      const state = monitor.state();
      // Tools with a cell of their own; the target-wide cell reports the rest (other traffic, tools not
      // listed, tools the run may not call but forged traffic reached).
      const celled = new Set(context.tools.filter((listedTool) => context.mayCall(listedTool)).map((listedTool) => listedTool.name));
      const mine = state.observations.filter((observation) => (tool === null ? observation.tool === null || !celled.has(observation.tool) : observation.tool === tool));
      for (const observation of mine) context.finding(findingOf(observation, context));
      if (tool === null && state.overloaded > 0) {
        context.note({ code: 'overloaded', message: `${String(state.overloaded)} answer${state.overloaded === 1 ? ' was' : 's were'} 503 with Retry-After: the server said it was overloaded (not counted as server errors).` });
      }
      const cases = tool === null ? state.otherAnswers : (state.answeredTools.get(tool) ?? 0);
      if (mine.length > 0) return Promise.resolve({ status: 'failed' as const, cases, requests: 0 });
      if (cases > 0) return Promise.resolve({ status: 'held' as const, cases, requests: 0 });
      const reason = tool !== null && state.calledTools.has(tool) ? 'no call of this tool got an answer' : tool === null ? 'no traffic besides tool calls got an answer' : 'the tool was never called';
      return Promise.resolve({ status: 'not-exercised' as const, reason, cases: 0, requests: 0 });
    },
  };
}

function findingOf(observation: Readonly<Observation>, context: RunContext): HarnessFinding {
  const { primary } = observation;
  const others = [...observation.kinds.values()].filter((sign) => sign.messageId !== primary.messageId);
  const also = others.length === 0 ? '' : `; also ${others.map((sign) => sign.summary).join('; ')}`;
  const more = observation.occurrences > 1 ? ` (${String(observation.occurrences)} answers)` : '';
  const exchanges = [primary.exchange, ...others.map((sign) => sign.exchange)].filter((exchange, index, all) => all.findIndex((other) => other.seq === exchange.seq) === index).slice(0, 3);
  return {
    ruleId: observation.ruleId,
    severity: harnessSeverity(observation.ruleId),
    confidence: 'medium',
    messageId: primary.messageId,
    message: primary.message,
    data: { ...primary.data, occurrences: String(observation.occurrences) },
    tool: observation.tool,
    principal: primary.exchange.principal,
    victim: primary.victim,
    input: primary.input,
    evidence: { summary: primary.summary + also + more, exchanges },
    reproduce: { curl: context.curl(primary.exchange), seed: context.seedFor('server-hygiene', observation.tool), path: reproducePath('server-hygiene', observation.tool, '0') },
  };
}

/** The tool a request body calls, and its arguments, when it is a single `tools/call`. */
function toolCallOf(body: string): { name: string; arguments: unknown } | undefined {
  if (!body.includes('tools/call')) return undefined;
  try {
    const message = JSON.parse(body) as unknown;
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return undefined;
    const record = message as Record<string, unknown>;
    const params = record.params as Record<string, unknown> | undefined;
    if (record.method !== 'tools/call' || typeof params?.name !== 'string') return undefined;
    return { name: params.name, arguments: params.arguments };
  } catch {
    return undefined;
  }
}

/**
 * What the sender put in the request: its URL and body (raw, JSON-decoded, URL-decoded), and a
 * credential that is not one of the run's secrets (a forged token is the sender's own material; a
 * real token is a secret, and the server must not send it back even to its owner).
 */
function sentText(raw: RawExchange, credentialHeaders: readonly string[], isSecret: (value: string) => boolean): string {
  const parts = [raw.request.url, raw.request.body, decodeJsonText(raw.request.body)];
  try {
    parts.push(decodeURIComponent(raw.request.url));
  } catch {
    // Not URL-encoded text.
  }
  for (const name of credentialHeaders) {
    for (const value of (raw.request.headers[name] ?? '').split(/,\s*/)) {
      const credential = /^\S+\s+(\S.*)$/.exec(value.trim())?.[1] ?? value.trim();
      if (credential !== '' && !isSecret(credential) && !isSecret(value.trim())) parts.push(value);
    }
  }
  return parts.join('\n');
}

/** Text with JSON string escapes resolved (`\n`, `\"`, `\\`, `\uXXXX`), for comparing answers with requests. */
function decodeJsonText(text: string): string {
  return text.replace(/\\(?:u([0-9a-fA-F]{4})|(["\\/bfnrt]))/g, (_all, hex: string | undefined, char: string | undefined) => {
    if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
    return ({ b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' } as Record<string, string>)[char ?? ''] ?? char ?? '';
  });
}

/**
 * Each secret found in `text` (whole, else its first 16-character run; JSON escapes resolved too),
 * with the text that matched, leaving out what the sender sent itself.
 */
function findSecrets(text: string, patterns: readonly SecretPattern[], segments: ReadonlyMap<string, SecretPattern>, sent: string): Map<SecretPattern, string> {
  const found = new Map<SecretPattern, string>();
  for (const pattern of patterns) if (text.includes(pattern.whole) && !sent.includes(pattern.whole)) found.set(pattern, pattern.whole);
  if (segments.size === 0 || text.length < SEGMENT) return found;
  const candidates = text.includes('\\') ? [text, decodeJsonText(text)] : [text];
  for (const candidate of candidates) {
    for (let i = 0; i + SEGMENT <= candidate.length; i += 1) {
      const run = candidate.slice(i, i + SEGMENT);
      const pattern = segments.get(run);
      if (pattern !== undefined && !found.has(pattern) && !sent.includes(run)) found.set(pattern, run);
    }
  }
  return found;
}

type LeakKind = 'stack-frame' | 'server-path' | 'source-path' | 'error-name';

const leakRank: Record<LeakKind, number> = { 'server-path': 1, 'source-path': 1, 'stack-frame': 2, 'error-name': 3 };

function describeLeak(kind: LeakKind): string {
  switch (kind) {
    case 'stack-frame':
      return 'a stack frame';
    case 'server-path':
    case 'source-path':
      return "an absolute path of the server's files";
    case 'error-name':
      return 'an error class name opening an error message';
  }
}

/** The stack frames, file paths and error names in an answer. */
function leaks(text: string, serverPaths: readonly string[]): [LeakKind, string][] {
  const out: [LeakKind, string][] = [];
  const frame = STACK_FRAME.exec(text);
  if (frame?.[1] !== undefined) out.push(['stack-frame', frame[1]]);
  const decoded = decodeJsonText(text);
  const own = serverPaths.find((path) => decoded.includes(path));
  if (own !== undefined) {
    const at = decoded.indexOf(own);
    out.push(['server-path', /^[^\s"'<>()`,;]*/.exec(decoded.slice(at))?.[0] ?? own]);
  } else {
    const path = SOURCE_PATH.exec(text);
    if (path !== null) out.push(['source-path', path[0]]);
  }
  const error = ERROR_OPENING.exec(text);
  if (error?.[1] !== undefined) out.push(['error-name', `${error[1]}:`]);
  return out;
}

/** `: "<the answer's first 160 characters>"` from the recorded (redacted) exchange, or nothing. */
function excerptOf(exchange: Exchange): string {
  if (!('body' in exchange.response) || exchange.response.body.trim() === '') return '';
  const body = exchange.response.body.trim().replace(/\s+/g, ' ');
  return `: ${JSON.stringify(body.length > 160 ? `${body.slice(0, 157)}...` : body)}`;
}
