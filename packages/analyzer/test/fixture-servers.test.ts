import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { analyzeProgram } from '../src/index.js';
import { repoRoot } from './corpus-cases.js';

/** The server's own sources: its config and src/, not its tests. */
function serverFiles(server: string): string[] {
  const root = join(repoRoot, 'fixtures', 'servers', server);
  const walk = (directory: string): string[] =>
    readdirSync(directory).flatMap((name) => {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) return name === 'test' ? [] : walk(path);
      return name.endsWith('.ts') ? [path] : [];
    });
  return walk(root);
}

function analyzeServer(server: string) {
  const files = serverFiles(server);
  const program = ts.createProgram(files, {
    noEmit: true,
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: ['node'],
  });
  return analyzeProgram(program, {}, files);
}

const plantedSchema = z.array(z.object({ ruleId: z.string(), tool: z.string().nullable(), file: z.string(), description: z.string() }));

describe('the analyzer on the fixture servers', () => {
  it.each(['orders', 'ledger-sessions'])('finds nothing wrong in %s, and sees its tools', (server) => {
    const result = analyzeServer(server);
    expect(result.findings.map((finding) => `${finding.ruleId} ${finding.tool ?? '-'} ${relative(repoRoot, finding.location.file)}:${String(finding.location.line)} ${finding.message}`)).toEqual([]);
    expect(result.tools.length).toBeGreaterThanOrEqual(5);
  }, 120_000);

  it('finds exactly the mcify/ entries of orders-vulnerable/planted.json', () => {
    const planted = plantedSchema.parse(JSON.parse(readFileSync(join(repoRoot, 'fixtures', 'servers', 'orders-vulnerable', 'planted.json'), 'utf8')));
    const expected = planted.filter((entry) => entry.ruleId.startsWith('mcify/')).map((entry) => `${entry.ruleId} ${entry.tool ?? '-'} ${entry.file}`);
    const found = analyzeServer('orders-vulnerable').findings.map((finding) => `${finding.ruleId} ${finding.tool ?? '-'} ${relative(repoRoot, finding.location.file).replace(/\\/g, '/')}`);
    expect([...new Set(found)].sort()).toEqual([...new Set(expected)].sort());
  }, 120_000);
});
