import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { arbitraryFor, isIdentityFieldName, isIdLikeName, sortedPool } from '@mcify-audit/harness';

const addFormats = addFormatsModule as unknown as (ajv: Ajv | Ajv2020) => void;
// zod-to-json-schema writes patterns such as `^SKU\-` that only compile without the `u` flag.
const draft07 = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
const draft2020 = new Ajv2020({ strict: false, allErrors: true });
addFormats(draft07);
addFormats(draft2020);

function validator(schema: Record<string, unknown>): ValidateFunction {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  return dialect.includes('2020-12') ? draft2020.compile(schema) : draft07.compile(schema);
}

function zodSchema(schema: z.ZodType, options: Parameters<typeof zodToJsonSchema>[1] = {}): Record<string, unknown> {
  return zodToJsonSchema(schema, options);
}

const NUM_RUNS = 150;

interface Tree {
  name: string;
  children: Tree[];
}
const tree: z.ZodType<Tree> = z.lazy(() => z.object({ name: z.string().min(1), children: z.array(tree).max(3) }));
const address = z.object({ street: z.string().min(1).max(80), postcode: z.string().regex(/^[0-9]{5}$/), country: z.enum(['DE', 'FR', 'US']) });

/** Inputs of realistic tools, as zod-to-json-schema emits them (draft-07, `definitions` for named and recursive parts). */
const zodCorpus: Record<string, Record<string, unknown>> = {
  'orders_get': zodSchema(z.object({ orderId: z.string().uuid() })),
  'orders_list': zodSchema(
    z.object({
      status: z.enum(['open', 'paid', 'refunded']).optional(),
      customerEmail: z.string().email().optional(),
      createdAfter: z.string().datetime().optional(),
      limit: z.number().int().min(1).max(100).default(20),
      cursor: z.string().max(64).optional(),
    }),
  ),
  'orders_refund': zodSchema(
    z.object({
      order_id: z.string().min(8).max(40),
      amount: z.number().positive().multipleOf(0.01).max(10_000),
      reason: z.string().max(200).nullable(),
      notify: z.boolean(),
    }),
  ),
  'invoices_create': zodSchema(
    z.object({
      customerId: z.string(),
      dueDate: z.string().date(),
      website: z.string().url().optional(),
      lines: z.array(z.object({ sku: z.string().startsWith('SKU-'), quantity: z.number().int().positive(), unitPrice: z.number().nonnegative() })).min(1).max(5),
      tags: z.set(z.string().min(1).max(10)).max(4),
      shipping: address.optional(),
      billing: address,
      metadata: z.record(z.string().max(20)).optional(),
    }),
  ),
  'payments_search': zodSchema(
    z.object({
      filter: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('byCustomer'), customerId: z.string() }),
        z.object({ kind: z.literal('byAmount'), min: z.number().int().gte(0), max: z.number().int().lte(1_000_000) }),
        z.object({ kind: z.literal('byDate'), from: z.string().date(), to: z.string().date() }),
      ]),
      sort: z.union([z.literal('asc'), z.literal('desc')]).optional(),
      range: z.tuple([z.number().int(), z.number().int()]).optional(),
    }),
  ),
  'audit_export': zodSchema(z.object({ userId: z.string(), tenant: z.string().min(2), fields: z.array(z.string()).nonempty(), format: z.enum(['csv', 'json']) }).strict()),
  'profiles_update': zodSchema(z.intersection(z.object({ userId: z.string() }), z.object({ displayName: z.string().min(1).max(40), age: z.number().int().min(13).max(130).optional() }))),
  'folders_create': zodSchema(z.object({ parentId: z.string().optional(), root: tree }), { name: 'FolderInput' }),
  'settings_set': zodSchema(z.object({ key: z.string().regex(/^[a-z]+(\.[a-z]+)*$/), value: z.union([z.string(), z.number(), z.boolean(), z.null()]) }), {
    $refStrategy: 'root',
    definitions: { Address: address },
  }),
};

