import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { principalNamePattern as namePattern } from './audit-hook.js';
import { Secret } from './secret.js';

/** Why a `--token` value, or the set of them, cannot be used. The message says what to type and never contains a token. */
export class TokenSpecError extends Error {
  override readonly name = 'TokenSpecError';
}

/** Where a token's value came from: the command line itself, an environment variable, or a file. */
export type TokenSource = { readonly kind: 'literal' } | { readonly kind: 'env'; readonly variable: string } | { readonly kind: 'file'; readonly path: string };

/** One parsed `--token NAME[@TENANT][scope,...]=TOKEN|env:VAR|@FILE`. */
export interface TokenSpec {
  readonly name: string;
  /** The `@TENANT` given, or `undefined` when the principal is alone in its own tenant. */
  readonly tenant: string | undefined;
  /** The `[scope,...]` given (`[]` is a principal with no scopes), or `undefined` when not given. */
  readonly scopes: readonly string[] | undefined;
  readonly token: Secret;
  readonly source: TokenSource;
}

/** Where `env:` and `@FILE` forms are read from. */
export interface TokenSpecOptions {
  /** Environment for `env:VAR` (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Folder `@FILE` paths are relative to (default `process.cwd()`). */
  cwd?: string;
}

const FORM = 'NAME[@TENANT][scope,...]=TOKEN, e.g. --token alice@acme[orders:read]=env:ALICE_TOKEN';
const NAME_RULE = '1-64 characters of A-Z a-z 0-9 _ . -';
/** RFC 6749 scope-token characters, less the `,` and `]` that delimit the list. */
const scopePattern = /^[\x21\x23-\x2b\x2d-\x5b\x5e-\x7e]+$/;
const variablePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

const headSchema = z.object({
  name: z.string().regex(namePattern, `the principal's name must be ${NAME_RULE}`),
  tenant: z.string().regex(namePattern, `the tenant after @ must be ${NAME_RULE}`).optional(),
  scopes: z
    .array(z.string().regex(scopePattern, 'each scope in [...] must be printable characters without spaces, quotes, backslashes, commas or brackets'))
    .optional(),
});

/**
 * Parses one `--token` value. `TOKEN` may be `env:VAR` (read from the environment), `@FILE` (read from
 * the file relative to `cwd`, trimmed) or the token itself. The token is kept in a {@link Secret}.
 *
 * @example
 * ```ts
 * parseTokenSpec('alice@acme[orders:read,orders:refund]=env:ALICE_TOKEN');
 * // { name: 'alice', tenant: 'acme', scopes: ['orders:read', 'orders:refund'], token: Secret(alice's token), ... }
 * ```
 * @throws {TokenSpecError} naming the rule broken and what to type; never echoing the token.
 */
export function parseTokenSpec(text: string, options: TokenSpecOptions = {}): TokenSpec {
  const equals = text.indexOf('=');
  if (equals === -1) throw new TokenSpecError(`--token needs a name and a token: ${FORM}.`);
  const head = text.slice(0, equals);
  const value = text.slice(equals + 1);

  const match = /^([^@[\]]*)(?:@([^@[\]]*))?(?:\[([^[\]]*)\])?$/.exec(head);
  if (match === null) throw new TokenSpecError(`--token: the part before = must read NAME, NAME@TENANT, NAME[scope,...] or NAME@TENANT[scope,...] (${FORM}).`);
  const [, rawName = '', rawTenant, rawScopes] = match;
  const parsed = headSchema.safeParse({
    name: rawName,
    tenant: rawTenant,
    scopes: rawScopes === undefined ? undefined : rawScopes === '' ? [] : rawScopes.split(',').map((scope) => scope.trim()),
  });
  if (!parsed.success) {
    // Only the rule: the rejected text might be a mistyped token.
    const reasons = [...new Set(parsed.error.issues.map((issue) => issue.message))].join('; ');
    throw new TokenSpecError(`--token: ${reasons} (${FORM}).`);
  }
  const { name, tenant, scopes } = parsed.data;
  const label = `${name}'s token`;
  const { token, source } = readValue(value, label, options);
  checkToken(token, label);
  return { name, tenant, scopes: scopes === undefined ? undefined : [...new Set(scopes)], token: new Secret(label, token), source };
}

