/**
 * JSON Schema → fast-check arbitrary, for the inputs of tools listed by `tools/list`.
 *
 * One arbitrary per keyword family: type / const / enum here, strings in `strings.ts`, numbers in
 * `numbers.ts`, arrays and objects below, `allOf` merged in `merge.ts`, `anyOf` / `oneOf` / `not`
 * below, `$ref` into draft-07 `definitions`, 2020-12 `$defs` or any JSON pointer of the document,
 * with recursion bounded by `maxDepth`. What the module does not understand is reported in
 * `unsupported`; it then falls back to the schema without that keyword (a superset), and never
 * throws.
 *
 * Id-like string fields (`id`, `*Id`, `*_id`) are drawn mostly from the harvested id pool, and
 * identity fields (the analyzer's identity names: `userId`, `tenant`, `orgId`, ...) from the other
 * tenant's identity pool, mixed with generated values so that validation is still exercised. Only
 * pool values the field's schema accepts are drawn. Pools are de-duplicated and sorted first, so a
 * seed replays the same case.
 */
import fc from 'fast-check';
import { annotationKeywords, conforms, declaredTypes } from './conforms.js';
import { isIdentityFieldName, isIdLikeName, sortedPool } from './field-names.js';
import { mergeSchemas } from './merge.js';
import { numberArbitrary } from './numbers.js';
import { guardedFilter, isSchemaObject, numberKeyword, patternRegExp, pointerTo, stableKey, type JsonType, type SchemaObject } from './schema-value.js';
import { stringArbitrary } from './strings.js';

/** Decides from a field's place whether it takes pool values: `path` is the data path to the object holding `key`. */
export type FieldPredicate = (path: readonly string[], key: string) => boolean;

export interface SchemaArbitraryOptions {
  readonly pools?: {
    /** Ids the harvest found (the victim's), drawn into id-like fields. */
    readonly idLike?: readonly string[];
    /** The other tenant's identity (user ids, tenant names), drawn into identity fields. */
    readonly identity?: readonly string[];
  };
  /** Default: the key's last word is `id` or `ids` (`id`, `orderId`, `order_id`, `orderIds`). */
  readonly isIdLike?: FieldPredicate;
  /** Default: the analyzer's `isIdentityName` with its default name lists. Takes precedence over id-like. */
  readonly isIdentity?: FieldPredicate;
  /** Nesting depth (objects and arrays) past which only required properties and `minItems` items are generated. Default 5. */
  readonly maxDepth?: number;
}

export interface SchemaArbitrary {
  readonly arbitrary: fc.Arbitrary<unknown>;
  /** What was not understood, as `#<JSON pointer>: <keyword> (<detail>)`; its fallback is the schema without it. */
  readonly unsupported: readonly string[];
  /** False when no value satisfies the schema (as far as the module can tell); `arbitrary` then draws any JSON value. */
  readonly satisfiable: boolean;
}

interface Place {
  /** Where the schema is, for reports. */
  readonly pointer: string;
  /** Data path to the object holding the field. */
  readonly path: readonly string[];
  /** The field's name; array items keep their array's name. */
  readonly key: string | undefined;
  readonly depth: number;
  /** `$ref`s followed since the last data step, to stop a cycle of references. */
  readonly hops: number;
}

