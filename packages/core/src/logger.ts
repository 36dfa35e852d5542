import { createHash } from 'node:crypto';

/** Structured fields of a log record. */
export type LogFields = Readonly<Record<string, unknown>>;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One structured log record, as handed to a {@link LogSink}. */
export interface LogRecord {
  readonly time: string;
  readonly level: LogLevel;
  readonly event: string;
  readonly [field: string]: unknown;
}

export type LogSink = (record: LogRecord) => void;

/** A structured logger that scrubs credentials before they reach the sink. */
export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger whose records all carry `bindings`, and that also redacts the literal `secrets`. */
  child(bindings: LogFields, secrets?: readonly string[]): Logger;
  /** Stable pseudonym of an identifier, for logs: `logger.info('listed', { userId: logger.hash(id) })`. */
  hash(value: string): string;
}

export interface LoggerOptions {
  /** Lowest level written; default `info`. */
  level?: LogLevel;
  /** Where records go; default one JSON line per record on stderr. */
  sink?: LogSink;
  /** Literal secrets (the request's token) replaced wherever they appear in a record. */
  secrets?: readonly string[];
}

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose values are never logged, compared case-insensitively without `-` and `_`. */
const secretFieldPattern =
  /(?:token|authorization|password|passwd|secret|apikey|cookie|credential|privatekey|sessionid)s?$/;

const redacted = '[redacted]';

/**
 * Pseudonymises an identifier for logs: the first 16 hex digits of its SHA-256. Stable across requests
 * and processes, so records about one user can be correlated without storing who the user is.
 */
export function hash(value: string): string {
  return createHash('sha256').update('mcify:').update(value).digest('hex').slice(0, 16);
}

/** Creates a {@link Logger}. */
export function createLogger(options: LoggerOptions = {}, bindings: LogFields = {}): Logger {
  const minimum = levelRank[options.level ?? 'info'];
  const sink = options.sink ?? writeJsonLineToStderr;
  const secrets = (options.secrets ?? []).filter((secret) => secret.length >= 4);
  const write = (level: LogLevel, event: string, fields: LogFields | undefined): void => {
    if (levelRank[level] < minimum) return;
    const scrubbed = scrub({ ...bindings, ...fields }, secrets, 0) as Record<string, unknown>;
    sink({ ...scrubbed, time: new Date().toISOString(), level, event: scrubText(event, secrets) });
  };
  return {
    debug: (event, fields) => {
      write('debug', event, fields);
    },
    info: (event, fields) => {
      write('info', event, fields);
    },
    warn: (event, fields) => {
      write('warn', event, fields);
    },
    error: (event, fields) => {
      write('error', event, fields);
    },
    child: (more, moreSecrets = []) =>
      createLogger({ ...options, secrets: [...secrets, ...moreSecrets] }, { ...bindings, ...more }),
    hash,
  };
}

function writeJsonLineToStderr(record: LogRecord): void {
  process.stderr.write(`${JSON.stringify(record)}\n`);
}

function isSecretField(name: string): boolean {
  return secretFieldPattern.test(name.toLowerCase().replace(/[-_]/g, ''));
}

function scrubText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join(redacted);
  return result;
}

/** Copies a value for logging: secret-named fields and known secrets redacted, errors flattened, depth bounded. */
function scrub(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return scrubText(value, secrets);
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? '[function]' : value;
  if (depth >= 6) return '[truncated]';
  if (value instanceof Error) return { name: value.name, message: scrubText(value.message, secrets) };
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.slice(0, 100).map((item) => scrub(item, secrets, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[scrubText(key, secrets)] = isSecretField(key) ? redacted : scrub(field, secrets, depth + 1);
  }
  return copy;
}
