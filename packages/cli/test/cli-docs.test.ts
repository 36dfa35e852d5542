import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formats } from '../src/commands/audit.js';
import { repoRoot, run, temporaryProject } from './support/run-cli.js';

const docs = readFileSync(join(repoRoot, 'docs', 'cli.md'), 'utf8');

/** The body of the first fenced block that follows `marker` in docs/cli.md. */
function blockAfter(marker: string, fence = '```'): string {
  const start = docs.indexOf(marker);
  expect(start, marker).toBeGreaterThanOrEqual(0);
  const open = docs.indexOf(fence, start);
  const bodyStart = docs.indexOf('\n', open) + 1;
  // The closing fence is the opening one's backticks alone (```ts closes with ```).
  const close = docs.indexOf(`\n${/^`+/.exec(fence)?.[0] ?? fence}\n`, bodyStart);
  return docs.slice(bodyStart, close);
}

describe('docs/cli.md', () => {
  it('documents every option of the usage text and every format', async () => {
    const help = (await run(['--help'])).stdout;
    const options = [...help.matchAll(/(?<![\w-])--[a-z][a-z-]+/g)].map((match) => match[0]);
    expect(options.length).toBeGreaterThan(8);
    // Each one has a row in an options table or a bullet of its own.
    const documented = docs.split('\n').filter((line) => line.startsWith('| `') || line.startsWith('- `'));
    for (const option of new Set(options)) expect(documented.some((line) => new RegExp(`${option}\\b`).test(line)), option).toBe(true);
    for (const format of Object.keys(formats)) expect(docs, format).toContain(`### \`${format}\``);
  });

  describe('its examples are real output', () => {
    // The example project is in the page itself; running mcify-audit on it must print what the page shows.
    const project = temporaryProject({
      'tsconfig.json': blockAfter('<summary><code>tsconfig.json</code>'),
      'src/server.ts': blockAfter('<summary><code>tsconfig.json</code>', '```ts'),
    });
    afterAll(() => {
      project.remove();
    });

    it('text', async () => {
      const result = await run([], { cwd: project.root });
      expect(result.code).toBe(1);
      expect(`$ npx mcify-audit\n${result.stdout}\n$ echo $?\n1`).toBe(blockAfter('### `text` (default)'));
    }, 60_000);

    it('markdown', async () => {
      const result = await run(['--format', 'markdown'], { cwd: project.root });
      expect(result.stdout).toBe(blockAfter('### `markdown`', '````markdown'));
    }, 60_000);

    it('json and sarif excerpts', async () => {
      const json = JSON.parse((await run(['--format', 'json'], { cwd: project.root })).stdout) as { findings: unknown[]; summary: unknown };
      const documented = JSON.parse(blockAfter('### `json`', '```json')) as { findings: unknown[]; summary: unknown };
      expect(documented.summary).toEqual(json.summary);
      for (const finding of documented.findings) expect(json.findings).toContainEqual(finding);
      const sarif = (await run(['--format', 'sarif'], { cwd: project.root })).stdout;
      const result = (JSON.parse(blockAfter('Excerpt (one rule and one result shown)', '```json')) as { runs: { results: unknown[] }[] }).runs[0]?.results[0];
      expect((JSON.parse(sarif) as { runs: { results: unknown[] }[] }).runs[0]?.results).toContainEqual(result);
    }, 60_000);
  });
});
