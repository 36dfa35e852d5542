/**
 * The property paths of a tool's input schema. With a checker, read from the schema's zod input
 * type, which follows `.extend/.merge/.pick/.omit/.partial/.refine/.transform/.pipe`, imports,
 * factories and generated schemas alike; without one, or when the type does not resolve, from the zod
 * call chain and same-file variables.
 */
import ts from 'typescript';
import type { Confidence } from '../rules.js';
import { followConst, propertyNameText } from '../discovery/ast.js';
import { skipOuter } from '../discovery/mcify-symbols.js';

/** One field of an input schema. */
export interface InputField {
  /** Property names from the root: `['filter', 'tenant_id']`. */
  readonly path: readonly string[];
  /** Where the field is declared, when known. */
  readonly node: ts.Node | undefined;
  readonly confidence: Confidence;
}

const maxDepth = 5;

/** Fields of an input schema expression (empty when it cannot be read). */
export function inputFields(schema: ts.Expression | undefined, checker: ts.TypeChecker | undefined): InputField[] {
  if (schema === undefined) return [];
  if (checker !== undefined) {
    const typed = typedFields(schema, checker);
    if (typed !== undefined) return typed;
  }
  const confidence: Confidence = checker === undefined ? 'medium' : 'low';
  return syntacticFields(schema, [], 0, checker).map((field) => ({ ...field, confidence }));
}

// ---------------------------------------------------------------------------------------------------
// With a checker: the zod output type.

function typedFields(schema: ts.Expression, checker: ts.TypeChecker): InputField[] | undefined {
  const fieldsType = schemaInputType(checker.getTypeAtLocation(schema), schema, checker);
  if (fieldsType === undefined || isOpaque(fieldsType)) return undefined;
  const fields: InputField[] = [];
  collectTyped(fieldsType, [], 0, checker, schema, fields);
  return fields;
}

/**
 * What the agent sends: the schema's zod *input* type (`_input` in zod 3, `_zod.input` in zod 4), so a
 * `.transform` or `.pipe` that reshapes the value does not hide the fields the client passes.
 */
function schemaInputType(schemaType: ts.Type, at: ts.Node, checker: ts.TypeChecker): ts.Type | undefined {
  const v3 = schemaType.getProperty('_input');
  if (v3 !== undefined) return checker.getTypeOfSymbolAtLocation(v3, at);
  const internals = schemaType.getProperty('_zod');
  const v4 = internals === undefined ? undefined : checker.getTypeOfSymbolAtLocation(internals, at).getProperty('input');
  return v4 === undefined ? undefined : checker.getTypeOfSymbolAtLocation(v4, at);
}