/** Hand-written draft-07 and 2020-12 schemas: `$ref` into `definitions` and `$defs`, recursion, enums, formats, nested arrays, unions. */
const handCorpus: Record<string, Record<string, unknown>> = {
  'draft-07 definitions and recursion': {
    $schema: 'http://json-schema.org/draft-07/schema#',
    definitions: {
      node: {
        type: 'object',
        properties: { id: { type: 'string', pattern: '^n-[0-9]+$' }, next: { anyOf: [{ $ref: '#/definitions/node' }, { type: 'null' }] } },
        required: ['id', 'next'],
        additionalProperties: false,
      },
    },
    type: 'object',
    properties: { head: { $ref: '#/definitions/node' }, kind: { enum: ['list', 'ring', 3, null] } },
    required: ['head'],
  },
  'draft-07 tuple with additionalItems': {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'array',
    items: [{ type: 'string', format: 'ipv4' }, { type: 'integer', minimum: 1, maximum: 65535 }],
    additionalItems: { type: 'string', format: 'hostname' },
    maxItems: 4,
  },
  '2020-12 $defs, prefixItems and recursion': {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $defs: {
      json: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }, { type: 'array', items: { $ref: '#/$defs/json' } }, { type: 'object', additionalProperties: { $ref: '#/$defs/json' } }] },
      point: { type: 'array', prefixItems: [{ type: 'number', exclusiveMinimum: -180, exclusiveMaximum: 180 }, { type: 'number', minimum: -90, maximum: 90 }], items: false, minItems: 2 },
    },
    type: 'object',
    properties: {
      payload: { $ref: '#/$defs/json' },
      route: { type: 'array', items: { $ref: '#/$defs/point' }, minItems: 2, maxItems: 6 },
      matrix: { type: 'array', items: { type: 'array', items: { type: 'integer', multipleOf: 3, minimum: -30, maximum: 30 }, uniqueItems: true, maxItems: 4 }, maxItems: 3 },
      at: { type: 'string', format: 'date-time' },
      ref: { $ref: '#/$defs/point', minItems: 2 },
    },
    required: ['payload', 'route'],
    additionalProperties: false,
  },
  '2020-12 oneOf with a discriminator, not, and allOf': {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $defs: { named: { type: 'object', properties: { name: { type: 'string', minLength: 3 } }, required: ['name'] } },
    oneOf: [
      { allOf: [{ $ref: '#/$defs/named' }, { properties: { type: { const: 'user' }, email: { type: 'string', format: 'email' } }, required: ['type', 'email'] }] },
      { allOf: [{ $ref: '#/$defs/named' }, { properties: { type: { const: 'team' }, size: { type: 'integer', exclusiveMinimum: 0, maximum: 50 } }, required: ['type'] }] },
    ],
    properties: { note: { type: 'string', not: { enum: ['', 'n/a'] } }, code: { type: ['string', 'integer'], not: { type: 'integer' }, maxLength: 6 }, never: { not: {} } },
  },
};

describe('arbitraryFor: every generated value validates', () => {
  const corpus = { ...Object.fromEntries(Object.entries(zodCorpus).map(([name, schema]) => [`zod: ${name}`, schema])), ...handCorpus };
  for (const [name, schema] of Object.entries(corpus)) {
    it(name, () => {
      const validate = validator(schema);
      const result = arbitraryFor(schema, { pools: { idLike: ['ord_1a2b3c4d', 'n-17', '4b0a6a35-8e2c-4d8f-9b6e-2f3c4d5e6f70'], identity: ['user-bob', 'globex'] } });
      expect(result.unsupported).toEqual([]);
      expect(result.satisfiable).toBe(true);
      fc.assert(
        fc.property(result.arbitrary, (value) => {
          if (!validate(value)) throw new Error(`${JSON.stringify(value)} does not validate: ${JSON.stringify(validate.errors)}`);
        }),
        { numRuns: NUM_RUNS, seed: 42 },
      );
    });
  }

  it('bounds recursion: nesting stays within maxDepth plus the required tail', () => {
    const depthOf = (value: unknown): number => (typeof value === 'object' && value !== null ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0);
    const schema = handCorpus['2020-12 $defs, prefixItems and recursion'];
    if (schema === undefined) throw new Error('missing schema');
    const { arbitrary } = arbitraryFor(schema, { maxDepth: 3 });
    const depths = fc.sample(arbitrary, { numRuns: 200, seed: 7 }).map(depthOf);
    expect(Math.max(...depths)).toBeLessThanOrEqual(4);
    expect(Math.max(...depths)).toBeGreaterThanOrEqual(3);

    // Recursion through arrays alone: past the limit an array takes only its `minItems` items.
    const nested = { $schema: 'https://json-schema.org/draft/2020-12/schema', $ref: '#/$defs/list', $defs: { list: { type: 'array', items: { $ref: '#/$defs/list' }, maxItems: 2 } } };
    const validate = validator(nested);
    const lists = fc.sample(arbitraryFor(nested, { maxDepth: 2 }).arbitrary, { numRuns: 200, seed: 7 });
    expect(lists.every((value) => validate(value))).toBe(true);
    expect(Math.max(...lists.map(depthOf))).toBe(3);
  });
});

