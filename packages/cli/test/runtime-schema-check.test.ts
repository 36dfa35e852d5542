import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, defineTool } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { analyzeProgram, renderMessage, resolveOptions, rules, type Finding, type ResolvedOptions } from '@mcify-audit/analyzer';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z4 } from 'zod/v4';
import { loadConfig, type LoadedConfig } from '../src/load-config.js';
import { reportFinding, reportTool, type ReportFinding, type ReportTool } from '../src/report/report.js';
import { checkRuntimeSchemas, type RuntimeCheckResult, type StaticInputFinding } from '../src/runtime-check/runtime-schema-check.js';
import { scanCompilerOptions } from '../src/project/projects.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const configFile = fileURLToPath(new URL('fixtures/runtime-schemas/mcify.config.ts', import.meta.url));
const configPath = 'packages/cli/test/fixtures/runtime-schemas/mcify.config.ts';
const identity = 'mcify/no-identity-in-input';
const credential = 'mcify/no-credential-in-input';

/** The options the CLI gives a directory without a tsconfig. */
const compilerOptions = scanCompilerOptions;

/** The 1-based line of the fixture that contains `text` (exactly one must). */
function fixtureLine(text: string): number {
  const lines = readFileSync(configFile, 'utf8').split('\n');
  const matches = lines.flatMap((line, index) => (line.includes(text) ? [index + 1] : []));
  if (matches.length !== 1) throw new Error(`${text}: ${String(matches.length)} lines`);
  return matches[0] ?? 0;
}

/** `[ruleId, tool, field]` of an input-field finding, the field read from its message. */
function triple(finding: Pick<ReportFinding, 'ruleId' | 'tool' | 'message'>): string {
  return `${finding.ruleId} ${finding.tool ?? '-'} ${/^Input field "(.+?)" of /.exec(finding.message)?.[1] ?? '?'}`;
}

const inputRule = (finding: { ruleId: string }) => finding.ruleId === identity || finding.ruleId === credential;

let loaded: LoadedConfig;
let analyzerFindings: readonly Finding[];
let staticFindings: readonly ReportFinding[];
let staticTools: readonly ReportTool[];

beforeAll(async () => {
  loaded = await loadConfig(configFile);
  const analysis = analyzeProgram(ts.createProgram([configFile], compilerOptions), {}, [configFile]);
  analyzerFindings = analysis.findings;
  staticFindings = analysis.findings.map((finding) => reportFinding(finding, repoRoot));
  staticTools = analysis.tools.map((entry) => reportTool(entry, repoRoot));
}, 120_000);

function check(options: ResolvedOptions = resolveOptions(), context: { staticFindings?: readonly StaticInputFinding[]; staticTools?: readonly ReportTool[] } = {}): RuntimeCheckResult {
  return checkRuntimeSchemas(loaded, options, { cwd: repoRoot, staticFindings: context.staticFindings ?? staticFindings, staticTools: context.staticTools ?? staticTools });
}

/** A config made in the test, for inputs no fixture should ship; its file need not exist. */
function craftedConfig(tools: readonly unknown[]): Pick<LoadedConfig, 'file' | 'config'> {
  const config = defineConfig({ name: 'crafted', version: '1.0.0' });
  return { file: join(repoRoot, 'crafted/mcify.config.ts'), config: { ...config, tools } };
}

function checkCrafted(tools: readonly unknown[], options: ResolvedOptions = resolveOptions()): RuntimeCheckResult {
  return checkRuntimeSchemas(craftedConfig(tools), options, { cwd: repoRoot, staticFindings: [], staticTools: [] });
}

