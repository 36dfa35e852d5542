import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMessage, rules, type RuleId } from '@mcify-audit/analyzer';
import { z } from 'zod';
import { compare, corpusCases } from '../../analyzer/test/corpus-cases.js';
import { repoRoot, run, temporaryProject, type CliRun } from './support/run-cli.js';

const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'report.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

const reportShape = z.object({
  summary: z.object({ files: z.number(), tools: z.number(), errors: z.number(), warnings: z.number() }),
  tools: z.array(z.object({ name: z.string().nullable(), file: z.string(), requiresAuth: z.boolean(), scopeGates: z.array(z.string()), identityFields: z.array(z.string()), credentialFields: z.array(z.string()), sinks: z.array(z.object({ scoped: z.boolean() })) })),
  dialect: z.object({ name: z.enum(['guide', 'published', 'mixed']), reason: z.string() }),
  notes: z.array(z.object({ code: z.string(), message: z.string(), file: z.string().optional(), line: z.number().optional(), column: z.number().optional() })),
  findings: z.array(
    z.object({
      ruleId: z.string(),
      severity: z.string(),
      confidence: z.string(),
      messageId: z.string(),
      data: z.record(z.string()),
      message: z.string(),
      file: z.string(),
      line: z.number(),
      column: z.number(),
      tool: z.string().nullable(),
      field: z.string().optional(),
    }),
  ),
});
type JsonReport = z.infer<typeof reportShape>;

/** Parses a JSON report after checking it against docs/report.schema.json. */
function jsonReport(result: CliRun): JsonReport {
  const parsed = JSON.parse(result.stdout) as unknown;
  expect(validate(parsed), JSON.stringify(validate.errors, null, 2)).toBe(true);
  return reportShape.parse(parsed);
}

const brief = (report: JsonReport) => report.findings.map((finding) => `${finding.ruleId} ${finding.tool ?? '-'} ${finding.file}:${String(finding.line)}`);

describe('mcify-audit fixtures/lint (the labelled corpus)', () => {
  let corpus: CliRun;
  beforeAll(async () => {
    corpus = await run(['fixtures/lint', '--format', 'json']);
  }, 180_000);

  it('reports every annotated finding and nothing else, in the contract shape', () => {
    const report = jsonReport(corpus);
    const files = corpusCases().flatMap((corpusCase) => corpusCase.files);
    const comparison = compare(files, report.findings.map((finding) => ({ ruleId: finding.ruleId, message: finding.message, location: { file: join(repoRoot, finding.file), line: finding.line } })));
    expect(comparison.missed).toEqual([]);
    expect(comparison.extra).toEqual([]);
    expect(comparison.matched.length).toBeGreaterThan(100);
    expect(report.summary.files).toBe(files.length);
    expect(report.summary.errors + report.summary.warnings).toBe(report.findings.length);
    // Paths are relative to the working directory, POSIX, without ./
    for (const finding of report.findings) expect(finding.file).toMatch(/^fixtures\/lint\/[^\\]+$/);
  });

  it('gives every finding its message id and data, and the input-field rules their field', () => {
    const report = jsonReport(corpus);
    for (const finding of report.findings) {
      // The message is the rule's template for that id, filled with the data: nothing else identifies it.
      const template = rules[finding.ruleId as RuleId].messages[finding.messageId];
      expect(template, `${finding.ruleId} ${finding.messageId}`).toBeDefined();
      expect(renderMessage(template ?? '', finding.data), `${finding.file}:${String(finding.line)}`).toBe(finding.message);
      const inputFieldRule = finding.ruleId === 'mcify/no-identity-in-input' || finding.ruleId === 'mcify/no-credential-in-input';
      expect(finding.field !== undefined, `${finding.ruleId} ${finding.file}:${String(finding.line)}`).toBe(inputFieldRule);
      if (finding.field !== undefined) expect(finding.data.field).toBe(finding.field);
    }
    const ids = new Set(report.findings.map((finding) => `${finding.ruleId} ${finding.messageId}`));
    expect(ids.size).toBeGreaterThan(8);
  });

  it('gives every note a code, and says which dialect the advice is in and why', () => {
    const report = jsonReport(corpus);
    for (const note of report.notes) expect(note.code).toMatch(/^[a-z][a-z-]*$/);
    expect(report.notes.filter((note) => note.code === 'unresolved-import').every((note) => note.line !== undefined && note.column !== undefined)).toBe(true);
    // The corpus resolves @mcify/core to this repository's reference core: the guide's dialect.
    expect(report.dialect.name).toBe('guide');
    expect(report.notes.filter((note) => note.code === 'dialect').map((note) => note.message)).toEqual([`Advice is written in the guide mcify dialect: ${report.dialect.reason}.`]);
    expect(report.dialect.reason).not.toContain(repoRoot);
  });

  it('exits 1 on errors, and says nothing but the report on stdout', () => {
    expect(corpus.code).toBe(1);
    expect(() => JSON.parse(corpus.stdout) as unknown).not.toThrow();
    expect(corpus.stderr).toBe('');
  });

  it('lists the tools with their gates, identity fields and data access', () => {
    const report = jsonReport(corpus);
    expect(report.tools.length).toBe(report.summary.tools);
    const lookup = report.tools.find((tool) => tool.name === 'user_lookup' && tool.file === 'fixtures/lint/mixed/suppressions.ts');
    expect(lookup).toMatchObject({ requiresAuth: true, identityFields: ['userId'], credentialFields: [] });
    expect(lookup?.scopeGates).toEqual(["requireAuth({ scopes: ['users:read'] })"]);
    const partner = report.tools.find((tool) => tool.name === 'partner_connect');
    expect(partner?.credentialFields).toEqual(['apiKey', 'webhookSecret']);
    expect(partner?.sinks.map((sink) => sink.scoped)).toEqual([true]);
  });

  it('notes imports it could not resolve instead of failing', () => {
    const report = jsonReport(corpus);
    expect(report.notes.some((note) => note.code === 'unresolved-import' && note.message.startsWith('Cannot resolve "@prisma/client"'))).toBe(true);
    expect(report.notes.some((note) => note.message.includes('"@mcify/core"'))).toBe(false);
  });
});

