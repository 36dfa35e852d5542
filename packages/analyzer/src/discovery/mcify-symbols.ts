import ts from 'typescript';

/** The mcify exports the analyzer understands, whatever they are called locally. */
export type McifySymbol =
  | 'defineTool'
  | 'defineConfig'
  | 'defineResource'
  | 'definePrompt'
  | 'requireAuth'
  | 'rateLimit'
  | 'none'
  | 'bearer'
  | 'apiKey'
  | 'oauth'
  | 'oauthProvider'
  | 'auth'
  | 'hash';

const known = new Set<string>(['defineTool', 'defineConfig', 'defineResource', 'definePrompt', 'requireAuth', 'rateLimit', 'none', 'bearer', 'apiKey', 'oauth', 'oauthProvider', 'auth', 'hash']);

/** Module specifiers that are mcify: the published packages and this repository's reference implementation. */
export function isMcifyModule(specifier: string): boolean {
  return specifier === '@mcify/core' || specifier.startsWith('@mcify/core/') || specifier === '@mcify/runtime';
}

/** Declaration files that belong to mcify, for symbols the checker resolves through re-exports. */
function isMcifyDeclarationFile(fileName: string): boolean {
  return /[\\/](@mcify[\\/]core|packages[\\/]core)[\\/]/.test(fileName);
}

/**
 * How one source file refers to mcify: local names bound to mcify exports and namespace imports,
 * from `import` declarations and CommonJS `require` destructuring. With a checker, names imported
 * through the project's own re-exports resolve too.
 */
export class McifyBindings {
  private readonly locals = new Map<string, McifySymbol>();
  private readonly namespaces = new Set<string>();

  constructor(
    sourceFile: ts.SourceFile,
    private readonly checker: ts.TypeChecker | undefined,
  ) {
    for (const statement of sourceFile.statements) {
      if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && isMcifyModule(statement.moduleSpecifier.text)) {
        this.bindImportClause(statement.importClause);
      } else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          this.bindRequire(declaration);
          this.bindAlias(declaration);
        }
      }
    }
  }

  /** The mcify export an expression names: `defineTool`, `m.defineTool`, `auth.none`, an alias. */
  resolve(expression: ts.Expression): McifySymbol | undefined {
    const target = skipOuter(expression);
    if (ts.isIdentifier(target)) return this.locals.get(target.text) ?? this.resolveWithChecker(target);
    if (ts.isPropertyAccessExpression(target)) {
      const owner = skipOuter(target.expression);
      const member = target.name.text;
      if (ts.isIdentifier(owner)) {
        if (this.namespaces.has(owner.text) && known.has(member)) return member as McifySymbol;
        const ownerSymbol = this.locals.get(owner.text) ?? this.resolveWithChecker(owner);
        if (ownerSymbol === 'auth' && ['none', 'bearer', 'apiKey', 'oauth', 'oauthProvider'].includes(member)) return member as McifySymbol;
      }
      // `mcify.auth.none()` through a namespace import.
      if (ts.isPropertyAccessExpression(owner) && owner.name.text === 'auth' && ts.isIdentifier(owner.expression) && this.namespaces.has(owner.expression.text)) {
        if (['none', 'bearer', 'apiKey', 'oauth', 'oauthProvider'].includes(member)) return member as McifySymbol;
      }
    }
    return undefined;
  }

  /** Whether a call is a call of the given mcify export. */
  isCallOf(node: ts.Node, symbol: McifySymbol): node is ts.CallExpression {
    return ts.isCallExpression(node) && this.resolve(node.expression) === symbol;
  }

  private bindImportClause(clause: ts.ImportClause | undefined): void {
    const bindings = clause?.namedBindings;
    if (bindings === undefined) return;
    if (ts.isNamespaceImport(bindings)) {
      this.namespaces.add(bindings.name.text);
      return;
    }
    for (const element of bindings.elements) {
      const imported = (element.propertyName ?? element.name).text;
      if (known.has(imported)) this.locals.set(element.name.text, imported as McifySymbol);
    }
  }

  /** `const { defineTool } = require('@mcify/core')` and `const mcify = require('@mcify/core')`. */
  private bindRequire(declaration: ts.VariableDeclaration): void {
    const init = declaration.initializer;
    if (init === undefined || !ts.isCallExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== 'require') return;
    const [specifier] = init.arguments;
    if (specifier === undefined || !ts.isStringLiteral(specifier) || !isMcifyModule(specifier.text)) return;
    if (ts.isIdentifier(declaration.name)) {
      this.namespaces.add(declaration.name.text);
      return;
    }
    if (!ts.isObjectBindingPattern(declaration.name)) return;
    for (const element of declaration.name.elements) {
      if (!ts.isIdentifier(element.name)) continue;
      const imported = element.propertyName !== undefined && ts.isIdentifier(element.propertyName) ? element.propertyName.text : element.name.text;
      if (known.has(imported)) this.locals.set(element.name.text, imported as McifySymbol);
    }
  }

  /** `const auth = mcifyAuth` / `const tool = defineTool`: a top-level alias of an mcify binding. */
  private bindAlias(declaration: ts.VariableDeclaration): void {
    const init = declaration.initializer === undefined ? undefined : skipOuter(declaration.initializer);
    if (init === undefined || !ts.isIdentifier(init) || !ts.isIdentifier(declaration.name)) return;
    const symbol = this.locals.get(init.text);
    if (symbol !== undefined) this.locals.set(declaration.name.text, symbol);
    else if (this.namespaces.has(init.text)) this.namespaces.add(declaration.name.text);
  }

  private resolveWithChecker(identifier: ts.Identifier): McifySymbol | undefined {
    if (this.checker === undefined) return undefined;
    let symbol = this.checker.getSymbolAtLocation(identifier);
    if (symbol === undefined) return undefined;
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    const declaration = symbol.declarations?.[0];
    if (declaration === undefined || !known.has(symbol.name)) return undefined;
    return isMcifyDeclarationFile(declaration.getSourceFile().fileName) ? (symbol.name as McifySymbol) : undefined;
  }
}

/** Strips parentheses, `as`, `satisfies`, `!` and type assertions. */
export function skipOuter(expression: ts.Expression): ts.Expression {
  let current = expression;
  for (;;) {
    if (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isNonNullExpression(current) || ts.isTypeAssertionExpression(current)) {
      current = current.expression;
    } else {
      return current;
    }
  }
}
