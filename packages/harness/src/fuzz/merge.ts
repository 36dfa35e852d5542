/**
 * `allOf`: the members are merged into one schema, keyword by keyword, where the merge is exact
 * (types intersect, bounds tighten, `required` unites, properties combine as an `allOf` of their
 * own). A keyword two members both set and that cannot be merged is reported, and the first
 * member's is kept.
 */
import { annotationKeywords, declaredTypes } from './conforms.js';
import { isSchemaObject, patternRegExp, stableKey, typeMatches, type JsonSchema, type SchemaObject } from './schema-value.js';
import type { Report } from './strings.js';

const lowerBounds = new Set(['minLength', 'minItems', 'minProperties', 'minimum', 'minContains']);
const upperBounds = new Set(['maxLength', 'maxItems', 'maxProperties', 'maximum', 'maxContains']);

function allOfPair(left: unknown, right: unknown): JsonSchema {
  if (left === true || right === false) return right as JsonSchema;
  if (right === true || left === false) return left as JsonSchema;
  return { allOf: [left, right] };
}

/** The schema a member applies to a property it does not declare: its `additionalProperties`, unless a pattern may also apply. */
function undeclared(member: SchemaObject, key: string): unknown {
  if (isSchemaObject(member.patternProperties) && Object.keys(member.patternProperties).some((pattern) => patternRegExp(pattern)?.test(key) ?? true)) return undefined;
  return member.additionalProperties ?? true;
}

function mergeProperties(left: SchemaObject, right: SchemaObject): Record<string, unknown> {
  const leftProperties = isSchemaObject(left.properties) ? left.properties : {};
  const rightProperties = isSchemaObject(right.properties) ? right.properties : {};
  const merged: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(leftProperties), ...Object.keys(rightProperties)])) {
    const fromLeft = key in leftProperties ? leftProperties[key] : undeclared(left, key);
    const fromRight = key in rightProperties ? rightProperties[key] : undeclared(right, key);
    merged[key] = allOfPair(fromLeft ?? true, fromRight ?? true);
  }
  return merged;
}

function intersectTypes(left: SchemaObject, right: SchemaObject): unknown[] | false {
  const leftTypes = declaredTypes(left) ?? [];
  const rightTypes = declaredTypes(right) ?? [];
  const both = leftTypes.flatMap((a) => rightTypes.flatMap((b) => (typeMatches(a, b) ? [a] : typeMatches(b, a) ? [b] : [])));
  const unique = [...new Set(both)];
  return unique.length === 0 ? false : unique;
}

/** `allOf` of two schemas as one; `false` when they evidently contradict. */
export function mergeSchemas(left: SchemaObject, right: SchemaObject, report: Report): SchemaObject | false {
  const merged: Record<string, unknown> = { ...left };
  for (const [keyword, value] of Object.entries(right)) {
    if (annotationKeywords.has(keyword)) continue;
    if (!(keyword in merged)) {
      merged[keyword] = value;
      continue;
    }
    const current = merged[keyword];
    if (stableKey(current) === stableKey(value) && keyword !== 'properties') continue;
    if (keyword === 'type') {
      const types = intersectTypes(left, right);
      if (types === false) return false;
      merged.type = types.length === 1 ? types[0] : types;
    } else if (lowerBounds.has(keyword) && typeof current === 'number' && typeof value === 'number') {
      merged[keyword] = Math.max(current, value);
    } else if (upperBounds.has(keyword) && typeof current === 'number' && typeof value === 'number') {
      merged[keyword] = Math.min(current, value);
    } else if (keyword === 'exclusiveMinimum' && typeof current === 'number' && typeof value === 'number') {
      merged[keyword] = Math.max(current, value);
    } else if (keyword === 'exclusiveMaximum' && typeof current === 'number' && typeof value === 'number') {
      merged[keyword] = Math.min(current, value);
    } else if (keyword === 'required' && Array.isArray(current) && Array.isArray(value)) {
      merged.required = [...new Set([...(current as unknown[]), ...(value as unknown[])])];
    } else if (keyword === 'enum' && Array.isArray(current) && Array.isArray(value)) {
      const keys = new Set(value.map(stableKey));
      const members = current.filter((member) => keys.has(stableKey(member)));
      if (members.length === 0) return false;
      merged.enum = members;
    } else if (keyword === 'const') {
      return false;
    } else if (keyword === 'uniqueItems') {
      merged.uniqueItems = current === true || value === true;
    } else if (keyword === 'properties') {
      merged.properties = mergeProperties(left, right);
    } else if (keyword === 'additionalProperties' || keyword === 'items' && !Array.isArray(current) && !Array.isArray(value) || keyword === 'additionalItems' || keyword === 'propertyNames') {
      merged[keyword] = allOfPair(current, value);
    } else if (keyword === 'not') {
      merged.not = { anyOf: [current, value] };
    } else if ((keyword === 'anyOf' || keyword === 'oneOf') && Array.isArray(current) && Array.isArray(value) && current.length * value.length <= 16) {
      // Both alternatives hold: every pairing of a left branch with a right branch.
      merged[keyword] = current.flatMap((a) => value.map((b) => allOfPair(a, b)));
      if (keyword === 'oneOf') report('allOf', 'two oneOf members, merged as pairs that may overlap');
    } else {
      report('allOf', `two members set "${keyword}" differently; the first is used`);
    }
  }
  // A property one side declares and the other forbids: keep the declared properties consistent.
  if (isSchemaObject(left.properties) || isSchemaObject(right.properties)) merged.properties = mergeProperties(left, right);
  return merged;
}