describe('checkRuntimeSchemas on a config whose schemas are built at run time', () => {
  it('is a config static analysis cannot fully read: it reports tenantId and none of the run-time fields', () => {
    // The premise of the other tests: without it they would prove nothing.
    expect(staticFindings.filter(inputRule).map(triple)).toEqual([`${identity} orders_search tenantId`]);
    const search = staticTools.find((entry) => entry.name === 'orders_search');
    expect(search?.inputFields).toEqual(['tenantId', 'filter']);
    expect(staticTools.map((entry) => entry.name)).not.toContain('notes_share');
  });

  it('reports the identity and credential fields built at run time, with rule, tool, file and line', () => {
    const { findings } = check();
    expect(findings.map(triple).sort()).toEqual(
      [
        `${identity} orders_search userId`,
        `${identity} orders_search filter.accountId`,
        `${credential} invoices_sync apiKey`,
        `${credential} invoices_sync connections.clientSecret`,
        `${identity} transfers_list from.workspaceId`,
        `${identity} transfers_list to.workspaceId`,
        `${identity} transfers_list target.ownerId`,
        `${identity} notes_share memberIds`,
      ].sort(),
    );
    const lineOf: Record<string, number> = {
      orders_search: fixtureLine('export const ordersSearch = defineTool({'),
      invoices_sync: fixtureLine('export const invoicesSync = defineTool({'),
      transfers_list: fixtureLine('export const transfersList = defineTool({'),
      // Not a defineTool call, so static analysis has no entry for it: the config file's first line.
      notes_share: 1,
    };
    for (const finding of findings) {
      const line = lineOf[finding.tool ?? ''];
      expect(finding, triple(finding)).toMatchObject({ file: configPath, line, column: 1, severity: 'error', confidence: 'high' });
      // Where it was seen is the finding's one flow step; the message is the rule's template with its data.
      expect(finding.flow).toEqual([{ file: configPath, line, column: 1, message: expect.stringContaining('static analysis did not report this field') as string }]);
      expect(finding.message).toBe(renderMessage(rules[finding.ruleId].messages[finding.messageId] ?? '', finding.data));
    }
    const apiKey = findings.find((finding) => triple(finding) === `${credential} invoices_sync apiKey`);
    expect(apiKey?.message).toMatch(/^Input field "apiKey" of invoices_sync accepts a credential/);
  });

  it('does not report again a field the static pass reported: tenantId appears once in the merged findings', () => {
    const { findings } = check();
    const merged = [...staticFindings.filter(inputRule), ...findings].map(triple);
    expect(merged.filter((entry) => entry === `${identity} orders_search tenantId`)).toHaveLength(1);
    expect(new Set(merged).size).toBe(merged.length);
  });

  it('recognises the static finding by its message, by its field, or by the static inventory; without any of them tenantId is reported', () => {
    const tenantId = (result: RuntimeCheckResult) => result.findings.filter((finding) => triple(finding) === `${identity} orders_search tenantId`);
    const withoutInventoryFields = staticTools.map((entry) => ({ ...entry, identityFields: [], credentialFields: [] }));
    // Report findings carry no field: the message names it.
    expect(tenantId(check(undefined, { staticTools: withoutInventoryFields }))).toEqual([]);
    // Analyzer findings carry `field`, which wins over a message that does not name it.
    const byField = analyzerFindings.map((finding) => ({ ...finding, message: 'reworded' }));
    expect(byField.some((finding) => finding.field === 'tenantId')).toBe(true);
    expect(tenantId(check(undefined, { staticFindings: byField, staticTools: withoutInventoryFields }))).toEqual([]);
    // A field in the static inventory without a finding was suppressed or switched off there.
    expect(tenantId(check(undefined, { staticFindings: [] }))).toEqual([]);
    // Nothing static about it: reported, at the tool's static location.
    const reported = tenantId(check(undefined, { staticFindings: [], staticTools: withoutInventoryFields }));
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ file: configPath, line: fixtureLine('export const ordersSearch = defineTool({') });
  });

  it('locates a finding at the static entry of its tool, wherever that is, and at line 1 of the config without one', () => {
    const elsewhere = staticTools.map((entry) => (entry.name === 'invoices_sync' ? { ...entry, file: 'src/tools/invoices.ts', line: 7 } : entry));
    const moved = check(undefined, { staticTools: elsewhere }).findings.filter((finding) => finding.tool === 'invoices_sync');
    expect(moved.map((finding) => [finding.file, finding.line])).toEqual([
      ['src/tools/invoices.ts', 7],
      ['src/tools/invoices.ts', 7],
    ]);
    const unseen = check(undefined, { staticFindings: [], staticTools: [] }).findings;
    expect(unseen.length).toBeGreaterThan(0);
    expect(unseen.every((finding) => finding.file === configPath && finding.line === 1)).toBe(true);
  });

  it('does not flag the lookalikes, though it reads them', () => {
    const result = check();
    const flagged = new Set(result.findings.map(triple).map((entry) => entry.split(' ')[2]));
    const fieldsOf = (name: string) => result.tools.find((entry) => entry.name === name);
    const lookalikes: Record<string, string[]> = {
      orders_search: ['orderId', 'pageToken', 'query', 'filter.status'],
      invoices_sync: ['customerId', 'connections.label'],
      transfers_list: ['target.orderId'],
      notes_share: ['note'],
    };
    for (const [tool, fields] of Object.entries(lookalikes)) {
      const entry = fieldsOf(tool);
      for (const field of fields) {
        expect(entry?.inputFields, `${tool} ${field}`).toContain(field);
        expect(entry?.identityFields, `${tool} ${field}`).not.toContain(field);
        expect(entry?.credentialFields, `${tool} ${field}`).not.toContain(field);
        expect(flagged.has(field), `${tool} ${field}`).toBe(false);
      }
    }
  });

  it('takes severities from the options: off switches a rule off, warning lowers it', () => {
    const off = check(resolveOptions({ severity: { [credential]: 'off' } }));
    expect(off.findings.filter((finding) => finding.ruleId === credential)).toEqual([]);
    expect(off.findings.filter((finding) => finding.ruleId === identity)).toHaveLength(6);
    // The inventory still lists the fields, as the static inventory does whatever the severity.
    expect(off.tools.find((entry) => entry.name === 'invoices_sync')?.credentialFields).toEqual(['apiKey', 'connections.clientSecret']);

    const lowered = check(resolveOptions({ severity: { [identity]: 'warning' } }));
    expect(new Set(lowered.findings.filter((finding) => finding.ruleId === identity).map((finding) => finding.severity))).toEqual(new Set(['warning']));
    expect(new Set(lowered.findings.filter((finding) => finding.ruleId === credential).map((finding) => finding.severity))).toEqual(new Set(['error']));
  });

  it('reads a zod/v4 schema with zod 4 converter: notes_share', () => {
    const result = check();
    expect(result.findings.filter((finding) => finding.tool === 'notes_share').map(triple)).toEqual([`${identity} notes_share memberIds`]);
    expect(result.notes.filter((note) => /could not|not a zod schema/.test(note.message))).toEqual([]);
  });

  it('merges the fields seen at run time into the static inventory, and adds the tools static analysis did not see', () => {
    const { tools, notes } = check();
    expect(tools.map((entry) => entry.name)).toEqual([...staticTools.map((entry) => entry.name), 'notes_share']);

    const before = staticTools.find((entry) => entry.name === 'orders_search');
    const after = tools.find((entry) => entry.name === 'orders_search');
    expect(after).toEqual({
      ...before,
      inputFields: ['tenantId', 'filter', 'userId', 'query', 'orderId', 'pageToken', 'filter.accountId', 'filter.status'],
      identityFields: ['tenantId', 'userId', 'filter.accountId'],
      credentialFields: [],
    });
    const transfers = tools.find((entry) => entry.name === 'transfers_list');
    expect(transfers?.inputFields).toEqual(['from', 'to', 'target', 'target.orderId', 'from.workspaceId', 'to.workspaceId', 'target.ownerId']);

    expect(tools.find((entry) => entry.name === 'notes_share')).toEqual({
      name: 'notes_share',
      kind: 'tool',
      file: configPath,
      line: 1,
      requiresAuth: true,
      scopeGates: ["requireAuth({ scopes: ['notes:share'] })"],
      inputFields: ['memberIds', 'note'],
      identityFields: ['memberIds'],
      credentialFields: [],
      sinks: [],
    });
    expect(notes).toHaveLength(1);
    expect(notes[0]?.message).toMatch(/^Tool notes_share was found only by loading packages\/cli\/test\/fixtures\/runtime-schemas\/mcify\.config\.ts: /);
    expect(notes[0]?.file).toBe(configPath);
  });
});