function readValue(value: string, label: string, options: TokenSpecOptions): { token: string; source: TokenSource } {
  if (value.startsWith('env:')) {
    const variable = value.slice('env:'.length);
    if (!variablePattern.test(variable)) {
      throw new TokenSpecError(`--token: ${label} is env:VAR with VAR an environment variable's name (letters, digits and _, not starting with a digit), e.g. env:ALICE_TOKEN.`);
    }
    const token = (options.env ?? process.env)[variable]?.trim() ?? '';
    if (token === '') throw new TokenSpecError(`--token: ${label} is read from the environment variable ${variable}, which is not set or empty; export ${variable}=<token> first.`);
    return { token, source: { kind: 'env', variable } };
  }
  if (value.startsWith('@')) {
    const file = value.slice(1);
    if (file === '') throw new TokenSpecError(`--token: ${label} is @FILE with FILE the path of a file holding the token, e.g. @tokens/alice.txt.`);
    const path = resolve(options.cwd ?? process.cwd(), file);
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? 'unknown error'})`;
      throw new TokenSpecError(`--token: ${label} is read from the file ${file}, which ${why}.`);
    }
    const token = content.trim();
    if (token === '') throw new TokenSpecError(`--token: ${label} is read from the file ${file}, which is empty.`);
    return { token, source: { kind: 'file', path } };
  }
  if (value === '') throw new TokenSpecError(`--token: ${label} is missing after =; give env:VAR, @FILE or the token itself.`);
  return { token: value, source: { kind: 'literal' } };
}

function checkToken(token: string, label: string): void {
  if (/^bearer\s/i.test(token)) throw new TokenSpecError(`--token: give ${label} without the "Bearer " prefix; the harness adds it.`);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what a header cannot carry
  if (/[\s\x00-\x1f\x7f]/.test(token)) throw new TokenSpecError(`--token: ${label} contains a space, line break or control character; a token is one line without spaces.`);
  if (/[^\x21-\x7e]/.test(token)) throw new TokenSpecError(`--token: ${label} contains characters outside printable ASCII, which an Authorization header cannot carry.`);
}

/** A principal of a black-box run. */
export interface BlackBoxPrincipal {
  readonly name: string;
  /** The tenant given with `@TENANT`, else the principal's own name. */
  readonly tenant: string;
  /** Whether the tenant was given (`@TENANT`) rather than the principal's own one. */
  readonly tenantGiven: boolean;
  readonly scopes: readonly string[] | undefined;
  readonly token: Secret;
}

/**
 * The principals of a black-box run, checked: names distinct, tokens distinct, and at least two
 * tenants (a principal without `@TENANT` is alone in its own tenant), since isolation is tested between them.
 *
 * @throws {TokenSpecError} saying what is missing.
 */
export function blackBoxPrincipals(specs: readonly TokenSpec[]): BlackBoxPrincipal[] {
  const byName = new Map<string, TokenSpec>();
  for (const spec of specs) {
    if (byName.has(spec.name)) throw new TokenSpecError(`--token: two tokens are named ${spec.name}; give each principal its own name.`);
    byName.set(spec.name, spec);
  }
  const byToken = new Map<string, string>();
  for (const spec of specs) {
    const other = byToken.get(spec.token.reveal());
    if (other !== undefined) throw new TokenSpecError(`--token: ${other} and ${spec.name} have the same token; each principal needs its own identity.`);
    byToken.set(spec.token.reveal(), spec.name);
  }
  // A principal without @TENANT is in the tenant named after it; that name must not be another's @TENANT.
  for (const spec of specs) {
    const own = spec.tenant === undefined ? undefined : byName.get(spec.tenant);
    if (own !== undefined && own.tenant === undefined) {
      throw new TokenSpecError(
        `--token: ${spec.name}@${spec.tenant} names tenant ${spec.tenant}, but ${own.name} (without @TENANT) has a tenant of its own by that name; write ${own.name}@${own.name} to put both in one tenant, or name the tenant differently.`,
      );
    }
  }
  const tenants = new Set(specs.map((spec) => spec.tenant ?? spec.name));
  if (tenants.size < 2) {
    const got = specs.length === 0 ? 'no --token was given' : specs.length === 1 ? 'only one --token was given' : `all ${specs.length} principals are in tenant ${specs[0]?.tenant ?? ''}`;
    throw new TokenSpecError(
      `Black-box mode needs principals in at least two tenants to test isolation between them, but ${got}. Give one --token per principal, e.g. --token alice@acme=env:ALICE_TOKEN --token bob@globex=env:BOB_TOKEN (a name without @TENANT is in a tenant of its own).`,
    );
  }
  return specs.map((spec) => ({ name: spec.name, tenant: spec.tenant ?? spec.name, tenantGiven: spec.tenant !== undefined, scopes: spec.scopes, token: spec.token }));
}
