/**
 * The handler dataflow: taint from the auth context (trusted) and from tool input (untrusted) to sinks
 * (data access, upstream calls) and loggers, following locals, destructuring, callbacks and helper
 * functions (inlined per call site, across files when a checker resolves them).
 */
import ts from 'typescript';
import type { ToolFacts } from '../discovery/facts.js';
import { followConst, functionOf } from '../discovery/ast.js';
import { McifyBindings, skipOuter } from '../discovery/mcify-symbols.js';
import { isCredentialName, isIdentityName, isPersonalDataName, wordsOf } from '../names.js';
import type { ResolvedOptions } from '../options.js';
import { chainOf, columnBefore, isChainContinued, isSessionStatement, placeholderColumns, sqlText, type Chain, type Link } from './chain.js';
import type { FlowStep, GuardFacts, HandlerFlow, LogCallFacts, SinkFacts, SinkFamily } from './handler-flow.js';
import { hasBody, importOrigin, isAnalysableFile, isValueIdentifier, ownerFunction, requiredModule, resolveIdentifier, type FunctionWithBody, type ImportOrigin } from './scope.js';
import { inert, isPureTrusted, join, joinAll, neutral, scopes, taintOf, type ClientKind, type IdentityMark, type Mark, type Value } from './value.js';

/** What the engine needs besides the handler. */
export interface FlowEnvironment {
  readonly options: ResolvedOptions;
  readonly checker: ts.TypeChecker | undefined;
  /** Accepted for the orchestrator's convenience; the engine keeps its own per-file bindings. */
  readonly discovery?: unknown;
}

/** A flow with nothing in it: for definitions without a readable handler, or when analysis failed. */
export const emptyFlow: HandlerFlow = { readsAuth: false, readsIdentity: false, passesContext: false, sinks: [], logCalls: [], authGuards: [] };

/** Analyses a definition's handler; never throws (a surprise yields an empty flow). */
export function analyzeHandler(tool: ToolFacts, env: FlowEnvironment): HandlerFlow {
  const handler = tool.handler;
  if (handler === undefined || !hasBody(handler)) return emptyFlow;
  try {
    return new Engine(env).run(handler);
  } catch {
    return emptyFlow;
  }
}

/**
 * Whether a `requireAuth({ check })` / `requireAuth({ predicate })` option makes the middleware a scope
 * gate: its function's result depends on a scope, role or claim value (`auth.scopes`, `auth.scope`,
 * `auth.claims.*`, `auth.subject.*`) beyond mere presence. A constant, a test of `auth.type` alone, or
 * one that a token, key, subject or `sub` is present, is not. The function may be written inline, be a
 * method, or be declared elsewhere (a named function, a `const`, a factory call such as
 * `hasScope('x')`); one that cannot be read gets the benefit of the doubt.
 */
export function isScopePredicate(option: ts.ObjectLiteralElementLike, env: FlowEnvironment): boolean {
  const predicates = ts.isMethodDeclaration(option)
    ? [option]
    : ts.isPropertyAssignment(option)
      ? predicateFunctions(option.initializer, env.checker)
      : ts.isShorthandPropertyAssignment(option)
        ? predicateFunctions(option.name, env.checker)
        : undefined;
  if (predicates === undefined) return true;
  if (predicates.length === 0) return false;
  return predicates.some((predicate) => {
    if (!hasBody(predicate) || !isAnalysableFile(predicate.getSourceFile())) return true;
    try {
      return new Engine(env).decides(predicate);
    } catch {
      return true;
    }
  });
}

/**
 * The functions an option value denotes: the function itself, or what a factory call returns
 * (`hasScope('x')`); `[]` for `undefined`/`null`, `undefined` when it cannot be read.
 */
function predicateFunctions(expression: ts.Expression, checker: ts.TypeChecker | undefined): ts.FunctionLikeDeclaration[] | undefined {
  const value = followConst(expression, checker);
  if (isNullish(value)) return [];
  const direct = functionOf(value, checker);
  if (direct !== undefined) return [direct];
  if (!ts.isCallExpression(value)) return undefined;
  const factory = functionOf(value.expression, checker);
  if (factory === undefined || !hasBody(factory)) return undefined;
  const returned: ts.FunctionLikeDeclaration[] = [];
  for (const result of returnedExpressions(factory)) {
    const fn = functionOf(result, checker);
    if (fn === undefined) return undefined;
    returned.push(fn);
  }
  return returned.length > 0 ? returned : undefined;
}

/**
 * `analyzeHandler` with a cache per definition, for the orchestrator's `flowOf`. Extra environment
 * fields (the orchestrator's `discovery`) are accepted and ignored.
 */
export function createHandlerAnalyzer(env: FlowEnvironment): (tool: ToolFacts) => HandlerFlow {
  const cache = new Map<ToolFacts, HandlerFlow>();
  return (tool) => {
    let flow = cache.get(tool);
    if (flow === undefined) {
      flow = analyzeHandler(tool, env);
      cache.set(tool, flow);
    }
    return flow;
  };
}

/** The same as {@link createHandlerAnalyzer}. */
export const createFlowAnalyzer = createHandlerAnalyzer;

