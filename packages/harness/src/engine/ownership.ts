/**
 * The read oracle: which values in an attacker's answer are the victim's data. The oracle is
 * observational (it knows nothing of the server but what each principal was answered), so it errs
 * towards silence. A value in A's answer counts as victim B's only when all four hold:
 *
 * - (a) B saw it under an id-like key (`id`, `*Id`, `*_id`, the hook's `idFields`), or it is
 *   distinctive (a string of at least 8 characters mixing letters and digits, or an email) and B saw
 *   it anywhere. A value that is not distinctive counts only where A's answer has it under an id-like
 *   key too, so a `1` or an `open` in some other field never does;
 * - (b) no principal on A's side (A's tenant; A alone when users are isolated) saw it in any harvest;
 * - (c) it does not occur in A's request, after case-folding and JSON, URL and base64 decoding of
 *   every argument (nested), so an echo of what A sent is never B's;
 * - (d) it is not declared public (the hook's `publicValues`, `--public-value`).
 *
 * The module also turns answers into string leaves (structured content, JSON inside text and inside
 * string fields, and the tokens of plain text), which the harvest uses for the views as well.
 *
 * @module
 */
import { isIdLikeName } from '../fuzz/field-names.js';
import type { PrincipalView } from './property.js';

/** One value of an answer or request, and the key it was under (`''` for top-level array items and text tokens). */
export interface Leaf {
  readonly value: string;
  readonly key: string;
}

/** How deep {@link valueLeaves} walks and how often it re-parses JSON found inside strings. */
const maxDepth = 24;
const maxNestedJson = 3;
/** Longest string re-parsed or tokenised (longer ones are kept whole only). */
const maxScanLength = 256 * 1024;

