import { createRequire } from 'node:module';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzerEntry, assertCompilerApi, compilerApiProblem, TypeScriptApiError } from '../src/project/typescript-api.js';
import { createProgress } from '../src/progress.js';
import { temporaryProject } from './support/run-cli.js';

describe('the TypeScript compiler API check', () => {
  it('accepts the TypeScript 6.0 the analyzer resolves', async () => {
    await expect(assertCompilerApi(analyzerEntry())).resolves.toBeUndefined();
    expect(compilerApiProblem(ts, ts.version, 'node_modules/typescript')).toBeUndefined();
  });

  it('names TypeScript 7 and says what to install', () => {
    const problem = compilerApiProblem({ version: '7.0.0' }, '7.0.0', '/app/node_modules/typescript');
    expect(problem).toMatch(/TypeScript 7\.0\.0 at \/app\/node_modules\/typescript\. TypeScript 7 has no compiler API/);
    expect(problem).toContain('npm install -D typescript@~6.0.3');
    expect(compilerApiProblem({ createProgram: () => undefined }, undefined, 'x')).toMatch(/without the compiler API/);
    expect(compilerApiProblem(ts, '4.9.5', 'x')).toMatch(/TypeScript 4\.9\.5/);
  });

  describe('on a project whose typescript package is 7.x', () => {
    // A package laid out like the native TypeScript 7 preview: a version, no compiler API.
    const project = temporaryProject({
      'node_modules/typescript/package.json': JSON.stringify({ name: 'typescript', version: '7.0.0-dev.20261101.1', main: 'lib/index.js' }),
      'node_modules/typescript/lib/index.js': 'module.exports = { version: "7.0.0-dev.20261101.1" };\n',
      'node_modules/some-consumer/index.js': '',
    });
    afterAll(() => {
      project.remove();
    });

    it('fails with a TypeScriptApiError before anything imports the analyzer', async () => {
      const from = `${project.root}/node_modules/some-consumer/index.js`;
      expect(createRequire(from).resolve('typescript')).toContain(project.root);
      const error = await assertCompilerApi(from).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TypeScriptApiError);
      expect((error as Error).message).toMatch(/TypeScript 7\.0\.0-dev\.20261101\.1 at .*node_modules\/typescript\. TypeScript 7 has no compiler API/);
    });

    it('says when there is no TypeScript at all', async () => {
      const bare = temporaryProject({ 'index.js': '' });
      try {
        await expect(assertCompilerApi(`${bare.root}/index.js`)).rejects.toThrow(/could not find TypeScript/);
      } finally {
        bare.remove();
      }
    });
  });
});

describe('progress', () => {
  it('stays silent for short runs, throttles updates, and clears what it showed', () => {
    let clock = 0;
    const shown: string[] = [];
    const progress = createProgress((text) => shown.push(text), { delayMs: 400, intervalMs: 100, now: () => clock });
    progress.update('reading 1/3 files');
    clock = 399;
    progress.update('reading 2/3 files');
    expect(shown).toEqual([]);
    clock = 400;
    progress.update('reading 3/3 files');
    clock = 450;
    progress.update('checking 1/9 tools');
    clock = 500;
    progress.update('checking 2/9 tools');
    progress.done();
    expect(shown).toEqual(['mcify-audit: reading 3/3 files', 'mcify-audit: checking 2/9 tools', '']);
  });

  it('does not clear a line it never wrote, and does nothing without a terminal', () => {
    const shown: string[] = [];
    const quick = createProgress((text) => shown.push(text), { now: () => 0 });
    quick.update('reading');
    quick.done();
    expect(shown).toEqual([]);
    const none = createProgress(undefined);
    expect(() => {
      none.update('x');
      none.done();
    }).not.toThrow();
  });
});
