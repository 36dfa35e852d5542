import { z } from 'zod';
import type { HandlerContext } from './context.js';
import { McifyConfigError } from './errors.js';

/**
 * Runs around a handler: call `next()` to continue, or throw (a `ToolError`) to refuse the call.
 * `input` is the validated input.
 */
export type Middleware = (input: unknown, ctx: HandlerContext, next: () => Promise<unknown>) => Promise<unknown>;

/** A zod schema describing the tool's arguments: an object. */
export type InputSchema = z.ZodType<Record<string, unknown>, z.ZodTypeDef, unknown>;

/** A zod schema describing what the tool returns. */
export type OutputSchema = z.ZodType<unknown, z.ZodTypeDef, unknown>;

export interface ToolSpec<I extends InputSchema, O extends z.ZodTypeAny> {
  /** Tool name as MCP clients see it: 1 to 64 of `A-Z a-z 0-9 _ -`. */
  name: string;
  description?: string;
  input: I;
  output?: O;
  middlewares?: readonly Middleware[];
  handler: (input: z.output<I>, ctx: HandlerContext) => z.input<O> | Promise<z.input<O>>;
}

/** A tool, as `defineTool` returns it: frozen, with validated name and schemas. */
export interface ToolDefinition<I extends InputSchema = InputSchema, O extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly name: string;
  readonly description: string | undefined;
  readonly input: I;
  readonly output: O | undefined;
  readonly middlewares: readonly Middleware[];
  readonly handler: (input: z.output<I>, ctx: HandlerContext) => z.input<O> | Promise<z.input<O>>;
}

/**
 * Any tool, whatever its schemas: what configs and runtimes hold. The handler takes `never` because a
 * tool's handler only accepts its own input; callers validate with `input` first.
 */
export interface AnyTool {
  readonly name: string;
  readonly description: string | undefined;
  readonly input: InputSchema;
  readonly output: OutputSchema | undefined;
  readonly middlewares: readonly Middleware[];
  readonly handler: (input: never, ctx: HandlerContext) => unknown;
}

/** Tool names MCP clients accept. */
export const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Defines a tool. The handler receives the input parsed by `input` and a {@link HandlerContext}.
 *
 * @example
 * ```ts
 * export const listOrders = defineTool({
 *   name: 'orders_list',
 *   middlewares: [requireAuth()],
 *   input: z.object({ limit: z.number().int().max(100).default(20) }),
 *   handler: async ({ limit }, ctx) => db.orders.findMany({ where: { userId: ctx.auth.claims.sub }, take: limit }),
 * });
 * ```
 */
export function defineTool<I extends InputSchema, O extends z.ZodTypeAny = z.ZodUnknown>(
  spec: ToolSpec<I, O>,
): ToolDefinition<I, O> {
  const candidate = spec as Partial<ToolSpec<I, O>> | undefined;
  const name = candidate?.name;
  if (typeof name !== 'string' || !toolNamePattern.test(name)) {
    throw new McifyConfigError(
      'MCIFY_INVALID_TOOL_NAME',
      `Tool name ${JSON.stringify(name)} is invalid: use 1 to 64 characters among A-Z, a-z, 0-9, "_" and "-".`,
    );
  }
  if (!(candidate?.input instanceof z.ZodType)) {
    throw new McifyConfigError('MCIFY_INVALID_TOOL', `Tool "${name}" needs \`input\`: a zod schema such as z.object({}).`);
  }
  if (candidate.output !== undefined && !(candidate.output instanceof z.ZodType)) {
    throw new McifyConfigError('MCIFY_INVALID_TOOL', `Tool "${name}": \`output\` must be a zod schema.`);
  }
  if (typeof candidate.handler !== 'function') {
    throw new McifyConfigError('MCIFY_INVALID_TOOL', `Tool "${name}" needs \`handler: async (input, ctx) => ...\`.`);
  }
  const middlewares: unknown = candidate.middlewares ?? [];
  if (!isMiddlewareList(middlewares)) {
    throw new McifyConfigError('MCIFY_INVALID_TOOL', `Tool "${name}": \`middlewares\` must be an array of functions.`);
  }
  return Object.freeze({
    name,
    description: candidate.description,
    input: candidate.input,
    output: candidate.output,
    middlewares: Object.freeze([...middlewares]),
    handler: candidate.handler,
  });
}

function isMiddlewareList(value: unknown): value is readonly Middleware[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'function');
}
