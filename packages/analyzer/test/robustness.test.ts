import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeSourceFile } from '../src/index.js';
import { corpusCases } from './corpus-cases.js';

const odd = [
  '',
  'defineTool(',
  "import { defineTool } from '@mcify/core'; defineTool();",
  "import { defineTool } from '@mcify/core'; defineTool(42, null, ...[]);",
  "import { defineTool } from '@mcify/core'; defineTool({ handler: 3, input: 'x', middlewares: 7 });",
  "import { defineTool } from '@mcify/core'; defineTool({ handler: async (...args) => args, input: z.object(null) });",
  "import { defineConfig } from '@mcify/core'; defineConfig({ tools: [...x, y(), z.w], auth: 1 });",
  "import { defineTool as t } from '@mcify/core'; const a = t({ name: 'a', handler: h }); function h(i, c) { return h(i, c); }",
  "import { defineTool } from '@mcify/core'; defineTool({ name: 'x', handler: async (i, ctx) => { const a = a; let b = b; return ctx.auth[ctx.auth]; } });",
  '\u0000\uffff<<<>>>',
];

describe('the analyzer on code it cannot make sense of', () => {
  it.each(odd.map((text, index) => [index, text] as const))('never throws (odd input %i)', (_index, text) => {
    const result = analyzeSourceFile(ts.createSourceFile('odd.ts', text, ts.ScriptTarget.Latest, true));
    expect(Array.isArray(result.findings)).toBe(true);
  });

  it('never throws on any prefix of a corpus file', () => {
    const files = corpusCases().flatMap((corpusCase) => corpusCase.files).slice(0, 40);
    let analysed = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (let cut = 0; cut < text.length; cut += Math.max(1, Math.floor(text.length / 12))) {
        expect(() => analyzeSourceFile(ts.createSourceFile(file, text.slice(0, cut), ts.ScriptTarget.Latest, true))).not.toThrow();
        analysed += 1;
      }
    }
    expect(analysed).toBeGreaterThan(400);
  });
});