const maxDepth = 5;
const logMethods = new Set(['info', 'warn', 'warning', 'error', 'debug', 'log', 'trace', 'fatal', 'notice', 'critical', 'verbose', 'silly']);
const prismaMethods = new Set([
  'findMany', 'findUnique', 'findFirst', 'findUniqueOrThrow', 'findFirstOrThrow', 'create', 'createMany', 'createManyAndReturn', 'update', 'updateMany',
  'updateManyAndReturn', 'upsert', 'delete', 'deleteMany', 'count', 'aggregate', 'groupBy',
]);
const prismaRaw = new Set(['$queryRaw', '$queryRawUnsafe', '$executeRaw', '$executeRawUnsafe']);
const mongoMethods = new Set([
  'find', 'findOne', 'insertOne', 'insertMany', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'aggregate', 'countDocuments', 'replaceOne',
  'findOneAndUpdate', 'findOneAndDelete', 'findOneAndReplace', 'bulkWrite', 'distinct', 'estimatedDocumentCount',
]);
const kyselyStarts = new Set(['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'replaceInto', 'mergeInto']);
const knexMethods = new Set(['where', 'andWhere', 'orWhere', 'whereIn', 'whereNot', 'select', 'first', 'insert', 'update', 'del', 'delete', 'join', 'leftJoin', 'pluck', 'count', 'returning', 'orderBy', 'limit', 'increment', 'decrement', 'upsert', 'merge', 'onConflict', 'truncate']);
const supabaseMethods = new Set(['select', 'insert', 'update', 'upsert', 'delete', 'eq', 'neq', 'match', 'in', 'filter', 'single', 'maybeSingle']);
const httpMethods = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request']);
const arrayCallbackMethods = new Set(['map', 'filter', 'forEach', 'find', 'findIndex', 'findLast', 'some', 'every', 'flatMap', 'reduce', 'sort', 'then']);
const preservingMethods = new Set(['toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase', 'trim', 'trimStart', 'trimEnd', 'toString', 'slice', 'substring', 'substr', 'padStart', 'padEnd', 'normalize', 'concat', 'valueOf', 'replace', 'replaceAll', 'split', 'join', 'at']);
const preservingFunctions = new Set(['String', 'encodeURIComponent', 'encodeURI', 'decodeURIComponent', 'decodeURI', 'btoa', 'escape']);
const membershipMethods = new Set(['includes', 'has', 'some', 'every', 'indexOf', 'startsWith', 'endsWith', 'test', 'match', 'hasScope', 'can', 'isAllowed']);
const assertFunctions = new Set(['assert', 'invariant', 'ok', 'ensure', 'strictEqual', 'equal']);
/** Words of a boolean role flag, whose truthiness is a decision: `admin`, `isStaff`, `can_refund`. */
const flagWords = new Set(['admin', 'staff', 'owner', 'superuser', 'can', 'is', 'allowed']);
/** Parts of the auth context a decision never rests on: what kind of auth it is, and the credential itself. */
const credentialAuthPaths = new Set(['', 'type', 'token', 'key', 'headerName', 'clientId']);
const credentialWords = new Set(['secret', 'token', 'key', 'password', 'credential', 'credentials', 'apikey', 'auth', 'authorization', 'bearer', 'passwd']);
const dbNames = /^(db|database|tx|trx|transaction|client|conn|connection|knex|pool|pg|sql|prisma|drizzle|kysely|orm|em|repo|store|supabase)$/i;

/** One function being evaluated: the handler, a callback in it, or a helper inlined at a call. */
class Activation {
  readonly cache = new Map<ts.Node, Value>();
  readonly inProgress = new Set<ts.Node>();

  /** The value of `node` in this activation, computed once; a cycle or a surprise evaluates to neutral. */
  memo(node: ts.Node, compute: () => Value): Value {
    const cached = this.cache.get(node);
    if (cached !== undefined) return cached;
    if (this.inProgress.has(node)) return neutral;
    this.inProgress.add(node);
    let value: Value;
    try {
      value = compute();
    } catch {
      value = neutral;
    }
    this.inProgress.delete(node);
    this.cache.set(node, value);
    return value;
  }
  readonly params = new Map<ts.Node, Value>();
  readonly helperCalls = new Map<ts.Node, Activation | null>();
  readonly sinkCache = new Map<ts.Node, SinkRecord | null>();
  readonly closures = new Map<ts.Node, Activation>();
  walked = false;
  returned: Value | undefined;

  constructor(
    readonly fn: ts.SignatureDeclaration | undefined,
    readonly sourceFile: ts.SourceFile,
    readonly parent: Activation | undefined,
    readonly reportAt: ts.Node | undefined,
    readonly trustedScope: boolean,
    readonly depth: number,
    readonly stack: readonly ts.Node[],
  ) {}
}

interface SinkRecord {
  readonly family: SinkFamily;
  readonly call: ts.Node;
  readonly reportNode: ts.Node;
  readonly label: string;
  readonly confidence: 'high' | 'medium' | 'low';
  readonly seq: number;
  scoped: ts.Node | undefined;
  untrusted: ts.Node | undefined;
  identity: IdentityMark | undefined;
  ownershipGuard: ts.Node | undefined;
}

interface GuardRecord extends GuardFacts {
  readonly seq: number;
}

interface SinkShape {
  readonly family: SinkFamily;
  readonly confidence: 'high' | 'medium' | 'low';
  readonly label: string;
}

interface LogMarks {
  secret: Mark | undefined;
  personal: PersonalMark | undefined;
}

/** Personal data found in a logger call, and the key it is logged under as the code reads. */
interface PersonalMark extends Mark {
  readonly key: string;
  readonly source: string;
}

/** Where a logged value sits: the key of its own property (for name checks) and the path of keys to it. */
interface LogKey {
  readonly name: string | undefined;
  readonly path: string | undefined;
}

class Engine {
  private readonly sinks: SinkRecord[] = [];
  private readonly logs: LogCallFacts[] = [];
  private readonly guards: GuardRecord[] = [];
  private readsAuth = false;
  private readsIdentity = false;
  private passesContext = false;
  private seq = 0;
  private readonly modules = new Map<ts.SourceFile, Activation>();
  private readonly bindings = new Map<ts.SourceFile, McifyBindings>();
  private readonly options: ResolvedOptions;
  private readonly checker: ts.TypeChecker | undefined;

  constructor(env: FlowEnvironment) {
    this.options = env.options;
    this.checker = env.checker;
  }

  run(handler: FunctionWithBody): HandlerFlow {
    const root = new Activation(handler, handler.getSourceFile(), undefined, undefined, false, 0, [handler]);
    const [input, context] = handler.parameters;
    if (input !== undefined) root.params.set(input, { kind: 'input', untrusted: input });
    if (context !== undefined) root.params.set(context, { kind: 'ctx' });
    this.walkFunction(handler, root);
    const comparisonGuards = this.guards.filter((guard) => guard.comparison);
    const sinks: SinkFacts[] = this.sinks.map((sink) => {
      const earlier = comparisonGuards.find((guard) => guard.seq < sink.seq);
      const guardNode = sink.ownershipGuard ?? earlier?.node;
      const flow: FlowStep[] = [];
      if (sink.identity !== undefined) {
        flow.push({ node: sink.identity.source, message: `input \`${sink.identity.name}\`` });
      } else if (sink.scoped !== undefined) {
        flow.push({ node: sink.scoped, message: 'auth-derived value' });
      } else if (sink.untrusted !== undefined) {
        flow.push({ node: sink.untrusted, message: 'tool input' });
      }
      if (guardNode !== undefined && sink.scoped === undefined) flow.push({ node: guardNode, message: 'guard on an auth-derived value' });
      flow.push({ node: sink.call, message: `${sink.label} (${sink.family})` });
      return {
        family: sink.family,
        call: sink.call,
        reportNode: sink.reportNode,
        label: sink.label,
        scopedByAuth: sink.scoped !== undefined,
        guarded: guardNode !== undefined,
        untrustedIdentity: sink.identity === undefined ? undefined : { node: sink.identity.node, flow: [{ node: sink.identity.source, message: `input \`${sink.identity.name}\`` }, { node: sink.call, message: sink.label }] },
        flow,
        confidence: sink.confidence,
      };
    });
    return {
      readsAuth: this.readsAuth,
      readsIdentity: this.readsIdentity,
      passesContext: this.passesContext,
      sinks,
      logCalls: this.logs,
      authGuards: this.guards.map(({ node, position, comparison }) => ({ node, position, comparison })),
    };
  }

  /**
   * Whether a `requireAuth({ check | predicate })` function decides on a scope, role or claim value:
   * what it returns, or a guard in its body, is a decision (see {@link Engine.condition}).
   */
  decides(predicate: FunctionWithBody): boolean {
    const root = new Activation(predicate, predicate.getSourceFile(), undefined, undefined, false, 0, [predicate]);
    const [auth] = predicate.parameters;
    if (auth !== undefined) root.params.set(auth, { kind: 'auth', trusted: auth, authPath: '' });
    this.walkFunction(predicate, root);
    if (this.guards.some((guard) => guard.comparison)) return true;
    return this.returnsDecision(predicate, root, new Set<ts.Node>());
  }

  /** Whether what `fn` returns, walked in `activation`, is a decision (see {@link Engine.condition}). */
  private returnsDecision(fn: FunctionWithBody, activation: Activation, following: Set<ts.Node>): boolean {
    const scan: GuardScan = { compares: false, rows: new Set<object>(), following };
    for (const returned of returnedExpressions(fn)) this.condition(returned, activation, scan);
    return scan.compares;
  }

  // ---------------------------------------------------------------- walking

  private walkFunction(fn: ts.SignatureDeclaration, activation: Activation): void {
    for (const parameter of fn.parameters) this.walk(parameter, activation);
    if (hasBody(fn)) this.walk(fn.body, activation);
  }

  private walk(node: ts.Node, activation: Activation): void {
    if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if (ts.isFunctionLike(node) && node !== activation.fn) {
      this.visitNestedFunction(node, activation);
      return;
    }
    if (ts.isIfStatement(node)) this.visitIf(node, activation);
    else if (ts.isCallExpression(node)) this.visitCall(node, activation);
    else if (ts.isTaggedTemplateExpression(node) || ts.isNewExpression(node)) this.visitSinkCandidate(node, activation);
    else if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) this.visitAccess(node, activation);
    else if (ts.isIdentifier(node)) this.visitIdentifier(node, activation);
    else if (ts.isBindingElement(node)) this.visitBindingElement(node, activation);
    ts.forEachChild(node, (child) => {
      this.walk(child, activation);
    });
  }

  /** Callbacks and inline functions: walked as part of the enclosing function, with closure variables. */
  private visitNestedFunction(fn: ts.SignatureDeclaration, activation: Activation): void {
    if (!hasBody(fn)) return;
    const parent = fn.parent;
    // Named local functions run when called: they are inlined at their calls instead.
    if (ts.isFunctionDeclaration(fn) || (ts.isVariableDeclaration(parent) && parent.initializer === fn)) return;
    const child = this.closureActivation(fn, activation);
    if (child.walked) return;
    child.walked = true;
    this.walkFunction(fn, child);
  }

  /** The activation of a function literal written inside `activation`'s function, made once. */
  private closureActivation(fn: ts.SignatureDeclaration, activation: Activation): Activation {
    const existing = activation.closures.get(fn);
    if (existing !== undefined) return existing;
    const parent = fn.parent;
    let trustedScope = activation.trustedScope;
    const params = new Map<ts.Node, Value>();
    if (ts.isCallExpression(parent) && parent.arguments.includes(fn as ts.Expression)) {
      const calleeName = calleeNameOf(parent.expression);
      if (calleeName !== undefined && this.options.trustedScopeHelpers.has(calleeName)) trustedScope = true;
      const callee = skipOuter(parent.expression);
      if (calleeName !== undefined && arrayCallbackMethods.has(calleeName) && ts.isPropertyAccessExpression(callee)) {
        const element = this.elementOf(this.evaluate(callee.expression, activation));
        const parameter = fn.parameters[calleeName === 'reduce' ? 1 : 0];
        if (parameter !== undefined) params.set(parameter, element);
      }
    }
    const child = new Activation(fn, activation.sourceFile, activation, activation.reportAt, trustedScope, activation.depth, activation.stack);
    for (const [key, value] of params) child.params.set(key, value);
    activation.closures.set(fn, child);
    return child;
  }

  private visitCall(call: ts.CallExpression, activation: Activation): void {
    // Helpers first, so that callbacks passed to them know whether the helper scopes them.
    this.helperFor(call, activation);
    this.visitSinkCandidate(call, activation);
    this.visitLogCall(call, activation);
    const name = calleeNameOf(call.expression);
    if (name !== undefined && assertFunctions.has(name) && call.arguments[0] !== undefined) {
      this.recordGuard(call, call.arguments[0], activation);
    }
  }

  private visitSinkCandidate(node: ts.CallExpression | ts.TaggedTemplateExpression | ts.NewExpression, activation: Activation): void {
    if (ts.isNewExpression(node)) return;
    if (isChainContinued(node)) return;
    this.sinkAt(node, activation);
  }

  private visitAccess(node: ts.PropertyAccessExpression | ts.ElementAccessExpression, activation: Activation): void {
    const name = ts.isPropertyAccessExpression(node) ? node.name.text : ts.isStringLiteralLike(node.argumentExpression) ? node.argumentExpression.text : undefined;
    if (name !== 'auth') return;
    if (this.evaluate(node.expression, activation).kind === 'ctx') this.authRead(node);
  }

  private visitIdentifier(node: ts.Identifier, activation: Activation): void {
    if (!isValueIdentifier(node)) return;
    const parent = node.parent;
    if (ts.isShorthandPropertyAssignment(parent) || ts.isCallExpression(parent) || ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent) || ts.isSpreadAssignment(parent) || ts.isSpreadElement(parent) || ts.isVariableDeclaration(parent) || ts.isReturnStatement(parent)) {
      if (this.evaluate(node, activation).kind === 'auth') this.authRead(node);
    }
  }

  private visitBindingElement(node: ts.BindingElement, activation: Activation): void {
    const property = node.propertyName ?? node.name;
    if (!ts.isIdentifier(property) || property.text !== 'auth') return;
    const source = this.patternSource(node.parent, activation);
    if (source.kind === 'ctx') {
      this.readsAuth = true;
      if (!ts.isIdentifier(node.name)) this.authRead(node.name);
    }
  }

  /** `ctx.auth` is read at `node`: identity too, unless only `.type` is read. */
  private authRead(node: ts.Node): void {
    this.readsAuth = true;
    let current = node;
    while (ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent) || ts.isNonNullExpression(current.parent)) current = current.parent;
    const parent = current.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === current && parent.name.text === 'type') return;
    if (ts.isElementAccessExpression(parent) && parent.expression === current && ts.isStringLiteralLike(parent.argumentExpression) && parent.argumentExpression.text === 'type') return;
    const pattern = ts.isVariableDeclaration(parent) && parent.initializer === current ? parent.name : ts.isObjectBindingPattern(current) ? current : undefined;
    if (pattern !== undefined && ts.isObjectBindingPattern(pattern)) {
      const names = pattern.elements.map((element) => {
        const property = element.propertyName ?? element.name;
        return ts.isIdentifier(property) ? property.text : '?';
      });
      if (names.every((name) => name === 'type')) return;
    }
    this.readsIdentity = true;
  }

  // ---------------------------------------------------------------- guards

  private visitIf(node: ts.IfStatement, activation: Activation): void {
    if (!exits(node.thenStatement) && (node.elseStatement === undefined || !exits(node.elseStatement))) return;
    this.recordGuard(node, node.expression, activation);
  }

  private recordGuard(node: ts.Node, condition: ts.Expression, activation: Activation): void {
    const result: GuardScan = { compares: false, rows: new Set<object>(), following: new Set<ts.Node>() };
    this.condition(condition, activation, result);
    for (const sink of result.rows) {
      const record = sink as SinkRecord;
      record.ownershipGuard ??= node;
    }
    if (result.compares) {
      const reportNode = activation.reportAt ?? node;
      this.guards.push({ node: reportNode, position: reportNode.getStart(), comparison: true, seq: this.seq++ });
    }
  }

  /**
   * Walks a guard condition: what it decides on. A decision depends on a scope, role or claim value
   * (`ctx.auth.scopes`, `.scope`, `.claims.*`, `.subject.*`, or a value looked up by the token), beyond
   * its mere presence; a test of `ctx.auth.type`, or that a token, key, subject or `sub` is there, is
   * none. The same rule decides whether a `requireAuth({ check | predicate })` gates a tool.
   */
  private condition(expression: ts.Expression, activation: Activation, result: GuardScan): void {
    const node = skipOuter(expression);
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
      this.condition(node.operand, activation, result);
      return;
    }
    if (ts.isAwaitExpression(node)) {
      this.condition(node.expression, activation, result);
      return;
    }
    if (ts.isConditionalExpression(node)) {
      this.condition(node.condition, activation, result);
      this.condition(node.whenTrue, activation, result);
      this.condition(node.whenFalse, activation, result);
      return;
    }
    if (ts.isBinaryExpression(node)) {
      const operator = node.operatorToken.kind;
      if (operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.QuestionQuestionToken) {
        this.condition(node.left, activation, result);
        this.condition(node.right, activation, result);
        return;
      }
      if (isComparison(operator)) {
        // `x !== undefined`, `x !== ''`: whether there is one, not what it is.
        if (isNullish(node.left) || isNullish(node.right) || isEmptyString(node.left) || isEmptyString(node.right)) return;
        const left = this.evaluate(node.left, activation);
        const right = this.evaluate(node.right, activation);
        this.compare(left, node.left, right, result);
        this.compare(right, node.right, left, result);
      }
      return;
    }
    if (ts.isCallExpression(node)) {
      const callee = skipOuter(node.expression);
      const name = calleeNameOf(callee);
      // `Boolean(x)` is `x` as a condition.
      if (name === 'Boolean' && ts.isIdentifier(callee) && node.arguments[0] !== undefined) {
        this.condition(node.arguments[0], activation, result);
        return;
      }
      const values = node.arguments.map((argument) => this.evaluate(argument, activation));
      if (ts.isPropertyAccessExpression(callee)) values.push(this.evaluate(callee.expression, activation));
      const addRows = (): void => {
        for (const value of values) for (const row of value.rows ?? []) result.rows.add(row);
      };
      if (name !== undefined && membershipMethods.has(name)) {
        // `ctx.auth.scopes.includes('x')`, `roles.includes(claims.role)`; any auth value against a loaded row.
        const trusted = values.filter((value) => isPureTrusted(value) && !onlyType(value));
        const ownership = trusted.length > 0 && values.some((value) => (value.rows?.size ?? 0) > 0);
        if (ownership || trusted.some(isDecisionValue)) {
          result.compares = true;
          addRows();
        }
        return;
      }
      // A predicate helper given the auth context or an auth-derived value: `if (!canAccess(ctx, doc)) throw`.
      // One we can read decides by what it returns; one we cannot, given the context, gets the benefit of the doubt.
      const givenContext = values.some((value) => value.kind === 'ctx' || value.kind === 'auth');
      if (givenContext || values.some(isPureTrusted)) {
        const helper = this.helperFor(node, activation);
        let decides = givenContext && helper === null;
        if (helper?.fn !== undefined && hasBody(helper.fn)) decides = this.returnsDecision(helper.fn, helper, result.following);
        if (decides) {
          result.compares = true;
          addRows();
        }
      }
      return;
    }
    if (ts.isIdentifier(node)) {
      // A condition computed beforehand: `const canVoid = ctx.auth.scopes.includes('x'); if (!canVoid) return`.
      const declaration = resolveIdentifier(node, this.checker);
      if (declaration !== undefined && ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined && (declaration.parent.flags & ts.NodeFlags.Const) !== 0) {
        const owner = this.ownerActivation(declaration, activation);
        if (owner !== undefined && !result.following.has(declaration)) {
          result.following.add(declaration);
          this.condition(declaration.initializer, owner, result);
          return;
        }
      }
    }
    const value = this.evaluate(node, activation);
    // A role flag of the token or of a session looked up by it: `if (!ctx.auth.claims.admin) throw`,
    // `session.isStaff`. The truthiness of anything else (`claims.sub`, `scopes`, `token`) is presence.
    if (!isPureTrusted(value) || !isDecisionValue(value)) return;
    const name = value.authPath !== undefined ? value.authPath.split('.').at(-1) : ts.isPropertyAccessExpression(node) ? node.name.text : ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression) ? node.argumentExpression.text : undefined;
    if (name !== undefined && wordsOf(name).some((word) => flagWords.has(word))) result.compares = true;
  }

  /** One side of a comparison: an auth value compared with `other`. */
  private compare(trusted: Value, expression: ts.Expression, other: Value, result: GuardScan): void {
    if (!isPureTrusted(trusted) || onlyType(trusted)) return;
    // Any auth value against a row loaded before is an ownership check: `row.apiToken !== ctx.auth.token`.
    if ((other.rows?.size ?? 0) > 0) {
      result.compares = true;
      for (const row of other.rows ?? []) result.rows.add(row);
      return;
    }
    // `scopes.length > 0`, `token.length > 0`: a count of what is there.
    if (!isDecisionValue(trusted) || isSizeAccess(expression)) return;
    result.compares = true;
  }

  // ---------------------------------------------------------------- sinks

  private sinkAt(node: ts.CallExpression | ts.TaggedTemplateExpression, activation: Activation): SinkRecord | undefined {
    const cached = activation.sinkCache.get(node);
    if (cached !== undefined) return cached ?? undefined;
    activation.sinkCache.set(node, null);
    const chain = chainOf(node);
    const shape = this.classify(chain, activation);
    if (shape === undefined) return undefined;
    const record: SinkRecord = {
      family: shape.family,
      call: node,
      reportNode: activation.reportAt ?? node,
      label: shape.label,
      confidence: shape.confidence,
      seq: this.seq++,
      scoped: undefined,
      untrusted: undefined,
      identity: undefined,
      ownershipGuard: undefined,
    };
    activation.sinkCache.set(node, record);
    this.constrain(record, chain, activation);
    if (record.scoped === undefined && activation.trustedScope) record.scoped = node;
    const duplicate = this.sinks.some((sink) => sink.call === node && sink.reportNode === record.reportNode);
    if (!duplicate) this.sinks.push(record);
    return record;
  }

  /** Which arguments of the chain constrain it: auth-derived values, identities from input. */
  private constrain(record: SinkRecord, chain: Chain, activation: Activation): void {
    const found: Found = { scoped: undefined, untrusted: undefined, identity: undefined };
    const root = this.evaluate(chain.root, activation);
    const rootScope = scopes(root);
    if (rootScope !== undefined) found.scoped = rootScope;
    for (const link of chain.links) {
      if (link.kind === 'call' || link.kind === 'new') {
        const text = sqlText(link.args[0]);
        const columns = text === undefined ? undefined : placeholderColumns(text);
        link.args.forEach((argument, index) => {
          if (index === 1 && columns !== undefined && columns.size > 0) {
            const array = skipOuter(argument);
            if (ts.isArrayLiteralExpression(array)) {
              array.elements.forEach((element, position) => {
                this.leaves(element, columns.get(position), activation, found);
              });
              return;
            }
          }
          const key = index > 0 ? columnName(link.args[0]) : undefined;
          // kysely `where('user_id', '=', x)`: the value is the last argument.
          this.leaves(argument, index > 0 && (index === link.args.length - 1 || link.args.length === 2) ? key : undefined, activation, found);
        });
      } else if (link.kind === 'tag') {
        this.templateLeaves(link.node.template, activation, found);
      }
    }
    record.scoped = found.scoped;
    record.untrusted = found.untrusted;
    record.identity = found.identity;
  }

  private templateLeaves(template: ts.TemplateLiteral, activation: Activation, found: Found): void {
    if (!ts.isTemplateExpression(template)) return;
    let text = template.head.text;
    for (const span of template.templateSpans) {
      this.leaves(span.expression, columnBefore(text), activation, found);
      text += `$?${span.literal.text}`;
    }
  }

  private leaves(expression: ts.Expression, key: string | undefined, activation: Activation, found: Found, depth = 0): void {
    if (depth > 12) return;
    const node = skipOuter(expression);
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      // A filter built by a callback, as Drizzle's relational API takes it: `where: (o, { eq }) => eq(o.tenantId, tenantId)`.
      const inner = this.closureActivation(node, activation);
      for (const returned of returnedExpressions(node)) this.leaves(returned, key, inner, found, depth + 1);
      return;
    }
    if (ts.isFunctionLike(node)) return;
    if (ts.isAwaitExpression(node)) {
      this.leaves(node.expression, key, activation, found, depth + 1);
      return;
    }
    if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) {
        if (ts.isPropertyAssignment(property)) {
          this.leaves(property.initializer, joinKey(key, propertyNameOf(property.name)), activation, found, depth + 1);
        } else if (ts.isShorthandPropertyAssignment(property)) {
          this.leaves(property.name, joinKey(key, property.name.text), activation, found, depth + 1);
        } else if (ts.isSpreadAssignment(property)) {
          this.leaves(property.expression, key, activation, found, depth + 1);
        }
      }
      return;
    }
    if (ts.isArrayLiteralExpression(node)) {
      for (const element of node.elements) this.leaves(ts.isSpreadElement(element) ? element.expression : element, key, activation, found, depth + 1);
      return;
    }
    if (ts.isTemplateExpression(node)) {
      this.templateLeaves(node, activation, found);
      return;
    }
    if (ts.isTaggedTemplateExpression(node)) {
      this.templateLeaves(node.template, activation, found);
      return;
    }
    if (ts.isConditionalExpression(node)) {
      this.leaves(node.whenTrue, key, activation, found, depth + 1);
      this.leaves(node.whenFalse, key, activation, found, depth + 1);
      return;
    }
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      this.leaf(this.evaluate(node, activation), node, key, found);
      const args = node.arguments ?? [];
      const column = args.length >= 2 ? columnName(args[0]) : undefined;
      args.forEach((argument, index) => {
        const argumentKey = index > 0 && column !== undefined && (index === args.length - 1 || args.length === 2) ? column : key;
        this.leaves(argument, argumentKey, activation, found, depth + 1);
      });
      return;
    }
    if (ts.isIdentifier(node)) {
      // A local holding an object or array literal: its parts, with their keys.
      const value = this.evaluate(node, activation);
      if (value.object !== undefined && depth < 6) {
        const objectActivation = value.object.activation as Activation;
        this.leaves(value.object.node, key, objectActivation, found, depth + 1);
        return;
      }
      this.leaf(value, node, key, found);
      return;
    }
    this.leaf(this.evaluate(node, activation), node, key, found);
  }

  private leaf(value: Value, node: ts.Node, key: string | undefined, found: Found): void {
    const scope = scopes(value);
    if (scope !== undefined) found.scoped ??= scope;
    if (value.untrusted !== undefined) found.untrusted ??= value.untrusted;
    if (value.identity !== undefined) found.identity ??= value.identity;
    if (key !== undefined && value.untrusted !== undefined && isIdentityName(key, this.options)) {
      found.identity ??= { node, name: key, source: value.untrusted };
    }
  }

  /** Whether a chain is a data-access or upstream call, and which. */
  private classify(chain: Chain, activation: Activation): SinkShape | undefined {
    const { root, links } = chain;
    const hasCall = links.some((link) => link.kind === 'call' || link.kind === 'tag');
    if (!hasCall) return undefined;
    const rootValue = this.evaluate(root, activation);
    if (rootValue.kind === 'logger') return undefined;
    const label = labelOf(chain);
    const configured = this.configuredSink(chain);
    if (configured) return { family: 'configured', confidence: 'high', label };
    const names = links.map((link) => link.name);
    const callIndex = (name: string, from = 0): number => links.findIndex((link, index) => index >= from && link.kind === 'call' && link.name === name);
    const first = links[0];
    const rootName = ts.isIdentifier(root) ? root.text : ts.isPropertyAccessExpression(root) ? root.name.text : undefined;
    const client = rootValue.client ?? this.clientOfOrigin(rootValue.origin);

    // fetch and friends.
    if (first?.kind === 'call' && (client === 'fetch' || (ts.isIdentifier(root) && root.text === 'fetch' && this.isGlobal(root)))) return { family: 'fetch', confidence: 'high', label };
    if (rootValue.kind === 'ctx' && first?.kind === 'prop' && first.name === 'fetch' && links[1]?.kind === 'call') return { family: 'fetch', confidence: 'high', label };
    if (ts.isIdentifier(root) && root.text === 'globalThis' && first?.name === 'fetch' && links[1]?.kind === 'call') return { family: 'fetch', confidence: 'high', label };
    if (client === 'axios') {
      if (first?.kind === 'call' || (first?.kind === 'prop' && httpMethods.has(first.name) && links[1]?.kind === 'call')) return { family: 'http-client', confidence: 'high', label };
      return undefined;
    }
    if (client === 'http-client') return { family: 'http-client', confidence: rootValue.client === undefined ? 'medium' : 'high', label };

    // SQL tagged templates.
    if (first?.kind === 'tag') {
      if (client === 'sql-fragment') return undefined;
      if (client === 'sql-tag') return { family: 'sql-template', confidence: 'high', label };
      if (rootName === 'sql' && client === undefined && this.standalone(chain.outer, activation)) return { family: 'sql-template', confidence: 'medium', label };
      return undefined;
    }
    if (links.some((link) => (link.kind === 'tag' || link.kind === 'call') && link.name !== undefined && prismaRaw.has(link.name))) return { family: 'prisma', confidence: 'high', label };

    // Kysely.
    if (links.some((link) => link.kind === 'call' && link.name !== undefined && kyselyStarts.has(link.name))) return { family: 'kysely', confidence: client === 'kysely' ? 'high' : 'medium', label };

    // Drizzle.
    const select = links.findIndex((link) => link.kind === 'call' && (link.name === 'select' || link.name === 'selectDistinct' || link.name === 'selectDistinctOn'));
    if (select >= 0 && callIndex('from', select + 1) > select) return { family: 'drizzle', confidence: 'high', label };
    const insert = callIndex('insert');
    if (insert >= 0 && callIndex('values', insert + 1) > insert) return { family: client === 'knex' ? 'knex' : 'drizzle', confidence: 'high', label };
    const update = callIndex('update');
    if (update >= 0 && callIndex('set', update + 1) > update) return { family: 'drizzle', confidence: 'high', label };
    const remove = callIndex('delete');
    if (remove >= 0 && links[remove]?.kind === 'call' && (links[remove] as { args: readonly ts.Expression[] }).args.length === 1 && (client === 'drizzle' || names.slice(remove + 1).some((name) => name === 'where' || name === 'returning') || (remove === 1 && rootName !== undefined && dbNames.test(rootName)))) {
      return { family: 'drizzle', confidence: client === 'drizzle' ? 'high' : 'medium', label };
    }
    const query = links.findIndex((link) => link.kind === 'prop' && link.name === 'query');
    if (query >= 0 && links[query + 1]?.kind === 'prop' && links[query + 2]?.kind === 'call' && ['findMany', 'findFirst'].includes(links[query + 2]?.name ?? '')) return { family: 'drizzle', confidence: 'high', label };

    // MongoDB.
    const collection = callIndex('collection');
    if (collection >= 0 && links.slice(collection + 1).some((link) => link.kind === 'call' && link.name !== undefined && mongoMethods.has(link.name))) return { family: 'mongodb', confidence: 'high', label };
    if (client === 'mongo-collection' && first?.kind === 'prop' && mongoMethods.has(first.name) && links[1]?.kind === 'call') return { family: 'mongodb', confidence: 'high', label };

    // Supabase and Knex `from('t')`.
    if (first?.kind === 'prop' && first.name === 'from' && links[1]?.kind === 'call' && isStringArgument(links[1])) {
      if (client === 'supabase' || (rootName !== undefined && /supabase/i.test(rootName))) return { family: 'supabase', confidence: 'high', label };
      if (client === 'knex') return { family: 'knex', confidence: 'high', label };
      const rest = names.slice(2);
      if (rest.some((name) => name !== undefined && supabaseMethods.has(name))) return { family: rest.includes('where') ? 'knex' : 'supabase', confidence: 'medium', label };
    }
    if (first?.kind === 'prop' && first.name === 'rpc' && (client === 'supabase' || (rootName !== undefined && /supabase/i.test(rootName)))) return { family: 'supabase', confidence: 'high', label };

    // Knex `knex('t')` / `db('t')`, `.table('t')`.
    if (first?.kind === 'call' && isStringArgument(first) && (client === 'knex' || (rootName !== undefined && dbNames.test(rootName) && names.slice(1).some((name) => name !== undefined && knexMethods.has(name))))) {
      return { family: 'knex', confidence: client === 'knex' ? 'high' : 'medium', label };
    }
    if (client === 'knex' && first?.kind === 'prop' && ['table', 'from', 'into', 'select', 'insert', 'update', 'del', 'raw', 'where'].includes(first.name)) return { family: 'knex', confidence: 'high', label };

    // pg and mysql: `pool.query(text, values)`.
    const queryCall = links.findIndex((link) => link.kind === 'call' && (link.name === 'query' || link.name === 'execute'));
    if (queryCall >= 0) {
      const link = links[queryCall] as Link & { kind: 'call' };
      const receiver = queryCall >= 2 ? links[queryCall - 2] : undefined;
      const receiverName = receiver === undefined ? rootName : receiver.name;
      const receiverValue = queryCall === 1 ? rootValue : undefined;
      const pg = (receiverValue?.client ?? client) === 'pg';
      const argument = link.args[0];
      const sqlLike = argument !== undefined && (ts.isStringLiteralLike(skipOuter(argument)) || ts.isTemplateExpression(skipOuter(argument)) || ts.isTaggedTemplateExpression(skipOuter(argument)) || sqlText(argument) !== undefined);
      if (receiverValue?.kind !== 'ctx' && argument !== undefined) {
        if (isSessionStatement(sqlText(argument))) return undefined;
        if (pg || client === 'drizzle' || client === 'kysely') return { family: link.name === 'execute' && !pg ? 'drizzle' : 'pg', confidence: 'high', label };
        if (receiverName !== undefined && /(pool|client|db|pg|conn|connection|database|tx|trx|sql|transaction)$/i.test(receiverName)) return { family: link.name === 'execute' ? 'drizzle' : 'pg', confidence: 'medium', label };
        if (link.name === 'execute' && sqlLike) return { family: 'drizzle', confidence: 'medium', label };
      }
    }

    // Prisma-style models: `db.order.findMany(...)`.
    for (let index = 2; index < links.length; index += 1) {
      const link = links[index];
      const method = links[index - 1];
      const model = links[index - 2];
      if (link?.kind !== 'call' || link.name === undefined || !prismaMethods.has(link.name) || method?.kind !== 'prop' || model?.kind !== 'prop') continue;
      if (index >= 3 && links[index - 3]?.kind === 'call') continue;
      const argument = link.args[0];
      if (argument !== undefined && (ts.isStringLiteralLike(skipOuter(argument)) || ts.isNumericLiteral(skipOuter(argument)))) continue;
      if (['cache', 'map', 'set', 'headers', 'searchParams', 'params', 'cookies', 'locals', 'env', 'data', 'items', 'list', 'store', 'logger'].includes(model.name)) continue;
      if (client === 'prisma' || client === undefined || client === 'drizzle') return { family: 'prisma', confidence: client === 'prisma' || (rootName !== undefined && dbNames.test(rootName)) ? 'high' : 'medium', label };
    }
    return undefined;
  }

  /** An unknown `sql` tag is a query when it is awaited or returned, and not a fragment of a bigger sink. */
  private standalone(node: ts.Expression, activation: Activation): boolean {
    let current: ts.Node = node;
    while (ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent)) current = current.parent;
    const parent = current.parent;
    if (!ts.isAwaitExpression(parent) && !ts.isReturnStatement(parent) && !(ts.isArrowFunction(parent) && parent.body === current)) return false;
    for (let ancestor: ts.Node = parent; !ts.isFunctionLike(ancestor) && !ts.isSourceFile(ancestor); ancestor = ancestor.parent) {
      if ((ts.isCallExpression(ancestor) || ts.isTaggedTemplateExpression(ancestor)) && ancestor !== node && !isChainContinued(ancestor) && this.sinkAt(ancestor, activation) !== undefined) return false;
    }
    return true;
  }

  private configuredSink(chain: Chain): boolean {
    if (this.options.sinks.length === 0) return false;
    const { root, links } = chain;
    for (let index = 0; index < links.length; index += 1) {
      const link = links[index];
      if (link?.kind !== 'call') continue;
      // The property names right before this call, and whether they reach the root.
      const names: string[] = [];
      let start = index - 1;
      while (start >= 0 && links[start]?.kind === 'prop') {
        names.unshift(links[start]?.name ?? '');
        start -= 1;
      }
      const reachesRoot = start < 0;
      const rootText = ts.isIdentifier(root) ? root.text : root.kind === ts.SyntaxKind.ThisKeyword ? 'this' : undefined;
      const path = reachesRoot && rootText !== undefined ? [rootText, ...names] : names;
      for (const pattern of this.options.sinks) {
        const parts = pattern.split('.');
        if (parts[0] === '*') {
          const tail = parts.slice(1);
          if (tail.length > 0 && tail.length <= path.length && tail.every((part, position) => path[path.length - tail.length + position] === part) && path.length > tail.length) return true;
        } else if (reachesRoot && rootText !== undefined && parts.length === path.length && parts.every((part, position) => path[position] === part)) {
          return true;
        }
      }
    }
    return false;
  }

  private isGlobal(identifier: ts.Identifier): boolean {
    const declaration = resolveIdentifier(identifier, this.checker);
    if (declaration === undefined) return true;
    const file = declaration.getSourceFile();
    return file.isDeclarationFile;
  }

  private clientOfOrigin(origin: ImportOrigin | undefined): ClientKind | undefined {
    if (origin === undefined) return undefined;
    const { module, name } = origin;
    if (module === 'axios' && (name === 'default' || name === '*' || name === 'axios')) return 'axios';
    if ((module === 'node-fetch' || module === 'cross-fetch' || module === 'undici' || module === 'isomorphic-fetch') && (name === 'default' || name === 'fetch' || name === 'request')) return 'fetch';
    if ((module === 'got' || module === 'ky' || module === 'superagent') && (name === 'default' || name === '*')) return 'axios';
    if (module === 'drizzle-orm' && name === 'sql') return 'sql-fragment';
    if ((module === '@vercel/postgres' || module === 'slonik') && name === 'sql') return module === 'slonik' ? 'sql-fragment' : 'sql-tag';
    return undefined;
  }

  // ---------------------------------------------------------------- loggers

  private visitLogCall(call: ts.CallExpression, activation: Activation): void {
    const callee = skipOuter(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return;
    const method = callee.name.text;
    // Bindings of a child logger are written with every record.
    if (!logMethods.has(method) && method !== 'child') return;
    if (!this.isLogger(callee.expression, activation)) return;
    if (method === 'child' && ts.isIdentifier(skipOuter(callee.expression)) && (skipOuter(callee.expression) as ts.Identifier).text === 'console') return;
    const marks: LogMarks = { secret: undefined, personal: undefined };
    call.arguments.forEach((argument, index) => {
      if (index === 0 && ts.isStringLiteralLike(skipOuter(argument))) return;
      this.logLeaves(argument, { name: undefined, path: undefined }, activation, marks, 0);
    });
    this.logs.push({ call, reportNode: activation.reportAt ?? call, secret: marks.secret, personalData: marks.personal });
  }

  private isLogger(receiver: ts.Expression, activation: Activation): boolean {
    const target = skipOuter(receiver);
    const value = this.evaluate(target, activation);
    if (value.kind === 'logger') return true;
    if (value.origin !== undefined && ['pino', 'winston', 'bunyan', 'consola', 'loglevel', 'log4js', 'signale', 'tslog'].includes(value.origin.module)) return true;
    if (ts.isIdentifier(target)) {
      if (target.text === 'console') return this.isGlobal(target);
      return isLoggerName(target.text);
    }
    if (ts.isPropertyAccessExpression(target)) return isLoggerName(target.name.text);
    if (ts.isCallExpression(target)) {
      const inner = skipOuter(target.expression);
      // `logger.child({...}).info(...)`
      if (ts.isPropertyAccessExpression(inner) && ['child', 'withContext', 'with', 'bind'].includes(inner.name.text)) return this.isLogger(inner.expression, activation);
    }
    return false;
  }

  /**
   * What a logger call is given, leaf by leaf. `key` is the key the value sits under in the code the
   * reader sees (`who` in `{ who: claims.email }`, `user.id` in `{ user: { id } }`), if any.
   */
  private logLeaves(expression: ts.Expression, key: LogKey, activation: Activation, marks: LogMarks, depth: number): void {
    if (depth > 10 || (marks.secret !== undefined && marks.personal !== undefined)) return;
    const node = skipOuter(expression);
    if (ts.isFunctionLike(node) || isInertExpression(node)) return;
    if (ts.isAwaitExpression(node)) {
      this.logLeaves(node.expression, key, activation, marks, depth + 1);
      return;
    }
    if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) {
        if (ts.isPropertyAssignment(property)) this.logLeaves(property.initializer, keyBelow(key, propertyNameOf(property.name)), activation, marks, depth + 1);
        else if (ts.isShorthandPropertyAssignment(property)) this.logLeaves(property.name, keyBelow(key, property.name.text), activation, marks, depth + 1);
        else if (ts.isSpreadAssignment(property)) this.logLeaves(property.expression, { name: undefined, path: key.path }, activation, marks, depth + 1);
      }
      return;
    }
    if (ts.isArrayLiteralExpression(node)) {
      for (const element of node.elements) this.logLeaves(ts.isSpreadElement(element) ? element.expression : element, key, activation, marks, depth + 1);
      return;
    }
    if (ts.isTemplateExpression(node)) {
      for (const span of node.templateSpans) this.logLeaves(span.expression, key, activation, marks, depth + 1);
      return;
    }
    if (ts.isConditionalExpression(node)) {
      this.logLeaves(node.whenTrue, key, activation, marks, depth + 1);
      this.logLeaves(node.whenFalse, key, activation, marks, depth + 1);
      return;
    }
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.PlusToken].includes(node.operatorToken.kind)) {
      this.logLeaves(node.left, key, activation, marks, depth + 1);
      this.logLeaves(node.right, key, activation, marks, depth + 1);
      return;
    }
    if (ts.isCallExpression(node)) {
      if (this.isHashCall(node, activation)) return;
      const callee = skipOuter(node.expression);
      const name = calleeNameOf(callee);
      // `Boolean(secret)` logs whether there is one, not the secret, whatever the key is called.
      if (name === 'Boolean' && ts.isIdentifier(callee)) return;
      // `headers.get('authorization')`
      if (name === 'get' && node.arguments.length === 1) {
        const header = node.arguments[0] === undefined ? undefined : skipOuter(node.arguments[0]);
        if (header !== undefined && ts.isStringLiteralLike(header) && isCredentialName(header.text, this.options)) {
          marks.secret ??= { node, what: `the ${header.text} header` };
          return;
        }
      }
      if (name !== undefined && (preservingFunctions.has(name) || name === 'stringify') && node.arguments[0] !== undefined) {
        this.logLeaves(node.arguments[0], key, activation, marks, depth + 1);
        return;
      }
      if (name !== undefined && preservingMethods.has(name) && ts.isPropertyAccessExpression(callee)) {
        this.logLeaves(callee.expression, key, activation, marks, depth + 1);
        return;
      }
      this.logValue(this.evaluate(node, activation), node, key, marks);
      return;
    }
    const value = this.evaluate(node, activation);
    if (value.inert === true) return;
    // A local holding an object literal: its properties, with their keys.
    if (ts.isIdentifier(node) && value.object !== undefined) {
      const name = node.text;
      if (isCredentialName(name, this.options)) marks.secret ??= { node, what: `\`${name}\`` };
      this.logLeaves(value.object.node, key, value.object.activation as Activation, marks, depth + 1);
      return;
    }
    this.logValue(value, node, key, marks);
    const name = ts.isIdentifier(node) ? node.text : ts.isPropertyAccessExpression(node) ? node.name.text : ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression) ? node.argumentExpression.text : undefined;
    if (name !== undefined && value.kind !== 'ctx' && value.kind !== 'logger' && value.fn === undefined) {
      if (isCredentialName(name, this.options)) marks.secret ??= { node, what: `\`${name}\`` };
      else if (isPersonalDataName(name, this.options)) marks.personal ??= personalMark(node, key, `\`${name}\``);
    }
  }

  private logValue(value: Value, node: ts.Node, key: LogKey, marks: LogMarks): void {
    if (value.inert === true) return;
    if (value.secret !== undefined) marks.secret ??= { node, what: value.secret.what };
    if (value.personal !== undefined) marks.personal ??= personalMark(node, key, value.personal.what);
    if (key.name !== undefined && value.kind !== 'ctx' && value.fn === undefined) {
      if (isCredentialName(key.name, this.options)) marks.secret ??= { node, what: `\`${key.name}\`` };
      else if (isPersonalDataName(key.name, this.options)) marks.personal ??= personalMark(node, key, `\`${key.name}\``);
    }
  }

  private isHashCall(call: ts.CallExpression, activation: Activation): boolean {
    const callee = skipOuter(call.expression);
    if (this.bindingsOf(call.getSourceFile()).resolve(callee) === 'hash') return true;
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'hash') {
      const receiver = this.evaluate(callee.expression, activation);
      if (receiver.kind === 'logger') return true;
      const receiverName = calleeNameOf(callee.expression);
      if (receiverName !== undefined && isLoggerName(receiverName)) return true;
    }
    const name = calleeNameOf(callee);
    if (name === undefined) return false;
    const words = wordsOf(name);
    if (words.some((word) => ['hash', 'hashed', 'sha', 'pseudonymize', 'pseudonymise', 'redact', 'redacted', 'mask', 'anonymize', 'anonymise', 'digest', 'hmac'].includes(word))) return true;
    // `createHash('sha256').update(x).digest('hex')`
    return name === 'digest';
  }

  // ---------------------------------------------------------------- evaluation

  private evaluate(expression: ts.Expression, activation: Activation): Value {
    return activation.memo(expression, () => this.compute(expression, activation));
  }

  private compute(expression: ts.Expression, activation: Activation): Value {
    const node = expression;
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isNonNullExpression(node) || ts.isTypeAssertionExpression(node) || ts.isAwaitExpression(node)) {
      return this.evaluate(node.expression, activation);
    }
    if (ts.isIdentifier(node)) return this.identifierValue(node, activation);
    if (node.kind === ts.SyntaxKind.ThisKeyword) return neutral;
    if (ts.isStringLiteralLike(node) || ts.isNumericLiteral(node) || ts.isBigIntLiteral(node) || node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword || node.kind === ts.SyntaxKind.NullKeyword || ts.isRegularExpressionLiteral(node)) {
      return inert;
    }
    if (ts.isPropertyAccessExpression(node)) return this.member(this.evaluate(node.expression, activation), node.name.text, node);
    if (ts.isElementAccessExpression(node)) {
      const argument = skipOuter(node.argumentExpression);
      const object = this.evaluate(node.expression, activation);
      if (ts.isStringLiteralLike(argument)) return this.member(object, argument.text, node);
      return this.elementOf(object);
    }
    if (ts.isCallExpression(node)) return this.callValue(node, activation);
    if (ts.isNewExpression(node)) return this.newValue(node, activation);
    if (ts.isTaggedTemplateExpression(node)) {
      const sink = isChainContinued(node) ? undefined : this.sinkAt(node, activation);
      if (sink !== undefined) return sinkResult(sink);
      const spans = ts.isTemplateExpression(node.template) ? node.template.templateSpans.map((span) => taintOf(this.evaluate(span.expression, activation))) : [];
      return joinAll(spans);
    }
    if (ts.isTemplateExpression(node)) {
      return stripObject(joinAll(node.templateSpans.map((span) => this.evaluate(span.expression, activation))));
    }
    if (ts.isConditionalExpression(node)) return join(this.evaluate(node.whenTrue, activation), this.evaluate(node.whenFalse, activation));
    if (ts.isBinaryExpression(node)) return this.binaryValue(node, activation);
    if (ts.isPrefixUnaryExpression(node)) {
      if (node.operator === ts.SyntaxKind.ExclamationToken) return inert;
      return { ...taintOf(this.evaluate(node.operand, activation)), inert: true };
    }
    if (ts.isTypeOfExpression(node) || ts.isVoidExpression(node) || ts.isDeleteExpression(node)) return inert;
    if (ts.isPostfixUnaryExpression(node)) return inert;
    if (ts.isObjectLiteralExpression(node)) return this.objectValue(node, activation);
    if (ts.isArrayLiteralExpression(node)) {
      const elements = node.elements.map((element) => this.evaluate(ts.isSpreadElement(element) ? element.expression : element, activation));
      const all = joinAll(elements);
      const part = elements.map(scopes).find((candidate) => candidate !== undefined);
      return { ...stripObject(all), trustedPart: part ?? all.trustedPart, inert: undefined };
    }
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return { fn: node };
    if (ts.isSpreadElement(node)) return this.evaluate(node.expression, activation);
    return neutral;
  }

  private binaryValue(node: ts.BinaryExpression, activation: Activation): Value {
    const operator = node.operatorToken.kind;
    if (operator === ts.SyntaxKind.EqualsToken) return this.evaluate(node.right, activation);
    if (operator === ts.SyntaxKind.QuestionQuestionToken || operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.AmpersandAmpersandToken) {
      const left = this.evaluate(node.left, activation);
      const right = this.evaluate(node.right, activation);
      // `a && b` is `b` when it is used as a value.
      if (operator === ts.SyntaxKind.AmpersandAmpersandToken) return right;
      return join(left, right);
    }
    if (operator === ts.SyntaxKind.PlusToken || operator === ts.SyntaxKind.PlusEqualsToken) {
      return stripObject(join(this.evaluate(node.left, activation), this.evaluate(node.right, activation)));
    }
    if (isComparison(operator) || operator === ts.SyntaxKind.InstanceOfKeyword || operator === ts.SyntaxKind.InKeyword) return inert;
    return { ...taintOf(join(this.evaluate(node.left, activation), this.evaluate(node.right, activation))), inert: true };
  }

  private objectValue(node: ts.ObjectLiteralExpression, activation: Activation): Value {
    let trustedPart: ts.Node | undefined;
    let untrusted: ts.Node | undefined;
    let identity: IdentityMark | undefined;
    let secret: Mark | undefined;
    let personal: Mark | undefined;
    for (const property of node.properties) {
      let key: string | undefined;
      let valueNode: ts.Expression;
      if (ts.isPropertyAssignment(property)) {
        key = propertyNameOf(property.name);
        valueNode = property.initializer;
      } else if (ts.isShorthandPropertyAssignment(property)) {
        key = property.name.text;
        valueNode = property.name;
      } else if (ts.isSpreadAssignment(property)) {
        valueNode = property.expression;
      } else {
        continue;
      }
      const value = this.evaluate(valueNode, activation);
      trustedPart ??= scopes(value);
      untrusted ??= value.untrusted;
      identity ??= value.identity;
      if (key !== undefined && value.untrusted !== undefined && isIdentityName(key, this.options)) identity ??= { node: valueNode, name: key, source: value.untrusted };
      if (value.inert === true) continue;
      const hashed = ts.isCallExpression(skipOuter(valueNode)) && this.isHashCall(skipOuter(valueNode) as ts.CallExpression, activation);
      if (hashed) continue;
      secret ??= value.secret;
      personal ??= value.personal;
      if (key !== undefined && value.kind !== 'ctx' && value.fn === undefined) {
        if (isCredentialName(key, this.options)) secret ??= { node: property, what: `\`${key}\`` };
        else if (isPersonalDataName(key, this.options)) personal ??= { node: property, what: `\`${key}\`` };
      }
    }
    return { trustedPart, untrusted, identity, secret, personal, object: { node, activation } };
  }

  /** A property of a value: what `ctx.auth`, input fields, rows and object literals give. */
  private member(object: Value, name: string, node: ts.Node): Value {
    if (object.kind === 'ctx') {
      if (name === 'auth') return { kind: 'auth', trusted: node, authPath: '', secret: { node, what: '`ctx.auth`' } };
      if (name === 'logger' || name === 'log') return { kind: 'logger' };
      return neutral;
    }
    const secretByName = isCredentialName(name, this.options) ? { node, what: `\`${name}\`` } : undefined;
    const personalByName = isPersonalDataName(name, this.options) ? { node, what: `\`${name}\`` } : undefined;
    if (object.kind === 'auth') {
      const path = object.authPath === undefined || object.authPath === '' ? name : `${object.authPath}.${name}`;
      const secret = name === 'token' || name === 'key' ? { node, what: `\`ctx.auth.${name}\`` } : secretByName;
      return { trusted: node, authPath: path, secret, personal: personalByName ?? (name === 'subject' ? { node, what: '`ctx.auth.subject`' } : undefined) };
    }
    if (object.kind === 'input') {
      const identityName = isIdentityName(name, this.options) ? name : combinedIdentity(node, name, this.options);
      return {
        kind: 'input',
        untrusted: node,
        identity: identityName === undefined ? undefined : { node, name: identityName, source: node },
        secret: secretByName,
        personal: personalByName,
      };
    }
    if (object.object !== undefined) {
      const property = this.objectProperty(object.object.node, name, object.object.activation as Activation);
      if (property !== undefined) return property;
    }
    const origin = object.origin === undefined ? undefined : { module: object.origin.module, name };
    const client = object.client === 'prisma' || object.client === 'drizzle' || object.client === 'kysely' || object.client === 'http-client' || object.client === 'supabase' || object.client === 'axios' ? object.client : undefined;
    const trusted = isPureTrusted(object) ? node : object.trusted === undefined && object.untrusted === undefined ? object.trustedPart : undefined;
    return {
      trusted: trusted ?? (object.trusted !== undefined && object.untrusted !== undefined ? object.trusted : undefined),
      untrusted: object.untrusted,
      authPath: object.authPath === undefined ? undefined : `${object.authPath}.${name}`,
      rows: object.rows,
      identity: object.rows === undefined ? undefined : object.identity,
      secret: secretByName,
      personal: personalByName,
      origin,
      client,
    };
  }

  private objectProperty(node: ts.ObjectLiteralExpression, name: string, activation: Activation): Value | undefined {
    for (let index = node.properties.length - 1; index >= 0; index -= 1) {
      const property = node.properties[index];
      if (property === undefined) continue;
      if (ts.isPropertyAssignment(property) && propertyNameOf(property.name) === name) return this.evaluate(property.initializer, activation);
      if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return this.evaluate(property.name, activation);
      if ((ts.isMethodDeclaration(property) || ts.isGetAccessor(property)) && propertyNameOf(property.name) === name) return { fn: property };
      if (ts.isSpreadAssignment(property)) {
        const spread = this.evaluate(property.expression, activation);
        if (spread.object !== undefined) {
          const found = this.objectProperty(spread.object.node, name, spread.object.activation as Activation);
          if (found !== undefined) return found;
        } else if (scopes(spread) !== undefined || spread.untrusted !== undefined || spread.kind === 'auth') {
          return this.member(spread, name, property);
        }
      }
    }
    return undefined;
  }

  private elementOf(value: Value): Value {
    return { trusted: value.trusted ?? (value.untrusted === undefined ? value.trustedPart : undefined), untrusted: value.untrusted, rows: value.rows, identity: value.identity, kind: value.kind === 'input' ? 'input' : undefined, secret: value.secret, personal: value.personal };
  }

  private identifierValue(identifier: ts.Identifier, activation: Activation): Value {
    if (identifier.text === 'undefined') return inert;
    const declaration = resolveIdentifier(identifier, this.checker);
    if (declaration === undefined) return neutral;
    return this.declarationValue(declaration, activation);
  }

  private declarationValue(declaration: ts.Node, activation: Activation): Value {
    const origin = importOrigin(declaration);
    if (origin !== undefined) return { origin };
    if (ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration)) return { fn: declaration };
    if (ts.isClassDeclaration(declaration) || ts.isEnumDeclaration(declaration)) return neutral;
    const owner = this.ownerActivation(declaration, activation);
    if (owner === undefined) return neutral;
    if (owner !== activation) return this.declarationValue(declaration, owner);
    return owner.memo(declaration, () => this.computeDeclaration(declaration, owner));
  }

  private computeDeclaration(declaration: ts.Node, activation: Activation): Value {
    if (ts.isParameter(declaration)) {
      const value = activation.params.get(declaration);
      if (value !== undefined) return value;
      return declaration.initializer === undefined ? neutral : this.evaluate(declaration.initializer, activation);
    }
    if (ts.isVariableDeclaration(declaration)) {
      let value: Value;
      const list = declaration.parent;
      const statement = ts.isVariableDeclarationList(list) ? list.parent : undefined;
      if (statement !== undefined && (ts.isForOfStatement(statement) || ts.isForInStatement(statement))) {
        value = ts.isForOfStatement(statement) ? this.elementOf(this.evaluate(statement.expression, activation)) : inert;
      } else if (declaration.initializer !== undefined) {
        value = this.evaluate(declaration.initializer, activation);
      } else {
        value = neutral;
      }
      if (ts.isIdentifier(declaration.name) && ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) === 0) {
        for (const assigned of this.assignmentsTo(declaration, declaration.name, activation)) value = join(value, this.evaluate(assigned, activation));
      }
      if (ts.isIdentifier(declaration.name)) value = this.named(value, declaration.name.text, declaration.name);
      return value;
    }
    if (ts.isBindingElement(declaration)) {
      const source = this.patternSource(declaration.parent, activation);
      let value: Value;
      if (ts.isObjectBindingPattern(declaration.parent)) {
        const property = declaration.propertyName ?? declaration.name;
        const name = ts.isIdentifier(property) || ts.isStringLiteral(property) ? property.text : undefined;
        value = name === undefined ? taintOf(source) : this.member(source, name, declaration);
      } else {
        value = this.elementOf(source);
      }
      if (declaration.initializer !== undefined) value = join(value, this.evaluate(declaration.initializer, activation));
      if (ts.isIdentifier(declaration.name) && declaration.parent.parent.kind === ts.SyntaxKind.VariableDeclaration && (declaration.parent.parent.parent.flags & ts.NodeFlags.Const) === 0) {
        for (const assigned of this.assignmentsTo(declaration, declaration.name, activation)) value = join(value, this.evaluate(assigned, activation));
      }
      return value;
    }
    if (ts.isPropertyAssignment(declaration)) return this.evaluate(declaration.initializer, activation);
    return neutral;
  }

  /** A local named like what it holds keeps the log classification of its name. */
  private named(value: Value, name: string, node: ts.Node): Value {
    if (value.inert === true || value.kind !== undefined || value.fn !== undefined) return value;
    if (value.secret === undefined && isCredentialName(name, this.options)) return { ...value, secret: { node, what: `\`${name}\`` } };
    return value;
  }

  private patternSource(pattern: ts.BindingPattern, activation: Activation): Value {
    const parent = pattern.parent;
    if (ts.isVariableDeclaration(parent)) {
      const list = parent.parent;
      const statement = ts.isVariableDeclarationList(list) ? list.parent : undefined;
      if (statement !== undefined && ts.isForOfStatement(statement)) return this.elementOf(this.evaluate(statement.expression, activation));
      return parent.initializer === undefined ? neutral : this.evaluate(parent.initializer, activation);
    }
    if (ts.isParameter(parent)) return this.declarationValue(parent, activation);
    if (ts.isBindingElement(parent)) return this.declarationValue(parent, activation);
    return neutral;
  }

  private assignmentsTo(declaration: ts.Node, name: ts.Identifier, activation: Activation): ts.Expression[] {
    const scope = activation.fn ?? activation.sourceFile;
    const found: ts.Expression[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
        const left = skipOuter(node.left);
        if (ts.isIdentifier(left) && left.text === name.text && resolveIdentifier(left, this.checker) === declaration) found.push(node.right);
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(scope, visit);
    return found;
  }

  /** The activation that owns a declaration: the handler, a callback, a helper, or a module. */
  private ownerActivation(declaration: ts.Node, activation: Activation): Activation | undefined {
    let owner = ownerFunction(declaration);
    // A parameter belongs to the function it is a parameter of.
    if (ts.isParameter(declaration)) owner = declaration.parent;
    if (owner === undefined) return this.moduleActivation(declaration.getSourceFile());
    for (let current: Activation | undefined = activation; current !== undefined; current = current.parent) if (current.fn === owner) return current;
    return undefined;
  }

  private moduleActivation(sourceFile: ts.SourceFile): Activation {
    let activation = this.modules.get(sourceFile);
    if (activation === undefined) {
      activation = new Activation(undefined, sourceFile, undefined, undefined, false, maxDepth, []);
      this.modules.set(sourceFile, activation);
    }
    return activation;
  }

  private newValue(node: ts.NewExpression, activation: Activation): Value {
    const constructorValue = this.evaluate(node.expression, activation);
    const args = (node.arguments ?? []).map((argument) => this.evaluate(argument, activation));
    const taint = this.argumentTaint(args, undefined, node);
    const origin = constructorValue.origin;
    const name = origin?.name === 'default' || origin?.name === '*' ? calleeNameOf(node.expression) : origin?.name;
    let client: ClientKind | undefined;
    if (origin !== undefined) {
      if (origin.module === 'pg' && (name === 'Pool' || name === 'Client')) client = 'pg';
      else if (origin.module === 'mongodb' && name === 'MongoClient') client = 'mongo-client';
      else if (origin.module.startsWith('@prisma/client') && name === 'PrismaClient') client = 'prisma';
      else if (origin.module === 'kysely' && name === 'Kysely') client = 'kysely';
      else if (!origin.module.startsWith('.') && !isDataModule(origin.module) && this.hasCredential(node.arguments ?? [])) client = 'http-client';
    } else if (name !== undefined && /^(Stripe|Octokit|OpenAI|Anthropic|Twilio|WebClient)$/.test(name)) {
      client = 'http-client';
    } else if (this.hasCredential(node.arguments ?? []) && calleeNameOf(node.expression) !== undefined && /client|api|sdk/i.test(calleeNameOf(node.expression) ?? '')) {
      client = 'http-client';
    }
    return { ...taint, client };
  }

  /** Whether arguments carry a credential: `process.env.STRIPE_SECRET_KEY`, `{ apiKey }`, `{ auth: token }`. */
  private hasCredential(args: readonly ts.Expression[]): boolean {
    let found = false;
    const visit = (node: ts.Node): void => {
      if (found) return;
      const name = ts.isIdentifier(node) || ts.isPrivateIdentifier(node) ? node.text : ts.isStringLiteralLike(node) && ts.isElementAccessExpression(node.parent) ? node.text : undefined;
      if (name !== undefined && (wordsOf(name).some((word) => credentialWords.has(word)) || isCredentialName(name, this.options))) found = true;
      ts.forEachChild(node, visit);
    };
    for (const argument of args) visit(argument);
    return found;
  }

  private argumentTaint(args: readonly Value[], receiver: Value | undefined, node: ts.Node): Value {
    if (args.some((arg) => arg.kind === 'ctx' || arg.kind === 'auth')) return { trusted: node };
    let trusted: ts.Node | undefined;
    let untrusted: ts.Node | undefined;
    for (const arg of [...args, ...(receiver === undefined ? [] : [receiver])]) {
      if (arg.kind === 'logger' || arg.fn !== undefined) continue;
      trusted ??= scopes(arg) !== undefined ? node : arg.trusted !== undefined ? node : undefined;
      untrusted ??= arg.untrusted;
    }
    return { trusted, untrusted, rows: receiver?.rows };
  }

  private callValue(call: ts.CallExpression, activation: Activation): Value {
    if (!isChainContinued(call)) {
      const sink = this.sinkAt(call, activation);
      if (sink !== undefined) return sinkResult(sink);
    }
    const callee = skipOuter(call.expression);
    const module = requiredModule(call);
    if (module !== undefined) return { origin: { module, name: '*' } };
    if (this.isHashCall(call, activation)) {
      const hashed = call.arguments[0] === undefined ? neutral : this.evaluate(call.arguments[0], activation);
      return { trusted: hashed.trusted, untrusted: hashed.untrusted, trustedPart: hashed.trustedPart };
    }
    const calleeValue = this.evaluate(callee, activation);
    const receiver = ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee) ? this.evaluate(callee.expression, activation) : undefined;
    const args = call.arguments.map((argument) => this.evaluate(argument, activation));
    const name = calleeNameOf(callee);

    // Clients made by factories.
    const client = this.clientFromCall(calleeValue, receiver, name, call);
    if (client !== undefined) return { ...this.argumentTaint(args, receiver, call), client, rows: undefined };

    // Value-preserving functions and methods.
    if (name !== undefined && preservingFunctions.has(name) && receiver === undefined && args[0] !== undefined) return stripObject(args[0]);
    if (name === 'from' && receiver?.origin === undefined && calleeNameOf(ts.isPropertyAccessExpression(callee) ? callee.expression : callee) === 'Buffer' && args[0] !== undefined) return stripObject(args[0]);
    if (name !== undefined && preservingMethods.has(name) && receiver !== undefined && receiver.kind !== 'ctx') {
      return { ...stripObject(receiver), untrusted: receiver.untrusted ?? args.find((arg) => arg.untrusted !== undefined)?.untrusted };
    }

    // Helpers we can read: their return value, evaluated for these arguments.
    const helper = this.helperFor(call, activation);
    const generic = this.argumentTaint(args, receiver, call);
    if (helper !== undefined && helper !== null) {
      const returned = this.returnValue(helper);
      if (returned.trusted === undefined && returned.untrusted === undefined && returned.trustedPart === undefined && generic.trusted !== undefined && args.some((arg) => arg.kind === 'ctx' || arg.kind === 'auth')) {
        return { ...returned, trusted: generic.trusted };
      }
      return returned;
    }
    if (name !== undefined && arrayCallbackMethods.has(name) && receiver !== undefined) {
      const callback = call.arguments[0] === undefined ? undefined : skipOuter(call.arguments[0]);
      if ((name === 'map' || name === 'flatMap') && callback !== undefined && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) {
        // `items.map((item) => ({ userId: item.userId }))`: what the callback returns, element by element.
        const returned = this.returnValue(this.closureActivation(callback, activation));
        return { trusted: returned.trusted, untrusted: returned.untrusted ?? receiver.untrusted, trustedPart: returned.trustedPart ?? scopes(returned), identity: returned.identity, secret: returned.secret, personal: returned.personal, rows: receiver.rows };
      }
      return { trusted: receiver.trusted ?? generic.trusted, untrusted: generic.untrusted, rows: receiver.rows, identity: receiver.identity };
    }
    return generic;
  }

  private clientFromCall(calleeValue: Value, receiver: Value | undefined, name: string | undefined, call: ts.CallExpression): ClientKind | undefined {
    const origin = calleeValue.origin;
    if (origin !== undefined) {
      if (origin.module === 'knex' && ['default', '*', 'knex', 'Knex'].includes(origin.name)) return 'knex';
      if (origin.module === '@supabase/supabase-js' && origin.name === 'createClient') return 'supabase';
      if (origin.module.startsWith('drizzle-orm/') && origin.name === 'drizzle') return 'drizzle';
      if ((origin.module === 'postgres' && ['default', '*'].includes(origin.name)) || (origin.module === '@neondatabase/serverless' && origin.name === 'neon')) return 'sql-tag';
      if (origin.module === 'axios' && origin.name === 'create') return 'axios';
      if (!origin.module.startsWith('.') && !isDataModule(origin.module) && origin.name !== 'default' && /^create[A-Z]\w*Client$|Client$/.test(origin.name) && this.hasCredential(call.arguments)) return 'http-client';
    }
    if (receiver !== undefined) {
      if (receiver.client === 'mongo-client' && name === 'db') return 'mongo-db';
      if ((receiver.client === 'mongo-db' || receiver.client === 'mongo-client') && name === 'collection') return 'mongo-collection';
      if (receiver.client === 'pg' && name === 'connect') return 'pg';
      if (receiver.client === 'axios' && name === 'create') return 'axios';
    }
    const first = call.arguments[0];
    if (name === 'collection' && first !== undefined && ts.isStringLiteralLike(skipOuter(first))) return 'mongo-collection';
    return undefined;
  }

  /** The activation of a helper called here, created (and walked) once per call site; null when it cannot be read. */
  private helperFor(call: ts.CallExpression, activation: Activation): Activation | null | undefined {
    if (activation.helperCalls.has(call)) return activation.helperCalls.get(call);
    activation.helperCalls.set(call, null);
    if (activation.depth >= maxDepth) return null;
    const fn = this.calleeFunction(call, activation);
    if (fn === undefined || !hasBody(fn) || !isAnalysableFile(fn.getSourceFile())) {
      if (call.arguments.some((argument) => this.evaluate(argument, activation).kind === 'ctx' || this.evaluate(argument, activation).kind === 'auth')) this.passesContext = true;
      return null;
    }
    if (activation.stack.includes(fn)) return null;
    // Functions written inside the handler are walked where they are (callbacks), not inlined, except named locals.
    const lexicalOwner = ownerFunction(fn);
    let lexicalParent: Activation | undefined;
    if (lexicalOwner !== undefined) {
      for (let current: Activation | undefined = activation; current !== undefined; current = current.parent) {
        if (current.fn === lexicalOwner) {
          lexicalParent = current;
          break;
        }
      }
    }
    // Function literals are walked where they are written (callbacks), never inlined where they are called.
    const named = ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn) || (ts.isVariableDeclaration(fn.parent) && fn.parent.initializer === fn) || ts.isPropertyAssignment(fn.parent) || ts.isPropertyDeclaration(fn.parent);
    if (!named) return null;
    if (lexicalOwner !== undefined && lexicalParent === undefined && !ts.isClassLike(fn.parent) && !ts.isObjectLiteralExpression(fn.parent) && !ts.isPropertyAssignment(fn.parent)) return null;
    if (this.isSinkCall(call, activation)) return null;
    const helper = new Activation(fn, fn.getSourceFile(), lexicalParent, activation.reportAt ?? call, activation.trustedScope, activation.depth + 1, [...activation.stack, fn]);
    const args = call.arguments.map((argument) => this.evaluate(argument, activation));
    fn.parameters.forEach((parameter, index) => {
      if (parameter.dotDotDotToken !== undefined) helper.params.set(parameter, joinAll(args.slice(index)));
      else if (args[index] !== undefined) helper.params.set(parameter, args[index]);
    });
    activation.helperCalls.set(call, helper);
    this.walkFunction(fn, helper);
    return helper;
  }

  private isSinkCall(call: ts.CallExpression, activation: Activation): boolean {
    if (isChainContinued(call)) return false;
    return this.sinkAt(call, activation) !== undefined;
  }

  private calleeFunction(call: ts.CallExpression, activation: Activation): ts.SignatureDeclaration | undefined {
    const callee = skipOuter(call.expression);
    if (ts.isIdentifier(callee)) {
      const value = this.evaluate(callee, activation);
      if (value.fn !== undefined) return value.fn;
      return undefined;
    }
    if (ts.isPropertyAccessExpression(callee)) {
      const value = this.evaluate(callee, activation);
      if (value.fn !== undefined) return value.fn;
      if (this.checker !== undefined) {
        try {
          const symbol = this.checker.getSymbolAtLocation(callee.name);
          const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
          if (declaration !== undefined) {
            if (ts.isMethodDeclaration(declaration) || ts.isFunctionDeclaration(declaration)) return declaration;
            if ((ts.isPropertyDeclaration(declaration) || ts.isPropertyAssignment(declaration) || ts.isVariableDeclaration(declaration)) && declaration.initializer !== undefined) {
              const init = skipOuter(declaration.initializer);
              if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
            }
          }
        } catch {
          return undefined;
        }
      }
    }
    return undefined;
  }

  private returnValue(helper: Activation): Value {
    if (helper.returned !== undefined) return helper.returned;
    helper.returned = neutral;
    const fn = helper.fn;
    if (fn === undefined || !hasBody(fn)) return neutral;
    if (!ts.isBlock(fn.body)) {
      helper.returned = this.evaluate(fn.body, helper);
      return helper.returned;
    }
    const values: Value[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node)) return;
      if (ts.isReturnStatement(node) && node.expression !== undefined) values.push(this.evaluate(node.expression, helper));
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(fn.body, visit);
    helper.returned = values.length === 1 ? (values[0] ?? neutral) : joinAll(values.map(stripObject));
    return helper.returned;
  }

  private bindingsOf(sourceFile: ts.SourceFile): McifyBindings {
    let bindings = this.bindings.get(sourceFile);
    if (bindings === undefined) {
      bindings = new McifyBindings(sourceFile, this.checker);
      this.bindings.set(sourceFile, bindings);
    }
    return bindings;
  }
}

