import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { inputFields } from '../src/schema/input-fields.js';
import { virtualProgram, virtualSourceFile } from './virtual-program.js';

/** The initializer of `const input = ...` in a file. */
function inputExpression(sourceFile: ts.SourceFile): ts.Expression {
  let found: ts.Expression | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === 'input' && node.initializer !== undefined) found = node.initializer;
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  if (found === undefined) throw new Error('no `const input = ...`');
  return found;
}

const paths = (fields: readonly { path: readonly string[] }[]) => fields.map((field) => field.path.join('.')).sort();

const syntacticCases: [string, string, string[]][] = [
  ['nested objects and arrays', `const input = z.object({ limit: z.number(), filter: z.object({ tenant_id: z.string() }).optional(), items: z.array(z.object({ ownerId: z.string() })) });`, ['filter', 'filter.tenant_id', 'items', 'items.ownerId', 'limit']],
  ['extend, merge, pick, omit', `const base = z.object({ a: z.string(), userId: z.string() }); const extra = z.object({ c: z.string() }); const input = base.extend({ b: z.number() }).merge(extra).omit({ a: true });`, ['b', 'c', 'userId']],
  ['pick keeps only the picked keys', `const input = z.object({ a: z.string(), b: z.string() }).pick({ b: true }).partial().refine(() => true);`, ['b']],
  ['shapes in variables and spreads', `const shape = { orgId: z.string() }; const more = { ...shape, note: z.string() }; const input = z.object(more).strict();`, ['note', 'orgId']],
  ['transform and pipe keep the input fields', `const input = z.object({ accountId: z.string() }).transform((v) => v.accountId).pipe(z.string());`, ['accountId']],
  ['unions of objects', `const input = z.discriminatedUnion('kind', [z.object({ kind: z.literal('a'), teamId: z.string() }), z.object({ kind: z.literal('b'), note: z.string() })]);`, ['kind', 'note', 'teamId']],
];

describe('input fields without a checker (the zod call chain)', () => {
  it.each(syntacticCases)('%s', (_name, source, expected) => {
    const sourceFile = virtualSourceFile('schema.ts', `import { z } from 'zod';\n${source}`);
    const fields = inputFields(inputExpression(sourceFile), undefined);
    expect(paths(fields)).toEqual(expected);
    expect(fields.every((field) => field.confidence === 'medium')).toBe(true);
  });

  it('cannot see a schema imported from another file', () => {
    const sourceFile = virtualSourceFile('tool.ts', `import { shared } from './schemas';\nconst input = shared.extend({});`);
    expect(inputFields(inputExpression(sourceFile), undefined)).toEqual([]);
  });
});

describe('input fields with a checker (the zod output type)', () => {
  it.each(syntacticCases)('%s', (_name, source, expected) => {
    const { program, files } = virtualProgram({ 'schema.ts': `import { z } from 'zod';\n${source}` });
    const sourceFile = program.getSourceFile(files[0] ?? '');
    if (sourceFile === undefined) throw new Error('missing');
    const fields = inputFields(inputExpression(sourceFile), program.getTypeChecker());
    expect(paths(fields)).toEqual(expected);
    expect(fields.every((field) => field.confidence === 'high')).toBe(true);
  });

  it('follows schemas imported from other files and built by factories, with their declarations', () => {
    const { program, files } = virtualProgram({
      'schemas.ts': `import { z } from 'zod';\nexport const paging = z.object({ cursor: z.string().optional() });\nexport function withOwner<T extends z.ZodRawShape>(shape: T) { return z.object({ ...shape, ownerId: z.string() }); }`,
      'tool.ts': `import { z } from 'zod';\nimport { paging, withOwner } from './schemas';\nconst input = withOwner({ note: z.string() }).merge(paging);`,
    });
    const sourceFile = program.getSourceFile(files.find((file) => file.endsWith('tool.ts')) ?? '');
    if (sourceFile === undefined) throw new Error('missing');
    const fields = inputFields(inputExpression(sourceFile), program.getTypeChecker());
    expect(paths(fields)).toEqual(['cursor', 'note', 'ownerId']);
    const owner = fields.find((field) => field.path[0] === 'ownerId');
    expect(owner?.confidence).toBe('high');
    expect(owner?.node?.getSourceFile().fileName).toMatch(/schemas\.ts$/);
  });

  it('reads zod/v4 schemas', () => {
    const { program, files } = virtualProgram({ 'v4.ts': `import { z } from 'zod/v4';\nconst input = z.object({ workspace: z.string(), limit: z.number() });` });
    const sourceFile = program.getSourceFile(files[0] ?? '');
    if (sourceFile === undefined) throw new Error('missing');
    expect(paths(inputFields(inputExpression(sourceFile), program.getTypeChecker()))).toEqual(['limit', 'workspace']);
  });
});
