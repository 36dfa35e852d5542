/**
 * The record of every HTTP exchange the harness has with its target: the evidence findings carry,
 * and the feed passive checks (server hygiene) read. Credentials never enter it: each known token is
 * replaced by its label before anything is stored or handed to a listener as an {@link Exchange}.
 *
 * @module
 */
import type { Exchange } from '../engine/types.js';
import { Secret } from '../target/secret.js';

/** Longest body kept in a record (the first 64 KiB). */
export const BODY_LIMIT = 64 * 1024;
/** How many exchanges the log keeps (the last ones). */
export const EXCHANGE_LIMIT = 5000;
/** Forged credentials remembered for redaction (the most recent ones). */
const FORGED_LIMIT = 1000;
/** Credentials shorter than this are not redacted (a forged `x` must not blank every `x` of a record). */
const MIN_CREDENTIAL = 8;
/** A run of this many characters of a principal's token (or a declared secret) in an answer is redacted too. */
export const SEGMENT_LENGTH = 16;

/** Request or response headers as they were sent or received: a record, or a list when a name repeats. */
export type HeaderInput = Readonly<Record<string, string>> | readonly (readonly [string, string])[] | Headers;

/** What {@link ExchangeLog.record} is given: the exchange as it happened, credentials and all. */
export interface ExchangeInput {
  readonly principal: string | null;
  readonly label: string;
  readonly request: { readonly method: string; readonly url: string; readonly headers: HeaderInput; readonly body: string };
  readonly response: { readonly status: number; readonly headers: HeaderInput; readonly body: string } | { readonly error: string };
  readonly durationMs: number;
}

/**
 * The exchange before redaction (bodies bounded), handed to listeners next to the stored
 * {@link Exchange} so passive checks can look for reflected secrets. Never store it.
 */
export interface RawExchange {
  readonly request: { readonly method: string; readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly body: string };
  readonly response: { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string } | { readonly error: string };
}

export type ExchangeListener = (exchange: Exchange, raw: RawExchange) => void;

export interface ExchangeLogOptions {
  /** Credentials and secrets to redact from the start: principals' tokens, hook secrets, IdP key material. */
  readonly secrets?: readonly Secret[];
  /** The header the credential travels in (default `authorization` with `Bearer `). */
  readonly credentialHeader?: { readonly name: string; readonly prefix: string };
  /** Exchanges kept (default {@link EXCHANGE_LIMIT}). */
  readonly limit?: number;
  /** Body characters kept per record (default {@link BODY_LIMIT}). */
  readonly bodyLimit?: number;
}

interface Known {
  readonly value: string;
  readonly label: string;
}

/**
 * A bounded log of exchanges with the target.
 *
 * - {@link record} numbers each exchange (`seq` from 1), replaces every registered credential by its
 *   label (the credential header becomes `Bearer <label>`), truncates bodies to 64 KiB and keeps the
 *   last 5000;
 * - a credential-header value that is not registered is registered on the spot under the exchange's
 *   principal (`forged: alg-none`), so a forged token cannot slip into the record;
 * - runs of 16 characters of a principal's token or of a declared secret are redacted from answers
 *   too (a server that echoes half a token must not put it in the report);
 * - {@link onExchange} listeners see every exchange as it is recorded.
 *
 * @example
 * ```ts
 * const log = new ExchangeLog({ secrets: target.principals.flatMap((p) => (p.token ? [p.token] : [])) });
 * log.onExchange((exchange) => { if (exchange.response.status >= 500) ... });
 * ```
 */
export class ExchangeLog {
  readonly #limit: number;
  readonly #bodyLimit: number;
  readonly #credentialHeader: { readonly name: string; readonly prefix: string };
  /** Principals' tokens and declared secrets: redacted whole and by segment. */
  readonly #secrets: Known[] = [];
  /** Forged and other run-time credentials: redacted whole. Insertion-ordered for eviction. */
  readonly #forged = new Map<string, string>();
  /** Segment → label, for the secrets in {@link #secrets}. */
  readonly #segments = new Map<string, string>();
  readonly #listeners = new Set<ExchangeListener>();
  /** {@link #ordered}'s cache, dropped when a credential is registered. */
  #byLength: Known[] | undefined;
  #exchanges: Exchange[] = [];
  #seq = 0;

  constructor(options: ExchangeLogOptions = {}) {
    this.#limit = options.limit ?? EXCHANGE_LIMIT;
    this.#bodyLimit = options.bodyLimit ?? BODY_LIMIT;
    this.#credentialHeader = { name: (options.credentialHeader?.name ?? 'authorization').toLowerCase(), prefix: options.credentialHeader?.prefix ?? 'Bearer ' };
    for (const secret of options.secrets ?? []) this.#addSecret(secret);
  }