interface Found {
  scoped: ts.Node | undefined;
  untrusted: ts.Node | undefined;
  identity: IdentityMark | undefined;
}

function sinkResult(sink: SinkRecord): Value {
  const untrusted = sink.scoped === undefined ? (sink.untrusted ?? sink.identity?.source) : undefined;
  return { trusted: sink.scoped, untrusted, identity: sink.scoped === undefined ? sink.identity : undefined, rows: new Set([sink]) };
}

function stripObject(value: Value): Value {
  return { ...value, object: undefined, fn: undefined, kind: value.kind === 'input' ? 'input' : undefined, client: undefined, origin: undefined };
}

/** What a guard condition compares, collected while walking it. */
interface GuardScan {
  compares: boolean;
  readonly rows: Set<object>;
  /** Condition variables already followed, so `const a = b; const b = a` cannot loop. */
  readonly following: Set<ts.Node>;
}

/** The expressions a function returns: its expression body, or its `return` statements' values. */
function returnedExpressions(fn: FunctionWithBody): ts.Expression[] {
  if (!ts.isBlock(fn.body)) return [fn.body];
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression !== undefined) found.push(node.expression);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn.body, visit);
  return found;
}

function exits(statement: ts.Statement): boolean {
  if (ts.isThrowStatement(statement) || ts.isReturnStatement(statement)) return true;
  if (ts.isBlock(statement)) {
    const last = statement.statements.at(-1);
    return last !== undefined && (ts.isThrowStatement(last) || ts.isReturnStatement(last));
  }
  return false;
}

