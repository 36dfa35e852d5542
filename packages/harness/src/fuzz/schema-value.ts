/**
 * Small helpers over JSON Schema documents and JSON values, shared by the keyword families of
 * {@link ./schema-arbitrary.ts}.
 */
import fc from 'fast-check';

/** A JSON Schema object (a boolean schema is handled before one of these is read). */
export type SchemaObject = Readonly<Record<string, unknown>>;

/** Any JSON Schema: an object, or `true` (anything) / `false` (nothing). */
export type JsonSchema = boolean | SchemaObject;

export function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON Schema type of a JSON value; integers are `integer` (they are also `number`). */
export type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

export const jsonTypes: readonly JsonType[] = ['null', 'boolean', 'integer', 'number', 'string', 'array', 'object'];

export function isJsonType(value: unknown): value is JsonType {
  return typeof value === 'string' && (jsonTypes as readonly string[]).includes(value);
}

export function typeOfValue(value: unknown): JsonType | undefined {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : Number.isFinite(value) ? 'number' : undefined;
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return undefined;
}

/** Whether a value of type `actual` is an instance of the schema type `expected`. */
export function typeMatches(actual: JsonType | undefined, expected: JsonType): boolean {
  return actual === expected || (expected === 'number' && actual === 'integer');
}

/** JSON text with object keys sorted: equal for values JSON Schema calls equal. */
export function stableKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableKey).join(',')}]`;
  if (isSchemaObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableKey(value[key])}`)
      .join(',')}}`;
  }
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/** Length as JSON Schema counts it: in code points. */
export function codePointLength(text: string): number {
  return Array.from(text).length;
}

export function numberKeyword(schema: SchemaObject, keyword: string): number | undefined {
  const value = schema[keyword];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The regular expression of a `pattern`, with the `u` flag as ajv compiles it; undefined when it does not compile. */
export function patternRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return undefined;
    }
  }
}

/** A JSON pointer one step further: `/properties` + `id` → `/properties/id`. */
export function pointerTo(pointer: string, ...steps: readonly (string | number)[]): string {
  return steps.reduce<string>((at, step) => `${at}/${String(step).replace(/~/g, '~0').replace(/\//g, '~1')}`, pointer);
}

/** How many values {@link guardedFilter} draws to see whether a filter can ever pass. */
const probeRuns = 200;

/**
 * `arbitrary.filter(keep)`, unless none of a fixed sample passes: fast-check would then spin forever
 * looking for one, so the constraint is treated as unsatisfiable (undefined) and `onEmpty` says so.
 * The sample's seed is fixed, so the decision replays.
 */
export function guardedFilter<T>(arbitrary: fc.Arbitrary<T>, keep: (value: T) => boolean, onEmpty: () => void): fc.Arbitrary<T> | undefined {
  if (fc.sample(arbitrary, { numRuns: probeRuns, seed: 0x5eed }).some(keep)) return arbitrary.filter(keep);
  onEmpty();
  return undefined;
}
