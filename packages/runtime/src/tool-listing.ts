import { McifyConfigError, type AnyTool, type OutputSchema } from '@mcify-audit/reference-core';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { zodToJsonSchema } from 'zod-to-json-schema';

/** The JSON Schema of a zod schema as MCP wants it: self-contained, without `$schema`. */
function jsonSchemaOf(schema: OutputSchema, io: 'input' | 'output'): Record<string, unknown> {
  const converted = zodToJsonSchema(schema, {
    $refStrategy: 'none',
    // Clients see what they must send; a transform's result is not theirs to build.
    effectStrategy: io === 'input' ? 'input' : 'any',
    pipeStrategy: io,
  }) as Record<string, unknown>;
  delete converted.$schema;
  return converted;
}

/**
 * How each tool appears in `tools/list`, computed once. Throws a {@link McifyConfigError} for a tool
 * whose input is not an object schema, which MCP cannot describe.
 */
export function listTools(tools: readonly AnyTool[]): readonly Tool[] {
  return tools.map((tool) => {
    const inputSchema = jsonSchemaOf(tool.input, 'input');
    if (inputSchema.type !== 'object') {
      throw new McifyConfigError('MCIFY_INVALID_TOOL', `Tool "${tool.name}": \`input\` must be an object schema, e.g. z.object({ ... }).`);
    }
    const outputSchema = tool.output === undefined ? undefined : jsonSchemaOf(tool.output, 'output');
    return {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      inputSchema: inputSchema as Tool['inputSchema'],
      // MCP only describes object outputs; other outputs are returned as text.
      ...(outputSchema?.type === 'object' ? { outputSchema: outputSchema as NonNullable<Tool['outputSchema']> } : {}),
    };
  });
}
