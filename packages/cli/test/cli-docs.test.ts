import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formats } from '../src/commands/audit.js';
import { repoRoot, run, temporaryProject } from './support/run-cli.js';

const docs = readFileSync(join(repoRoot, 'docs', 'cli.md'), 'utf8');

/** The body of the first (or the `nth`, from 0) fenced block that follows `marker` in docs/cli.md. */
function blockAfter(marker: string, fence = '```', nth = 0): string {
  let start = docs.indexOf(marker);
  expect(start, marker).toBeGreaterThanOrEqual(0);
  for (let index = 0; ; index += 1) {
    const open = docs.indexOf(fence, start);
    const bodyStart = docs.indexOf('\n', open) + 1;
    // The closing fence is the opening one's backticks alone (```ts closes with ```).
    const close = docs.indexOf(`\n${/^`+/.exec(fence)?.[0] ?? fence}\n`, bodyStart);
    if (index === nth) return docs.slice(bodyStart, close);
    start = close + 1;
  }
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
      'tsconfig.json': blockAfter('<summary><code>tsconfig.json</code>', '```json'),
      'mcify-audit.config.json': blockAfter('<summary><code>tsconfig.json</code>', '```json', 1),
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
      const json = JSON.parse((await run(['--format', 'json'], { cwd: project.root })).stdout) as { findings: unknown[]; notes: unknown[]; summary: unknown; dialect: unknown };
      const documented = JSON.parse(blockAfter('### `json`', '```json')) as { findings: unknown[]; notes: unknown[]; summary: unknown; dialect: unknown };
      expect(documented.summary).toEqual(json.summary);
      expect(documented.dialect).toEqual(json.dialect);
      for (const finding of documented.findings) expect(json.findings).toContainEqual(finding);
      for (const note of documented.notes) expect(json.notes).toContainEqual(note);
      const sarif = (await run(['--format', 'sarif'], { cwd: project.root })).stdout;
      interface Run {
        results: unknown[];
        invocations: { toolExecutionNotifications: unknown[] }[];
        properties?: { dialect?: unknown };
      }
      const documentedRun = (JSON.parse(blockAfter('Excerpt (one rule and one result shown)', '```json')) as { runs: Run[] }).runs[0];
      const actualRun = (JSON.parse(sarif) as { runs: Run[] }).runs[0];
      expect(documentedRun?.results.length).toBe(1);
      expect(actualRun?.results).toContainEqual(documentedRun?.results[0]);
      expect(documentedRun?.properties?.dialect).toEqual(json.dialect);
      expect(actualRun?.properties?.dialect).toEqual(json.dialect);
      const notifications = documentedRun?.invocations[0]?.toolExecutionNotifications ?? [];
      expect(notifications.length).toBeGreaterThan(1);
      for (const notification of notifications) expect(actualRun?.invocations[0]?.toolExecutionNotifications).toContainEqual(notification);
    }, 60_000);
  });
});
