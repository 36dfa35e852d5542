/**
 * The dialect of an analysis: decided once, first rule that applies (the option; the resolved
 * `@mcify/core`'s package.json; `claims` on `ctx.auth`'s declared type; published), said in a `dialect`
 * note and `AnalysisResult.dialect`, and spoken by every rule's message.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeProgram, analyzeSourceFile, inputFieldFindings, renderMessage, resolveOptions, ruleIds, rules, type AnalysisResult, type DialectName } from '../src/index.js';
import { everyRuleServer, expectedAdvice, notPublishedApi, temporaryProject } from './dialect-cases.js';
import { virtualProgram, virtualSourceFile } from './virtual-program.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function project(manifest?: Readonly<Record<string, unknown>>, files?: Readonly<Record<string, string>>) {
  const created = temporaryProject(manifest, files);
  cleanups.push(created.remove);
  return created;
}

/** Analyses `text` as `<folder>/tools.ts` without a checker. */
function analyzeIn(folder: string, text: string, options: { dialect?: DialectName } = {}): AnalysisResult {
  return analyzeSourceFile(ts.createSourceFile(join(folder, 'tools.ts'), text, ts.ScriptTarget.Latest, true), options);
}

const dialectNotes = (result: AnalysisResult) => result.notes.filter((note) => note.code === 'dialect').map((note) => note.message);

describe('the dialect decision', () => {
  it('1. the dialect option wins over everything', () => {
    const { src } = project({ name: '@mcify/core', version: '1.0.0-alpha.3' });
    const result = analyzeIn(src, everyRuleServer, { dialect: 'guide' });
    expect(result.dialect).toEqual({ name: 'guide', reason: 'the "dialect" option is "guide"' });
    expect(dialectNotes(result)).toEqual(['Advice is written in the guide mcify dialect: the "dialect" option is "guide".']);
  });

  it('2. the @mcify/core that resolves from the files\' folder: 1.0.0-alpha.* is published, the reference core is the guide, anything else says nothing', () => {
    const published = project({ name: '@mcify/core', version: '1.0.0-alpha.3' });
    const result = analyzeIn(published.src, everyRuleServer);
    expect(result.dialect.name).toBe('published');
    expect(result.dialect.reason).toBe(`@mcify/core resolves to the published 1.0.0-alpha.3 (${join(published.root, 'node_modules', '@mcify', 'core', 'package.json')})`);
    expect(dialectNotes(result)).toEqual([`Advice is written in the published mcify dialect: ${result.dialect.reason}.`]);

    const reference = project({ name: '@mcify-audit/reference-core', version: '0.1.0' });
    expect(analyzeIn(reference.src, everyRuleServer).dialect).toMatchObject({ name: 'guide', reason: expect.stringMatching(/reference implementation/) as unknown });
    // Before the rename the reference was a private package called @mcify/core.
    const privateReference = project({ name: '@mcify/core', version: '0.1.0', private: true });
    expect(analyzeIn(privateReference.src, everyRuleServer).dialect.name).toBe('guide');
    // A version the analyzer does not know, without a checker: the default.
    const unknown = project({ name: '@mcify/core', version: '2.0.0' });
    expect(analyzeIn(unknown.src, everyRuleServer).dialect).toMatchObject({ name: 'published', reason: expect.stringMatching(/^no @mcify\/core package resolves/) as unknown });
  });

  it('2. inside this repository @mcify/core resolves to the reference core: the guide', () => {
    const result = analyzeSourceFile(virtualSourceFile('dialect-case.ts', everyRuleServer));
    expect(result.dialect.name).toBe('guide');
    expect(result.dialect.reason).toMatch(/mcify-audit's reference implementation of the guide's API \(.*node_modules[\\/]@mcify[\\/]core[\\/]package\.json\)/);
  });

  it('3. with a checker, claims on ctx.auth\'s declared type: yes is the guide, no is published', () => {
    const declarations = (auth: string) => `
      export type Auth = ${auth};
      export interface Context { readonly auth: Auth }
      export declare function defineTool<I>(spec: { name: string; description: string; input?: unknown; output?: unknown; handler: (input: I, ctx: Context) => unknown }): unknown;
    `;
    const tool = `import { defineTool } from '@mcify/core';
export const whoami = defineTool({ name: 'whoami', description: 'Who am I.', handler: async (_input, ctx) => ({ type: ctx.auth.type }) });
`;
    const decide = (auth: string) => {
      const { root, src } = project({ name: '@mcify/core', version: '2.0.0', types: 'index.d.ts' }, { 'index.d.ts': declarations(auth) });
      const file = join(src, 'tools.ts');
      const host = ts.createCompilerHost({});
      const original = host.readFile.bind(host);
      host.readFile = (name) => (name === file ? tool : original(name));
      const exists = host.fileExists.bind(host);
      host.fileExists = (name) => name === file || exists(name);
      const options = { noEmit: true, strict: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, types: [], baseUrl: root };
      return analyzeProgram(ts.createProgram([file], options, host)).dialect;
    };
    expect(decide("{ type: 'none' } | { type: 'oauth_provider'; subject: Record<string, string>; scope: string }")).toEqual({
      name: 'published',
      reason: 'the declared type of ctx.auth has no claims member',
    });
    expect(decide("{ type: 'none'; claims: {} } | { type: 'bearer'; token: string; claims: Record<string, unknown> }")).toEqual({
      name: 'guide',
      reason: 'the declared type of ctx.auth has a claims member',
    });
  });

  it('3. with the reference core\'s own types (the repository\'s program), the package already decides: guide', () => {
    const { program } = virtualProgram({ 'dialect-typed.ts': everyRuleServer });
    expect(analyzeProgram(program).dialect.name).toBe('guide');
  });

  it('4. no package and no checker: published', () => {
    const { src } = project();
    const result = analyzeIn(src, everyRuleServer);
    expect(result.dialect).toEqual({ name: 'published', reason: `no @mcify/core package resolves from ${src}, so the published API is assumed` });
  });
});

