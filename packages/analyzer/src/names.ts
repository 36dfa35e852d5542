/**
 * What a name says about its value: identity, credential, personal data, a sensitive verb, a token
 * lifetime. Names are split into lower-case words on case changes, `_`, `-` and digits.
 */
import type { ResolvedOptions } from './options.js';

/** `targetUserId` → `['target', 'user', 'id']`; `ownerIDs` → `['owner', 'ids']`; `API_KEY` → `['api', 'key']`. */
export function wordsOf(name: string): string[] {
  const normalised = name.replace(/IDs(?![a-z])/g, 'Ids').replace(/ID(?![a-z])/g, 'Id');
  return (normalised.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? []).map((part) => part.toLowerCase());
}

function singular(word: string): string {
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

function endsWith(words: readonly string[], suffix: readonly string[]): boolean {
  if (suffix.length > words.length) return false;
  return suffix.every((part, index) => words[words.length - suffix.length + index] === part);
}

/** `userId`, `user_id`, `targetUserId`, `ownerIDs`, `tenant`, `orgs`: the caller's identity, which must not be input. */
export function isIdentityName(name: string, options: ResolvedOptions): boolean {
  const words = wordsOf(name);
  const last = words.at(-1);
  if (last === undefined) return false;
  if (words.length === 1) return options.identityWords.has(singular(last));
  const noun = words.at(-2);
  return (last === 'id' || last === 'ids') && noun !== undefined && options.identityNouns.has(singular(noun));
}

/** `apiKey`, `accessToken`, `client_secret`, `password`, `sessionId` — but not `pageToken` or `maxTokens`. */
export function isCredentialName(name: string, options: ResolvedOptions): boolean {
  const words = wordsOf(name);
  if (words.length === 0) return false;
  if (words.at(-1) === 'token' || words.at(-1) === 'tokens') {
    // `pageToken` is a cursor, `maxTokens` a count: the word before `token` says which.
    const before = words.at(-2);
    return before === undefined || !options.nonCredentialTokens.has(before);
  }
  // Plurals count: `secrets`, `passwords`, `apiKeys`.
  const singularWords = [...words.slice(0, -1), singular(words.at(-1) ?? '')];
  return options.credentialSuffixes.some((suffix) => suffix[0] !== 'token' && (endsWith(words, suffix) || endsWith(singularWords, suffix)));
}

/** Personal data that must be hashed before it is logged: identity names, emails, phone numbers. */
export function isPersonalDataName(name: string, options: ResolvedOptions): boolean {
  if (isIdentityName(name, options)) return true;
  const words = wordsOf(name);
  const last = words.at(-1);
  if (last === undefined) return false;
  if (['email', 'emails', 'phone', 'ssn'].includes(last)) return true;
  return endsWith(words, ['email', 'address']) || endsWith(words, ['phone', 'number']) || (words.length === 1 && last === 'sub');
}

/** Forms of a verb as the first word of a description: `refund`, `refunds`, `refunded`, `refunding`. */
function inflections(verb: string): string[] {
  const stem = verb.endsWith('e') ? verb.slice(0, -1) : verb;
  const doubled = /[^aeiou][aeiou][bdglmnprt]$/.test(verb) && verb.length <= 4 ? verb + verb.slice(-1) : verb;
  const forms = [verb, `${verb}s`, `${verb}es`, `${stem}ed`, `${stem}ing`, `${doubled}ed`, `${doubled}ing`];
  if (verb === 'pay') forms.push('paid');
  if (verb.endsWith('y') && verb !== 'pay') forms.push(`${verb.slice(0, -1)}ies`, `${verb.slice(0, -1)}ied`);
  if (verb === 'cancel') forms.push('cancelled', 'cancelling');
  return forms;
}

/** Verbs that make a tool name a read: `refunds_list` lists refunds, it does not refund. */
export const readVerbs: ReadonlySet<string> = new Set(['list', 'get', 'read', 'search', 'find', 'show', 'view', 'count', 'describe']);

/**
 * The verb of a tool name: its last word when that word, in base form, is a read verb or a sensitive
 * verb (`refunds_list` → list, `orders_refund` → refund); otherwise its first word, when that is one
 * (`refund_order` → refund, `list_transfers` → list); otherwise any sensitive word of the name
 * (`payouts_schedule` → payout). `undefined` when the name has none.
 */
export function toolNameVerb(toolName: string, options: ResolvedOptions): string | undefined {
  const words = wordsOf(toolName);
  const isVerb = (word: string | undefined): word is string => word !== undefined && (readVerbs.has(word) || options.sensitiveVerbs.has(word));
  const last = words.at(-1);
  if (isVerb(last)) return last;
  const first = words[0];
  if (isVerb(first)) return first;
  for (const word of words) {
    const verb = options.sensitiveVerbs.has(word) ? word : singular(word);
    if (options.sensitiveVerbs.has(verb)) return verb;
  }
  return undefined;
}

/**
 * The sensitive verb that makes a tool sensitive, if any: the verb of its name when that verb is
 * sensitive ({@link toolNameVerb}), else the first word of its description when it is a sensitive
 * verb, inflected or not ("Refunds an order.").
 */
export function sensitiveVerbOf(toolName: string, description: string | undefined, options: ResolvedOptions): string | undefined {
  const verb = toolNameVerb(toolName, options);
  if (verb !== undefined && options.sensitiveVerbs.has(verb)) return verb;
  const first = description?.trim().match(/^[A-Za-z]+/)?.[0]?.toLowerCase();
  if (first === undefined) return undefined;
  for (const sensitive of options.sensitiveVerbs) if (inflections(sensitive).includes(first)) return sensitive;
  return undefined;
}

const unitSeconds: Readonly<Record<string, number>> = { ms: 0.001, millis: 0.001, milliseconds: 0.001, s: 1, sec: 1, secs: 1, second: 1, seconds: 1, min: 60, mins: 60, minute: 60, minutes: 60, h: 3600, hour: 3600, hours: 3600, d: 86_400, day: 86_400, days: 86_400 };

/**
 * Seconds per unit of a property that holds a token lifetime, maximum age or clock tolerance
 * (`maxTokenAgeSec`, `clockToleranceSec`, `accessTtlSeconds`, `sessionTtlMinutes`, `jwtExpiresIn`),
 * or `undefined` when the name is not one (`cacheMaxAgeSec`).
 */
export function tokenLifetimeUnit(name: string): number | undefined {
  const words = wordsOf(name);
  const has = (...candidates: string[]) => candidates.some((candidate) => words.includes(candidate));
  const isLifetime =
    (has('clock') && has('tolerance')) ||
    (has('token', 'access', 'session', 'jwt', 'refresh') && (has('ttl', 'lifetime', 'expires', 'expiry', 'expiration') || (has('max') && has('age'))));
  if (!isLifetime) return undefined;
  const last = words.at(-1) ?? '';
  return unitSeconds[last] ?? 1;
}

/** Seconds in a duration string such as `'15m'`, `'24h'`, `'7d'`, `'900'`; `undefined` when it is not one. */
export function durationSeconds(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)?\s*$/i.exec(text);
  if (match?.[1] === undefined) return undefined;
  const unit = (match[2] ?? 's').toLowerCase();
  const seconds = unit === 'm' ? 60 : (unitSeconds[unit] ?? 1);
  return Number(match[1]) * seconds;
}
