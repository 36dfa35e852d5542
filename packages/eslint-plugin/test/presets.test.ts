/**
 * The presets on their own: `[mcify.configs.recommended]` (and `strict`) with nothing else lint a
 * project's TypeScript and JavaScript files, `src/**\/*.ts` and `mcify.config.ts` included, with
 * typescript-eslint's parser (no parse error on TypeScript syntax); the docs show exactly that line.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../analyzer/test/corpus-cases.js';
import plugin from '../src/index.js';

const tools = `import { defineTool } from '@mcify/core';
import { z } from 'zod';

interface Note { readonly id: string }
const notes: Note[] = [];

export const notesFind = defineTool({
  name: 'notes_find',
  description: 'Find notes.',
  input: z.object({ userId: z.string() }),
  output: z.object({ count: z.number() }),
  handler: async (input) => ({ count: notes.filter((note) => note.id !== input.userId).length }),
});
`;

const config = `import { defineConfig } from '@mcify/core';
import { notesFind } from './src/tools.js';

export const sessionPolicy = { accessTokenTtlSeconds: 3600 as number };

export default defineConfig({ name: 'notes', version: '1.0.0', tools: [notesFind] });
`;

const script = `import { defineTool } from '@mcify/core';

export const teamsFind = defineTool({ name: 'teams_find', description: 'Find teams.', handler: async (input) => ({ teamId: input.teamId }), input: { teamId: 'x' } });
export const sessionPolicy = { refreshTokenTtlDays: 30 };
`;

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mcify-presets-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'tools.ts'), tools);
  writeFileSync(join(root, 'mcify.config.ts'), config);
  writeFileSync(join(root, 'src', 'policy.mjs'), script);
  writeFileSync(join(root, 'README.md'), '# not linted\n');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe.each(['recommended', 'strict'] as const)('[mcify.configs.%s] alone', (name) => {
  it('lints src/**/*.ts, mcify.config.ts and JavaScript with the TypeScript parser, and nothing else', async () => {
    const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [plugin.configs[name] as Linter.Config] });
    const results = await eslint.lintFiles(['.']);
    expect(results.map((result) => result.filePath.slice(root.length + 1)).sort()).toEqual(['mcify.config.ts', 'src/policy.mjs', 'src/tools.ts']);
    const messages = results.flatMap((result) => result.messages.map((message) => `${result.filePath.slice(root.length + 1)}:${String(message.line)} ${message.ruleId ?? 'fatal'}`));
    expect(messages.sort()).toEqual(['mcify.config.ts:4 mcify/token-lifetime', 'src/policy.mjs:4 mcify/token-lifetime', 'src/tools.ts:10 mcify/no-identity-in-input']);
    const severities = new Set(results.flatMap((result) => result.messages.map((message) => message.severity)));
    expect(severities).toEqual(new Set(name === 'strict' ? [2] : [1, 2]));
  });
});

describe('the presets', () => {
  it('set files and @typescript-eslint/parser; the typed ones set the project service too', () => {
    for (const name of ['recommended', 'strict', 'recommended-type-checked', 'all'] as const) {
      const preset = plugin.configs[name];
      expect(preset.files, name).toEqual(['**/*.{ts,mts,cts,tsx,js,mjs,cjs}']);
      expect((preset.languageOptions?.parser as { meta?: { name?: string } } | undefined)?.meta?.name, name).toBe('typescript-eslint/parser');
      const typed = name === 'recommended-type-checked' || name === 'all';
      expect(preset.languageOptions?.parserOptions, name).toEqual(typed ? { projectService: { allowDefaultProject: ['*.js', '*.mjs', '*.cjs'] } } : undefined);
    }
  });

  it('@typescript-eslint/parser is a dependency of the plugin, not a peer', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages', 'eslint-plugin', 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    expect(manifest.dependencies?.['@typescript-eslint/parser']).toBeDefined();
    expect(manifest.peerDependencies?.['@typescript-eslint/parser']).toBeUndefined();
  });

  it('docs/eslint-plugin.md configures exactly `export default [mcify.configs.recommended];`', () => {
    const page = readFileSync(join(repoRoot, 'docs', 'eslint-plugin.md'), 'utf8');
    const block = /## Configure \(flat config\)\n```js\n([\s\S]*?)```/.exec(page)?.[1];
    expect(block).toBe("// eslint.config.js\nimport mcify from 'eslint-plugin-mcify';\n\nexport default [mcify.configs.recommended];\n");
  });
});