describe.each(['guide', 'published'] as const)('every rule in the %s dialect', (dialect) => {
  // A folder with no node_modules: the option decides (the default would be published too).
  const result = (() => {
    const created = temporaryProject();
    try {
      return analyzeIn(created.src, everyRuleServer, { dialect });
    } finally {
      created.remove();
    }
  })();

  it.each([...ruleIds])('%s reports its message of the dialect', (ruleId) => {
    const found = result.findings.filter((finding) => finding.ruleId === ruleId);
    expect(found.length, `${ruleId} fired`).toBeGreaterThan(0);
    const expected = expectedAdvice[ruleId][dialect];
    for (const finding of found) {
      expect(finding.messageId).toBe(expected.messageId);
      expect(Object.keys(rules[ruleId].messages)).toContain(finding.messageId);
      expect(finding.message).toBe(renderMessage(rules[ruleId].messages[finding.messageId] ?? '', finding.data));
      expect(finding.message).not.toMatch(/\{\{/);
      expect(finding.message).toContain(expected.says);
      if (dialect === 'published') expect(finding.message).not.toMatch(notPublishedApi);
    }
  });

  it('inputFieldFindings speaks the dialect too', () => {
    const found = inputFieldFindings(['filter', 'userId'], 'orders_list', resolveOptions({}), dialect);
    expect(found).toEqual([
      {
        ruleId: 'mcify/no-identity-in-input',
        messageId: expectedAdvice['mcify/no-identity-in-input'][dialect].messageId,
        data: { field: 'filter.userId', tool: 'orders_list' },
        message: expect.stringContaining(expectedAdvice['mcify/no-identity-in-input'][dialect].says) as unknown,
      },
    ]);
  });
});

describe('the message catalogue', () => {
  it('every rule has messages; a published variant exists only beside its guide message, with the same placeholders', () => {
    for (const ruleId of ruleIds) {
      const messages = rules[ruleId].messages;
      expect(Object.keys(messages).length, ruleId).toBeGreaterThan(0);
      for (const [id, template] of Object.entries(messages)) {
        expect(id).toMatch(/^[a-z][A-Za-z]*$/);
        if (!id.endsWith('Published')) continue;
        const guide = messages[id.slice(0, -'Published'.length)];
        expect(guide, `${ruleId} ${id} has a guide counterpart`).toBeDefined();
        const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1]).sort();
        expect(placeholders(template)).toEqual(placeholders(guide ?? ''));
        expect(template).not.toMatch(notPublishedApi);
      }
    }
  });

  it('inputFieldFindings follows the dialect option by default, else speaks published', () => {
    expect(inputFieldFindings(['userId'], 't', resolveOptions({}))[0]?.messageId).toBe('identityFieldPublished');
    expect(inputFieldFindings(['userId'], 't', resolveOptions({ dialect: 'guide' }))[0]?.messageId).toBe('identityField');
  });

  it('the dialect option validates', () => {
    expect(() => resolveOptions({ dialect: 'klingon' })).toThrow(/dialect/);
  });
});

describe('parse errors', () => {
  it('a file with a syntax error gets a parse-error note with its position, and its findings low confidence', () => {
    const broken = `${everyRuleServer}\nexport const oops = {;\n`;
    const result = analyzeSourceFile(virtualSourceFile('broken.ts', broken), { dialect: 'guide' });
    const notes = result.notes.filter((note) => note.code === 'parse-error');
    const line = broken.split('\n').findIndex((text) => text.includes('oops')) + 1;
    expect(notes).toEqual([
      {
        code: 'parse-error',
        file: expect.stringMatching(/broken\.ts$/) as unknown,
        line,
        column: 22,
        message: expect.stringMatching(/^Syntax error: Property assignment expected\. \(TS1136\)\. This file is only partly analysed/) as unknown,
      },
    ]);
    expect(result.findings.length).toBeGreaterThan(0);
    expect(new Set(result.findings.map((finding) => finding.confidence))).toEqual(new Set(['low']));
  });

  it('through a program too; a file that parses keeps its confidence', () => {
    const { program } = virtualProgram({ 'broken-a.ts': `${everyRuleServer}\nexport const oops = {;\n`, 'clean-b.ts': everyRuleServer.replace(/orders/g, 'items') });
    const result = analyzeProgram(program);
    expect(result.notes.filter((note) => note.code === 'parse-error').map((note) => note.file)).toEqual([expect.stringMatching(/broken-a\.ts$/)]);
    const confidence = (suffix: string) => new Set(result.findings.filter((finding) => finding.location.file.endsWith(suffix)).map((finding) => finding.confidence));
    expect(confidence('broken-a.ts')).toEqual(new Set(['low']));
    expect(confidence('clean-b.ts').has('low')).toBe(false);
    expect(confidence('clean-b.ts').size).toBeGreaterThan(0);
  });
});