describe('every format, end to end', () => {
  // A smaller folder of the corpus: the whole corpus runs above and in bin.test.ts.
  let json: JsonReport;
  beforeAll(async () => {
    json = jsonReport(await run(['fixtures/lint/mixed', '--format', 'json']));
  }, 120_000);

  it.each(['text', 'markdown', 'html', 'sarif'])('writes %s with every finding and the same exit code', async (format) => {
    const result = await run(['fixtures/lint/mixed', '--format', format]);
    expect(result.code).toBe(1);
    expect(json.findings.length).toBeGreaterThan(10);
    if (format === 'sarif') {
      const log = z
        .object({
          runs: z.array(
            z.object({
              results: z.array(z.object({ ruleId: z.string(), properties: z.object({ messageId: z.string() }) })),
              properties: z.object({ dialect: z.unknown() }),
              invocations: z.array(z.object({ toolExecutionNotifications: z.array(z.object({ descriptor: z.object({ id: z.string() }), message: z.object({ text: z.string() }) })) })),
            }),
          ),
        })
        .parse(JSON.parse(result.stdout));
      const sarifRun = log.runs[0];
      expect(sarifRun?.results.map((entry) => `${entry.ruleId} ${entry.properties.messageId}`).sort()).toEqual(json.findings.map((finding) => `${finding.ruleId} ${finding.messageId}`).sort());
      // The dialect: in the run's properties, and as a notification with the note's code.
      expect(sarifRun?.properties.dialect).toEqual(json.dialect);
      expect(sarifRun?.invocations[0]?.toolExecutionNotifications.filter((entry) => entry.descriptor.id === 'dialect').map((entry) => entry.message.text)).toEqual([
        `Advice is written in the guide mcify dialect: ${json.dialect.reason}.`,
      ]);
      return;
    }
    // Which dialect the advice is in, and why (Markdown and HTML escape some characters of the reason).
    expect(result.stdout).toContain(`Advice is written in the ${json.dialect.name} mcify dialect: `);
    if (format === 'text') expect(result.stdout).toContain(`Advice is written in the guide mcify dialect: ${json.dialect.reason}.`);
    for (const finding of json.findings) {
      // Every finding is there with its position (markdown and html escape some characters of the path).
      expect(result.stdout).toContain(`${String(finding.line)}:${String(finding.column)}`);
      expect(result.stdout).toContain(finding.ruleId);
    }
    for (const tool of json.tools) if (tool.name !== null) expect(result.stdout).toContain(format === 'markdown' ? tool.name.replace(/_/g, '\\_') : tool.name);
  }, 120_000);
});

const plantedSchema = z.array(z.object({ ruleId: z.string(), tool: z.string().nullable(), file: z.string(), description: z.string() }));