describe('checkRuntimeSchemas on odd input', () => {
  const userTool = defineTool({ name: 'profile_get', input: z.object(Object.fromEntries([['userId', z.string()]])), handler: () => ({}) });

  it('turns a schema that fails to convert, a non-zod input, a missing input and a throwing getter into notes, and checks the other tools', () => {
    const failing = defineTool({
      name: 'lazy_fails',
      input: z.lazy(() => {
        throw new Error('schema factory failed');
      }),
      handler: () => ({}),
    });
    const jsonSchemaInput = { name: 'plain_json', input: { type: 'object', properties: { userId: { type: 'string' } } }, middlewares: [] };
    const noInput = { name: 'no_input', middlewares: [] };
    const throwing = {
      name: 'getter_throws',
      get input(): never {
        throw new Error('input getter exploded');
      },
    };
    // A throw fails the test: that is the assertion that nothing throws.
    const result = checkCrafted([failing, jsonSchemaInput, noInput, throwing, null, userTool]);
    expect(result.notes.map((note) => note.message)).toEqual([
      expect.stringMatching(/^The input schema of lazy_fails could not be converted to JSON Schema \(schema factory failed\): it was not checked at run time\.$/),
      expect.stringMatching(/^Tool lazy_fails was found only by loading/),
      expect.stringMatching(/^The input schema of plain_json is not a zod schema: it was not checked at run time\.$/),
      expect.stringMatching(/^Tool plain_json was found only by loading/),
      expect.stringMatching(/^The input schema of no_input is missing \(the tool has no input\)/),
      expect.stringMatching(/^Tool no_input was found only by loading/),
      expect.stringMatching(/^The runtime schema check stopped on getter_throws: input getter exploded$/),
      expect.stringMatching(/^Tool getter_throws was found only by loading/),
      expect.stringMatching(/^A tool of crafted\/mcify\.config\.ts has no name/),
      expect.stringMatching(/^Tool profile_get was found only by loading/),
    ]);
    expect(result.notes.every((note) => note.file === 'crafted/mcify.config.ts')).toBe(true);
    // Every named tool is in the inventory; those whose schema could not be read list no fields.
    expect(result.tools.map((entry) => [entry.name, entry.inputFields])).toEqual([
      ['lazy_fails', []],
      ['plain_json', []],
      ['no_input', []],
      ['getter_throws', []],
      ['profile_get', ['userId']],
    ]);
    // plain_json's userId is not read (it is not a zod schema); profile_get's is.
    expect(result.findings.map(triple)).toEqual([`${identity} profile_get userId`]);
  });

  it('walks recursive zod 3 and zod 4 schemas to an end, reporting each field once', () => {
    const category: z.ZodTypeAny = z.lazy(() => z.object({ ...Object.fromEntries([['ownerId', z.string()]]), name: z.string(), children: z.array(category) }));
    const v3 = defineTool({ name: 'categories_v3', input: z.object({ root: category }), handler: () => ({}) });
    const node: z4.ZodType = z4.object({ ...Object.fromEntries([['teamId', z4.string()]]), children: z4.lazy(() => z4.array(node)) });
    const v4 = { name: 'categories_v4', input: node, middlewares: [] };
    const result = checkCrafted([v3, v4]);
    expect(result.findings.map(triple).sort()).toEqual([`${identity} categories_v3 root.ownerId`, `${identity} categories_v4 teamId`]);
    expect(result.tools.find((entry) => entry.name === 'categories_v3')?.inputFields).toEqual(['root', 'root.ownerId', 'root.name', 'root.children']);
    expect(result.tools.find((entry) => entry.name === 'categories_v4')?.inputFields).toEqual(['teamId', 'children']);
    // requireAuth is not among these tools' middlewares: not shown, so false.
    expect(result.tools.every((entry) => !entry.requiresAuth)).toBe(true);
  });

  it('reads what the agent sends: the input side of transforms and pipes, in zod 3 and zod 4', () => {
    const v3 = defineTool({
      name: 'piped_v3',
      input: z
        .object(Object.fromEntries([['userId', z.string()]]))
        .transform((value) => ({ count: Object.keys(value).length }))
        .pipe(z.object({ count: z.number() })),
      handler: () => ({}),
    });
    const v4 = { name: 'piped_v4', input: z4.object(Object.fromEntries([['orgId', z4.string()]])).transform((value) => ({ count: Object.keys(value).length })), middlewares: [] };
    const result = checkCrafted([v3, v4]);
    expect(result.tools.map((entry) => [entry.name, entry.inputFields])).toEqual([
      ['piped_v3', ['userId']],
      ['piped_v4', ['orgId']],
    ]);
    expect(result.findings.map(triple)).toEqual([`${identity} piped_v3 userId`, `${identity} piped_v4 orgId`]);
  });

  it('bounds the walk of huge and deep schemas, and says so in a note', () => {
    const wide = defineTool({ name: 'wide', input: z.object(Object.fromEntries(Array.from({ length: 5_000 }, (_, index) => [`field${String(index)}`, z.string()]))), handler: () => ({}) });
    let deep: z.ZodObject<z.ZodRawShape> = z.object(Object.fromEntries([['userId', z.string()]]));
    for (let level = 0; level < 40; level += 1) deep = z.object({ inner: deep });
    const deepTool = defineTool({ name: 'deep', input: deep, handler: () => ({}) });
    const started = Date.now();
    const result = checkCrafted([wide, deepTool]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.notes.map((note) => note.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^The input schema of wide is larger than the runtime check walks/), expect.stringMatching(/^The input schema of deep is larger than the runtime check walks/)]),
    );
    expect(result.tools.find((entry) => entry.name === 'wide')?.inputFields).toHaveLength(2_000);
    const deepFields = result.tools.find((entry) => entry.name === 'deep')?.inputFields ?? [];
    expect(deepFields).toHaveLength(10);
    // The userId 41 levels down is beyond the bound: not read, so not reported.
    expect(result.findings).toEqual([]);
  });

  it('reads requiresAuth and scope gates of an unseen tool from requireAuth() middlewares only', () => {
    const gated = defineTool({ name: 'gated', middlewares: [requireAuth({ scopes: ['a:read', 'a:write'] }), requireAuth()], input: z.object({}), handler: () => ({}) });
    const custom = defineTool({ name: 'custom_guard', middlewares: [(_input, _ctx, next) => next()], input: z.object({}), handler: () => ({}) });
    const { tools } = checkCrafted([gated, custom]);
    expect(tools.map((entry) => [entry.name, entry.requiresAuth, entry.scopeGates])).toEqual([
      ['gated', true, ["requireAuth({ scopes: ['a:read', 'a:write'] })"]],
      ['custom_guard', false, []],
    ]);
  });
});