function isComparison(operator: ts.SyntaxKind): boolean {
  return (
    operator === ts.SyntaxKind.EqualsEqualsEqualsToken ||
    operator === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
    operator === ts.SyntaxKind.EqualsEqualsToken ||
    operator === ts.SyntaxKind.ExclamationEqualsToken ||
    operator === ts.SyntaxKind.LessThanToken ||
    operator === ts.SyntaxKind.LessThanEqualsToken ||
    operator === ts.SyntaxKind.GreaterThanToken ||
    operator === ts.SyntaxKind.GreaterThanEqualsToken
  );
}

function isNullish(expression: ts.Expression): boolean {
  const node = skipOuter(expression);
  return node.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(node) && node.text === 'undefined') || ts.isVoidExpression(node);
}

function onlyType(value: Value): boolean {
  return value.authPath === 'type';
}

/**
 * An auth-derived value a decision can rest on: a scope, role or claim (`scopes`, `scope`, `claims.*`,
 * `subject.*`) or a value derived from the auth context (a session looked up by the token), but not
 * `ctx.auth` itself, its `type`, nor the token, key or client id.
 */
function isDecisionValue(value: Value): boolean {
  if (!isPureTrusted(value)) return false;
  if (value.authPath === undefined) return value.kind !== 'auth' && value.kind !== 'ctx';
  return !credentialAuthPaths.has(value.authPath.split('.')[0] ?? '');
}