/** Whether values under `key` are ids: the key's last word is `id` or `ids`, or the hook names the key. */
export function isIdLikeKey(key: string, idFields: readonly string[] = []): boolean {
  return key !== '' && (idFields.includes(key) || isIdLikeName(key));
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A string of at least 8 characters mixing letters and digits (`ord_globex_2001`, a UUID, a timestamp), or an email. */
export function isDistinctiveValue(value: string): boolean {
  if (emailPattern.test(value)) return true;
  return value.length >= 8 && /\p{L}/u.test(value) && /\p{Nd}/u.test(value);
}

const tokenPattern = /[\p{L}\p{Nd}](?:[\p{L}\p{Nd}_.:@+-]*[\p{L}\p{Nd}])?/gu;

/** The id-like and word tokens of a text: runs of letters, digits and `_ . : @ + -`, trimmed of punctuation. */
export function textTokens(text: string): string[] {
  if (text.length > maxScanLength) return [];
  return text.match(tokenPattern) ?? [];
}

function looksLikeJson(text: string): boolean {
  const trimmed = text.trim();
  return (trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'));
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.length > maxScanLength || !looksLikeJson(text)) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * Every string (and finite number, as a string) in a JSON value, with the key it was under. Items of
 * an array take the array's key (`orderIds: ['a']` gives `a` under `orderIds`). A string holding JSON
 * is walked instead of kept whole; a string with several tokens (CSV, a sentence) adds its tokens under `''`. Object keys
 * that are distinctive (maps keyed by id) are leaves under `''`.
 */
export function valueLeaves(value: unknown, key = ''): Leaf[] {
  const leaves: Leaf[] = [];
  const walk = (node: unknown, under: string, depth: number, nested: number): void => {
    if (depth > maxDepth) return;
    if (typeof node === 'string') {
      const parsed = nested < maxNestedJson ? parseJson(node) : { ok: false as const };
      if (parsed.ok) {
        walk(parsed.value, under, depth + 1, nested + 1);
        return;
      }
      leaves.push({ value: node, key: under });
      const tokens = textTokens(node);
      if (tokens.length > 1 || (tokens.length === 1 && tokens[0] !== node)) for (const token of tokens) leaves.push({ value: token, key: '' });
      return;
    }
    if (typeof node === 'number') {
      if (Number.isFinite(node)) leaves.push({ value: String(node), key: under });
      return;
    }
    if (Array.isArray(node)) {
      for (const item of node) walk(item, under, depth + 1, nested);
      return;
    }
    if (node !== null && typeof node === 'object') {
      for (const [name, child] of Object.entries(node)) {
        if (isDistinctiveValue(name)) leaves.push({ value: name, key: '' });
        walk(child, name, depth + 1, nested);
      }
    }
  };
  walk(value, key, 0, 0);
  return leaves;
}

/**
 * The leaves of a tool's answer: its structured data (`structuredContent`, or the text parsed as
 * JSON), and the tokens of its text when the text is not that same JSON (plain text, error messages).
 * De-duplicated by (value, key), in order of appearance.
 */
export function answerLeaves(answer: { readonly data: unknown; readonly text: string }): Leaf[] {
  const leaves = answer.data === undefined ? [] : valueLeaves(answer.data);
  // The text's own leaves: its JSON, or its tokens (never the whole text, which is no value of anyone's).
  const parsed = parseJson(answer.text);
  const textLeaves = parsed.ok ? valueLeaves(parsed.value) : textTokens(answer.text).map((token) => ({ value: token, key: '' }));
  const seen = new Set<string>();
  const unique: Leaf[] = [];
  for (const leaf of [...leaves, ...textLeaves]) {
    const id = `${leaf.key}\0${leaf.value}`;
    if (seen.has(id)) continue;
    seen.add(id);
    unique.push(leaf);
  }
  return unique;
}

/** Base64 (standard or URL alphabet) that decodes to printable UTF-8, or undefined. */
function base64Text(text: string): string | undefined {
  if (text.length < 8 || text.length > maxScanLength || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  const unpadded = text.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return undefined;
  const decoded = Buffer.from(unpadded.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  // A decoding that is not text (replacement characters, control bytes) was not base64 of a value.
  if (decoded.length === 0 || Array.from(decoded).some(isUnprintable)) return undefined;
  return decoded;
}

function isUnprintable(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return code === 0xfffd || code === 0x7f || (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d);
}

function urlDecoded(text: string): string | undefined {
  if (!/%[0-9A-Fa-f]{2}|\+/.test(text)) return undefined;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * Every string A's request carries, case-folded: each argument value and key, and what JSON, URL and
 * base64 decoding of each (nested, a few levels deep) reveals, with the tokens of each.
 */
export function requestFragments(args: unknown): ReadonlySet<string> {
  const fragments = new Set<string>();
  const decoded = new Set<string>();
  const addText = (text: string, level: number): void => {
    if (decoded.has(text)) return;
    decoded.add(text);
    fragments.add(text.toLowerCase());
    for (const token of textTokens(text)) fragments.add(token.toLowerCase());
    if (level >= 4) return;
    const parsed = parseJson(text);
    if (parsed.ok) addValue(parsed.value, level + 1);
    const url = urlDecoded(text);
    if (url !== undefined && url !== text) addText(url, level + 1);
    const base64 = base64Text(text);
    if (base64 !== undefined) addText(base64, level + 1);
  };
  const addValue = (value: unknown, level: number): void => {
    for (const leaf of valueLeaves(value)) addText(leaf.value, level);
    if (value !== null && typeof value === 'object') collectKeys(value, (key) => { addText(key, level); }, 0);
  };
  addValue(args, 0);
  return fragments;
}

function collectKeys(node: unknown, add: (key: string) => void, depth: number): void {
  if (depth > maxDepth || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) collectKeys(item, add, depth + 1);
    return;
  }
  for (const [key, child] of Object.entries(node)) {
    add(key);
    collectKeys(child, add, depth + 1);
  }
}

/**
 * Whether `value` is an echo of the request: it occurs inside one of the request's fragments, or it
 * contains a fragment long enough to be its substance (at least 6 characters and half the value), so
 * `Order ord_9 not found` style decorations of a sent id never count, and `limit: 20` never hides
 * `ord_globex_2001`.
 */
export function occursInRequest(value: string, fragments: ReadonlySet<string>): boolean {
  const folded = value.toLowerCase();
  if (fragments.has(folded)) return true;
  for (const fragment of fragments) {
    if (fragment.includes(folded)) return true;
    if (fragment.length >= 6 && fragment.length * 2 >= folded.length && folded.includes(fragment)) return true;
  }
  return false;
}

/** The values of `candidates` that A's request names exactly (after case-folding and decoding). */
export function namedInRequest(fragments: ReadonlySet<string>, candidates: Iterable<string>): string[] {
  const named: string[] = [];
  for (const candidate of candidates) if (fragments.has(candidate.toLowerCase())) named.push(candidate);
  return named;
}

/** A value of A's answer that is B's, and where each saw it. */
export interface VictimValue {
  readonly value: string;
  /** The key it had in A's answer (`''` for text). */
  readonly answerKey: string;
  /** The key B saw it under (`''` when B saw it only as a bare value or in text). */
  readonly victimKey: string;
  /** The tool B saw it in (`''` for hook or `--id` objects, and for values B saw other than as an id). */
  readonly victimTool: string;
}

export interface OwnershipInput {
  /** A's answer, as {@link answerLeaves}. */
  readonly answer: readonly Leaf[];
  /** B's view. */
  readonly victim: PrincipalView;
  /** The views of every principal on A's side (A's tenant, or A alone when users are isolated), harvested or fresh. */
  readonly attackerSide: readonly PrincipalView[];
  /** A's request arguments. */
  readonly request: unknown;
  /** {@link requestFragments} of the request, when the caller has them already. */
  readonly fragments?: ReadonlySet<string>;
  /** Values every tenant may see. */
  readonly publicValues: readonly string[];
  /** Extra id-like key names (hook `idFields`). */
  readonly idFields: readonly string[];
}

function sawValue(view: PrincipalView, value: string): boolean {
  return view.values.has(value) || view.ids.has(value);
}

/**
 * The values of A's answer that are B's by rules (a) to (d) of the module, one entry per value, in
 * the order they appear in the answer.
 *
 * @example
 * ```ts
 * const leaked = victimValues({ answer: answerLeaves(outcome), victim: bobView, attackerSide: [aliceView, carolView],
 *   request: args, publicValues: [], idFields: [] });
 * ```
 */
export function victimValues(input: OwnershipInput): VictimValue[] {
  const fragments = input.fragments ?? requestFragments(input.request);
  const publicValues = new Set(input.publicValues.map((value) => value.toLowerCase()));
  const found = new Map<string, VictimValue>();
  for (const leaf of input.answer) {
    const { value } = leaf;
    if (value === '' || found.has(value)) continue;
    // (a) B's: under an id-like key in B's view, or distinctive and anywhere in B's view.
    const seenAsId = input.victim.ids.get(value);
    const distinctive = isDistinctiveValue(value);
    if (seenAsId === undefined && !(distinctive && input.victim.values.has(value))) continue;
    if (!distinctive && !isIdLikeKey(leaf.key, input.idFields)) continue;
    // (b) nobody on A's side saw it.
    if (input.attackerSide.some((view) => sawValue(view, value))) continue;
    // (d) declared public.
    if (publicValues.has(value.toLowerCase())) continue;
    // (c) not an echo of A's request.
    if (occursInRequest(value, fragments)) continue;
    found.set(value, { value, answerKey: leaf.key, victimKey: seenAsId?.key ?? '', victimTool: seenAsId?.tool ?? '' });
  }
  return [...found.values()];
}

/**
 * For each id-like value in a JSON answer, the record it identifies: the canonical JSON (sorted keys)
 * of the smallest object holding it under an id-like key. Write isolation compares these before and
 * after A's call. Several records for one id (a list entry and a detail view) are joined, sorted.
 */
export function objectRecords(value: unknown, idFields: readonly string[] = []): Map<string, string> {
  const records = new Map<string, Set<string>>();
  const walk = (node: unknown, depth: number): void => {
    if (depth > maxDepth || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item, depth + 1);
      return;
    }
    const entries = Object.entries(node);
    for (const [key, child] of entries) {
      if ((typeof child === 'string' || typeof child === 'number') && isIdLikeKey(key, idFields)) {
        const id = String(child);
        const set = records.get(id) ?? new Set<string>();
        set.add(canonicalJson(node));
        records.set(id, set);
      }
    }
    for (const [, child] of entries) {
      if (typeof child === 'string') {
        const parsed = parseJson(child);
        if (parsed.ok) walk(parsed.value, depth + 1);
      } else walk(child, depth + 1);
    }
  };
  walk(value, 0);
  return new Map([...records].map(([id, set]) => [id, [...set].sort().join('\n')]));
}

/** JSON with object keys sorted, so two equal records print the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, node: unknown) => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
    return Object.fromEntries(Object.entries(node).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)));
  });
}

/** One ordered (attacker, victim) pair isolation is checked on. */
export interface IsolationPair {
  readonly attacker: string;
  readonly victim: string;
}

interface PairPrincipal {
  readonly name: string;
  readonly tenant: string;
}

/**
 * Every ordered pair of principals in different tenants, and with `isolate: 'user'` also every pair
 * of different principals of one tenant. In principal order, so a seed draws the same pair.
 */
export function isolationPairs(target: { readonly principals: readonly PairPrincipal[]; readonly isolate: 'tenant' | 'user' }): IsolationPair[] {
  const pairs: IsolationPair[] = [];
  for (const attacker of target.principals) {
    for (const victim of target.principals) {
      if (attacker.name === victim.name) continue;
      if (attacker.tenant !== victim.tenant || target.isolate === 'user') pairs.push({ attacker: attacker.name, victim: victim.name });
    }
  }
  return pairs;
}

/** The principals on the attacker's side, whose views make a value not the victim's: its tenant, or itself alone when users are isolated. */
export function attackerSide(target: { readonly principals: readonly PairPrincipal[]; readonly isolate: 'tenant' | 'user' }, attacker: string): string[] {
  if (target.isolate === 'user') return [attacker];
  const tenant = target.principals.find((principal) => principal.name === attacker)?.tenant;
  return target.principals.filter((principal) => principal.tenant === tenant).map((principal) => principal.name);
}
