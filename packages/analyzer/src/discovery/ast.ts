/** Small AST lookups shared by discovery, schema reading and dataflow. */
import ts from 'typescript';
import { lexicalDeclaration } from '../flow/scope.js';
import { skipOuter } from './mcify-symbols.js';

/** The value of property `name` of an object literal (also method shorthand as a function). */
export function propertyOf(object: ts.ObjectLiteralExpression, name: string): ts.ObjectLiteralElementLike | undefined {
  return object.properties.find((property) => property.name !== undefined && propertyNameText(property.name) === name);
}

export function propertyValue(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  const property = propertyOf(object, name);
  if (property === undefined) return undefined;
  if (ts.isPropertyAssignment(property)) return property.initializer;
  if (ts.isShorthandPropertyAssignment(property)) return property.name;
  if (ts.isMethodDeclaration(property)) return undefined;
  return undefined;
}

export function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isComputedPropertyName(name) && ts.isStringLiteralLike(name.expression)) return name.expression.text;
  return undefined;
}

/** The variable declaration a same-file identifier refers to (the nearest enclosing scope's `const x = ...`). */
export function sameFileDeclaration(identifier: ts.Identifier, checker: ts.TypeChecker | undefined): ts.Declaration | undefined {
  if (checker !== undefined) {
    let symbol = checker.getSymbolAtLocation(identifier);
    if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
    if (declaration !== undefined) return declaration;
  }
  return lexicalDeclaration(identifier) as ts.Declaration | undefined;
}

/** What an expression evaluates to when it is a same-file `const` alias: `x` → the initializer of `const x = ...`. */
export function followConst(expression: ts.Expression, checker: ts.TypeChecker | undefined, depth = 0): ts.Expression {
  const target = skipOuter(expression);
  if (depth > 8 || !ts.isIdentifier(target)) return target;
  const declaration = sameFileDeclaration(target, checker);
  if (declaration !== undefined && ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined && ts.isIdentifier(declaration.name)) {
    const list = declaration.parent;
    if (ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0) return followConst(declaration.initializer, checker, depth + 1);
  }
  return target;
}

/** A string an expression statically holds: literals, no-substitution templates, consts. */
export function staticString(expression: ts.Expression | undefined, checker: ts.TypeChecker | undefined): string | undefined {
  if (expression === undefined) return undefined;
  const value = followConst(expression, checker);
  if (ts.isStringLiteralLike(value)) return value.text;
  return undefined;
}

/** A number an expression statically holds: literals, `60 * 60 * 24`, `1_000`, consts. */
export function staticNumber(expression: ts.Expression | undefined, checker: ts.TypeChecker | undefined): number | undefined {
  if (expression === undefined) return undefined;
  const value = followConst(expression, checker);
  if (ts.isNumericLiteral(value)) return Number(value.text);
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.MinusToken) {
    const inner = staticNumber(value.operand, checker);
    return inner === undefined ? undefined : -inner;
  }
  if (ts.isBinaryExpression(value)) {
    const left = staticNumber(value.left, checker);
    const right = staticNumber(value.right, checker);
    if (left === undefined || right === undefined) return undefined;
    switch (value.operatorToken.kind) {
      case ts.SyntaxKind.AsteriskToken:
        return left * right;
      case ts.SyntaxKind.PlusToken:
        return left + right;
      case ts.SyntaxKind.MinusToken:
        return left - right;
      case ts.SyntaxKind.SlashToken:
        return right === 0 ? undefined : left / right;
      default:
        return undefined;
    }
  }
  return undefined;
}

/** The function a handler-like expression denotes: an inline function, or a same-file (or, with a checker, any) function it names. */
export function functionOf(expression: ts.Expression | undefined, checker: ts.TypeChecker | undefined): ts.FunctionLikeDeclaration | undefined {
  if (expression === undefined) return undefined;
  const value = followConst(expression, checker);
  if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) return value;
  if (ts.isIdentifier(value)) {
    const declaration = sameFileDeclaration(value, checker);
    if (declaration !== undefined && ts.isFunctionDeclaration(declaration)) return declaration;
    if (declaration !== undefined && ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined) {
      const init = skipOuter(declaration.initializer);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
    }
  }
  return undefined;
}

/** Visits every node below `root`, depth first. */
export function forEachDescendant(root: ts.Node, visit: (node: ts.Node) => void): void {
  const walk = (node: ts.Node): void => {
    visit(node);
    ts.forEachChild(node, walk);
  };
  ts.forEachChild(root, walk);
}

/** 1-based line and column of a position. */
export function lineColumn(sourceFile: ts.SourceFile, position: number): { line: number; column: number } {
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(position);
  return { line: line + 1, column: character + 1 };
}