describe('arbitraryFor: random schemas', () => {
  const bound = fc.option(fc.integer({ min: -5, max: 20 }), { nil: undefined });
  const length = fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined });
  const defined = <T extends Record<string, unknown>>(object: T): T => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
  /** Random schemas of one dialect: 2020-12 adds `prefixItems` and refers into `$defs`, draft-07 into `definitions`. */
  const randomRoot = (dialect: '07' | '2020'): fc.Arbitrary<Record<string, unknown>> => {
    const { schema: randomSchema, leaf: randomLeaf } = fc.letrec<{ leaf: Record<string, unknown> | boolean; schema: Record<string, unknown> | boolean }>((tie) => ({
      leaf: fc.oneof(
        fc.record({ minLength: length, maxLength: length, format: fc.constantFrom(undefined, 'email', 'uuid', 'date', 'date-time', 'uri'), pattern: fc.constantFrom(undefined, '^[a-f]+$', '[0-9]', '^x') }).map((keywords) => defined({ type: 'string', ...keywords })),
        fc.record({ minimum: bound, maximum: bound, multipleOf: fc.constantFrom(undefined, 2, 5) }).map((keywords) => defined({ type: 'integer', ...keywords })),
        fc.record({ exclusiveMinimum: bound, maximum: bound, multipleOf: fc.constantFrom(undefined, 0.5, 0.25) }).map((keywords) => defined({ type: 'number', ...keywords })),
        fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('a', 'b', null, true)), { minLength: 1, maxLength: 4, selector: (value) => JSON.stringify(value) }).map((members) => ({ enum: members })),
        fc.constantFrom<Record<string, unknown> | boolean>({ type: 'boolean' }, { type: 'null' }, { const: 'fixed' }, true, { type: ['string', 'null'], maxLength: 3 }),
      ),
      schema: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        tie('leaf'),
        fc
          .record({ properties: fc.dictionary(fc.constantFrom('id', 'orderId', 'userId', 'name', 'n'), tie('schema'), { maxKeys: 4 }), additionalProperties: fc.oneof(fc.boolean(), tie('schema')), pick: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }) })
          .map(({ properties, additionalProperties, pick }) => ({ type: 'object', properties, required: Object.keys(properties).filter((_, index) => pick[index]), additionalProperties })),
        fc.record({ items: tie('schema'), minItems: fc.constantFrom(undefined, 0, 1, 2), maxItems: fc.constantFrom(undefined, 1, 3), uniqueItems: fc.constantFrom(undefined, true) }).map((keywords) => defined({ type: 'array', ...keywords })),
        fc.array(tie('schema'), { minLength: 1, maxLength: 3 }).map((anyOf) => ({ anyOf })),
        fc.tuple(tie('schema'), tie('schema')).map((allOf) => ({ allOf })),
        fc.tuple(tie('leaf'), tie('leaf')).map(([base, not]) => (typeof base === 'boolean' ? { not } : { ...base, not })),
        fc.constant({ $ref: dialect === '2020' ? '#/$defs/shared' : '#/definitions/shared' }),
        dialect === '2020'
          ? fc.record({ prefixItems: fc.array(tie('schema'), { minLength: 1, maxLength: 3 }), items: fc.oneof(fc.constant(false), tie('schema')), minItems: fc.constantFrom(undefined, 1, 2) }).map((keywords) => defined({ type: 'array', ...keywords }))
          : fc.record({ items: fc.array(tie('schema'), { minLength: 1, maxLength: 3 }), additionalItems: fc.oneof(fc.constant(false), tie('schema')), minItems: fc.constantFrom(undefined, 1, 2) }).map((keywords) => defined({ type: 'array', ...keywords })),
      ),
    }));
    return fc.tuple(randomSchema, randomLeaf).map(([main, shared]) =>
      dialect === '2020'
        ? { $schema: 'https://json-schema.org/draft/2020-12/schema', $defs: { shared }, allOf: [main] }
        : { $schema: 'http://json-schema.org/draft-07/schema#', definitions: { shared }, allOf: [main] },
    );
  };

  it.each(['07', '2020'] as const)('draft %s: never throws, and every value of a schema it fully understood validates', (dialect) => {
    let checked = 0;
    fc.assert(
      fc.property(randomRoot(dialect), (root) => {
        const result = arbitraryFor(root, { pools: { idLike: ['ord-1', '7'], identity: ['globex'] } });
        const values = fc.sample(result.arbitrary, { numRuns: 15, seed: 11 });
        if (!result.satisfiable || result.unsupported.length > 0) return;
        checked += 1;
        const validate = validator(root);
        for (const value of values) {
          if (!validate(value)) throw new Error(`${JSON.stringify(value)} does not validate against ${JSON.stringify(root)}: ${JSON.stringify(validate.errors)}`);
        }
      }),
      { numRuns: 300, seed: 2024 },
    );
    expect(checked).toBeGreaterThan(120);
  });
});

