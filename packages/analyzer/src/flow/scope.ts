/** Name resolution for the dataflow: which declaration an identifier denotes, and where imports come from. */
import ts from 'typescript';

/** What an import binds: `import x from 'm'` → `{ module: 'm', name: 'default' }`, namespaces → `'*'`. */
export interface ImportOrigin {
  readonly module: string;
  readonly name: string;
}

export type FunctionWithBody = ts.FunctionLikeDeclaration & { readonly body: ts.ConciseBody };

export function hasBody(node: ts.Node): node is FunctionWithBody {
  if (!ts.isFunctionLike(node)) return false;
  const body: unknown = (node as { readonly body?: unknown }).body;
  return body !== undefined;
}

/** Source files the engine may read as helpers: not declarations, not installed packages, not mcify itself. */
export function isAnalysableFile(sourceFile: ts.SourceFile): boolean {
  const name = sourceFile.fileName;
  return !sourceFile.isDeclarationFile && !/[\\/]node_modules[\\/]/.test(name) && !/[\\/](@mcify[\\/]core|packages[\\/]core)[\\/]/.test(name);
}

/** The nearest function-like ancestor (the function whose activation owns a declaration). */
export function ownerFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  if (ts.isSourceFile(node)) return undefined;
  for (let current = node.parent; !ts.isSourceFile(current); current = current.parent) {
    if (ts.isFunctionLike(current)) return current;
  }
  return undefined;
}

/** The binding named `name` inside a binding name (identifier or nested pattern). */
function bindingIn(name: ts.BindingName, text: string): ts.Identifier | undefined {
  if (ts.isIdentifier(name)) return name.text === text ? name : undefined;
  for (const element of name.elements) {
    if (ts.isOmittedExpression(element)) continue;
    const found = bindingIn(element.name, text);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The declaration node of an identifier found in a binding name: a variable, parameter or binding element. */
function declarationOfBinding(identifier: ts.Identifier): ts.Declaration {
  return identifier.parent as ts.Declaration;
}

function declarationInStatements(statements: readonly ts.Statement[], text: string): ts.Node | undefined {
  for (const statement of statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const found = bindingIn(declaration.name, text);
        if (found !== undefined) return declarationOfBinding(found);
      }
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name?.text === text) {
      return statement;
    } else if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause === undefined) continue;
      if (clause.name?.text === text) return clause;
      const bindings = clause.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings) && bindings.name.text === text) return bindings;
      if (bindings !== undefined && ts.isNamedImports(bindings)) {
        const element = bindings.elements.find((candidate) => candidate.name.text === text);
        if (element !== undefined) return element;
      }
    } else if (ts.isImportEqualsDeclaration(statement) && statement.name.text === text) {
      return statement;
    }
  }
  return undefined;
}

function declarationInScope(scope: ts.Node, text: string): ts.Node | undefined {
  if (ts.isFunctionLike(scope)) {
    for (const parameter of scope.parameters) {
      const found = bindingIn(parameter.name, text);
      if (found !== undefined) return declarationOfBinding(found);
    }
    if ((ts.isFunctionExpression(scope) || ts.isClassExpression(scope)) && scope.name?.text === text) return scope;
  }
  if (ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope)) return declarationInStatements(scope.statements, text);
  if (ts.isCaseClause(scope) || ts.isDefaultClause(scope)) return declarationInStatements(scope.statements, text);
  if ((ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) && scope.initializer !== undefined && ts.isVariableDeclarationList(scope.initializer)) {
    for (const declaration of scope.initializer.declarations) {
      const found = bindingIn(declaration.name, text);
      if (found !== undefined) return declarationOfBinding(found);
    }
  }
  if (ts.isCatchClause(scope) && scope.variableDeclaration !== undefined) {
    const found = bindingIn(scope.variableDeclaration.name, text);
    if (found !== undefined) return declarationOfBinding(found);
  }
  return undefined;
}

/**
 * The declaration an identifier in an expression refers to: a variable declaration, binding element,
 * parameter, function, or import node. With a checker, imports of project files resolve to the
 * exported declaration itself; without one (or for packages), the import node is returned.
 */
export function resolveIdentifier(identifier: ts.Identifier, checker: ts.TypeChecker | undefined): ts.Node | undefined {
  if (checker !== undefined) {
    try {
      const parent = identifier.parent;
      const symbol = ts.isShorthandPropertyAssignment(parent) && parent.name === identifier ? checker.getShorthandAssignmentValueSymbol(parent) : checker.getSymbolAtLocation(identifier);
      const local = symbol?.declarations?.[0];
      if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias) {
        const aliased = checker.getAliasedSymbol(symbol);
        const target = aliased.valueDeclaration ?? aliased.declarations?.[0];
        if (target !== undefined && isAnalysableFile(target.getSourceFile())) return target;
        return local;
      }
      const declaration = symbol?.valueDeclaration ?? local;
      if (declaration !== undefined) return declaration;
    } catch {
      // Fall through to the syntactic lookup.
    }
  }
  return lexicalDeclaration(identifier);
}

/** The declaration an identifier names, looked up syntactically through its enclosing scopes. */
export function lexicalDeclaration(identifier: ts.Identifier): ts.Node | undefined {
  const text = identifier.text;
  for (let scope: ts.Node = identifier.parent; ; scope = scope.parent) {
    const found = declarationInScope(scope, text);
    if (found !== undefined) return found;
    if (ts.isSourceFile(scope)) return undefined;
  }
}

/** Where an import-like declaration node comes from, when it is one. */
export function importOrigin(node: ts.Node): ImportOrigin | undefined {
  if (ts.isImportClause(node) && ts.isImportDeclaration(node.parent) && ts.isStringLiteral(node.parent.moduleSpecifier)) {
    return { module: node.parent.moduleSpecifier.text, name: 'default' };
  }
  if (ts.isNamespaceImport(node)) {
    const declaration = node.parent.parent;
    if (ts.isStringLiteral(declaration.moduleSpecifier)) return { module: declaration.moduleSpecifier.text, name: '*' };
  }
  if (ts.isImportSpecifier(node)) {
    const declaration = node.parent.parent.parent;
    if (ts.isStringLiteral(declaration.moduleSpecifier)) return { module: declaration.moduleSpecifier.text, name: (node.propertyName ?? node.name).text };
  }
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
    return { module: node.moduleReference.expression.text, name: '*' };
  }
  return undefined;
}

/** `require('m')` → `'m'`. */
export function requiredModule(node: ts.Expression): string | undefined {
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require') {
    const [first] = node.arguments;
    if (first !== undefined && ts.isStringLiteral(first)) return first.text;
  }
  return undefined;
}

/** Whether an identifier is read as a value here (not a declaration name, property name or type). */
export function isValueIdentifier(identifier: ts.Identifier): boolean {
  const parent = identifier.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === identifier) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isGetAccessor(parent) || ts.isSetAccessor(parent)) && parent.name === identifier) return false;
  if (ts.isBindingElement(parent) && (parent.name === identifier || parent.propertyName === identifier)) return false;
  if ((ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isFunctionDeclaration(parent) || ts.isFunctionExpression(parent) || ts.isClassDeclaration(parent)) && parent.name === identifier) return false;
  if (ts.isImportSpecifier(parent) || ts.isImportClause(parent) || ts.isNamespaceImport(parent) || ts.isExportSpecifier(parent)) return false;
  if (ts.isTypeReferenceNode(parent) || ts.isQualifiedName(parent) || ts.isTypeQueryNode(parent)) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  return true;
}
