import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConfig, defineTool, McifyConfigError, auth } from '@mcify/core';

const tool = (name: string) => defineTool({ name, input: z.object({}), handler: () => 'ok' });

describe('defineTool', () => {
  it.each(['orders_list', 'a', 'A-b_9', 'x'.repeat(64)])('accepts the name %s', (name) => {
    expect(tool(name).name).toBe(name);
  });

  it.each(['', 'has space', 'dot.name', 'x'.repeat(65), 'ünicode', 'slash/name'])('rejects the name %j', (name) => {
    expect(() => tool(name)).toThrow(expect.objectContaining({ code: 'MCIFY_INVALID_TOOL_NAME' }) as Error);
  });

  it('rejects a tool without a zod input schema or handler, saying what to add', () => {
    const noInput = { name: 't', handler: () => 1 } as unknown as Parameters<typeof defineTool>[0];
    expect(() => defineTool(noInput)).toThrow(/needs `input`/);
    const noHandler = { name: 't', input: z.object({}) } as unknown as Parameters<typeof defineTool>[0];
    expect(() => defineTool(noHandler)).toThrow(McifyConfigError);
    expect(() => defineTool(noHandler)).toThrow(/needs `handler/);
  });

  it('returns a frozen definition', () => {
    const defined = tool('frozen');
    expect(Object.isFrozen(defined)).toBe(true);
    expect(Object.isFrozen(defined.middlewares)).toBe(true);
  });
});

describe('defineConfig', () => {
  it('rejects duplicate tool names with a typed error', () => {
    let caught: unknown;
    try {
      defineConfig({ name: 's', version: '1', tools: [tool('dup'), tool('dup')] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(McifyConfigError);
    expect(caught).toMatchObject({ code: 'MCIFY_DUPLICATE_TOOL', message: expect.stringContaining('"dup"') as string });
  });

  it('is frozen, defaults auth to none and keeps tools in order', () => {
    const config = defineConfig({ name: 's', version: '1', tools: [tool('a'), tool('b')] });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.tools)).toBe(true);
    expect(config.auth).toEqual({ type: 'none' });
    expect(config.tools.map((t) => t.name)).toEqual(['a', 'b']);
    expect(() => {
      (config as { name: string }).name = 'changed';
    }).toThrow(TypeError);
  });

  it('keeps the auth it is given', () => {
    const bearerAuth = auth.bearer({ env: 'TOKEN' });
    expect(defineConfig({ name: 's', version: '1', auth: bearerAuth }).auth).toBe(bearerAuth);
  });

  it('needs a name and a version', () => {
    expect(() => defineConfig({ name: '', version: '1' })).toThrow(McifyConfigError);
    expect(() => defineConfig({ name: 's', version: '' })).toThrow(/needs `version`/);
  });
});

describe('ToolError.is', () => {
  it('recognises ToolErrors, including subclasses and copies from another instance of the package', async () => {
    const { ToolError, AuthorizationError } = await import('@mcify/core');
    expect(ToolError.is(new ToolError('x'))).toBe(true);
    expect(ToolError.is(new AuthorizationError('forbidden', 'no'))).toBe(true);
    const foreign = Object.assign(new Error('from another copy'), { [Symbol.for('mcify.ToolError')]: true });
    expect(ToolError.is(foreign)).toBe(true);
    expect(ToolError.is(new Error('plain'))).toBe(false);
    expect(ToolError.is({ message: 'not an error', [Symbol.for('mcify.ToolError')]: true })).toBe(false);
  });
});
