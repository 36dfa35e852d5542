/**
 * The `fetch` the MCP SDK client is given: it sends through the target's pinned fetch, records each
 * exchange in the {@link ExchangeLog}, and waits out rate limits (a 429 or 503 with `Retry-After`
 * pauses that principal for the time given, a 429 without it for 1, 2, then 4 s, within the run's
 * deadline, then retries, at most 3 times).
 *
 * @module
 */
import type { Exchange } from '../engine/types.js';
import { BODY_LIMIT, type ExchangeLog } from './exchange-log.js';

/** Retries after a rate-limited answer, at most. */
export const MAX_RATE_RETRIES = 3;
/** Longest pause when no deadline bounds it, in ms. */
const DEFAULT_MAX_PAUSE_MS = 60_000;
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** The fetch a target is reached through. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What bounds a pause: the run's remaining budget. */
export interface PauseDeadline {
  remainingMs(): number;
}

/** What the rate-limit gate has seen: answers, and how many were 429 or 503. */
export interface RateCounters {
  readonly answers: number;
  readonly rateLimited: number;
  readonly overloaded: number;
  readonly retries: number;
}

/**
 * Per-principal pauses after rate-limited answers, and the counts the orchestrator needs for the
 * `rate-limited` note (more than 20% of answers 429). Share one gate between all clients of a run.
 *
 * @example
 * ```ts
 * const gate = new RateGate();
 * // ... run ...
 * if (gate.rateLimitedShare() > 0.2) ctx.note({ code: 'rate-limited', message: ... });
 * ```
 */
export class RateGate {
  readonly #pausedUntil = new Map<string, number>();
  #answers = 0;
  #rateLimited = 0;
  #overloaded = 0;
  #retries = 0;

