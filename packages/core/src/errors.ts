/**
 * Error classes a user of `@mcify/core` can meet. Callers branch on the class and its stable `code`,
 * never on message text.
 */

/** Stable codes of {@link McifyConfigError}. */
export type ConfigErrorCode =
  | 'MCIFY_INVALID_TOOL_NAME'
  | 'MCIFY_INVALID_TOOL'
  | 'MCIFY_DUPLICATE_TOOL'
  | 'MCIFY_INVALID_CONFIG'
  | 'MCIFY_OAUTH_ISSUER_REQUIRED'
  | 'MCIFY_INVALID_AUTH'
  | 'MCIFY_SECRET_ENV_MISSING';

/**
 * A server definition that cannot work. Thrown when the definition is made (or, for environment
 * variables, when the server is created), never while serving a request. The message says what to change.
 */
export class McifyConfigError extends Error {
  override readonly name = 'McifyConfigError';
  readonly code: ConfigErrorCode;

  constructor(code: ConfigErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

const toolErrorBrand = Symbol.for('mcify.ToolError');

/**
 * An error whose message is safe to show to the MCP client. Throw it from a handler or a middleware
 * to answer the tool call with `isError: true` and exactly this message. Any other thrown value is
 * answered with a generic message and a reference id, and logged server-side.
 *
 * @example
 * ```ts
 * if (!account) throw new ToolError('Connect a Stripe account first.', { code: 'NOT_CONNECTED' });
 * ```
 */
export class ToolError extends Error {
  override readonly name: string = 'ToolError';
  readonly code: string;
  /** Brand shared by every copy of this package, so `ToolError.is` works across duplicate installs. */
  readonly [toolErrorBrand] = true;

  /** Whether `value` is a `ToolError`, even one thrown by another copy of `@mcify/core`. */
  static is(value: unknown): value is ToolError {
    return value instanceof Error && (value as Partial<Record<typeof toolErrorBrand, unknown>>)[toolErrorBrand] === true;
  }

  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? 'TOOL_ERROR';
  }
}

/** Outcome of an authorization gate that denied a call. */
export type DeniedOutcome = 'unauthenticated' | 'forbidden' | 'insufficient_scope';

/**
 * Raised by `requireAuth()` when it runs inside a middleware chain and denies the call. Over HTTP the
 * runtime evaluates the same gate before the call and answers 401 or 403 instead.
 */
export class AuthorizationError extends ToolError {
  override readonly name = 'AuthorizationError';
  readonly outcome: DeniedOutcome;
  /** Scopes the caller would need, when the gate names them. */
  readonly requiredScopes: readonly string[];

  constructor(outcome: DeniedOutcome, message: string, requiredScopes: readonly string[] = []) {
    super(message, { code: outcome === 'unauthenticated' ? 'UNAUTHENTICATED' : 'FORBIDDEN' });
    this.outcome = outcome;
    this.requiredScopes = requiredScopes;
  }
}