describe('mcify-audit on the fixture servers', () => {
  it('reports exactly the mcify/ entries of orders-vulnerable/planted.json, and exits 0 with --fail-on never', async () => {
    const planted = plantedSchema.parse(JSON.parse(readFileSync(join(repoRoot, 'fixtures/servers/orders-vulnerable/planted.json'), 'utf8')));
    const expected = planted.filter((entry) => entry.ruleId.startsWith('mcify/')).map((entry) => `${entry.ruleId} ${entry.tool ?? '-'} ${entry.file}`);
    const result = await run(['fixtures/servers/orders-vulnerable', '--format', 'json', '--fail-on', 'never']);
    expect(result.code).toBe(0);
    const report = jsonReport(result);
    const found = report.findings.map((finding) => `${finding.ruleId} ${finding.tool ?? '-'} ${finding.file}`);
    expect([...new Set(found)].sort()).toEqual([...new Set(expected)].sort());
  }, 180_000);

  it.each(['orders', 'ledger-sessions'])('finds nothing in %s, and lists its tools', async (server) => {
    const result = await run([`fixtures/servers/${server}`, '--format', 'json']);
    const report = jsonReport(result);
    expect(brief(report)).toEqual([]);
    expect(result.code).toBe(0);
    expect(report.tools.length).toBeGreaterThanOrEqual(5);
    expect(report.tools.every((tool) => tool.requiresAuth)).toBe(true);
  }, 180_000);
});

/** A small mcify server written to a temporary folder without node_modules. */
const server = (fields: string, extra = '') => `import { defineConfig, defineTool, oauth } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { PrismaClient } from '@prisma/client';
import { z } from 'zod';

const db = new PrismaClient();

export const ordersList = defineTool({
  name: 'orders_list',
  description: 'List your orders.',
  middlewares: [requireAuth({ scopes: ['orders:read'] })],
  input: z.object({
${fields}
    status: z.string().optional(),
  }),
  handler: async (input, ctx) => {
    const tenantId = ctx.auth.claims['tenantId'] as string;
    return { orders: await db.order.findMany({ where: { tenantId, status: input.status } }) };
  },
});
${extra}
export default defineConfig({
  name: 'shop',
  version: '1.0.0',
  auth: oauth({ issuer: 'https://idp.example.com', audience: 'shop', jwksUri: 'https://idp.example.com/jwks' }),
  tools: [ordersList],
});
`;