/** `x.length`, `x.size`, `Object.keys(x).length`. */
function isSizeAccess(expression: ts.Expression): boolean {
  const node = skipOuter(expression);
  const name = ts.isPropertyAccessExpression(node) ? node.name.text : ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression) ? node.argumentExpression.text : undefined;
  return name === 'length' || name === 'size';
}

function isEmptyString(expression: ts.Expression): boolean {
  const node = skipOuter(expression);
  return ts.isStringLiteralLike(node) && node.text === '';
}

function isInertExpression(node: ts.Expression): boolean {
  return (
    ts.isStringLiteralLike(node) ||
    ts.isNumericLiteral(node) ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    node.kind === ts.SyntaxKind.NullKeyword ||
    (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) ||
    ts.isTypeOfExpression(node) ||
    (ts.isPropertyAccessExpression(node) && (node.name.text === 'length' || node.name.text === 'size')) ||
    (ts.isBinaryExpression(node) && isComparison(node.operatorToken.kind))
  );
}

function keyBelow(parent: LogKey, name: string | undefined): LogKey {
  if (name === undefined) return { name: undefined, path: parent.path };
  return { name, path: parent.path === undefined ? name : `${parent.path}.${name}` };
}

/**
 * Personal data as the reader of the log call sees it: under its key (`who` in `{ who: claims.email }`),
 * or, logged without one, as the expression is written (`claims.email`). `source` is what the value is.
 */