  get counters(): RateCounters {
    return { answers: this.#answers, rateLimited: this.#rateLimited, overloaded: this.#overloaded, retries: this.#retries };
  }

  /** The share of answers that were 429 (0 when there were none). */
  rateLimitedShare(): number {
    return this.#answers === 0 ? 0 : this.#rateLimited / this.#answers;
  }

  /** Counts one answer. */
  count(status: number): void {
    this.#answers += 1;
    if (status === 429) this.#rateLimited += 1;
    if (status === 503) this.#overloaded += 1;
  }

  countRetry(): void {
    this.#retries += 1;
  }

  /** Pauses `key` (a principal) for `ms` from now; a longer pause already set stands. */
  pause(key: string, ms: number): void {
    const until = Date.now() + ms;
    if ((this.#pausedUntil.get(key) ?? 0) < until) this.#pausedUntil.set(key, until);
  }

  /** How long `key` is still paused, in ms. */
  pausedFor(key: string): number {
    return Math.max(0, (this.#pausedUntil.get(key) ?? 0) - Date.now());
  }

  /** Waits until `key` is no longer paused, but never past the deadline; rejects when `signal` aborts. */
  async wait(key: string, deadline: PauseDeadline | undefined, signal: AbortSignal | null | undefined): Promise<void> {
    const ms = Math.min(this.pausedFor(key), deadline?.remainingMs() ?? Number.POSITIVE_INFINITY);
    if (ms > 0) await sleep(ms, signal);
  }
}

export interface RecordingFetchOptions {
  /** The target's fetch (pinned, no redirects, per-request timeout). */
  readonly fetch: FetchLike;
  readonly log: ExchangeLog;
  /** Recorded as the exchange's principal (`alice`, `forged: alg-none`, null for no credential). */
  readonly principal: string | null;
  /** The exchange's label (default: read from the request, `tools/call orders_get`, `initialize`, `sse stream`). */
  readonly label?: string;
  /** The gate's key for this sender (default the principal, or `anonymous`). */
  readonly gateKey?: string;
  /** Shared rate-limit gate (default: one of its own). */
  readonly gate?: RateGate;
  /** Pauses never reach past it. */
  readonly deadline?: PauseDeadline;
  /** Retries after a rate-limited answer (default {@link MAX_RATE_RETRIES}). */
  readonly maxRetries?: number;
  /**
   * Told of each recorded exchange with the JSON-RPC request ids its body carried; `final` is false for
   * a rate-limited answer that is about to be retried.
   */
  readonly onRecorded?: (exchange: Exchange, rpcIds: readonly (string | number)[], final: boolean) => void;
}

/**
 * A fetch that records. JSON answers are read whole (bounded by the log) and handed back as a fresh
 * `Response`; `text/event-stream` answers are teed, so the caller reads the stream as it arrives while
 * a bounded copy is recorded in the background when the stream ends (or at 64 KiB) — a long-lived
 * GET stream is never buffered whole and never blocks.
 *
 * @example
 * ```ts
 * const fetch = recordingFetch({ fetch: target.fetch, log, principal: 'alice', gate, deadline });
 * new StreamableHTTPClientTransport(target.url, { fetch });
 * ```
 */
export function recordingFetch(options: RecordingFetchOptions): FetchLike {
  const gate = options.gate ?? new RateGate();
  const key = options.gateKey ?? options.principal ?? 'anonymous';
  const maxRetries = options.maxRetries ?? MAX_RATE_RETRIES;

  return async (input, init) => {
    const request = new Request(input, init);
    const method = request.method;
    const url = request.url;
    const headers = [...request.headers.entries()];
    const body = request.body === null ? '' : await request.text();
    const described = describeRequest(method, body);
    const label = options.label ?? described.label;
    const ids = described.ids;
    const signal = init?.signal ?? null;
    const record = (response: { status: number; headers: Headers; body: string } | { error: string }, startedAt: number, final = true): Exchange => {
      const exchange = options.log.record({
        principal: options.principal,
        label,
        request: { method, url, headers, body },
        response,
        durationMs: performance.now() - startedAt,
      });
      options.onRecorded?.(exchange, ids, final);
      return exchange;
    };

    for (let attempt = 0; ; attempt += 1) {
      await gate.wait(key, options.deadline, signal);
      const startedAt = performance.now();
      let response: Response;
      try {
        response = await options.fetch(url, {
          method,
          headers,
          ...(body === '' && (method === 'GET' || method === 'HEAD') ? {} : { body }),
          redirect: 'manual',
          ...(signal === null ? {} : { signal }),
        });
      } catch (error) {
        record({ error: describeError(error) }, startedAt);
        throw error;
      }
      gate.count(response.status);

      if (response.status === 429 || response.status === 503) {
        // A 429 that says nothing about when: back off 1 s, 2 s, 4 s. A 503 without Retry-After is an error.
        const pauseMs = retryAfterMs(response.headers.get('retry-after')) ?? (response.status === 429 ? 1000 * 2 ** attempt : undefined);
        const room = options.deadline?.remainingMs() ?? DEFAULT_MAX_PAUSE_MS;
        if (pauseMs !== undefined && attempt < maxRetries && pauseMs < room) {
          const text = await response.text().catch(() => '');
          record({ status: response.status, headers: response.headers, body: text }, startedAt, false);
          gate.pause(key, pauseMs);
          gate.countRetry();
          continue;
        }
      }

      const contentType = response.headers.get('content-type') ?? '';
      if (response.body !== null && /^\s*text\/event-stream/i.test(contentType)) {
        const [forCaller, forRecord] = response.body.tee();
        void recordStream(forRecord, (text) => record({ status: response.status, headers: response.headers, body: text }, startedAt));
        return rebuilt(response, forCaller);
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        record({ error: describeError(error) }, startedAt);
        throw error;
      }
      record({ status: response.status, headers: response.headers, body: text }, startedAt);
      return rebuilt(response, NULL_BODY_STATUSES.has(response.status) ? null : text);
    }
  };
}

/** Reads a teed stream's copy into at most 64 KiB of text, then records it; stops reading at the bound. */
async function recordStream(stream: ReadableStream<Uint8Array>, done: (text: string) => void): Promise<void> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ended = false;
  try {
    while (text.length < BODY_LIMIT) {
      const chunk = await reader.read();
      if (chunk.done) {
        ended = true;
        break;
      }
      text += decoder.decode(chunk.value, { stream: true });
    }
  } catch {
    // The stream broke or was closed by the caller: record what arrived.
  } finally {
    if (!ended) await reader.cancel().catch(() => undefined);
    done(text.slice(0, BODY_LIMIT));
  }
}

function rebuilt(response: Response, body: BodyInit | null): Response {
  const copy = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  if (response.url !== '') Object.defineProperty(copy, 'url', { value: response.url });
  return copy;
}

/** `Retry-After` in ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The exchange's label (`initialize`, `tools/call orders_get`, `sse stream`) and the JSON-RPC request ids in the body. */
export function describeRequest(method: string, body: string): { label: string; ids: (string | number)[] } {
  if (method === 'GET') return { label: 'sse stream', ids: [] };
  if (method === 'DELETE') return { label: 'session delete', ids: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { label: body === '' ? method : 'unparsable body', ids: [] };
  }
  const messages = Array.isArray(parsed) ? parsed : [parsed];
  const labels: string[] = [];
  const ids: (string | number)[] = [];
  for (const message of messages) {
    if (typeof message !== 'object' || message === null) {
      labels.push('not json-rpc');
      continue;
    }
    const record = message as Record<string, unknown>;
    const id = record.id;
    if (typeof record.method === 'string') {
      if (typeof id === 'string' || typeof id === 'number') ids.push(id);
      const params = record.params as Record<string, unknown> | undefined;
      const tool = record.method === 'tools/call' && typeof params?.name === 'string' ? ` ${params.name}` : '';
      labels.push(record.method + tool);
    } else labels.push('response');
  }
  const label = Array.isArray(parsed) ? `batch: ${labels.join(', ')}` : (labels[0] ?? 'empty');
  return { label, ids };
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function sleep(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