describe('mcify-audit on a project without node_modules', () => {
  const project = temporaryProject({
    'tsconfig.json': `{
  // TypeScript 6.0 deprecates some of these and cannot find the rest.
  "extends": "@tsconfig/missing-base/tsconfig.json",
  "compilerOptions": { "target": "es5", "baseUrl": ".", "moduleResolution": "node", "module": "commonjs", "types": ["node"], "strict": true, },
  "include": ["src"]
}
`,
    'src/server.ts': server('    userId: z.string(),'),
  });
  afterAll(() => {
    project.remove();
  });

  it('analyses it, and turns tsconfig problems and unresolved imports into notes', async () => {
    const result = await run(['.', '--format', 'json'], { cwd: project.root });
    const report = jsonReport(result);
    expect(brief(report)).toEqual(['mcify/no-identity-in-input orders_list src/server.ts:13']);
    expect(result.code).toBe(1);
    const notes = report.notes.map((note) => note.message).join('\n');
    expect(notes).toContain('@tsconfig/missing-base');
    expect(notes).toMatch(/baseUrl' is deprecated/);
    expect(notes).toMatch(/Cannot find type definition file for 'node'/);
    expect(notes).toContain('Cannot resolve "@mcify/core"');
    expect(report.notes.find((note) => note.message.includes('baseUrl'))?.file).toBe('tsconfig.json');
  }, 60_000);

  it('accepts the tsconfig, a file or --tsconfig as the target', async () => {
    for (const args of [['tsconfig.json'], ['src/server.ts'], ['--tsconfig', 'tsconfig.json'], ['--tsconfig', 'tsconfig.json', 'src']]) {
      const report = jsonReport(await run([...args, '--format', 'json'], { cwd: project.root }));
      expect(brief(report), args.join(' ')).toEqual(['mcify/no-identity-in-input orders_list src/server.ts:13']);
    }
  }, 60_000);

  it('writes the report to --output and summarises on stderr', async () => {
    const result = await run(['--format', 'sarif', '--output', 'reports/audit.sarif'], { cwd: project.root });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('reports/audit.sarif: 1 error(s)');
    const log = JSON.parse(readFileSync(join(project.root, 'reports/audit.sarif'), 'utf8')) as { version: string };
    expect(log.version).toBe('2.1.0');
  }, 60_000);
});

describe('exit codes and --fail-on', () => {
  const project = temporaryProject({
    'errors/server.ts': server('    userId: z.string(),'),
    'warnings/server.ts': server('', "export const policy = { accessTokenTtlHours: 24 };\n"),
    'clean/server.ts': server(''),
  });
  afterAll(() => {
    project.remove();
  });

  it.each([
    ['errors', 'error', 1],
    ['errors', 'warning', 1],
    ['errors', 'never', 0],
    ['warnings', 'error', 0],
    ['warnings', 'warning', 1],
    ['warnings', 'never', 0],
    ['clean', 'warning', 0],
  ])('%s with --fail-on %s exits %i', async (folder, failOn, code) => {
    const result = await run([folder, '--fail-on', failOn], { cwd: project.root });
    expect(result.code, result.stderr).toBe(code);
  }, 60_000);

  it.each([
    [['--format', 'yaml'], /--format must be one of text, json, sarif, markdown, html/],
    [['--fail-on', 'sometimes'], /--fail-on must be one of error, warning, never/],
    [['no-such-dir'], /no-such-dir: no such file or directory/],
    [['--tsconfig', 'missing.json'], /--tsconfig missing.json: no such file/],
    [['--colour'], /Unknown option '--colour'/],
    [['--baseline', 'none.json'], /--baseline .*none.json: cannot read the file/],
  ])('%j is a usage error (exit 2) that says what is wrong', async (args, message) => {
    const result = await run(['clean', ...args], { cwd: project.root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  }, 60_000);
});

describe('suppressions', () => {
  const project = temporaryProject({
    'src/server.ts': server(`    // mcify-audit-ignore mcify/no-identity-in-input -- support tool, reviewed
    ownerId: z.string(),
    // mcify-audit-ignore mcify/no-identity-in-input
    userId: z.string(),
    // mcify-audit-ignore mcify/no-credential-in-input -- nothing here is a credential
    orderId: z.string(),`),
  });
  afterAll(() => {
    project.remove();
  });

  it('honours a suppression with a reason; a missing reason and an unused one are notes', async () => {
    const report = jsonReport(await run(['--format', 'json'], { cwd: project.root }));
    expect(brief(report)).toEqual(['mcify/no-identity-in-input orders_list src/server.ts:16']);
    const notes = report.notes.filter((note) => note.file === 'src/server.ts').map((note) => note.message);
    expect(notes).toEqual(
      expect.arrayContaining([expect.stringMatching(/at line 15 has no reason, so it is not honoured/), expect.stringMatching(/at line 17 .*suppresses nothing/)]),
    );
    expect(notes.some((note) => note.includes('line 13'))).toBe(false);
  }, 60_000);
});

describe('--baseline', () => {
  const project = temporaryProject({ 'src/server.ts': server('    userId: z.string(),') });
  afterAll(() => {
    project.remove();
  });

  it('hides known findings, even after lines move, and reports new ones', async () => {
    expect((await run(['--format', 'json', '--output', 'baseline.json'], { cwd: project.root })).code).toBe(1);
    const same = await run(['--baseline', 'baseline.json', '--format', 'json'], { cwd: project.root });
    expect(same.code).toBe(0);
    expect(jsonReport(same).findings).toEqual([]);
    expect(jsonReport(same).notes.map((note) => note.message)).toContain('Baseline baseline.json: 1 known finding(s) hidden.');

    project.write('src/server.ts', `// a new header comment\n// that moves every line down\n${server('    userId: z.string(),\n    accountId: z.string(),')}`);
    const moved = await run(['--baseline', 'baseline.json', '--format', 'json'], { cwd: project.root });
    expect(brief(jsonReport(moved))).toEqual(['mcify/no-identity-in-input orders_list src/server.ts:16']);
    expect(moved.code).toBe(1);

    project.write('src/server.ts', server(''));
    const fixed = await run(['--baseline', 'baseline.json', '--format', 'json'], { cwd: project.root });
    expect(jsonReport(fixed).notes.map((note) => note.message)).toContain('Baseline baseline.json: 0 known finding(s) hidden, 1 baseline entry no longer found (fixed? refresh the baseline).');
  }, 60_000);

  it('matches by message id and field, not by wording; a baseline without message ids matches by text, with one note to regenerate it', async () => {
    project.write('src/server.ts', server('    userId: z.string(),\n    accountId: z.string(),'));
    expect((await run(['--format', 'json', '--output', 'baseline.json'], { cwd: project.root })).code).toBe(1);
    const saved = JSON.parse(readFileSync(join(project.root, 'baseline.json'), 'utf8')) as { findings: Record<string, unknown>[] };
    // Without node_modules the published dialect is assumed: its wording has its own message id.
    expect(saved.findings.map((entry) => [entry.messageId, entry.field])).toEqual([
      ['identityFieldPublished', 'userId'],
      ['identityFieldPublished', 'accountId'],
    ]);

    // A reworded message (a new release), in the other dialect (a checkout with node_modules), still
    // matches: the identity is the rule's message id, whatever the dialect, and the field.
    project.write('reworded.json', JSON.stringify({ ...saved, findings: saved.findings.map((entry) => ({ ...entry, messageId: 'identityField', message: 'Worded differently.' })) }));
    const reworded = jsonReport(await run(['--baseline', 'reworded.json', '--format', 'json'], { cwd: project.root }));
    expect(reworded.findings).toEqual([]);
    expect(reworded.notes.map((note) => note.code)).not.toContain('baseline-outdated');
    // The field tells two findings of the same rule and message id apart.
    project.write('one-field.json', JSON.stringify({ ...saved, findings: saved.findings.filter((entry) => entry.field === 'userId') }));
    expect(brief(jsonReport(await run(['--baseline', 'one-field.json', '--format', 'json'], { cwd: project.root })))).toEqual(['mcify/no-identity-in-input orders_list src/server.ts:14']);

    // A baseline written before message ids: matched by its message text, and said once.
    const without = (entry: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(Object.entries(entry).filter(([key]) => !keys.includes(key)));
    project.write('legacy.json', JSON.stringify({ ...saved, findings: saved.findings.map((entry) => without(entry, ['messageId', 'data', 'field'])) }));
    const legacy = jsonReport(await run(['--baseline', 'legacy.json', '--format', 'json'], { cwd: project.root }));
    expect(legacy.findings).toEqual([]);
    const outdated = legacy.notes.filter((note) => note.code === 'baseline-outdated');
    expect(outdated).toHaveLength(1);
    expect(outdated[0]?.message).toMatch(/^Baseline legacy\.json was written before findings had message ids: its 2 entries match by message text.* Regenerate it: mcify-audit \[PATH\.\.\.\] --format json --output legacy\.json$/);
    expect(legacy.notes).toContainEqual({ code: 'baseline', message: 'Baseline legacy.json: 2 known finding(s) hidden.' });
    // By text, a reworded legacy entry no longer matches.
    project.write('legacy-reworded.json', JSON.stringify({ ...saved, findings: saved.findings.map((entry) => ({ ...without(entry, ['messageId']), message: 'Worded differently.' })) }));
    expect(jsonReport(await run(['--baseline', 'legacy-reworded.json', '--format', 'json'], { cwd: project.root })).findings).toHaveLength(2);
  }, 60_000);

  it('refuses a file that is not a JSON report', async () => {
    project.write('not-a-report.json', '{"runs": []}');
    const result = await run(['--baseline', 'not-a-report.json'], { cwd: project.root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a JSON report of mcify-audit');
  }, 60_000);
});

describe('the shared configuration file', () => {
  const project = temporaryProject({ 'app/src/server.ts': server('    userId: z.string(),\n    teamId: z.string(),') });
  afterAll(() => {
    project.remove();
  });

  it('reads mcify-audit.config.json, or the "mcify-audit" key of package.json, from the project upwards', async () => {
    project.write('mcify-audit.config.json', JSON.stringify({ identityNouns: ['user'] }));
    expect(brief(jsonReport(await run(['app', '--format', 'json'], { cwd: project.root })))).toEqual(['mcify/no-identity-in-input orders_list app/src/server.ts:13']);

    project.write('app/package.json', JSON.stringify({ name: 'app', 'mcify-audit': { severity: { 'mcify/no-identity-in-input': 'off' } } }));
    const off = await run(['app', '--format', 'json'], { cwd: project.root });
    expect(jsonReport(off).findings).toEqual([]);
    expect(off.code).toBe(0);
  }, 60_000);

  it('stops with exit 2 on invalid options, naming the file and the field', async () => {
    project.write('app/package.json', JSON.stringify({ name: 'app', 'mcify-audit': { severity: { 'mcify/no-such-rule': 'off' } } }));
    const result = await run(['app'], { cwd: project.root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/invalid options in .*package\.json \("mcify-audit"\).*severity/s);
  }, 60_000);
});

describe('runs that must not pass silently', () => {
  const noTools = 'No mcify tools were found (no defineTool, defineResource or definePrompt call from @mcify/core).';

  it('finds no tools: a no-tools note, no ✔ in any verdict, and exit 2 unless --pass-with-no-tools', async () => {
    const project = temporaryProject({ 'index.ts': 'export const answer = 42;\n' });
    try {
      const result = await run(['--format', 'json'], { cwd: project.root });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('no mcify tool found in 1 file(s), so nothing was audited (exit 2)');
      expect(result.stderr).toContain('--pass-with-no-tools');
      const report = jsonReport(result);
      expect(report.tools).toEqual([]);
      expect(report.notes.filter((note) => note.code === 'no-tools').map((note) => note.message)).toEqual([noTools]);

      const text = await run([], { cwd: project.root });
      expect(text.code).toBe(2);
      expect(text.stdout).toMatch(/no mcify tools/i);
      expect(text.stdout.split('\n').at(-1)).toBe('✖ no mcify tools found in 1 file, 0 tools');
      const markdown = await run(['--format', 'markdown'], { cwd: project.root });
      expect(markdown.stdout.split('\n')[0]).toBe('## ❌ mcify-audit: no mcify tools found');
      for (const output of [text.stdout, markdown.stdout, (await run(['--format', 'html'], { cwd: project.root })).stdout]) {
        expect(output).not.toMatch(/✔|✅/);
      }

      const passing = await run(['--pass-with-no-tools', '--format', 'json'], { cwd: project.root });
      expect(passing.code).toBe(0);
      expect(passing.stderr).toBe('');
      expect(jsonReport(passing).notes.map((note) => note.code)).toContain('no-tools');
      expect((await run(['--pass-with-no-tools'], { cwd: project.root })).stdout.split('\n').at(-1)).toBe('✖ no mcify tools found in 1 file, 0 tools');
    } finally {
      project.remove();
    }
  }, 60_000);

  it('has no file to analyse: exit 2 with a message, and no report', async () => {
    const project = temporaryProject({
      'empty/README.md': '# nothing here\n',
      'only-deps/node_modules/dep/index.ts': 'export const x = 1;\n',
      'only-deps/types.d.ts': 'export declare const x: number;\n',
      'no-inputs/tsconfig.json': '{ "include": ["src"] }\n',
      'tools/server.ts': server(''),
    });
    try {
      for (const path of ['empty', 'only-deps', 'no-inputs']) {
        const result = await run([path, '--format', 'json'], { cwd: project.root });
        expect(result.code, path).toBe(2);
        expect(result.stdout, path).toBe('');
        expect(result.stderr, path).toContain(`mcify-audit: no file to analyse under "${path}"`);
      }
      // What the tsconfig said about it is part of the message.
      expect((await run(['no-inputs'], { cwd: project.root })).stderr).toContain('no-inputs/tsconfig.json: This tsconfig includes no source files');
      // --pass-with-no-tools is about tools, not files.
      expect((await run(['empty', '--pass-with-no-tools'], { cwd: project.root })).code).toBe(2);
      // One PATH with files is enough.
      expect((await run(['empty', 'tools'], { cwd: project.root })).code).toBe(0);
    } finally {
      project.remove();
    }
  }, 60_000);

  describe('a source file that does not parse, and a tsconfig with a syntax error', () => {
    const project = temporaryProject({
      'tsconfig.json': '{\n  "compilerOptions": { "strict": true "target": "es2022" },\n  "include": ["src"]\n}\n',
      'src/server.ts': server('    userId: z.string(),', 'const broken = (;\n'),
      'src/clean.ts': server('').replace("'orders_list'", "'orders_other'").replace('ordersList', 'ordersOther'),
    });
    afterAll(() => {
      project.remove();
    });
    let json: JsonReport;
    beforeAll(async () => {
      json = jsonReport(await run(['--format', 'json'], { cwd: project.root }));
    }, 60_000);

    it('gives a parse-error and a tsconfig-error note with file, line and column, and low confidence to the findings of that file', () => {
      expect(json.notes.filter((note) => note.code === 'parse-error')).toEqual([expect.objectContaining({ file: 'src/server.ts', line: 21, column: 17, message: expect.stringMatching(/^Syntax error: Expression expected/) as unknown })]);
      expect(json.notes.filter((note) => note.code === 'tsconfig-error')).toEqual([expect.objectContaining({ file: 'tsconfig.json', line: 2, column: 39, message: expect.stringContaining("TS1005 ',' expected") as unknown })]);
      expect(json.findings.map((finding) => `${finding.ruleId} ${finding.file}:${String(finding.line)} ${finding.confidence}`)).toEqual(['mcify/no-identity-in-input src/server.ts:13 low']);
    });

    it('says "1 file only partly analysed" in the text and Markdown verdicts, and locates the notes in every format', async () => {
      const text = (await run([], { cwd: project.root })).stdout;
      expect(text.split('\n').at(-1)).toBe('✖ 1 problem (1 error, 0 warnings) in 2 files, 2 tools; 1 file only partly analysed');
      expect(text).toMatch(/^ {2}src\/server\.ts:21:17: Syntax error: Expression expected/m);
      expect(text).toMatch(/^ {2}tsconfig\.json:2:39: Syntax error in this tsconfig/m);
      const markdown = (await run(['--format', 'markdown'], { cwd: project.root })).stdout;
      expect(markdown.split('\n')[2]).toBe('2 files, 2 tools analysed by mcify-audit 0.1.0; 1 file only partly analysed (see the notes).');
      expect(markdown).toContain('- <code>src/server.ts:21:17</code>: Syntax error: Expression expected');
      expect(markdown).toContain('- <code>tsconfig.json:2:39</code>: Syntax error in this tsconfig');
      const html = (await run(['--format', 'html'], { cwd: project.root })).stdout;
      expect(html).toContain('1 file only partly analysed');

      const sarif = z
        .object({ runs: z.array(z.object({ invocations: z.array(z.object({ toolExecutionNotifications: z.array(z.object({ level: z.string(), descriptor: z.object({ id: z.string() }), locations: z.array(z.unknown()).optional() })) })) })) })
        .parse(JSON.parse((await run(['--format', 'sarif'], { cwd: project.root })).stdout));
      const notifications = sarif.runs[0]?.invocations[0]?.toolExecutionNotifications ?? [];
      const located = (id: string) => notifications.filter((entry) => entry.descriptor.id === id).map((entry) => ({ level: entry.level, locations: entry.locations }));
      expect(located('parse-error')).toEqual([{ level: 'warning', locations: [{ physicalLocation: { artifactLocation: { uri: 'src/server.ts', uriBaseId: '%SRCROOT%' }, region: { startLine: 21, startColumn: 17 } } }] }]);
      expect(located('tsconfig-error')).toEqual([{ level: 'warning', locations: [{ physicalLocation: { artifactLocation: { uri: 'tsconfig.json', uriBaseId: '%SRCROOT%' }, region: { startLine: 2, startColumn: 39 } } }] }]);
    }, 60_000);

    it('with nothing found, still gives no ✔', async () => {
      const clean = temporaryProject({ 'src/server.ts': server('', 'const broken = (;\n') });
      try {
        const result = await run([], { cwd: clean.root });
        expect(result.code).toBe(0);
        expect(result.stdout.split('\n').at(-1)).toBe('⚠ no problems in 1 file, 1 tool; 1 file only partly analysed');
      } finally {
        clean.remove();
      }
    }, 60_000);
  });
});

describe('the dialect of a run over several projects', () => {
  it('is theirs when they agree, and mixed, with each project\'s dialect note, when they do not', async () => {
    const tsconfig = '{ "compilerOptions": { "strict": true }, "include": ["."] }\n';
    const project = temporaryProject({
      'guide/tsconfig.json': tsconfig,
      'guide/mcify-audit.config.json': '{ "dialect": "guide" }\n',
      'guide/server.ts': server('    userId: z.string(),'),
      'also-guide/tsconfig.json': tsconfig,
      'also-guide/mcify-audit.config.json': '{ "dialect": "guide" }\n',
      'also-guide/server.ts': server(''),
      'published/tsconfig.json': tsconfig,
      'published/mcify-audit.config.json': '{ "dialect": "published" }\n',
      'published/server.ts': server('    userId: z.string(),'),
    });
    try {
      const agree = jsonReport(await run(['guide', 'also-guide', '--format', 'json'], { cwd: project.root }));
      expect(agree.dialect.name).toBe('guide');
      expect(agree.findings.map((finding) => finding.messageId)).toEqual(['identityField']);

      const mixed = jsonReport(await run(['guide', 'published', '--format', 'json'], { cwd: project.root }));
      expect(mixed.dialect).toEqual({ name: 'mixed', reason: '1 of 2 projects are in the guide dialect and 1 in the published one; the dialect notes say which and why' });
      expect(mixed.notes.filter((note) => note.code === 'dialect').map((note) => note.message.slice(0, 40)).sort()).toEqual(['Advice is written in the guide mcify dia', 'Advice is written in the published mcify'].sort());
      expect(mixed.findings.map((finding) => `${finding.file} ${finding.messageId}`)).toEqual(['guide/server.ts identityField', 'published/server.ts identityFieldPublished']);
      // The verdict says it is mixed; the notes, which dialect each project is in.
      const text = (await run(['guide', 'published'], { cwd: project.root })).stdout;
      expect(text).toContain('Advice is written in more than one mcify dialect: 1 of 2 projects are in the guide dialect');
      expect(text).toMatch(/^ {2}Advice is written in the published mcify dialect: /m);
    } finally {
      project.remove();
    }
  }, 60_000);
});

describe('progress', () => {
  it('goes to the status line only when there is a terminal, and is cleared at the end', async () => {
    const quiet = await run(['fixtures/lint/scoped-queries', '--format', 'json']);
    expect(quiet.stderr).toBe('');
    const shown = await run(['fixtures/lint/mixed', '--format', 'json'], { status: true });
    // Type-checking takes seconds: long enough for the first update after the delay.
    expect(shown.status.some((line) => /^mcify-audit: (reading|checking) /.test(line))).toBe(true);
    expect(shown.status.at(-1)).toBe('');
    expect(shown.stdout).not.toContain('mcify-audit: reading');
  }, 180_000);
});


describe('--load (the runtime schema check)', () => {
  const fixture = 'packages/cli/test/fixtures/runtime-schemas';
  const config = `${fixture}/mcify.config.ts`;
  const fields = (report: JsonReport) => report.findings.map((finding) => `${finding.ruleId} ${finding.tool ?? '-'} ${finding.field ?? ''}`).sort();

  it('reports identity and credential fields of schemas built at run time, once each', async () => {
    const staticOnly = jsonReport(await run([fixture, '--format', 'json']));
    const loaded = await run([fixture, '--load', config, '--format', 'json']);
    const report = jsonReport(loaded);
    expect(fields(staticOnly).filter((entry) => !entry.startsWith('mcify/require-scope-check'))).toEqual(['mcify/no-identity-in-input orders_search tenantId']);
    expect(fields(report).filter((entry) => !entry.startsWith('mcify/require-scope-check'))).toEqual(
      [
        'mcify/no-credential-in-input invoices_sync apiKey',
        'mcify/no-credential-in-input invoices_sync connections.clientSecret',
        'mcify/no-identity-in-input notes_share memberIds',
        'mcify/no-identity-in-input orders_search filter.accountId',
        'mcify/no-identity-in-input orders_search tenantId',
        'mcify/no-identity-in-input orders_search userId',
        'mcify/no-identity-in-input transfers_list from.workspaceId',
        'mcify/no-identity-in-input transfers_list target.ownerId',
        'mcify/no-identity-in-input transfers_list to.workspaceId',
      ].sort(),
    );
    // Lookalikes stay quiet at run time too.
    expect(JSON.stringify(report.findings)).not.toMatch(/"(orderId|pageToken|customerId|query)"/);
    expect(report.tools.find((tool) => tool.name === 'orders_search')?.identityFields).toEqual(expect.arrayContaining(['tenantId', 'userId', 'filter.accountId']));
    expect(loaded.code).toBe(1);
  }, 120_000);

  it('turns a config that fails to load into a note, and keeps the static report', async () => {
    const project = temporaryProject({
      'mcify.config.ts': "throw new Error('the database is not configured');\n",
      'src/server.ts': server('    userId: z.string(),'),
    });
    try {
      const result = await run(['src', '--load', 'mcify.config.ts', '--format', 'json'], { cwd: project.root });
      const report = jsonReport(result);
      expect(brief(report)).toEqual(['mcify/no-identity-in-input orders_list src/server.ts:13']);
      expect(report.notes).toContainEqual({ code: 'load-failed', file: 'mcify.config.ts', message: '--load: mcify.config.ts failed to load: the database is not configured. The runtime schema check was skipped.' });
      expect(result.code).toBe(1);
    } finally {
      project.remove();
    }
  }, 60_000);

  it('never runs the config without --load', async () => {
    const project = temporaryProject({ 'mcify.config.ts': "import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('./ran.txt', import.meta.url), 'ran');\nexport default {};\n" });
    try {
      await run(['.', '--format', 'json'], { cwd: project.root });
      expect(() => readFileSync(join(project.root, 'ran.txt'))).toThrow();
      await run(['.', '--format', 'json', '--load', 'mcify.config.ts'], { cwd: project.root });
      expect(readFileSync(join(project.root, 'ran.txt'), 'utf8')).toBe('ran');
    } finally {
      project.remove();
    }
  }, 60_000);
});