function personalMark(node: ts.Node, key: LogKey, source: string): PersonalMark {
  const written = skipOuter(node as ts.Expression).getText().replace(/\s+/g, ' ');
  const shown = key.path ?? (written.length > 60 ? `${written.slice(0, 57)}...` : written);
  return { node, what: `\`${shown}\``, key: shown, source };
}

function isLoggerName(name: string): boolean {
  return wordsOf(name).some((word) => word === 'log' || word === 'logger' || word === 'logs' || word === 'pino' || word === 'winston' || word === 'audit' || word === 'console');
}

function calleeNameOf(expression: ts.Expression): string | undefined {
  const target = skipOuter(expression);
  if (ts.isIdentifier(target)) return target.text;
  if (ts.isPropertyAccessExpression(target)) return target.name.text;
  if (ts.isElementAccessExpression(target) && ts.isStringLiteralLike(target.argumentExpression)) return target.argumentExpression.text;
  return undefined;
}

function propertyNameOf(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isComputedPropertyName(name) && ts.isStringLiteralLike(name.expression)) return name.expression.text;
  return undefined;
}

/** `user: { connect: { id } }` → `userId`: a nested `id` under a named relation. */
function joinKey(outer: string | undefined, inner: string | undefined): string | undefined {
  if (inner === undefined) return outer;
  if ((inner === 'id' || inner === 'ids') && outer !== undefined && !['where', 'data', 'connect', 'set', 'create', 'update', 'in', 'equals'].includes(outer)) return `${outer}Id`;
  if (['connect', 'where', 'equals', 'in', 'set', '$eq', '$in', 'eq'].includes(inner) && outer !== undefined) return outer;
  return inner;
}

