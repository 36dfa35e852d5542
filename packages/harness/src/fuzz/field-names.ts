/**
 * Which fields are id-like (drawn from the harvested id pool) and which name the caller's identity
 * (drawn from the other tenant's identity pool). Identity names are the analyzer's own
 * classification (`isIdentityName` with its default name lists), so the static and dynamic sides
 * agree on what an identity field is.
 */
// The name lists only: the analyzer's entry point would load the TypeScript compiler API.
import { isIdentityName, resolveOptions, wordsOf } from '@mcify-audit/analyzer/name-lists';

const analyzerDefaults = resolveOptions();

/** `id`, `ids`, `orderId`, `order_id`, `orderIds`, `ORDER_ID`. */
export function isIdLikeName(key: string): boolean {
  const last = wordsOf(key).at(-1);
  return last === 'id' || last === 'ids';
}

/** `userId`, `tenant`, `orgId`, `ownerIds`: the analyzer's identity names. */
export function isIdentityFieldName(key: string): boolean {
  return isIdentityName(key, analyzerDefaults);
}

/** A pool as drawn from: de-duplicated and sorted, so that a seed replays the same case whatever order the harvest found values in. */
export function sortedPool(values: readonly string[] | undefined): readonly string[] {
  return [...new Set(values ?? [])].sort();
}
