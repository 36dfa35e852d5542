/**
 * Seeds and replay paths. Each (property, tool) cell runs with a seed derived from the run's seed, so
 * a cell replays the same way whatever else the run did; `reproduce.path` is
 * `<property>/<tool>:<fast-check path>` (`*` for target-wide cells), and `--seed N --path P` runs that
 * one case again.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import fc, { type Parameters as FcParameters } from 'fast-check';
import { propertyIds, type PropertyId } from './types.js';

/** The cell's seed: a 31-bit integer, a pure function of the run's seed, the property and the tool. */
export function cellSeed(runSeed: number, property: PropertyId, tool: string | null): number {
  const digest = createHash('sha256').update(`${runSeed}\0${property}\0${tool ?? '*'}`).digest();
  return digest.readUInt32BE(0) & 0x7fffffff;
}

/** `<property>/<tool>:<fast-check path>`; `*` stands for a target-wide cell. */
export function reproducePath(property: PropertyId, tool: string | null, fastCheckPath: string): string {
  return `${property}/${tool ?? '*'}:${fastCheckPath}`;
}

/** Why a `--path` value cannot be replayed. */
export class ReplayPathError extends Error {
  override readonly name = 'ReplayPathError';
}

/**
 * Reads a `--path` value back.
 *
 * @throws {ReplayPathError} naming the expected form.
 */
export function parseReproducePath(text: string): { property: PropertyId; tool: string | null; path: string } {
  const slash = text.indexOf('/');
  // The first ":" after the property: a fast-check path has colons of its own, a tool name has none.
  const colon = text.indexOf(':', slash + 1);
  const form = '--path is <property>/<tool>:<fast-check path>, as printed in a finding\'s "reproduce" (e.g. read-isolation/orders_get:3:1:0)';
  if (slash <= 0 || colon <= slash + 1) throw new ReplayPathError(`${form}; got ${JSON.stringify(text)}.`);
  const property = text.slice(0, slash);
  if (!(propertyIds as readonly string[]).includes(property)) {
    throw new ReplayPathError(`${form}; ${JSON.stringify(property)} is not a property (they are ${propertyIds.join(', ')}).`);
  }
  const tool = text.slice(slash + 1, colon);
  const path = text.slice(colon + 1);
  if (!/^\d+(:\d+)*$/.test(path)) throw new ReplayPathError(`${form}; the part after the tool's ":" must be numbers separated by ":".`);
  return { property: property as PropertyId, tool: tool === '*' ? null : tool, path };
}

/**
 * The fast-check parameters for a cell: its seed and run count, or, when the run replays this cell,
 * exactly the replayed case. `endOnFailure` keeps shrinking from sending more requests than needed
 * when `shrink` is false (write cases without `reset()`).
 */
export function cellParameters<T>(
  options: { readonly seed: number; readonly runs: number; readonly replay: { readonly property: PropertyId; readonly tool: string | null; readonly path: string } | undefined },
  property: PropertyId,
  tool: string | null,
  extra: { readonly shrink?: boolean; readonly timeLimitMs?: number } = {},
): FcParameters<T> {
  const seed = cellSeed(options.seed, property, tool);
  const replay = options.replay?.property === property && options.replay.tool === tool ? options.replay : undefined;
  return {
    seed,
    numRuns: options.runs,
    // fast-check walks straight to the path's case; endOnFailure stops it there rather than shrinking again.
    ...(replay !== undefined ? { path: replay.path, endOnFailure: true } : extra.shrink === false ? { endOnFailure: true } : {}),
    // An interrupted run is not a failure: the cell ends with what it ran (the budget, not a counterexample).
    ...(extra.timeLimitMs === undefined ? {} : { plugins: [fc.interruptAfterTimeLimit(Math.max(1, extra.timeLimitMs), { failOnInterrupt: false })] }),
  };}