/** `input.user.id` → `userId`. */
function combinedIdentity(node: ts.Node, name: string, options: ResolvedOptions): string | undefined {
  if (name !== 'id' && name !== 'ids') return undefined;
  const object = ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) ? skipOuter(node.expression) : undefined;
  const parentName = object === undefined ? undefined : calleeNameOf(object);
  if (parentName === undefined) return undefined;
  const combined = `${parentName}${name === 'id' ? 'Id' : 'Ids'}`;
  return isIdentityName(combined, options) ? combined : undefined;
}

/** The column an argument names: `orders.userId` (Drizzle), `'user_id'` (Knex, Supabase, Kysely). */
function columnName(argument: ts.Expression | undefined): string | undefined {
  if (argument === undefined) return undefined;
  const node = skipOuter(argument);
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isStringLiteralLike(node) && /^[A-Za-z_][\w.]*$/.test(node.text)) return node.text.split('.').at(-1);
  return undefined;
}

function isStringArgument(link: Link): boolean {
  if (link.kind !== 'call') return false;
  const first = link.args[0];
  return first !== undefined && ts.isStringLiteralLike(skipOuter(first));
}

function isDataModule(module: string): boolean {
  return ['pg', 'mysql2', 'mysql', 'knex', 'kysely', 'mongodb', 'mongoose', '@supabase/supabase-js', 'postgres', '@vercel/postgres', '@neondatabase/serverless', 'better-sqlite3', 'sqlite3', 'ioredis', 'redis', '@electric-sql/pglite'].includes(module) || module.startsWith('drizzle-orm') || module.startsWith('@prisma/');
}

/** A short name for messages: `db.order.findMany`, `db.select().from(orders)`, `fetch`. */
function labelOf(chain: Chain): string {
  const root = skipOuter(chain.root);
  let text = ts.isIdentifier(root) ? root.text : root.kind === ts.SyntaxKind.ThisKeyword ? 'this' : '…';
  for (const link of chain.links) {
    if (link.kind === 'prop') text += `.${link.name}`;
    else if (link.kind === 'call') {
      const first = link.args[0] === undefined ? undefined : skipOuter(link.args[0]);
      const argument = first !== undefined && (ts.isIdentifier(first) || ts.isStringLiteralLike(first)) && ['from', 'insert', 'update', 'delete', 'collection', 'selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'table'].includes(link.name ?? '') ? (ts.isIdentifier(first) ? first.text : `'${first.text}'`) : '';
      text += `(${argument})`;
      if (['where', 'values', 'set', 'returning', 'orderBy', 'limit', 'execute', 'then', 'toArray', 'eq', 'select'].includes(link.name ?? '') && text.length > 24) break;
    } else if (link.kind === 'tag') text += '`…`';
    if (text.length > 60) break;
  }
  return text.replace(/\.\(\)/g, '()');
}