const combinatorKeywords = new Set(['$ref', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else']);
const objectKeywords = new Set(['properties', 'required', 'additionalProperties', 'patternProperties', 'minProperties', 'maxProperties']);
const arrayKeywords = new Set(['items', 'prefixItems', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems']);
const stringKeywords = new Set(['minLength', 'maxLength', 'pattern', 'format']);
const numberKeywords = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']);
const knownKeywords = new Set([...annotationKeywords, ...combinatorKeywords, ...objectKeywords, ...arrayKeywords, ...stringKeywords, ...numberKeywords, 'type', 'const', 'enum']);
/** Keywords that are recognised but not applied; their fallback is the schema without them. */
const notApplied: Readonly<Record<string, string>> = {
  contains: 'not applied', minContains: 'not applied', maxContains: 'not applied', unevaluatedItems: 'not applied',
  propertyNames: 'not applied', dependentRequired: 'not applied', dependentSchemas: 'not applied', dependencies: 'not applied',
  unevaluatedProperties: 'not applied', if: 'if/then/else not applied', $dynamicRef: 'not resolved', $recursiveRef: 'not resolved',
};
const maxHops = 32;
/** How far past `maxDepth` required recursion may go before the branch is given up. */
const depthSlack = 3;

function without(schema: SchemaObject, ...keywords: readonly string[]): SchemaObject {
  return Object.fromEntries(Object.entries(schema).filter(([keyword]) => !keywords.includes(keyword)));
}

function validatingKeywords(schema: SchemaObject): string[] {
  return Object.keys(schema).filter((keyword) => !annotationKeywords.has(keyword));
}

/** Whether a `not` subschema uses only keywords {@link conforms} always decides. */
function decidable(schema: unknown): boolean {
  if (typeof schema === 'boolean') return true;
  return isSchemaObject(schema) && Object.keys(schema).every((keyword) => annotationKeywords.has(keyword) || keyword === 'type' || keyword === 'const' || keyword === 'enum' || stringKeywords.has(keyword) || numberKeywords.has(keyword));
}

/** Values a schema object pins down on its own: `const`, or `enum`; undefined when it does not. */
function pinnedValues(schema: unknown): Set<string> | undefined {
  if (!isSchemaObject(schema)) return undefined;
  if ('const' in schema) return new Set([stableKey(schema.const)]);
  if (Array.isArray(schema.enum)) return new Set(schema.enum.map(stableKey));
  return undefined;
}

function disjointSets(left: Set<string>, right: Set<string>): boolean {
  return [...left].every((value) => !right.has(value));
}

class Builder {
  readonly #root: unknown;
  readonly #reports: string[] = [];
  readonly #idPool: readonly string[];
  readonly #identityPool: readonly string[];
  readonly #isIdLike: FieldPredicate;
  readonly #isIdentity: FieldPredicate;
  readonly #maxDepth: number;
  readonly #draft2020: boolean;

  constructor(root: unknown, options: SchemaArbitraryOptions) {
    this.#root = root;
    this.#idPool = sortedPool(options.pools?.idLike);
    this.#identityPool = sortedPool(options.pools?.identity);
    this.#isIdLike = options.isIdLike ?? ((_path, key) => isIdLikeName(key));
    this.#isIdentity = options.isIdentity ?? ((_path, key) => isIdentityFieldName(key));
    this.#maxDepth = Math.max(0, Math.floor(options.maxDepth ?? 5));
    const dialect = isSchemaObject(root) && typeof root.$schema === 'string' ? root.$schema : '';
    this.#draft2020 = /2020-12|2019-09/.test(dialect);
  }

  get unsupported(): readonly string[] {
    return [...this.#reports];
  }

  #report(place: Place, keyword: string, detail?: string): void {
    const line = `#${place.pointer}: ${keyword}${detail === undefined ? '' : ` (${detail})`}`;
    if (!this.#reports.includes(line)) this.#reports.push(line);
  }

  /** The schema a local `$ref` points at, and its pointer; undefined when it cannot be resolved. */
  #resolve(ref: string): { schema: unknown; pointer: string } | undefined {
    const rootId = isSchemaObject(this.#root) && typeof this.#root.$id === 'string' ? this.#root.$id : undefined;
    const local = rootId !== undefined && ref.startsWith(`${rootId}#`) ? ref.slice(rootId.length) : ref;
    if (local !== '#' && !local.startsWith('#/')) return undefined;
    let target: unknown = this.#root;
    const steps = local === '#' ? [] : local.slice(2).split('/').map((step) => decodeURIComponent(step).replace(/~1/g, '/').replace(/~0/g, '~'));
    for (const step of steps) {
      if (Array.isArray(target) && /^\d+$/.test(step)) target = target[Number(step)];
      else if (isSchemaObject(target) && Object.hasOwn(target, step)) target = target[step];
      else return undefined;
    }
    return target === undefined ? undefined : { schema: target, pointer: local.slice(1) };
  }

  /** A member of `allOf` as one schema object with its `$ref`s and nested `allOf`s merged in; false when nothing satisfies it. */
  #flatten(member: unknown, place: Place): SchemaObject | false {
    if (member === true) return {};
    if (member === false) return false;
    if (!isSchemaObject(member)) {
      this.#report(place, 'allOf', 'a member is not a schema');
      return {};
    }
    if (place.hops > maxHops) {
      this.#report(place, '$ref', 'a cycle of references with no data between');
      return {};
    }
    let merged: SchemaObject | false = without(member, '$ref', 'allOf');
    if (typeof member.$ref === 'string') {
      const target = this.#resolve(member.$ref);
      if (target === undefined) this.#report(place, '$ref', `cannot resolve "${member.$ref}"`);
      else {
        const resolved = this.#flatten(target.schema, { ...place, pointer: target.pointer, hops: place.hops + 1 });
        if (resolved === false) return false;
        // Draft-07 ignores the siblings of `$ref`; 2020-12 applies them too.
        merged = this.#draft2020 ? mergeSchemas(resolved, merged, (keyword, detail) => { this.#report(place, keyword, detail); }) : resolved;
      }
    }
    if (Array.isArray(member.allOf)) {
      for (const [index, inner] of member.allOf.entries()) {
        if (merged === false) return false;
        const flat = this.#flatten(inner, { ...place, pointer: pointerTo(place.pointer, 'allOf', index), hops: place.hops + 1 });
        if (flat === false) return false;
        merged = mergeSchemas(merged, flat, (keyword, detail) => { this.#report(place, keyword, detail); });
      }
    }
    return merged;
  }

  /** Any JSON value, or a pool value for a pool field. */
  #anything(place: Place): fc.Arbitrary<unknown> {
    const atLimit = place.depth >= this.#maxDepth;
    const any: fc.Arbitrary<unknown> = atLimit ? fc.constantFrom(null, true, 0, '') : fc.jsonValue({ maxDepth: 2 });
    const pool = this.#poolFor(place);
    return pool.length === 0 ? any : fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 3 }, { arbitrary: any, weight: 1 });
  }

  #poolFor(place: Place): readonly string[] {
    const key = place.key;
    if (key === undefined) return [];
    if (this.#identityPool.length > 0 && this.#isIdentity(place.path, key)) return this.#identityPool;
    if (this.#idPool.length > 0 && this.#isIdLike(place.path, key)) return this.#idPool;
    return [];
  }

  /** Pool values the schema accepts, mixed with generated ones; pool values are 3 in 4 draws. */
  #withPool(generated: fc.Arbitrary<unknown> | undefined, schema: SchemaObject, place: Place, type: 'string' | 'integer' | 'number'): fc.Arbitrary<unknown> | undefined {
    const pool = this.#poolFor(place);
    const values: unknown[] = type === 'string' ? [...pool] : pool.filter((value) => /^-?\d+$/.test(value)).map(Number).filter(Number.isSafeInteger);
    const accepted = values.filter((value) => conforms(value, schema) === true);
    if (accepted.length === 0) return generated;
    const drawn = fc.constantFrom(...accepted);
    return generated === undefined ? drawn : fc.oneof({ arbitrary: drawn, weight: 3 }, { arbitrary: generated, weight: 1 });
  }

  build(schema: unknown, place: Place): fc.Arbitrary<unknown> | undefined {
    if (place.depth > this.#maxDepth + depthSlack) return undefined;
    if (schema === true) return this.#anything(place);
    if (schema === false) return undefined;
    if (!isSchemaObject(schema)) {
      this.#report(place, 'schema', 'neither an object nor a boolean');
      return this.#anything(place);
    }
    if (typeof schema.$ref === 'string' || Array.isArray(schema.allOf)) {
      if (typeof schema.$ref === 'string' && !Array.isArray(schema.allOf) && (!this.#draft2020 || validatingKeywords(without(schema, '$ref')).length === 0)) {
        const target = this.#resolve(schema.$ref);
        if (target === undefined) {
          this.#report(place, '$ref', `cannot resolve "${schema.$ref}"`);
          return this.build(without(schema, '$ref'), place);
        }
        if (place.hops >= maxHops) {
          this.#report(place, '$ref', 'a cycle of references with no data between');
          return this.#anything(place);
        }
        return this.build(target.schema, { ...place, pointer: target.pointer, hops: place.hops + 1 });
      }
      const merged = this.#flatten(schema, place);
      return merged === false ? undefined : this.build(merged, place);
    }
    if (Array.isArray(schema.anyOf)) return this.#alternatives(schema, 'anyOf', schema.anyOf, place);
    if (Array.isArray(schema.oneOf)) return this.#alternatives(schema, 'oneOf', schema.oneOf, place);
    if ('not' in schema) return this.#not(schema, place);

    for (const keyword of Object.keys(schema)) {
      const reason = notApplied[keyword];
      if (reason !== undefined) this.#report(place, keyword, reason);
      else if (!knownKeywords.has(keyword)) this.#report(place, keyword, 'unknown keyword');
    }
    if ('const' in schema) return conforms(schema.const, without(schema, 'const')) === false ? undefined : fc.constant(schema.const);
    if (Array.isArray(schema.enum)) {
      const rest = without(schema, 'enum');
      const members = (schema.enum as readonly unknown[]).filter((member) => conforms(member, rest) !== false);
      return members.length === 0 ? undefined : fc.constantFrom(...members);
    }
    const declared = declaredTypes(schema);
    if (declared === undefined && this.#inferredTypes(schema) === undefined) return this.#anything(place);
    let types = declared ?? this.#inferredTypes(schema) ?? [];
    if (types.includes('number')) types = types.filter((type) => type !== 'integer');
    const arbitraries = types.flatMap((type) => {
      const arbitrary = this.#forType(type, schema, place);
      return arbitrary === undefined ? [] : [arbitrary];
    });
    if (arbitraries.length === 0) return undefined;
    return arbitraries.length === 1 ? arbitraries[0] : fc.oneof(...arbitraries);
  }

  /** A schema without `type` allows every type, and its keywords only constrain their own: the types they name, or undefined (any value) when none does. */
  #inferredTypes(schema: SchemaObject): JsonType[] | undefined {
    const keywords = Object.keys(schema);
    const families: JsonType[] = [];
    if (keywords.some((keyword) => objectKeywords.has(keyword))) families.push('object');
    if (keywords.some((keyword) => arrayKeywords.has(keyword))) families.push('array');
    if (keywords.some((keyword) => stringKeywords.has(keyword))) families.push('string');
    if (keywords.some((keyword) => numberKeywords.has(keyword))) families.push('number');
    return families.length > 0 ? families : undefined;
  }

  #forType(type: JsonType, schema: SchemaObject, place: Place): fc.Arbitrary<unknown> | undefined {
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
      case 'number':
        if (typeof schema.format === 'string' && !['int32', 'int64', 'float', 'double'].includes(schema.format)) this.#report(place, 'format', `unknown number format "${schema.format}"`);
        return this.#withPool(numberArbitrary(schema, type === 'integer'), schema, place, type);
      case 'string':
        return this.#withPool(stringArbitrary(schema, (keyword, detail) => { this.#report(place, keyword, detail); }), schema, place, 'string');
      case 'array':
        return this.#array(schema, place);
      case 'object':
        return this.#object(schema, place);
    }
  }

  #alternatives(schema: SchemaObject, keyword: 'anyOf' | 'oneOf', branches: readonly unknown[], place: Place): fc.Arbitrary<unknown> | undefined {
    const rest = without(schema, keyword);
    const withRest = validatingKeywords(rest).length > 0;
    const candidates = branches.map((branch, index) => ({
      schema: withRest ? { allOf: [rest, branch] } : branch,
      place: { ...place, pointer: pointerTo(place.pointer, keyword, index) },
    }));
    if (keyword === 'oneOf' && !this.#disjoint(branches, place)) this.#report(place, 'oneOf', 'branches may overlap; a value may match more than one');
    if (place.depth >= this.#maxDepth) {
      // At the depth limit one branch is enough: the first that terminates, trying branches without references first.
      const ordered = [...candidates].sort((a, b) => Number(JSON.stringify(a.schema).includes('"$ref"')) - Number(JSON.stringify(b.schema).includes('"$ref"')));
      for (const candidate of ordered) {
        const arbitrary = this.build(candidate.schema, candidate.place);
        if (arbitrary !== undefined) return arbitrary;
      }
      return undefined;
    }
    const arbitraries = candidates.flatMap((candidate) => {
      const arbitrary = this.build(candidate.schema, candidate.place);
      return arbitrary === undefined ? [] : [arbitrary];
    });
    if (arbitraries.length === 0) return undefined;
    return arbitraries.length === 1 ? arbitraries[0] : fc.oneof(...arbitraries);
  }

  /** Whether no value can match two `oneOf` branches: their types, their values, or a required discriminator property tell them apart. */
  #disjoint(branches: readonly unknown[], place: Place): boolean {
    const flat = branches.map((branch) => this.#flatten(branch, place));
    const pairApart = (left: SchemaObject | false, right: SchemaObject | false): boolean => {
      if (left === false || right === false) return true;
      const leftTypes = declaredTypes(left);
      const rightTypes = declaredTypes(right);
      if (leftTypes !== undefined && rightTypes !== undefined && leftTypes.every((a) => rightTypes.every((b) => a !== b && !(a === 'integer' && b === 'number') && !(a === 'number' && b === 'integer')))) return true;
      const leftValues = pinnedValues(left);
      const rightValues = pinnedValues(right);
      if (leftValues !== undefined && rightValues !== undefined && disjointSets(leftValues, rightValues)) return true;
      const leftProperties = isSchemaObject(left.properties) ? left.properties : {};
      const rightProperties = isSchemaObject(right.properties) ? right.properties : {};
      const requiredBoth = (Array.isArray(left.required) ? left.required : []).filter((key): key is string => typeof key === 'string' && Array.isArray(right.required) && right.required.includes(key));
      return requiredBoth.some((key) => {
        const a = pinnedValues(leftProperties[key]);
        const b = pinnedValues(rightProperties[key]);
        return a !== undefined && b !== undefined && disjointSets(a, b);
      });
    };
    return flat.every((left, i) => flat.every((right, j) => j <= i || pairApart(left, right)));
  }

  #not(schema: SchemaObject, place: Place): fc.Arbitrary<unknown> | undefined {
    const forbidden = schema.not;
    const base = this.build(without(schema, 'not'), place);
    if (base === undefined || forbidden === true || (isSchemaObject(forbidden) && validatingKeywords(forbidden).length === 0)) return undefined;
    if (forbidden === false) return base;
    if (!decidable(forbidden)) {
      this.#report({ ...place, pointer: pointerTo(place.pointer, 'not') }, 'not', 'only type, const, enum, string and number keywords are excluded');
      return base;
    }
    return guardedFilter(base, (value) => conforms(value, forbidden) !== true, () => {
      this.#report(place, 'not', 'no generated value avoids it; treated as unsatisfiable');
    });
  }

  #child(place: Place, pointer: string, key: string | undefined, nested: boolean): Place {
    const path = nested && place.key !== undefined ? [...place.path, place.key] : place.path;
    return { pointer, path, key, depth: place.depth + 1, hops: 0 };
  }

  #array(schema: SchemaObject, place: Place): fc.Arbitrary<unknown[]> | undefined {
    let prefix: readonly unknown[] = [];
    let rest: unknown;
    let restPointer = pointerTo(place.pointer, 'items');
    if (Array.isArray(schema.prefixItems)) {
      prefix = schema.prefixItems;
      rest = schema.items ?? true;
    } else if (Array.isArray(schema.items)) {
      prefix = schema.items;
      rest = schema.additionalItems ?? true;
      restPointer = pointerTo(place.pointer, 'additionalItems');
    } else {
      rest = schema.items ?? true;
    }
    const prefixPointer = Array.isArray(schema.prefixItems) ? 'prefixItems' : 'items';
    const minItems = Math.max(0, Math.ceil(numberKeyword(schema, 'minItems') ?? 0));
    let maxItems = Math.floor(numberKeyword(schema, 'maxItems') ?? Number.POSITIVE_INFINITY);
    if (minItems > maxItems) return undefined;
    const atLimit = place.depth >= this.#maxDepth;
    let wanted = atLimit ? minItems : Math.min(maxItems, Math.max(minItems, prefix.length) + 3);

    const prefixArbitraries: fc.Arbitrary<unknown>[] = [];
    for (const [index, item] of prefix.slice(0, wanted).entries()) {
      const arbitrary = this.build(item, this.#child(place, pointerTo(place.pointer, prefixPointer, index), place.key, false));
      if (arbitrary === undefined) {
        // No value fits this position: the array must end before it.
        maxItems = index;
        break;
      }
      prefixArbitraries.push(arbitrary);
    }
    wanted = Math.min(wanted, maxItems);
    if (minItems > wanted) return undefined;
    let restArbitrary: fc.Arbitrary<unknown> | undefined;
    if (wanted > prefixArbitraries.length) {
      restArbitrary = rest === false ? undefined : this.build(rest, this.#child(place, restPointer, place.key, false));
      if (restArbitrary === undefined) {
        wanted = prefixArbitraries.length;
        if (minItems > wanted) return undefined;
      }
    }
    const restMin = Math.max(0, minItems - prefixArbitraries.length);
    const restMax = Math.max(0, wanted - prefixArbitraries.length);
    const unique = schema.uniqueItems === true;
    // Unique items are drawn as a longer array with duplicates dropped (fc.uniqueArray spins forever on a
    // domain smaller than minItems), and kept when enough remain.
    const restArray: fc.Arbitrary<unknown[]> =
      restArbitrary === undefined || restMax === 0
        ? fc.constant([])
        : unique
          ? fc.array(restArbitrary, { minLength: restMin, maxLength: restMax * 2 }).map((items) => [...new Map(items.map((item) => [stableKey(item), item])).values()].slice(0, restMax))
          : fc.array(restArbitrary, { minLength: restMin, maxLength: restMax });
    const whole = prefixArbitraries.length === 0 ? restArray : fc.tuple(fc.tuple(...prefixArbitraries), restArray).map(([head, tail]): unknown[] => [...head, ...tail]);
    if (!unique) return whole;
    return guardedFilter(whole, (items) => items.length >= minItems && new Set(items.map(stableKey)).size === items.length, () => {
      this.#report(place, 'uniqueItems', `no ${String(minItems)} distinct items could be generated; treated as unsatisfiable`);
    });
  }

  #object(schema: SchemaObject, place: Place): fc.Arbitrary<Record<string, unknown>> | undefined {
    const properties = isSchemaObject(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? schema.required.filter((key): key is string => typeof key === 'string') : [];
    const additional = schema.additionalProperties;
    const patterns = isSchemaObject(schema.patternProperties) ? Object.keys(schema.patternProperties).map((pattern) => patternRegExp(pattern)) : [];
    const matchesPattern = (key: string): boolean => patterns.some((regex) => regex?.test(key) ?? true);
    const atLimit = place.depth >= this.#maxDepth;

    const model: Record<string, fc.Arbitrary<unknown>> = {};
    const requiredKeys: string[] = [];
    for (const [key, property] of Object.entries(properties)) {
      const isRequired = required.includes(key);
      if (!isRequired && atLimit) continue;
      if (matchesPattern(key)) this.#report(place, 'patternProperties', `not applied to the declared property "${key}"`);
      const arbitrary = this.build(property, this.#child(place, pointerTo(place.pointer, 'properties', key), key, true));
      if (arbitrary === undefined) {
        if (isRequired) return undefined;
        continue;
      }
      model[key] = arbitrary;
      if (isRequired) requiredKeys.push(key);
    }
    for (const key of required) {
      if (key in model || Object.hasOwn(properties, key)) continue;
      const undeclared = matchesPattern(key) ? true : (additional ?? true);
      if (matchesPattern(key)) this.#report(place, 'patternProperties', `not applied to the required property "${key}"`);
      const arbitrary = this.build(undeclared, this.#child(place, pointerTo(place.pointer, 'additionalProperties'), key, true));
      if (arbitrary === undefined) return undefined;
      model[key] = arbitrary;
      requiredKeys.push(key);
    }
    let record: fc.Arbitrary<Record<string, unknown>> = fc.record(model, { requiredKeys, noNullPrototype: true });
    let maxKeys = Object.keys(model).length;
    if (isSchemaObject(additional) && !atLimit) {
      const value = this.build(additional, this.#child(place, pointerTo(place.pointer, 'additionalProperties'), undefined, true));
      if (value !== undefined) {
        const extraKey = fc.string({ minLength: 1, maxLength: 8 }).filter((key) => !Object.hasOwn(properties, key) && !(key in model) && !matchesPattern(key) && key !== '__proto__');
        const extras = fc.dictionary(extraKey, value, { maxKeys: 3, noNullPrototype: true });
        record = fc.tuple(record, extras).map(([declared, extra]) => ({ ...extra, ...declared }));
        maxKeys += 3;
      }
    }
    const minProperties = numberKeyword(schema, 'minProperties');
    const maxProperties = numberKeyword(schema, 'maxProperties');
    if (maxProperties !== undefined && requiredKeys.length > maxProperties) return undefined;
    const fewest = minProperties !== undefined && minProperties > requiredKeys.length ? minProperties : 0;
    const most = maxProperties !== undefined && maxProperties < maxKeys ? maxProperties : maxKeys;
    if (fewest > maxKeys) {
      this.#report(place, 'minProperties', 'more properties than the module generates for this schema');
      return record;
    }
    if (fewest === 0 && most === maxKeys) return record;
    return guardedFilter(record, (value) => Object.keys(value).length >= fewest && Object.keys(value).length <= most, () => {
      this.#report(place, 'minProperties/maxProperties', 'no generated value has that many properties; treated as unsatisfiable');
    });
  }
}

/**
 * An arbitrary for the values `schema` accepts, and what of the schema was not understood. Never
 * throws; an unsupported keyword is left out (the arbitrary then draws from a superset) and listed.
 */
export function arbitraryFor(schema: unknown, options: SchemaArbitraryOptions = {}): SchemaArbitrary {
  const builder = new Builder(schema, options);
  const root: Place = { pointer: '', path: [], key: undefined, depth: 0, hops: 0 };
  const arbitrary = builder.build(schema, root);
  return {
    arbitrary: arbitrary ?? fc.jsonValue({ maxDepth: 2 }),
    unsupported: builder.unsupported,
    satisfiable: arbitrary !== undefined,
  };
}