describe('arbitraryFor: pools', () => {
  const schema = zodSchema(
    z.object({
      orderId: z.string(),
      customer_id: z.string().max(12),
      userId: z.string(),
      tenant: z.string(),
      lineIds: z.array(z.string()).min(1).max(3),
      note: z.string().max(10),
      seq: z.number().int().positive(),
    }),
  );
  const ids = ['ord_9', 'ord_1', 'cus_aaaaaaaaaaaaaaaa', 'ord_1', '42', 'cus_1'];
  const identity = ['globex', 'bob@globex.test'];
  interface Sample {
    orderId: string;
    customer_id: string;
    userId: string;
    tenant: string;
    lineIds: string[];
    note: string;
    seq: number;
  }
  const draw = (pools: { idLike: readonly string[]; identity: readonly string[] }, seed: number): Sample[] =>
    fc.sample(arbitraryFor(schema, { pools }).arbitrary, { numRuns: 300, seed }) as Sample[];

  it('draws id-like fields from the id pool and identity fields from the identity pool, mixed with generated values', () => {
    const values = draw({ idLike: ids, identity }, 1);
    const idSet = new Set(ids);
    const identitySet = new Set(identity);
    for (const field of ['orderId', 'customer_id'] as const) {
      const fromPool = values.filter((value) => idSet.has(value[field])).length;
      expect(fromPool, field).toBeGreaterThan(values.length / 2);
      expect(fromPool, field).toBeLessThan(values.length);
    }
    expect(values.some((value) => value.lineIds.some((id) => idSet.has(id)))).toBe(true);
    for (const field of ['userId', 'tenant'] as const) {
      const fromPool = values.filter((value) => identitySet.has(value[field])).length;
      expect(fromPool, field).toBeGreaterThan(values.length / 2);
      expect(values.some((value) => idSet.has(value[field])), `${field} takes identity, not ids`).toBe(false);
    }
    // Only pool values the field accepts: `customer_id` has maxLength 12.
    expect(values.some((value) => value.customer_id === 'cus_aaaaaaaaaaaaaaaa')).toBe(false);
    expect(values.some((value) => value.orderId === 'cus_aaaaaaaaaaaaaaaa')).toBe(true);
    // A numeric id reaches an integer id-like field only if it is named so; `seq` and `note` are not pool fields.
    expect(values.some((value) => idSet.has(value.note) || identitySet.has(value.note))).toBe(false);
  });

  it('replays a seed identically, whatever order and duplicates the pools arrive in', () => {
    const first = draw({ idLike: ids, identity }, 99);
    expect(draw({ idLike: ids, identity }, 99)).toEqual(first);
    expect(draw({ idLike: [...ids].reverse().concat(ids), identity: [...identity].reverse() }, 99)).toEqual(first);
    expect(draw({ idLike: ids, identity }, 100)).not.toEqual(first);
    expect(sortedPool(['b', 'a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
  });

  it('takes custom field predicates', () => {
    const custom = { type: 'object', properties: { ref: { type: 'string' }, orderId: { type: 'string' } }, required: ['ref', 'orderId'] };
    const values = fc.sample(arbitraryFor(custom, { pools: { idLike: ['X-1'] }, isIdLike: (_path, key) => key === 'ref' }).arbitrary, { numRuns: 100, seed: 3 }) as { ref: string; orderId: string }[];
    expect(values.some((value) => value.ref === 'X-1')).toBe(true);
    expect(values.some((value) => value.orderId === 'X-1')).toBe(false);
  });

  it('passes the data path to the predicates, and draws numeric ids into integer id fields within bounds', () => {
    const nested = {
      type: 'object',
      properties: { id: { type: 'string' }, order: { type: 'object', properties: { id: { type: 'string' }, lineId: { type: 'integer', minimum: 1 } }, required: ['id', 'lineId'] } },
      required: ['id', 'order'],
    };
    const seen: string[] = [];
    const isIdLike = (path: readonly string[], key: string): boolean => {
      seen.push([...path, key].join('.'));
      return path.join('.') === 'order';
    };
    const values = fc.sample(arbitraryFor(nested, { pools: { idLike: ['abc', '42', '-3'] }, isIdLike, isIdentity: () => false }).arbitrary, { numRuns: 100, seed: 8 }) as { id: string; order: { id: string; lineId: number } }[];
    expect([...new Set(seen)].sort()).toEqual(['id', 'order.id', 'order.lineId']);
    expect(values.some((value) => value.order.id === 'abc')).toBe(true);
    expect(values.some((value) => value.id === 'abc')).toBe(false);
    expect(values.filter((value) => value.order.lineId === 42).length).toBeGreaterThan(values.length / 2);
    expect(values.every((value) => value.order.lineId >= 1)).toBe(true);
  });

  it('classifies names as the issue and the analyzer do', () => {
    expect(['id', 'orderId', 'order_id', 'lineIds', 'ORDER_ID'].every(isIdLikeName)).toBe(true);
    expect(['idea', 'paid', 'valid', 'name'].some(isIdLikeName)).toBe(false);
    expect(['userId', 'tenant', 'orgId', 'ownerIds'].every(isIdentityFieldName)).toBe(true);
    expect(['orderId', 'name'].some(isIdentityFieldName)).toBe(false);
  });
});

describe('arbitraryFor: what it does not understand', () => {
  it('reports unsupported keywords with their place, does not throw, and keeps what it can sound', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        remote: { $ref: 'https://example.com/schemas/other.json' },
        tagged: { type: 'array', items: { type: 'string' }, contains: { const: 'x' } },
        custom: { type: 'string', 'x-vendor': true, maxLength: 5 },
        odd: { type: 'string', format: 'iban' },
        shape: { if: { type: 'string' }, then: { minLength: 2 } },
        complex: { type: 'object', not: { required: ['a'] } },
      },
      required: ['remote', 'tagged', 'custom', 'odd', 'shape', 'complex'],
    };
    const result = arbitraryFor(schema);
    expect(result.unsupported).toEqual([
      '#/properties/remote: $ref (cannot resolve "https://example.com/schemas/other.json")',
      '#/properties/tagged: contains (not applied)',
      '#/properties/custom: x-vendor (unknown keyword)',
      '#/properties/odd: format (unknown format "iban")',
      '#/properties/shape: if (if/then/else not applied)',
      '#/properties/complex/not: not (only type, const, enum, string and number keywords are excluded)',
    ]);
    const values = fc.sample(result.arbitrary, { numRuns: 100, seed: 5 }) as Record<string, unknown>[];
    for (const value of values) {
      expect(typeof value.custom === 'string' && Array.from(value.custom).length <= 5).toBe(true);
      expect(typeof value.odd).toBe('string');
      expect(Array.isArray(value.tagged)).toBe(true);
    }
  });

  it('never throws on malformed schemas and says when nothing satisfies one', () => {
    for (const schema of [null, 42, 'string', { type: 'nope' }, { $ref: '#/definitions/missing' }, { allOf: [{ $ref: '#' }] }, { properties: [] }, { pattern: '(' }]) {
      const result = arbitraryFor(schema);
      expect(() => fc.sample(result.arbitrary, { numRuns: 10, seed: 1 })).not.toThrow();
    }
    expect(arbitraryFor({ $ref: '#/definitions/missing' }).unsupported).toEqual(['#: $ref (cannot resolve "#/definitions/missing")']);
    expect(arbitraryFor({ pattern: '(' }).unsupported).toEqual(['#: pattern (not a regular expression)']);
    expect(arbitraryFor({ type: 'string', minLength: 5, maxLength: 2 }).satisfiable).toBe(false);
    expect(arbitraryFor({ type: 'integer', minimum: 1.2, maximum: 1.8 }).satisfiable).toBe(false);
    expect(arbitraryFor({ allOf: [{ type: 'string' }, { type: 'integer' }] }).satisfiable).toBe(false);
    expect(arbitraryFor({ type: 'object', properties: { a: false }, required: ['a'] }).satisfiable).toBe(false);
    expect(arbitraryFor({ type: 'object', properties: { a: { type: 'string' } } }).satisfiable).toBe(true);
  });

  it('does not spin on constraints no generated value meets, and says so', () => {
    const impossible = [
      [{ type: 'array', items: { type: 'boolean' }, uniqueItems: true, minItems: 3 }, '#: uniqueItems (no 3 distinct items could be generated; treated as unsatisfiable)'],
      [{ type: 'string', pattern: '^[0-9]{5}$', minLength: 6 }, '#: minLength/maxLength (no generated value meets it with the other string keywords; treated as unsatisfiable)'],
      [{ type: 'string', not: { type: 'string' } }, '#: not (no generated value avoids it; treated as unsatisfiable)'],
    ] as const;
    for (const [schema, report] of impossible) {
      const result = arbitraryFor(schema);
      expect(result.satisfiable, JSON.stringify(schema)).toBe(false);
      expect(result.unsupported).toEqual([report]);
    }
    const possible = [
      { type: 'array', items: { enum: [1, 2, 3] }, uniqueItems: true, minItems: 3 },
      { type: 'array', prefixItems: [{ const: 'a' }], items: { enum: ['a', 'b', 'c'] }, uniqueItems: true, minItems: 2 },
      { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, minProperties: 1, maxProperties: 1 },
      { type: 'string', format: 'uuid', pattern: '^[0-7]' },
    ];
    for (const schema of possible) {
      const validate = draft2020.compile(schema);
      const result = arbitraryFor(schema);
      expect(result.unsupported).toEqual([]);
      expect(fc.sample(result.arbitrary, { numRuns: 50, seed: 4 }).every((value) => validate(value)), JSON.stringify(schema)).toBe(true);
    }
  });

  it('reports a oneOf whose branches may overlap', () => {
    const result = arbitraryFor({ oneOf: [{ type: 'string' }, { type: 'string', minLength: 2 }] });
    expect(result.unsupported).toEqual(['#: oneOf (branches may overlap; a value may match more than one)']);
  });
});
