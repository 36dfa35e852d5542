/**
 * Configs written on the published `@mcify/core` 1.0.0-alpha.3 (the real package, installed in this
 * repository as `mcify-core-published` and linked as `@mcify/core` into a temporary project): `--load`
 * accepts every `auth` its `defineConfig` takes, or none, and checks their input schemas; `serve`, which
 * runs configs on the reference runtime, refuses them with exit 2 and says what to run instead.
 */
import { mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigLoadError, loadConfig, referenceRuntimeGap } from '../src/load-config.js';
import { repoRoot, run, temporaryProject } from './support/run-cli.js';

/** A published-API server with the given auth expression (empty: no `auth` at all). */
function server(auth: string): string {
  return `import { defineConfig, defineTool, bearer, apiKey, oauth, oauthProvider, MemoryOAuthStore, auth } from '@mcify/core';
import { z } from 'zod';

void bearer; void apiKey; void oauth; void oauthProvider; void MemoryOAuthStore; void auth;

const invoicesList = defineTool({
  name: 'invoices_list',
  description: 'List the caller invoices',
  input: z.object({ status: z.enum(['open', 'paid']).optional(), ownerId: z.string() }),
  output: z.object({ invoices: z.array(z.object({ id: z.string() })) }),
  handler: () => ({ invoices: [] }),
});

const connect = defineTool({
  name: 'bank_connect',
  description: 'Connect a bank account',
  input: z.object({ invoiceId: z.string(), accessToken: z.string() }),
  output: z.object({ ok: z.boolean() }),
  handler: () => ({ ok: true }),
});

export default defineConfig({
  name: 'billing',
  version: '1.0.0',
  ${auth === '' ? '' : `auth: ${auth},`}
  tools: [invoicesList, connect],
});
`;
}

const auths = {
  oauthProvider: "oauthProvider({ store: new MemoryOAuthStore(), authorize: () => ({ status: 'authenticated', subject: { userId: 'u1' } }) })",
  'oauth (published)': "oauth({ provider: 'github', scopes: ['read'], authorizationUrl: 'https://github.com/login/oauth/authorize', tokenUrl: 'https://github.com/login/oauth/access_token' })",
  'bearer with verify': "bearer({ env: 'UNUSED', verify: (token) => token.length > 10 })",
  apiKey: "apiKey({ headerName: 'x-api-key', env: 'API_KEY' })",
  'auth.none()': 'auth.none()',
  'no auth': '',
} as const;

/** The config file of each auth variant in the temporary project. */
const fileOf = (name: keyof typeof auths) => `config-${String(Object.keys(auths).indexOf(name))}.ts`;

let project: ReturnType<typeof temporaryProject>;

beforeAll(() => {
  project = temporaryProject(Object.fromEntries((Object.keys(auths) as (keyof typeof auths)[]).map((name) => [fileOf(name), server(auths[name])])));
  // The project's own framework and zod, as `npm install @mcify/core zod` would place them.
  mkdirSync(join(project.root, 'node_modules', '@mcify'), { recursive: true });
  symlinkSync(realpathSync(join(repoRoot, 'node_modules', 'mcify-core-published')), join(project.root, 'node_modules', '@mcify', 'core'), 'dir');
  symlinkSync(realpathSync(join(repoRoot, 'node_modules', 'zod')), join(project.root, 'node_modules', 'zod'), 'dir');
});

afterAll(() => {
  project.remove();
});

const reportShape = z.object({
  findings: z.array(z.object({ ruleId: z.string(), tool: z.string().nullable(), field: z.string().optional(), message: z.string() }).passthrough()),
  tools: z.array(z.object({ name: z.string().nullable(), inputFields: z.array(z.string()) }).passthrough()),
  notes: z.array(z.object({ message: z.string() }).passthrough()),
});

describe('a published config', () => {
  it('is the published package, not the reference core', async () => {
    const loaded = await loadConfig(join(project.root, fileOf('oauthProvider')));
    const tool = loaded.config.tools?.[0] as Record<string, unknown>;
    // The published defineTool's brand and precomputed schema; the reference core has neither.
    expect(tool.__mcify).toBe('tool');
    expect(tool.inputJsonSchema).toBeTypeOf('object');
    expect(loaded.config.auth?.type).toBe('oauth_provider');
  });

  it.each(Object.keys(auths) as (keyof typeof auths)[])('loads with %s, and --load checks its input schemas', async (name) => {
    const loaded = await loadConfig(join(project.root, fileOf(name)));
    expect(loaded.config.name).toBe('billing');
    const result = await run([fileOf(name), '--load', fileOf(name), '--format', 'json', '--fail-on', 'never'], { cwd: project.root });
    expect(result.stderr).not.toMatch(/internal error|must export|not a server/);
    expect(result.code).toBe(0);
    const report = reportShape.parse(JSON.parse(result.stdout));
    const inputFindings = report.findings
      .filter((finding) => finding.ruleId === 'mcify/no-identity-in-input' || finding.ruleId === 'mcify/no-credential-in-input')
      .map((finding) => `${finding.ruleId} ${finding.tool ?? '-'} ${finding.field ?? '?'}`)
      .sort();
    // One finding per flagged field, static and runtime deduplicated; business ids (invoiceId) and plain filters are not flagged.
    expect(inputFindings).toEqual(['mcify/no-credential-in-input bank_connect accessToken', 'mcify/no-identity-in-input invoices_list ownerId']);
    expect(report.tools.find((tool) => tool.name === 'bank_connect')?.inputFields).toEqual(['invoiceId', 'accessToken']);
    expect(report.notes.map((note) => note.message).join('\n')).not.toMatch(/failed to load|not checked at run time/);
  });

  it('is refused with what is wrong with it when the default export is not a server', async () => {
    project.write('not-a-server.ts', "export default { name: 'x', version: '1', auth: { type: 'magic' } };\n");
    project.write('no-default.ts', 'export const server = 1;\n');
    await expect(loadConfig(join(project.root, 'not-a-server.ts'))).rejects.toThrow(/auth\.type is "magic", not one of none, bearer, api_key, oauth, oauth_provider/);
    await expect(loadConfig(join(project.root, 'no-default.ts'))).rejects.toThrow(/has no default export/);
    await expect(loadConfig(join(project.root, 'no-default.ts'))).rejects.toBeInstanceOf(ConfigLoadError);
  });
});

describe('serve of a published config', () => {
  it.each([
    ['oauthProvider', /oauthProvider\(\) \(type oauth_provider/],
    ['oauth (published)', /published oauth\(\{ provider, authorizationUrl, tokenUrl \}\)/],
    ['bearer with verify', /tools come from the published defineTool \(invoices_list has no middlewares list\)/],
    ['no auth', /tools come from the published defineTool/],
  ] as const)('with %s exits 2, naming what the reference runtime lacks and what to run instead', async (name, why) => {
    const result = await run(['serve', join(project.root, fileOf(name))], { cwd: project.root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(why);
    expect(result.stderr).toMatch(/Start the server on its own runtime .* then run: mcify-audit fuzz --url http:\/\/127\.0\.0\.1:PORT\/mcp --token NAME=TOKEN/);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain('internal error');
  });

  it('finds nothing in the way of a config on the reference core', async () => {
    const loaded = await loadConfig(join(repoRoot, 'fixtures/servers/orders/mcify.config.ts'));
    expect(referenceRuntimeGap(loaded.config)).toBeUndefined();
  });
});
