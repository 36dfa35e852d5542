import { describe, expect, it } from 'vitest';
import { Discovery } from '../src/discovery/discover.js';
import { resolveOptions } from '../src/options.js';
import { virtualProgram, virtualSourceFile } from './virtual-program.js';

const options = resolveOptions({ guardMiddlewares: ['requireRole'] });

function discoverFile(text: string, name = 'case.ts') {
  return new Discovery(options, undefined).file(virtualSourceFile(name, text));
}

describe('discovery (file mode)', () => {
  it('recognises defineTool by module and symbol: aliases and namespace imports, not lookalikes', () => {
    const facts = discoverFile(`
      import { defineTool as tool } from '@mcify/core';
      import * as mcify from '@mcify/core';
      import { defineTool } from './my-own-helpers';
      import { z } from 'zod';
      export const a = tool({ name: 'a_tool', input: z.object({}), handler: async () => 1 });
      export const b = mcify.defineTool({ name: 'b_tool', description: 'Second.', input: z.object({}), handler: async () => 2 });
      export const c = defineTool({ name: 'not_mcify', input: z.object({}), handler: async () => 3 });
    `);
    expect(facts.tools.map((tool) => tool.names)).toEqual([['a_tool'], ['b_tool']]);
    expect(facts.tools[1]?.description).toBe('Second.');
  });

  it('finds CommonJS requires in JavaScript', () => {
    const facts = discoverFile(`const { defineTool: dt } = require('@mcify/core'); module.exports = dt({ name: 'js_tool', input: {}, handler() { return 1; } });`, 'case.js');
    expect(facts.tools.map((tool) => tool.names[0])).toEqual(['js_tool']);
    expect(facts.tools[0]?.handler).toBeDefined();
  });

  it('names tools made by factories after the literal names their callers pass', () => {
    const facts = discoverFile(`
      import { defineTool, defineConfig } from '@mcify/core';
      import { z } from 'zod';
      function transition(name: string, status: string) {
        return defineTool({ name, input: z.object({ orderId: z.string() }), handler: async () => status });
      }
      const cancel = transition('orders_cancel', 'cancelled');
      const refund = transition('orders_refund', 'refunded');
      export default defineConfig({ name: 's', version: '1', tools: [cancel, refund] });
    `);
    expect(facts.tools[0]?.names).toEqual(['orders_cancel', 'orders_refund']);
    expect(facts.configs[0]?.tools).toHaveLength(2);
    expect(facts.configs[0]?.toolsIncomplete).toBe(false);
  });

  it('reads middlewares: requireAuth with and without a scope gate, aliases, configured guards', () => {
    const facts = discoverFile(`
      import { defineTool } from '@mcify/core';
      import { requireAuth as ra } from '@mcify/core/middleware';
      import { requireRole, rateLimit } from './guards';
      import { z } from 'zod';
      const admins = ra({ check: (auth) => auth.claims.role === 'admin' });
      defineTool({ name: 'plain', middlewares: [ra()], input: z.object({}), handler: async () => 1 });
      defineTool({ name: 'scoped', middlewares: [ra({ scopes: ['x:write'] })], input: z.object({}), handler: async () => 1 });
      defineTool({ name: 'checked', middlewares: [admins], input: z.object({}), handler: async () => 1 });
      defineTool({ name: 'guarded', middlewares: [requireRole('admin')], input: z.object({}), handler: async () => 1 });
      defineTool({ name: 'limited', middlewares: [rateLimit({ max: 1 })], input: z.object({}), handler: async () => 1 });
      defineTool({ name: 'opaque', middlewares: someList, input: z.object({}), handler: async () => 1 });
    `);
    const byName = Object.fromEntries(facts.tools.map((tool) => [tool.names[0] ?? '', tool]));
    expect(byName.plain?.middlewares.map((middleware) => [middleware.requiresAuth, middleware.scopeGate])).toEqual([[true, false]]);
    expect(byName.scoped?.middlewares[0]?.scopeGate).toBe(true);
    expect(byName.checked?.middlewares[0]?.scopeGate).toBe(true);
    expect(byName.guarded?.middlewares[0]).toMatchObject({ requiresAuth: true, scopeGate: true });
    expect(byName.limited?.middlewares[0]).toMatchObject({ requiresAuth: false, scopeGate: false });
    expect(byName.opaque?.middlewaresKnown).toBe(false);
  });

  /** The scopeGate of `requireAuth(<options>)` in a file with `prelude` above the tool. */
  function gateOf(requireAuthOptions: string, prelude = ''): boolean | undefined {
    const facts = discoverFile(`
      import { defineTool } from '@mcify/core';
      import { requireAuth } from '@mcify/core/middleware';
      import { z } from 'zod';
      ${prelude}
      defineTool({ name: 't', middlewares: [requireAuth(${requireAuthOptions})], input: z.object({}), handler: async () => 1 });
    `);
    return facts.tools[0]?.middlewares[0]?.scopeGate;
  }

  it.each([
    // guide dialect
    ["{ check: (a) => a.scopes.includes('x') }"],
    ["{ check: (a) => a.claims.role === 'admin' }"],
    ["{ check: (a) => a.claims['roles']?.includes('billing') ?? false }"],
    ['{ check: (a) => a.claims.admin }'],
    ['{ check: (a) => Boolean(a.claims.isStaff) }'],
    ["{ check: (a) => a.claims.sub === 'ops-robot' }"],
    ["{ check(a) { if (a.type !== 'oauth') return false; return a.scopes.includes('x'); } }"],
    ["{ check: (a) => { if (!a.scopes.includes('x')) return false; return true; } }"],
    ["{ check: async (a) => (await roles.lookup(a.token))?.role === 'owner' }"],
    // published dialect
    ["{ predicate: (a) => a.type === 'oauth_provider' && a.scope.split(' ').includes('orders:refund') }"],
    ["{ predicate: (a) => a.type === 'oauth_provider' && a.subject.role === 'admin' }"],
    ["{ predicate: ({ scopes }) => scopes.includes('x') }"],
    ["{ predicate: (a) => a.type === 'oauth' ? a.scopes.includes('x') : false }"],
    ["{ predicate: (a) => a.type === 'oauth_provider' && (a.scope ?? '').split(' ').includes('x') }"],
    // what cannot be read, or says more than a check
    ['{ check: policies.canRefund }'],
    ['{ ...gateOptions }'],
    ["{ scopes: ['x'], check: () => true }"],
  ])('%s is a scope gate', (options) => {
    expect(gateOf(options)).toBe(true);
  });

  it.each([
    ['{ predicate: (auth) => auth.type !== \'none\' }'],
    ['{ predicate: () => true }'],
    ['{ check: () => false }'],
    ['{ check: (auth) => Boolean(auth.claims.sub) }'],
    ['{ check: (auth) => !!auth.claims.sub && auth.claims.sub !== \'\' }'],
    ["{ predicate: (a) => a.type === 'bearer' && a.token.length > 0 }"],
    ["{ predicate: (a) => a.type === 'api_key' && a.key !== undefined && a.headerName === 'x-api-key' }"],
    ["{ predicate: (a) => a.type === 'oauth_provider' && a.subject.sub != null && Object.keys(a.subject).length > 0 }"],
    ["{ check: (a) => a.type === 'oauth' && a.scopes.length > 0 }"],
    ['{ check: (a) => typeof a.claims.sub === \'string\' }'],
    ['{ check: (a) => Boolean(a.claims.scopes) }'],
    ["{ check: (a) => a.token === process.env.ADMIN_TOKEN }"],
    ["{ predicate: (a) => (a.token ?? '').length > 0 && (a.type ?? 'none') !== 'none' }"],
    ['{ check: undefined }'],
    ["{ message: 'Sign in first.' }"],
  ])('%s is not a scope gate', (options) => {
    expect(gateOf(options)).toBe(false);
  });

  it('follows predicates declared elsewhere in the file: functions, consts, factories', () => {
    const prelude = `
      function canRefund(auth) { return auth.type === 'oauth' && auth.scopes.includes('orders:refund'); }
      function signedIn(auth) { return auth.type !== 'none'; }
      const isAdmin = (auth) => auth.claims.role === 'admin';
      const anyone = () => true;
      const hasScope = (scope) => (auth) => auth.scopes.includes(scope);
      const always = (_scope) => () => true;
      const adminOptions = { check: isAdmin };
    `;
    expect(gateOf('{ check: canRefund }', prelude)).toBe(true);
    expect(gateOf('{ check: signedIn }', prelude)).toBe(false);
    expect(gateOf('{ predicate: isAdmin }', prelude)).toBe(true);
    expect(gateOf('{ predicate: anyone }', prelude)).toBe(false);
    expect(gateOf("{ check: hasScope('x') }", prelude)).toBe(true);
    expect(gateOf("{ check: always('x') }", prelude)).toBe(false);
    expect(gateOf('adminOptions', prelude)).toBe(true);
    expect(gateOf('{ check: (auth) => isAdmin(auth) }', prelude)).toBe(true);
    expect(gateOf('{ check: (auth) => signedIn(auth) }', prelude)).toBe(false);
  });

  it.each([
    ['auth: none()', 'none'],
    ['auth: auth.none()', 'none'],
    ['', 'absent'],
    ["auth: bearer({ env: 'TOKEN' })", 'bearer'],
    ["auth: oauth({ provider: 'custom', issuer: 'https://i', audience: 'a' })", 'oauth'],
  ])('reads the config auth %s as %s', (auth, kind) => {
    const facts = discoverFile(`
      import { defineConfig, none, auth as mcifyAuth, bearer, oauth } from '@mcify/core';
      const auth = mcifyAuth;
      export default defineConfig({ name: 's', version: '1', ${auth}${auth === '' ? '' : ','} tools: [] });
    `);
    expect(facts.configs[0]?.auth.kind).toBe(kind);
  });

  it('tells a shared static secret from per-user verification', () => {
    const facts = discoverFile(`
      import { defineConfig, bearer } from '@mcify/core';
      defineConfig({ name: 'a', version: '1', auth: bearer({ env: 'TOKEN' }) });
      defineConfig({ name: 'b', version: '1', auth: bearer({ env: 'UNUSED', verify: (t) => t === 'x' }) });
    `);
    expect(facts.configs.map((config) => config.auth)).toMatchObject([{ kind: 'bearer', verify: false }, { kind: 'bearer', verify: true }]);
  });
});

