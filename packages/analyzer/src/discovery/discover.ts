import ts from 'typescript';
import { isScopePredicate } from '../flow/analyze-handler.js';
import type { ResolvedOptions } from '../options.js';
import { followConst, forEachDescendant, functionOf, propertyOf, propertyValue, sameFileDeclaration, staticString } from './ast.js';
import type { AuthFacts, ConfigFacts, DefinitionKind, MiddlewareFacts, ToolFacts } from './facts.js';
import { McifyBindings, skipOuter } from './mcify-symbols.js';

const handlerProperty: Record<DefinitionKind, string> = { tool: 'handler', resource: 'read', prompt: 'render' };
const inputPropertyName: Record<DefinitionKind, string> = { tool: 'input', resource: 'input', prompt: 'arguments' };

/** Everything mcify in one source file. */
export interface FileFacts {
  readonly sourceFile: ts.SourceFile;
  readonly bindings: McifyBindings;
  readonly tools: readonly ToolFacts[];
  readonly configs: readonly ConfigFacts[];
}

/**
 * Finds every tool, resource, prompt and config defined in a file, recognising mcify's functions by
 * module and symbol (aliases, namespace imports, `require`), not by local name.
 */
export class Discovery {
  private readonly files = new Map<ts.SourceFile, FileFacts>();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly checker: ts.TypeChecker | undefined,
  ) {}

  /** The facts of a file, computed once. */
  file(sourceFile: ts.SourceFile): FileFacts {
    let facts = this.files.get(sourceFile);
    if (facts === undefined) {
      const bindings = new McifyBindings(sourceFile, this.checker);
      const tools: ToolFacts[] = [];
      const configCalls: ts.CallExpression[] = [];
      const configs: ConfigFacts[] = [];
      facts = { sourceFile, bindings, tools, configs };
      this.files.set(sourceFile, facts);
      forEachDescendant(sourceFile, (node) => {
        if (!ts.isCallExpression(node)) return;
        const symbol = bindings.resolve(node.expression);
        if (symbol === 'defineTool') tools.push(this.toolFacts(node, 'tool', bindings));
        else if (symbol === 'defineResource') tools.push(this.toolFacts(node, 'resource', bindings));
        else if (symbol === 'definePrompt') tools.push(this.toolFacts(node, 'prompt', bindings));
        else if (symbol === 'defineConfig') configCalls.push(node);
      });
      // Registered before configs are read: following a config's tools may come back to this file.
      configs.push(...configCalls.map((call) => this.configFacts(call, bindings)));
    }
    return facts;
  }

  private toolFacts(call: ts.CallExpression, kind: DefinitionKind, bindings: McifyBindings): ToolFacts {
    const sourceFile = call.getSourceFile();
    const [first] = call.arguments;
    const specExpression = first === undefined ? undefined : followConst(first, this.checker);
    const spec = specExpression !== undefined && ts.isObjectLiteralExpression(specExpression) ? specExpression : undefined;
    const inputProperty = spec === undefined ? undefined : propertyOf(spec, inputPropertyName[kind]);
    const middlewaresValue = spec === undefined ? undefined : propertyValue(spec, 'middlewares');
    const { middlewares, known } = this.middlewares(middlewaresValue, bindings);
    const handlerElement = spec === undefined ? undefined : propertyOf(spec, handlerProperty[kind]);
    const handler =
      handlerElement !== undefined && ts.isMethodDeclaration(handlerElement)
        ? handlerElement
        : functionOf(spec === undefined ? undefined : propertyValue(spec, handlerProperty[kind]), this.checker);
    return {
      kind,
      call,
      sourceFile,
      names: this.namesOf(call, spec, kind),
      description: spec === undefined ? undefined : staticString(propertyValue(spec, 'description'), this.checker),
      spec,
      inputProperty,
      input: spec === undefined ? undefined : propertyValue(spec, inputPropertyName[kind]),
      middlewares,
      middlewaresKnown: known,
      handler,
    };
  }

  /** The literal name, or — for `(name) => defineTool({ name, ... })` factories — the names its same-file callers pass. */
  private namesOf(call: ts.CallExpression, spec: ts.ObjectLiteralExpression | undefined, kind: DefinitionKind): string[] {
    if (spec === undefined) return [];
    const nameExpression = propertyValue(spec, 'name') ?? (kind === 'resource' ? propertyValue(spec, 'uri') : undefined);
    const literal = staticString(nameExpression, this.checker);
    if (literal !== undefined) return [literal];
    const target = nameExpression === undefined ? undefined : skipOuter(nameExpression);
    if (target === undefined || !ts.isIdentifier(target)) return [];
    const parameter = sameFileDeclaration(target, this.checker);
    if (parameter === undefined || !ts.isParameter(parameter)) return [];
    const factory = parameter.parent;
    const index = factory.parameters.indexOf(parameter);
    const factoryName = factoryNameOf(factory);
    if (factoryName === undefined) return [];
    const names: string[] = [];
    forEachDescendant(call.getSourceFile(), (node) => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === factoryName) {
        const value = staticString(node.arguments[index], this.checker);
        if (value !== undefined) names.push(value);
      }
    });
    return names;
  }

  private middlewares(value: ts.Expression | undefined, bindings: McifyBindings): { middlewares: MiddlewareFacts[]; known: boolean } {
    if (value === undefined) return { middlewares: [], known: true };
    const list = followConst(value, this.checker);
    if (!ts.isArrayLiteralExpression(list)) return { middlewares: [], known: false };
    let known = true;
    const middlewares = list.elements.flatMap((element): MiddlewareFacts[] => {
      if (ts.isSpreadElement(element)) {
        known = false;
        return [];
      }
      const node = followConst(element, this.checker);
      if (!ts.isCallExpression(node)) return [{ node: element, requiresAuth: false, scopeGate: false }];
      if (bindings.resolve(node.expression) === 'requireAuth') {
        const [options] = node.arguments;
        const object = options === undefined ? undefined : followConst(options, this.checker);
        // An options object we cannot read may hold a check: give it the benefit of the doubt.
        const gate = object !== undefined && (!ts.isObjectLiteralExpression(object) || this.gatesByOptions(object));
        return [{ node: element, requiresAuth: true, scopeGate: gate }];
      }
      const callee = skipOuter(node.expression);
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      if (name !== undefined && this.options.guardMiddlewares.has(name)) return [{ node: element, requiresAuth: true, scopeGate: true }];
      return [{ node: element, requiresAuth: false, scopeGate: false }];
    });
    return { middlewares, known };
  }

  /**
   * `requireAuth({ scopes })` gates a tool; `{ check }` / `{ predicate }` only when its result depends
   * on a scope, role or claim value ({@link isScopePredicate}). A spread may bring any of them.
   */
  private gatesByOptions(object: ts.ObjectLiteralExpression): boolean {
    if (object.properties.some(ts.isSpreadAssignment) || propertyOf(object, 'scopes') !== undefined) return true;
    const env = { options: this.options, checker: this.checker };
    return ['check', 'predicate'].some((name) => {
      const option = propertyOf(object, name);
      return option !== undefined && isScopePredicate(option, env);
    });
  }

  private configFacts(call: ts.CallExpression, bindings: McifyBindings): ConfigFacts {
    const sourceFile = call.getSourceFile();
    const [first] = call.arguments;
    const specExpression = first === undefined ? undefined : followConst(first, this.checker);
    const spec = specExpression !== undefined && ts.isObjectLiteralExpression(specExpression) ? specExpression : undefined;
    const authProperty = spec === undefined ? undefined : propertyOf(spec, 'auth');
    const auth = spec === undefined ? ({ kind: 'unknown' } as const) : this.authFacts(propertyValue(spec, 'auth'), authProperty, bindings);
    const tools: ToolFacts[] = [];
    let toolsIncomplete = spec === undefined;
    for (const listName of ['tools', 'resources', 'prompts']) {
      const listValue = spec === undefined ? undefined : propertyValue(spec, listName);
      if (listValue === undefined) continue;
      const list = followConst(listValue, this.checker);
      if (!ts.isArrayLiteralExpression(list)) {
        toolsIncomplete = true;
        continue;
      }
      // `tools: [...orderTools, ...invoiceTools]`: a spread of a const array (imported too, with a checker) is read like the list itself.
      const add = (elements: ts.NodeArray<ts.Expression>, depth: number): void => {
        for (const element of elements) {
          const spread = ts.isSpreadElement(element) ? followConst(element.expression, this.checker) : undefined;
          if (spread !== undefined && ts.isArrayLiteralExpression(spread) && depth < 8) {
            add(spread.elements, depth + 1);
            continue;
          }
          const found = ts.isSpreadElement(element) ? undefined : this.definitionOf(element, 0);
          if (found === undefined) toolsIncomplete = true;
          else tools.push(...found);
        }
      };
      add(list.elements, 0);
    }
    return { call, sourceFile, spec, authProperty, auth, tools, toolsIncomplete };
  }

  private authFacts(value: ts.Expression | undefined, property: ts.ObjectLiteralElementLike | undefined, bindings: McifyBindings): AuthFacts {
    if (property === undefined) return { kind: 'absent' };
    if (value === undefined) return { kind: 'unknown' };
    const node = followConst(value, this.checker);
    if (!ts.isCallExpression(node)) return { kind: 'unknown' };
    const symbol = bindings.resolve(node.expression);
    const [first] = node.arguments;
    const optionsValue = first === undefined ? undefined : followConst(first, this.checker);
    const options = optionsValue !== undefined && ts.isObjectLiteralExpression(optionsValue) ? optionsValue : undefined;
    switch (symbol) {
      case 'none':
        return { kind: 'none' };
      case 'oauth':
        return { kind: 'oauth', options };
      case 'bearer':
      case 'apiKey':
        return {
          kind: symbol === 'bearer' ? 'bearer' : 'api_key',
          // Unreadable options may carry `verify`: only a readable object without it is a shared secret.
          verify: options === undefined || propertyOf(options, 'verify') !== undefined,
          options,
        };
      default:
        return { kind: 'unknown' };
    }
  }

  /** The definitions an entry of `tools: [...]` denotes: a `defineTool` call, a variable holding one, a factory call. */
  private definitionOf(expression: ts.Expression, depth: number): ToolFacts[] | undefined {
    if (depth > 6) return undefined;
    const node = skipOuter(expression);
    if (ts.isCallExpression(node)) {
      const own = this.definitionAtCall(node);
      if (own !== undefined) return [own];
      // A factory: `createListTool(store)` → the definitions its body returns.
      const factory = functionOf(node.expression, this.checker);
      return factory === undefined ? undefined : this.definitionsReturnedBy(factory, depth);
    }
    if (ts.isIdentifier(node)) {
      const declaration = sameFileDeclaration(node, this.checker);
      if (declaration !== undefined && ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined) {
        return this.definitionOf(declaration.initializer, depth + 1);
      }
      if (declaration !== undefined && (ts.isExportSpecifier(declaration) || ts.isImportSpecifier(declaration))) return undefined;
    }
    return undefined;
  }

  private definitionAtCall(call: ts.CallExpression): ToolFacts | undefined {
    return this.file(call.getSourceFile()).tools.find((tool) => tool.call === call);
  }

  private definitionsReturnedBy(factory: ts.FunctionLikeDeclaration, depth: number): ToolFacts[] | undefined {
    const body = factory.body;
    if (body === undefined) return undefined;
    if (!ts.isBlock(body)) return this.definitionOf(body, depth + 1);
    const found: ToolFacts[] = [];
    const state = { unknown: false };
    forEachDescendant(body, (node) => {
      if (ts.isReturnStatement(node) && node.expression !== undefined && ts.findAncestor(node, ts.isFunctionLike) === factory) {
        const returned = this.definitionOf(node.expression, depth + 1);
        if (returned === undefined) state.unknown = true;
        else found.push(...returned);
      }
    });
    return state.unknown || found.length === 0 ? undefined : found;
  }
}

function factoryNameOf(factory: ts.SignatureDeclaration): string | undefined {
  if (ts.isFunctionDeclaration(factory)) return factory.name?.text;
  const parent = factory.parent;
  if ((ts.isArrowFunction(factory) || ts.isFunctionExpression(factory)) && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return undefined;
}
