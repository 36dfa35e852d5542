/** The abstract values the handler dataflow computes for expressions. */
import type ts from 'typescript';
import type { ImportOrigin } from './scope.js';

/** Data clients and upstream clients the engine recognises by how they were made. */
export type ClientKind =
  | 'prisma'
  | 'drizzle'
  | 'kysely'
  | 'knex'
  | 'pg'
  | 'mongo-client'
  | 'mongo-db'
  | 'mongo-collection'
  | 'supabase'
  | 'sql-tag'
  | 'sql-fragment'
  | 'fetch'
  | 'axios'
  | 'http-client';

/** A classification for logs: what the value is and where it came from. */
export interface Mark {
  readonly node: ts.Node;
  readonly what: string;
}

/** An identity constraint that comes from input. */
export interface IdentityMark {
  readonly node: ts.Node;
  readonly name: string;
  readonly source: ts.Node;
}

/** What an expression may hold, as far as isolation goes. */
export interface Value {
  /** Derived from the auth context (the node where the auth-derived value was read). */
  readonly trusted?: ts.Node | undefined;
  /** Derived from tool input. A value that is both is mixed, and counts as untrusted. */
  readonly untrusted?: ts.Node | undefined;
  /** A container (object, array) with a purely auth-derived part. */
  readonly trustedPart?: ts.Node | undefined;
  /** An identity constraint from input inside the value (`input.userId`, `{ userId: input.x }`). */
  readonly identity?: IdentityMark | undefined;
  /** The handler context, its `auth`, the tool input, a logger. */
  readonly kind?: 'ctx' | 'auth' | 'input' | 'logger' | undefined;
  /** For direct reads of `ctx.auth`: the path below it (`claims.sub`), `''` for `ctx.auth` itself. */
  readonly authPath?: string | undefined;
  readonly secret?: Mark | undefined;
  readonly personal?: Mark | undefined;
  /** Results of these sinks flow here (for ownership guards). */
  readonly rows?: ReadonlySet<object> | undefined;
  readonly client?: ClientKind | undefined;
  readonly origin?: ImportOrigin | undefined;
  /** A function value (callbacks, helpers). */
  readonly fn?: ts.SignatureDeclaration | undefined;
  /** An object literal, to read its properties. */
  readonly object?: { readonly node: ts.ObjectLiteralExpression; readonly activation: object } | undefined;
  /** A literal or a boolean/number computed from other values: nothing to leak. */
  readonly inert?: boolean | undefined;
}

export const neutral: Value = {};
export const inert: Value = { inert: true };

export function isPureTrusted(value: Value): boolean {
  return value.trusted !== undefined && value.untrusted === undefined;
}

/** A value that scopes a query: purely auth-derived, or a container with such a part. */
export function scopes(value: Value): ts.Node | undefined {
  if (isPureTrusted(value)) return value.trusted;
  return value.trustedPart;
}

function unionRows(a: ReadonlySet<object> | undefined, b: ReadonlySet<object> | undefined): ReadonlySet<object> | undefined {
  if (a === undefined) return b;
  if (b === undefined || a === b) return a;
  return new Set([...a, ...b]);
}

/** Both values at once (`a ?? b`, a conditional, a variable assigned twice). */
export function join(a: Value, b: Value): Value {
  if (a === b) return a;
  return {
    trusted: a.trusted ?? b.trusted,
    untrusted: a.untrusted ?? b.untrusted,
    trustedPart: a.trustedPart ?? b.trustedPart,
    identity: a.identity ?? b.identity,
    kind: a.kind === b.kind ? a.kind : undefined,
    // `auth.scope ?? ''` still reads `scope`: a literal fallback adds no auth value.
    authPath: a.authPath === b.authPath ? a.authPath : b.inert === true ? a.authPath : a.inert === true ? b.authPath : undefined,
    secret: a.secret ?? b.secret,
    personal: a.personal ?? b.personal,
    rows: unionRows(a.rows, b.rows),
    client: a.client ?? b.client,
    origin: a.origin ?? b.origin,
    fn: a.fn ?? b.fn,
    object: a.object !== undefined && b.object === undefined && isEmpty(b) ? a.object : b.object !== undefined && isEmpty(a) ? b.object : undefined,
    inert: a.inert === true && b.inert === true ? true : undefined,
  };
}

function isEmpty(value: Value): boolean {
  return value.trusted === undefined && value.untrusted === undefined && value.kind === undefined && value.fn === undefined && value.object === undefined && value.client === undefined;
}

export function joinAll(values: readonly Value[]): Value {
  let result: Value | undefined;
  for (const value of values) result = result === undefined ? value : join(result, value);
  return result ?? neutral;
}

/** The taint of a value, without what it is (for results computed from it). */
export function taintOf(value: Value): Value {
  return { trusted: value.trusted, untrusted: value.untrusted, trustedPart: value.trustedPart, rows: value.rows };
}
