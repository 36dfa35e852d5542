import type ts from 'typescript';

/** What kind of handler a definition has: tools `handler`, resources `read`, prompts `render`. */
export type DefinitionKind = 'tool' | 'resource' | 'prompt';

/** A middleware in a tool's `middlewares` array, as far as authorization goes. */
export interface MiddlewareFacts {
  readonly node: ts.Expression;
  /** `requireAuth(...)` or a configured guard middleware. */
  readonly requiresAuth: boolean;
  /**
   * `requireAuth({ scopes })`, a `requireAuth({ check | predicate })` whose function decides on a scope,
   * role or claim value, or a configured guard: decides per tool who may call.
   */
  readonly scopeGate: boolean;
}

/** One `defineTool` / `defineResource` / `definePrompt` call and what it is made of. */
export interface ToolFacts {
  readonly kind: DefinitionKind;
  readonly call: ts.CallExpression;
  readonly sourceFile: ts.SourceFile;
  /** MCP names this definition serves: its literal name, or the literal names its factory is called with. */
  readonly names: readonly string[];
  readonly description: string | undefined;
  readonly spec: ts.ObjectLiteralExpression | undefined;
  /** The `input:` property (tools) or `arguments:` (prompts), where input findings from other files are reported. */
  readonly inputProperty: ts.ObjectLiteralElementLike | undefined;
  readonly input: ts.Expression | undefined;
  readonly middlewares: readonly MiddlewareFacts[];
  /** Whether every middleware could be read (an opaque array makes gates unknowable). */
  readonly middlewaresKnown: boolean;
  readonly handler: ts.FunctionLikeDeclaration | undefined;
}

/** The server-level auth of a `defineConfig`. */
export type AuthFacts =
  | { readonly kind: 'absent' }
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer' | 'api_key'; readonly verify: boolean; readonly options: ts.ObjectLiteralExpression | undefined }
  | { readonly kind: 'oauth'; readonly options: ts.ObjectLiteralExpression | undefined }
  | { readonly kind: 'unknown' };

/** One `defineConfig` call. */
export interface ConfigFacts {
  readonly call: ts.CallExpression;
  readonly sourceFile: ts.SourceFile;
  readonly spec: ts.ObjectLiteralExpression | undefined;
  readonly authProperty: ts.ObjectLiteralElementLike | undefined;
  readonly auth: AuthFacts;
  /** The definitions its `tools`, `resources` and `prompts` list, as far as they could be followed. */
  readonly tools: readonly ToolFacts[];
  /** Whether some listed entry could not be followed to its definition. */
  readonly toolsIncomplete: boolean;
}