function isOpaque(type: ts.Type): boolean {
  return (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0;
}

function collectTyped(type: ts.Type, path: readonly string[], depth: number, checker: ts.TypeChecker, at: ts.Node, into: InputField[]): void {
  if (depth > maxDepth) return;
  const target = checker.getNonNullableType(type);
  if (checker.isArrayType(target)) {
    const [element] = checker.getTypeArguments(target as ts.TypeReference);
    if (element !== undefined) collectTyped(element, path, depth + 1, checker, at, into);
    return;
  }
  if (target.isUnion()) {
    for (const member of target.types) collectTyped(member, path, depth + 1, checker, at, into);
    return;
  }
  if ((target.flags & ts.TypeFlags.Object) === 0 || isBuiltIn(target)) return;
  for (const property of checker.getPropertiesOfType(target)) {
    const fieldPath = [...path, property.name];
    if (into.some((field) => field.path.join('.') === fieldPath.join('.'))) continue;
    into.push({ path: fieldPath, node: property.declarations?.[0], confidence: 'high' });
    collectTyped(checker.getTypeOfSymbolAtLocation(property, at), fieldPath, depth + 1, checker, at, into);
  }
}

function isBuiltIn(type: ts.Type): boolean {
  const name = type.getSymbol()?.getName();
  return name !== undefined && ['Date', 'RegExp', 'Map', 'Set', 'Promise', 'URL', 'Uint8Array', 'Buffer', 'Blob'].includes(name);
}

// ---------------------------------------------------------------------------------------------------
// Without one: the zod call chain.

type Syntactic = Omit<InputField, 'confidence'>;

/** zod methods that keep the fields of the schema they are called on. */
const keepsFields = new Set([
  'optional', 'nullable', 'nullish', 'default', 'describe', 'refine', 'superRefine', 'transform', 'pipe', 'strict', 'strip',
  'passthrough', 'catchall', 'brand', 'readonly', 'catch', 'partial', 'deepPartial', 'required', 'array', 'or', 'and', 'meta',
]);

function syntacticFields(expression: ts.Expression, path: readonly string[], depth: number, checker: ts.TypeChecker | undefined): Syntactic[] {
  if (depth > maxDepth * 3) return [];
  const node = followConst(expression, checker);
  if (!ts.isCallExpression(node)) return [];
  const callee = skipOuter(node.expression);
  const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
  const receiver = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
  const isZodRoot = receiver === undefined || (ts.isIdentifier(skipOuter(receiver)) && isZodNamespace(skipOuter(receiver) as ts.Identifier, checker));
  const [first] = node.arguments;
  switch (method) {
    case 'object':
    case 'strictObject':
    case 'looseObject':
      return isZodRoot && first !== undefined ? shapeFields(first, path, depth, checker) : [];
    case 'array':
    case 'lazy':
      if (isZodRoot) {
        const inner = method === 'lazy' && first !== undefined && ts.isArrowFunction(first) && !ts.isBlock(first.body) ? first.body : first;
        return inner === undefined ? [] : syntacticFields(inner, path, depth + 1, checker);
      }
      return syntacticFields(receiver, path, depth + 1, checker);
    case 'union':
    case 'discriminatedUnion':
    case 'intersection': {
      if (!isZodRoot) return [];
      const options = method === 'discriminatedUnion' ? node.arguments[1] : method === 'intersection' ? undefined : first;
      const members = options !== undefined && ts.isArrayLiteralExpression(options) ? [...options.elements] : [...node.arguments];
      return dedupe(members.flatMap((member) => syntacticFields(member, path, depth + 1, checker)));
    }
    case 'extend':
    case 'merge':
    case 'pick':
    case 'omit': {
      if (receiver === undefined) return [];
      const base = syntacticFields(receiver, path, depth + 1, checker);
      if (first === undefined) return base;
      if (method === 'extend') return dedupe([...base, ...shapeFields(first, path, depth, checker)]);
      if (method === 'merge') return dedupe([...base, ...syntacticFields(first, path, depth + 1, checker)]);
      const keys = maskKeys(first, checker);
      if (keys === undefined) return base;
      const depthIndex = path.length;
      return base.filter((field) => {
        const key = field.path[depthIndex];
        return key === undefined || (method === 'pick' ? keys.has(key) : !keys.has(key));
      });
    }
    default:
      if (method !== undefined && keepsFields.has(method) && receiver !== undefined) return syntacticFields(receiver, path, depth + 1, checker);
      return [];
  }
}

function isZodNamespace(identifier: ts.Identifier, checker: ts.TypeChecker | undefined): boolean {
  if (identifier.text === 'z') return true;
  if (checker === undefined) return false;
  const symbol = checker.getSymbolAtLocation(identifier);
  const declaration = symbol?.declarations?.[0];
  const importDeclaration = declaration === undefined ? undefined : ts.findAncestor(declaration, ts.isImportDeclaration);
  return importDeclaration !== undefined && ts.isStringLiteral(importDeclaration.moduleSpecifier) && /^zod(\/|$)/.test(importDeclaration.moduleSpecifier.text);
}

function shapeFields(shapeExpression: ts.Expression, path: readonly string[], depth: number, checker: ts.TypeChecker | undefined): Syntactic[] {
  const shape = followConst(shapeExpression, checker);
  if (!ts.isObjectLiteralExpression(shape)) return [];
  const fields: Syntactic[] = [];
  for (const property of shape.properties) {
    if (ts.isSpreadAssignment(property)) {
      const spread = followConst(property.expression, checker);
      // `...base.shape` spreads another object schema's fields.
      const source = ts.isPropertyAccessExpression(spread) && spread.name.text === 'shape' ? spread.expression : undefined;
      fields.push(...(source === undefined ? shapeFields(spread, path, depth + 1, checker) : syntacticFields(source, path, depth + 1, checker)));
      continue;
    }
    const name = propertyNameText(property.name);
    if (name === undefined) continue;
    const fieldPath = [...path, name];
    fields.push({ path: fieldPath, node: property });
    const value = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
    if (value !== undefined) fields.push(...syntacticFields(value, fieldPath, depth + 1, checker));
  }
  return dedupe(fields);
}

/** The keys of a `.pick({ a: true })` / `.omit({ a: true })` mask. */
function maskKeys(mask: ts.Expression, checker: ts.TypeChecker | undefined): Set<string> | undefined {
  const object = followConst(mask, checker);
  if (!ts.isObjectLiteralExpression(object)) return undefined;
  const keys = new Set<string>();
  for (const property of object.properties) {
    const name = property.name === undefined ? undefined : propertyNameText(property.name);
    if (name !== undefined) keys.add(name);
  }
  return keys;
}

function dedupe(fields: Syntactic[]): Syntactic[] {
  const seen = new Map<string, Syntactic>();
  for (const field of fields) {
    const key = field.path.join('.');
    if (!seen.has(key)) seen.set(key, field);
  }
  return [...seen.values()];
}
