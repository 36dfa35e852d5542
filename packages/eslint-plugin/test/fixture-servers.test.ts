/**
 * The fixture servers linted through ESLint with this plugin's `recommended-type-checked` config, as a
 * user would (typescript-eslint's project service finds fixtures/servers/tsconfig.json): the planted
 * flaws of orders-vulnerable are found exactly, and the two servers done right are clean.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../analyzer/test/corpus-cases.js';
import plugin from '../src/index.js';

/** The server's own sources: its config, src/ and other top-level modules, not its tests. */
function serverFiles(server: string): string[] {
  const walk = (directory: string): string[] =>
    readdirSync(directory).flatMap((name) => {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) return name === 'test' ? [] : walk(path);
      return name.endsWith('.ts') ? [path] : [];
    });
  return walk(join(repoRoot, 'fixtures', 'servers', server));
}

const config: Linter.Config[] = [
  { ...plugin.configs['recommended-type-checked'], files: ['**/*.ts'] } as Linter.Config,
  { files: ['**/*.ts'], languageOptions: { parserOptions: { tsconfigRootDir: join(repoRoot, 'fixtures', 'servers') } } },
];

/** Rules whose findings belong to the server's config, not to a tool. */
const configRules = new Set(['mcify/no-auth-none', 'mcify/token-lifetime']);

/**
 * The MCP name of the tool a message's line belongs to: the `name: '...'` of the last `defineTool(` at
 * or above it (the fixture servers write one `defineTool({ name, ... })` each), or `-` for config-level rules.
 */
function toolAt(file: string, line: number, ruleId: string): string {
  if (configRules.has(ruleId)) return '-';
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
  const start = lines.slice(0, line).findLastIndex((text) => text.includes('defineTool('));
  if (start === -1) return '-';
  for (const text of lines.slice(start)) {
    const name = /^\s*name: '([\w-]+)',/.exec(text)?.[1];
    if (name !== undefined) return name;
  }
  return '-';
}

/** `ruleId tool file` of every message (the tool whose definition holds its line); fails on anything but mcify findings. */
async function lintServer(server: string): Promise<{ findings: string[]; details: string[] }> {
  const files = serverFiles(server);
  const eslint = new ESLint({ cwd: repoRoot, overrideConfigFile: true, overrideConfig: config });
  const results = await eslint.lintFiles(files);
  expect(results.map((result) => result.filePath).sort()).toEqual([...files].sort());
  const messages = results.flatMap((result) => result.messages.map((message) => ({ file: relative(repoRoot, result.filePath).replace(/\\/g, '/'), message })));
  const details = messages.map(({ file, message }) => `${message.ruleId ?? '(none)'} ${file}:${String(message.line)}:${String(message.column)} ${message.message}`);
  expect(messages.filter(({ message }) => message.fatal === true || message.ruleId?.startsWith('mcify/') !== true).map(({ file, message }) => `${file}: ${message.message}`), 'fatal or foreign messages').toEqual([]);
  const findings = messages.map(({ file, message }) => `${message.ruleId ?? ''} ${toolAt(file, message.line, message.ruleId ?? '')} ${file}`);
  return { findings, details };
}

interface Planted {
  readonly ruleId: string;
  readonly tool: string | null;
  readonly file: string;
}

/** Typed linting opens a TypeScript project per server: slow on a loaded machine. */
const timeout = 180_000;

describe('eslint-plugin-mcify on the fixture servers (typed linting)', () => {
  it.each(['orders', 'ledger-sessions'])('reports nothing in %s', async (server) => {
    const { details } = await lintServer(server);
    expect(details).toEqual([]);
  }, timeout);

  it('reports exactly the mcify/ entries of orders-vulnerable/planted.json', async () => {
    const planted = JSON.parse(readFileSync(join(repoRoot, 'fixtures', 'servers', 'orders-vulnerable', 'planted.json'), 'utf8')) as Planted[];
    expect(planted.every((entry) => typeof entry.ruleId === 'string' && typeof entry.file === 'string' && (entry.tool === null || typeof entry.tool === 'string'))).toBe(true);
    const expected = planted.filter((entry) => entry.ruleId.startsWith('mcify/')).map((entry) => `${entry.ruleId} ${entry.tool ?? '-'} ${entry.file}`);
    const { findings, details } = await lintServer('orders-vulnerable');
    expect([...new Set(findings)].sort(), details.join('\n')).toEqual([...new Set(expected)].sort());
  }, timeout);
});
