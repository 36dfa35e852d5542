/**
 * A recorded exchange as one `curl` command a user can paste: credentials are shell variables
 * (`$MCIFY_TOKEN_ALICE`, `$MCIFY_FORGED_TOKEN`), never values.
 *
 * @module
 */
import type { Exchange, FuzzTarget } from '../engine/types.js';

/** The variable a forged credential is read from in a replay line. */
export const FORGED_TOKEN_VAR = 'MCIFY_FORGED_TOKEN';

/** Request headers a replay leaves to curl. */
const LEFT_TO_CURL = new Set(['host', 'content-length', 'connection', 'user-agent', 'accept-encoding', 'keep-alive', 'transfer-encoding']);
/** Headers in the order a replay line shows them first. */
const FIRST = ['content-type', 'accept'];

/** `MCIFY_TOKEN_<NAME>`: the principal's name upper-cased, anything but letters and digits as `_`. */
export function tokenEnvVar(principal: string): string {
  return `MCIFY_TOKEN_${principal.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Quotes `text` as one shell word in single quotes (`'` as `'\''`). */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface CurlOptions {
  /** More labels to turn into variables: label → variable name (without `$`). */
  readonly variables?: Readonly<Record<string, string>>;
}

/**
 * The curl line replaying `exchange`: method, URL, the headers that matter (content type, accept,
 * the credential, `Mcp-Session-Id`, protocol version, any other header the request carried), the
 * body. Each credential label in the record (a principal's token label, or the label a forged
 * credential was recorded under) becomes its variable; a forged credential's line is prefixed with
 * `MCIFY_FORGED='<label>'` so the line says which forgery to put in `$MCIFY_FORGED_TOKEN`.
 *
 * @example
 * ```ts
 * curlFor(exchange, target);
 * // curl -sS -X POST 'http://127.0.0.1:8080/mcp' -H 'content-type: application/json'
 * //   -H 'accept: application/json, text/event-stream' -H "Authorization: Bearer $MCIFY_TOKEN_ALICE" --data-raw '{...}'
 * ```
 */
export function curlFor(exchange: Exchange, target: Pick<FuzzTarget, 'principals' | 'credentialHeader'>, options: CurlOptions = {}): string {
  const variables = new Map<string, string>();
  for (const principal of target.principals) {
    if (principal.token !== undefined) variables.set(principal.token.label, tokenEnvVar(principal.name));
  }
  const sender = exchange.principal;
  const forged = sender !== null && !target.principals.some((principal) => principal.name === sender);
  if (forged) {
    variables.set(`${sender}'s credential`, FORGED_TOKEN_VAR);
    variables.set(sender, FORGED_TOKEN_VAR);
  }
  for (const [label, name] of Object.entries(options.variables ?? {})) variables.set(label, name);
  // Longest labels first, so `alice's token` is not cut by a shorter label inside it.
  const labels = [...variables.keys()].filter((label) => label.length > 0).sort((a, b) => b.length - a.length);

  const word = (text: string) => shellWord(text, labels, variables);
  const parts = ['curl', '-sS', '-X', exchange.request.method, word(exchange.request.url)];
  const headers = Object.entries(exchange.request.headers).filter(([name]) => !LEFT_TO_CURL.has(name.toLowerCase()));
  const credential = target.credentialHeader.name.toLowerCase();
  const rank = (name: string) => {
    const lower = name.toLowerCase();
    const first = FIRST.indexOf(lower);
    if (first >= 0) return first;
    if (lower === credential || lower === 'authorization') return FIRST.length;
    return FIRST.length + 1;
  };
  headers.sort((a, b) => rank(a[0]) - rank(b[0]));
  for (const [name, value] of headers) parts.push('-H', word(`${displayName(name)}: ${value}`));
  if (exchange.request.body !== '' || (exchange.request.method !== 'GET' && exchange.request.method !== 'HEAD' && exchange.request.method !== 'DELETE')) {
    parts.push('--data-raw', word(exchange.request.body));
  }
  const line = parts.join(' ');
  return forged && usesVariable(line, FORGED_TOKEN_VAR) ? `MCIFY_FORGED=${shellQuote(sender)} ${line}` : line;
}

function usesVariable(line: string, name: string): boolean {
  return line.includes(`$${name}`);
}

/** `authorization` as `Authorization` (what users expect to read); other names as recorded. */
function displayName(name: string): string {
  return name.toLowerCase() === 'authorization' ? 'Authorization' : name;
}

/**
 * One shell word for `text` where each label becomes `$VARIABLE`: in double quotes when the literal
 * parts need no escaping there, else single-quoted literal parts joined with `"$VARIABLE"`.
 */
function shellWord(text: string, labels: readonly string[], variables: ReadonlyMap<string, string>): string {
  const pieces: ({ literal: string } | { variable: string })[] = [];
  let rest = text;
  while (rest.length > 0) {
    let best: { at: number; label: string } | undefined;
    for (const label of labels) {
      const at = rest.indexOf(label);
      if (at >= 0 && (best === undefined || at < best.at)) best = { at, label };
    }
    if (best === undefined) {
      pieces.push({ literal: rest });
      break;
    }
    if (best.at > 0) pieces.push({ literal: rest.slice(0, best.at) });
    pieces.push({ variable: variables.get(best.label) ?? FORGED_TOKEN_VAR });
    rest = rest.slice(best.at + best.label.length);
  }
  if (!pieces.some((piece) => 'variable' in piece)) return shellQuote(text);
  const literals = pieces.flatMap((piece) => ('literal' in piece ? [piece.literal] : []));
  if (literals.every((literal) => !/["$`\\!]/.test(literal))) {
    // `$NAME`, or `${NAME}` when a name character follows (a forgery that appends to a real token).
    const rendered = pieces.map((piece, index) => {
      if ('literal' in piece) return piece.literal;
      const next = pieces[index + 1];
      return next !== undefined && 'literal' in next && /^\w/.test(next.literal) ? `\${${piece.variable}}` : `$${piece.variable}`;
    });
    return `"${rendered.join('')}"`;
  }
  return pieces.map((piece) => ('literal' in piece ? shellQuote(piece.literal) : `"$${piece.variable}"`)).join('');
}
