/**
 * Numbers and integers: `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (the number
 * form, and draft-04's boolean form), `multipleOf`, and the `int32` / `int64` formats.
 */
import fc from 'fast-check';
import { isMultipleOf } from './conforms.js';
import { numberKeyword, type SchemaObject } from './schema-value.js';

interface Bound {
  readonly value: number;
  readonly excluded: boolean;
}

function lowerBound(schema: SchemaObject): Bound | undefined {
  const minimum = numberKeyword(schema, 'minimum');
  const exclusive = schema.exclusiveMinimum;
  const candidates: Bound[] = [];
  if (minimum !== undefined) candidates.push({ value: minimum, excluded: exclusive === true });
  if (typeof exclusive === 'number' && Number.isFinite(exclusive)) candidates.push({ value: exclusive, excluded: true });
  if (schema.format === 'int32') candidates.push({ value: -(2 ** 31), excluded: false });
  // The tighter bound wins; at equal values the exclusive one.
  return candidates.reduce<Bound | undefined>((best, bound) => (best === undefined || bound.value > best.value || (bound.value === best.value && bound.excluded) ? bound : best), undefined);
}

function upperBound(schema: SchemaObject): Bound | undefined {
  const maximum = numberKeyword(schema, 'maximum');
  const exclusive = schema.exclusiveMaximum;
  const candidates: Bound[] = [];
  if (maximum !== undefined) candidates.push({ value: maximum, excluded: exclusive === true });
  if (typeof exclusive === 'number' && Number.isFinite(exclusive)) candidates.push({ value: exclusive, excluded: true });
  if (schema.format === 'int32') candidates.push({ value: 2 ** 31 - 1, excluded: false });
  return candidates.reduce<Bound | undefined>((best, bound) => (best === undefined || bound.value < best.value || (bound.value === best.value && bound.excluded) ? bound : best), undefined);
}

/** The integers a bound pair allows, clamped to the safe range; undefined when there is none. */
function integerRange(lower: Bound | undefined, upper: Bound | undefined): { min: number; max: number } | undefined {
  let min = lower === undefined ? undefined : lower.excluded ? Math.floor(lower.value) + 1 : Math.ceil(lower.value);
  let max = upper === undefined ? undefined : upper.excluded ? Math.ceil(upper.value) - 1 : Math.floor(upper.value);
  // Unbounded sides default to the 32-bit range around the other bound, within the safe range.
  min ??= max === undefined ? -(2 ** 31) : Math.min(-(2 ** 31), max - 2 ** 31);
  max ??= Math.max(2 ** 31 - 1, min + 2 ** 31);
  min = Math.max(min, Number.MIN_SAFE_INTEGER);
  max = Math.min(max, Number.MAX_SAFE_INTEGER);
  return min <= max ? { min, max } : undefined;
}

function withinBounds(value: number, lower: Bound | undefined, upper: Bound | undefined): boolean {
  if (lower !== undefined && (lower.excluded ? value <= lower.value : value < lower.value)) return false;
  return upper === undefined || (upper.excluded ? value < upper.value : value <= upper.value);
}

/** Multiples `k × step` inside the bounds, filtered by ajv's own `multipleOf` test. */
function multiplesArbitrary(step: number, lower: Bound | undefined, upper: Bound | undefined, integer: boolean): fc.Arbitrary<number> | undefined {
  const range = integerRange(
    lower === undefined ? undefined : { value: lower.value / step, excluded: lower.excluded },
    upper === undefined ? undefined : { value: upper.value / step, excluded: upper.excluded },
  );
  if (range === undefined) return undefined;
  const accept = (value: number): boolean => withinBounds(value, lower, upper) && isMultipleOf(value, step) && (!integer || Number.isSafeInteger(value));
  // Probe the ends: a range with no acceptable multiple at all must not reach `filter`.
  const probes = [range.min, range.max, 0, 1, -1].filter((k) => k >= range.min && k <= range.max).map((k) => k * step);
  if (!probes.some(accept)) return undefined;
  return fc.integer(range).map((k) => k * step).filter(accept);
}

/** Integers (`integer: true`) or numbers for a schema's numeric keywords; undefined when none is allowed. */
export function numberArbitrary(schema: SchemaObject, integer: boolean): fc.Arbitrary<number> | undefined {
  const lower = lowerBound(schema);
  const upper = upperBound(schema);
  const multipleOf = numberKeyword(schema, 'multipleOf');
  if (multipleOf !== undefined && multipleOf > 0) return multiplesArbitrary(multipleOf, lower, upper, integer);
  const range = integerRange(lower, upper);
  const integers = range === undefined ? undefined : fc.integer(range);
  if (integer) return integers;
  if (lower !== undefined && upper !== undefined && (lower.value > upper.value || (lower.value === upper.value && (lower.excluded || upper.excluded)))) return undefined;
  const doubles = fc.double({
    noNaN: true,
    noDefaultInfinity: true,
    ...(lower === undefined ? {} : { min: lower.value, minExcluded: lower.excluded }),
    ...(upper === undefined ? {} : { max: upper.value, maxExcluded: upper.excluded }),
  });
  return integers === undefined ? doubles : fc.oneof(integers, doubles);
}