describe('discovery (program mode)', () => {
  it('follows tools imported from other files, re-exported and built by factories', () => {
    const { program, files } = virtualProgram({
      'tools/list.ts': `import { defineTool } from '@mcify/core'; import { z } from 'zod';
        export const listOrders = defineTool({ name: 'orders_list', input: z.object({}), handler: async () => [] });`,
      'tools/factory.ts': `import { defineTool } from '@mcify/core'; import { z } from 'zod';
        export const createGetTool = (store: unknown) => defineTool({ name: 'orders_get', input: z.object({ id: z.string() }), handler: async () => store });`,
      'tools/index.ts': `export { listOrders } from './list';`,
      'config.ts': `import { defineConfig } from '@mcify/core'; import { listOrders } from './tools/index'; import { createGetTool } from './tools/factory';
        export default defineConfig({ name: 's', version: '1', tools: [listOrders, createGetTool({})] });`,
    });
    const discovery = new Discovery(options, program.getTypeChecker());
    const configFile = program.getSourceFile(files.find((file) => file.endsWith('config.ts')) ?? '');
    if (configFile === undefined) throw new Error('config.ts missing');
    const [config] = discovery.file(configFile).configs;
    expect(config?.tools.map((tool) => tool.names[0])).toEqual(['orders_list', 'orders_get']);
    expect(config?.toolsIncomplete).toBe(false);
  });

  it('reads spreads of tool arrays in tools, imported from other files too; a spread it cannot read leaves the list incomplete', () => {
    const { program, files } = virtualProgram({
      'tools/orders.ts': `import { defineTool } from '@mcify/core'; import { z } from 'zod';
        const ordersList = defineTool({ name: 'orders_list', input: z.object({}), handler: async () => [] });
        const ordersGet = defineTool({ name: 'orders_get', input: z.object({ id: z.string() }), handler: async () => null });
        export const orderTools = [ordersList, ordersGet];`,
      'tools/more.ts': `import { defineTool } from '@mcify/core'; import { z } from 'zod';
        export const moreTools: unknown[] = JSON.parse('[]');
        export const ping = defineTool({ name: 'ping', input: z.object({}), handler: async () => 'pong' });`,
      'config.ts': `import { defineConfig } from '@mcify/core'; import { orderTools } from './tools/orders'; import { moreTools, ping } from './tools/more';
        export const complete = defineConfig({ name: 'a', version: '1', tools: [...orderTools, ping] });
        export const partial = defineConfig({ name: 'b', version: '1', tools: [...moreTools, ping] });`,
    });
    const discovery = new Discovery(options, program.getTypeChecker());
    const configFile = program.getSourceFile(files.find((file) => file.endsWith('config.ts')) ?? '');
    if (configFile === undefined) throw new Error('config.ts missing');
    const [complete, partial] = discovery.file(configFile).configs;
    expect(complete?.tools.map((tool) => tool.names[0])).toEqual(['orders_list', 'orders_get', 'ping']);
    expect(complete?.toolsIncomplete).toBe(false);
    expect(partial?.tools.map((tool) => tool.names[0])).toEqual(['ping']);
    expect(partial?.toolsIncomplete).toBe(true);
  });

  it('reads a check imported from another file with a checker, and gives one it cannot read the benefit of the doubt', () => {
    const files = {
      'policies.ts': `export function canBill(auth: any) { return auth.type === 'oauth' && auth.scopes.includes('billing:write'); }
        export const isSignedIn = (auth: any) => auth.type !== 'none' && Boolean(auth.claims.sub);`,
      'tools.ts': `import { defineTool } from '@mcify/core'; import { requireAuth } from '@mcify/core/middleware'; import { z } from 'zod';
        import { canBill, isSignedIn } from './policies';
        defineTool({ name: 'bill', middlewares: [requireAuth({ check: canBill })], input: z.object({}), handler: async () => 1 });
        defineTool({ name: 'signed', middlewares: [requireAuth({ check: isSignedIn })], input: z.object({}), handler: async () => 1 });`,
    };
    const { program, files: paths } = virtualProgram(files);
    const toolsFile = program.getSourceFile(paths.find((file) => file.endsWith('tools.ts')) ?? '');
    if (toolsFile === undefined) throw new Error('tools.ts missing');
    const gates = (discovery: Discovery) => discovery.file(toolsFile).tools.map((tool) => [tool.names[0], tool.middlewares[0]?.scopeGate]);
    expect(gates(new Discovery(options, program.getTypeChecker()))).toEqual([
      ['bill', true],
      ['signed', false],
    ]);
    expect(gates(new Discovery(options, undefined))).toEqual([
      ['bill', true],
      ['signed', true],
    ]);
  });

  it('recognises mcify functions re-exported through the project’s own module', () => {
    const { program, files } = virtualProgram({
      'mcify.ts': `export { defineTool as tool } from '@mcify/core';`,
      'case.ts': `import { tool } from './mcify'; import { z } from 'zod'; export const t = tool({ name: 'via_reexport', input: z.object({}), handler: async () => 1 });`,
    });
    const sourceFile = program.getSourceFile(files.find((file) => file.endsWith('case.ts')) ?? '');
    if (sourceFile === undefined) throw new Error('case.ts missing');
    expect(new Discovery(options, program.getTypeChecker()).file(sourceFile).tools.map((tool) => tool.names[0])).toEqual(['via_reexport']);
  });
});
