/** Strings: `minLength` / `maxLength` (in code points, as ajv counts), `pattern`, and `format`. */
import fc from 'fast-check';
import { formatArbitrary } from './formats.js';
import { codePointLength, guardedFilter, numberKeyword, patternRegExp, type SchemaObject } from './schema-value.js';

/** Fixed lengths of formats, so an impossible length is found before a filter could spin. */
const formatLengths: Readonly<Record<string, readonly number[]>> = { uuid: [36, 45], date: [10] };

/** How far past `minLength` an unbounded string grows. */
const freeLength = 24;

export type Report = (keyword: string, detail?: string) => void;

/** Strings for a schema's string keywords; undefined when none is allowed. */
export function stringArbitrary(schema: SchemaObject, report: Report): fc.Arbitrary<string> | undefined {
  const minLength = Math.max(0, Math.ceil(numberKeyword(schema, 'minLength') ?? 0));
  const maxLength = Math.floor(numberKeyword(schema, 'maxLength') ?? Number.POSITIVE_INFINITY);
  if (minLength > maxLength) return undefined;
  const lengthOk = (text: string): boolean => {
    const length = codePointLength(text);
    return length >= minLength && length <= maxLength;
  };

  let regex: RegExp | undefined;
  if (typeof schema.pattern === 'string') {
    regex = patternRegExp(schema.pattern);
    if (regex === undefined) report('pattern', 'not a regular expression');
  }

  let base: fc.Arbitrary<string> | undefined;
  let constrainedLength = false;
  const format = schema.format;
  if (typeof format === 'string') {
    base = formatArbitrary(format);
    if (base === undefined) report('format', `unknown format "${format}"`);
    const lengths = formatLengths[format];
    if (base !== undefined && lengths !== undefined && !lengths.some((length) => length >= minLength && length <= maxLength)) return undefined;
  }
  if (base === undefined && regex !== undefined) {
    try {
      base = fc.stringMatching(regex, Number.isFinite(maxLength) ? { maxLength } : {});
      regex = undefined;
    } catch {
      // Filtering free strings through the pattern could spin forever: the pattern is left out, and said so.
      report('pattern', 'a construct fast-check cannot generate from');
      regex = undefined;
    }
  }
  if (base === undefined) {
    const upper = Math.min(maxLength, minLength + freeLength);
    const ascii = fc.string({ minLength, maxLength: upper });
    const unicode = fc.string({ minLength, maxLength: upper, unit: 'binary' });
    base = fc.oneof({ arbitrary: ascii, weight: 4 }, { arbitrary: unicode, weight: 1 });
    constrainedLength = true;
  }
  const pattern = regex;
  const keep = (text: string): boolean => (pattern === undefined || pattern.test(text)) && (constrainedLength || lengthOk(text));
  if (pattern === undefined && constrainedLength) return base;
  return guardedFilter(base, keep, () => {
    report(pattern === undefined ? 'minLength/maxLength' : 'pattern', 'no generated value meets it with the other string keywords; treated as unsatisfiable');
  });
}
