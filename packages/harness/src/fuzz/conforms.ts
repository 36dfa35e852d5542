/**
 * A partial validator for the keyword families that constrain a single value on its own (type,
 * const, enum, strings, numbers). It filters harvested pool values and `enum` members, and decides
 * `not` subschemas; it answers `undefined` whenever a keyword it does not read could matter.
 */
import { matchesFormat } from './formats.js';
import { codePointLength, isJsonType, isSchemaObject, numberKeyword, patternRegExp, stableKey, typeMatches, typeOfValue, type JsonType, type SchemaObject } from './schema-value.js';

/** Keywords that never change whether a value is valid. */
export const annotationKeywords: ReadonlySet<string> = new Set([
  '$schema', '$id', '$comment', '$anchor', '$dynamicAnchor', '$vocabulary', 'title', 'description', 'default', 'examples',
  'deprecated', 'readOnly', 'writeOnly', 'definitions', '$defs', 'contentMediaType', 'contentEncoding', 'contentSchema',
  'markdownDescription', 'errorMessage',
]);

const objectKeywords = ['properties', 'required', 'additionalProperties', 'patternProperties', 'propertyNames', 'minProperties', 'maxProperties', 'dependentRequired', 'dependentSchemas', 'dependencies', 'unevaluatedProperties'];
const arrayKeywords = ['items', 'prefixItems', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains', 'minContains', 'maxContains', 'unevaluatedItems'];
const stringKeywords = ['minLength', 'maxLength', 'pattern', 'format'];
const numberKeywords = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];

/** The types a schema's `type` keyword allows; undefined when it has none. */
export function declaredTypes(schema: SchemaObject): JsonType[] | undefined {
  const type = schema.type;
  if (isJsonType(type)) return [type];
  if (Array.isArray(type)) return type.filter(isJsonType);
  return undefined;
}

function checkString(schema: SchemaObject, text: string): boolean | undefined {
  const length = codePointLength(text);
  const minLength = numberKeyword(schema, 'minLength');
  const maxLength = numberKeyword(schema, 'maxLength');
  if (minLength !== undefined && length < minLength) return false;
  if (maxLength !== undefined && length > maxLength) return false;
  if (typeof schema.pattern === 'string') {
    const regex = patternRegExp(schema.pattern);
    if (regex === undefined) return undefined;
    if (!regex.test(text)) return false;
  }
  if (typeof schema.format === 'string') return matchesFormat(schema.format, text);
  return true;
}

/** ajv's `multipleOf`: the quotient is an integer. */
export function isMultipleOf(value: number, divisor: number): boolean {
  return Number.isInteger(value / divisor);
}

function checkNumber(schema: SchemaObject, value: number): boolean {
  const minimum = numberKeyword(schema, 'minimum');
  const maximum = numberKeyword(schema, 'maximum');
  const exclusiveMinimum = schema.exclusiveMinimum;
  const exclusiveMaximum = schema.exclusiveMaximum;
  if (minimum !== undefined && (exclusiveMinimum === true ? value <= minimum : value < minimum)) return false;
  if (maximum !== undefined && (exclusiveMaximum === true ? value >= maximum : value > maximum)) return false;
  if (typeof exclusiveMinimum === 'number' && value <= exclusiveMinimum) return false;
  if (typeof exclusiveMaximum === 'number' && value >= exclusiveMaximum) return false;
  const multipleOf = numberKeyword(schema, 'multipleOf');
  return multipleOf === undefined || multipleOf <= 0 || isMultipleOf(value, multipleOf);
}

/**
 * Whether `value` is valid against `schema`, when that can be decided from the primitive keyword
 * families alone; undefined when it cannot (references, combinators, unknown keywords, or object and
 * array keywords on an object or array value).
 */
export function conforms(value: unknown, schema: unknown): boolean | undefined {
  if (schema === true) return true;
  if (schema === false) return false;
  if (!isSchemaObject(schema)) return undefined;
  const type = typeOfValue(value);
  if (type === undefined) return false;
  for (const keyword of Object.keys(schema)) {
    if (annotationKeywords.has(keyword) || keyword === 'type' || keyword === 'const' || keyword === 'enum' || stringKeywords.includes(keyword) || numberKeywords.includes(keyword)) continue;
    const structural = objectKeywords.includes(keyword) ? 'object' : arrayKeywords.includes(keyword) ? 'array' : undefined;
    // Object keywords do not apply to a string, array keywords not to a number.
    if (structural !== undefined && structural !== type) continue;
    return undefined;
  }
  const types = declaredTypes(schema);
  if (types !== undefined && !types.some((expected) => typeMatches(type, expected))) return false;
  if ('const' in schema && stableKey(schema.const) !== stableKey(value)) return false;
  if (Array.isArray(schema.enum) && !schema.enum.some((member) => stableKey(member) === stableKey(value))) return false;
  if (typeof value === 'string') return checkString(schema, value);
  if (typeof value === 'number') return checkNumber(schema, value);
  return true;
}