  /** Requests recorded so far (also counts those no longer kept). */
  get count(): number {
    return this.#seq;
  }

  /** The exchanges kept, oldest first. */
  exchanges(): readonly Exchange[] {
    return this.#exchanges;
  }

  /** The kept exchanges with `seq` greater than `seq`. */
  since(seq: number): Exchange[] {
    return this.#exchanges.filter((exchange) => exchange.seq > seq);
  }

  /** The exchange numbered `seq`, while it is kept. */
  get(seq: number): Exchange | undefined {
    const first = this.#exchanges[0];
    if (first === undefined) return undefined;
    const found = this.#exchanges[seq - first.seq];
    return found?.seq === seq ? found : undefined;
  }

  /**
   * Registers a credential to redact from now on: a forged token, a revoked one, a session secret.
   * Its occurrences in URLs, headers and bodies are recorded as its label.
   */
  redact(secret: Secret): void {
    const value = secret.reveal();
    if (value.length < MIN_CREDENTIAL || this.#secrets.some((known) => known.value === value)) return;
    this.#byLength = undefined;
    this.#forged.delete(value);
    this.#forged.set(value, secret.label);
    while (this.#forged.size > FORGED_LIMIT) {
      const oldest = this.#forged.keys().next();
      if (oldest.done === true) break;
      this.#forged.delete(oldest.value);
    }
  }

  /** The label of a registered credential, if `value` is one. */
  labelOf(value: string): string | undefined {
    return this.#secrets.find((known) => known.value === value)?.label ?? this.#forged.get(value);
  }

  /** `text` with every registered credential replaced by its label, and secrets' 16-character runs by `<label>`. */
  redactText(text: string): string {
    return this.#redactSegments(this.#redactWhole(text));
  }

  /** Subscribes to every exchange recorded from now on; returns the unsubscribe function. */
  onExchange(listener: ExchangeListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Records one exchange: numbers it, redacts it, bounds it, keeps it and tells the listeners. */
  record(input: ExchangeInput): Exchange {
    const requestHeaders = headerRecord(input.request.headers);
    this.#registerCredentials(requestHeaders, input.request.url, input.principal ?? input.label);
    const raw: RawExchange = {
      request: { method: input.request.method, url: input.request.url, headers: requestHeaders, body: bound(input.request.body, this.#bodyLimit) },
      response:
        'error' in input.response
          ? { error: input.response.error }
          : { status: input.response.status, headers: headerRecord(input.response.headers), body: bound(input.response.body, this.#bodyLimit) },
    };
    this.#seq += 1;
    const exchange: Exchange = {
      seq: this.#seq,
      principal: input.principal,
      label: this.#redactWhole(input.label),
      request: {
        method: raw.request.method,
        url: this.#redactWhole(raw.request.url),
        headers: this.#redactHeaders(raw.request.headers),
        body: this.#redactWhole(raw.request.body),
      },
      response:
        'error' in raw.response
          ? { error: this.redactText(raw.response.error) }
          : { status: raw.response.status, headers: this.#redactHeaders(raw.response.headers, true), body: this.redactText(raw.response.body) },
      durationMs: Math.round(input.durationMs),
    };
    this.#exchanges.push(exchange);
    if (this.#exchanges.length > this.#limit * 1.2) this.#exchanges = this.#exchanges.slice(-this.#limit);
    for (const listener of this.#listeners) {
      try {
        listener(exchange, raw);
      } catch {
        // A listener's failure is its own; the record stands.
      }
    }
    return exchange;
  }

  #addSecret(secret: Secret): void {
    const value = secret.reveal();
    if (value.length === 0 || this.#secrets.some((known) => known.value === value)) return;
    this.#byLength = undefined;
    this.#secrets.push({ value, label: secret.label });
    for (const core of secretCores(value)) {
      for (let i = 0; i + SEGMENT_LENGTH <= core.length; i += 1) {
        const segment = core.slice(i, i + SEGMENT_LENGTH);
        if (!this.#segments.has(segment)) this.#segments.set(segment, secret.label);
      }
    }
  }

  /** Credential-header values and token-like query parameters nobody registered are registered under `owner`. */
  #registerCredentials(headers: Readonly<Record<string, string>>, url: string, owner: string): void {
    const label = owner.startsWith('forged') ? owner : `${owner}'s credential`;
    for (const name of new Set([this.#credentialHeader.name, 'authorization'])) {
      const value = headers[name];
      if (value === undefined) continue;
      for (const part of value.split(/,\s*/)) {
        const token = credentialPart(part, name === this.#credentialHeader.name ? this.#credentialHeader.prefix : 'Bearer ');
        if (token.length >= MIN_CREDENTIAL && this.labelOf(token) === undefined) this.redact(new Secret(label, token));
      }
    }
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    for (const [key, value] of parsed?.searchParams ?? []) {
      if (/^(access_?token|token|api_?key|apikey|key|auth)$/i.test(key) && value.length >= MIN_CREDENTIAL && this.labelOf(value) === undefined) {
        this.redact(new Secret(label, value));
      }
    }
  }

  #redactHeaders(headers: Readonly<Record<string, string>>, answer = false): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) out[name] = answer ? this.redactText(value) : this.#redactWhole(value);
    return out;
  }

  /** Every registered credential, longest first (a forgery that contains a real token is replaced whole). */
  #ordered(): readonly Known[] {
    this.#byLength ??= [...this.#secrets, ...[...this.#forged].map(([value, label]) => ({ value, label }))].sort((a, b) => b.value.length - a.value.length);
    return this.#byLength;
  }

  #redactWhole(text: string): string {
    if (text.length === 0) return text;
    let out = text;
    for (const known of this.#ordered()) if (out.includes(known.value)) out = out.split(known.value).join(known.label);
    return out;
  }

  #redactSegments(text: string): string {
    if (this.#segments.size === 0 || text.length < SEGMENT_LENGTH) return text;
    const ranges: [number, number, string][] = [];
    for (let i = 0; i + SEGMENT_LENGTH <= text.length; i += 1) {
      const label = this.#segments.get(text.slice(i, i + SEGMENT_LENGTH));
      if (label === undefined) continue;
      const last = ranges[ranges.length - 1];
      if (last !== undefined && last[1] >= i && last[2] === label) last[1] = i + SEGMENT_LENGTH;
      else ranges.push([i, i + SEGMENT_LENGTH, label]);
    }
    if (ranges.length === 0) return text;
    let out = '';
    let at = 0;
    for (const [start, end, label] of ranges) {
      if (start < at) {
        at = Math.max(at, end);
        continue;
      }
      out += `${text.slice(at, start)}<${label}>`;
      at = end;
    }
    return out + text.slice(at);
  }
}

/**
 * The parts of a secret whose 16-character runs count as the secret: a JWT's payload and signature
 * (its header is shared by every token the issuer signs), a PEM's base64 lines, a JWK's private
 * members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `k`; its public members are public), else the whole value.
 */
export function secretCores(value: string): string[] {
  const jwt = /^[A-Za-z0-9_-]+\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]*)$/.exec(value);
  if (jwt !== null) return [jwt[1] ?? '', jwt[2] ?? ''].filter((part) => part.length >= SEGMENT_LENGTH);
  if (value.includes('-----BEGIN')) {
    return value
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length >= SEGMENT_LENGTH && !line.startsWith('-----'));
  }
  const trimmed = value.trim();
  if (trimmed.startsWith('{') && trimmed.includes('"kty"')) {
    try {
      const jwk = JSON.parse(trimmed) as Record<string, unknown>;
      return ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].flatMap((member) => {
        const part = jwk[member];
        return typeof part === 'string' && part.length >= SEGMENT_LENGTH ? [part] : [];
      });
    } catch {
      // Not JSON after all: the whole value.
    }
  }
  return value.length >= SEGMENT_LENGTH ? [value] : [];
}

/** The credential in one header value: the value less the expected prefix (any case), else less a leading scheme word. */
function credentialPart(value: string, prefix: string): string {
  const trimmed = value.trim();
  if (prefix.length > 0 && trimmed.toLowerCase().startsWith(prefix.trim().toLowerCase())) return trimmed.slice(prefix.trim().length).trim();
  const scheme = /^[A-Za-z][\w-]*\s+(\S.*)$/.exec(trimmed);
  return scheme?.[1]?.trim() ?? trimmed;
}

/** Headers as a record of lower-cased names; a repeated name's values joined with `, `. */
export function headerRecord(headers: HeaderInput): Record<string, string> {
  const out: Record<string, string> = {};
  const entries: Iterable<readonly [string, string]> = headers instanceof Headers ? headers.entries() : Array.isArray(headers) ? (headers as readonly (readonly [string, string])[]) : Object.entries(headers);
  for (const [name, value] of entries) {
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? value : `${out[key]}, ${value}`;
  }
  return out;
}

function bound(text: string, limit: number): string {
  return text.length <= limit ? text : text.slice(0, limit);
}
