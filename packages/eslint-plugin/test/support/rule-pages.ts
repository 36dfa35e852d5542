/**
 * Test support: the rule pages in docs/rules/, parsed into sections and code blocks. A TypeScript example
 * names its dialect after the language (```` ```ts guide ```` or ```` ```ts published ````).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DialectName } from '@mcify-audit/analyzer';

export const docsDirectory = fileURLToPath(new URL('../../../../docs/rules/', import.meta.url));

export interface CodeBlock {
  readonly lang: string;
  /** The dialect named after the language, if any. */
  readonly dialect: DialectName | undefined;
  readonly code: string;
  /** 1-based line of the block's first code line in the page. */
  readonly pageLine: number;
}

export interface Page {
  readonly lines: readonly string[];
  /** `##` headings outside code blocks, in order. */
  readonly headings: readonly string[];
  /** Text between the title and the first `##` heading. */
  readonly preamble: string;
  /** Each `##` section's body (prose and code). */
  readonly body: ReadonlyMap<string, string>;
  readonly blocks: ReadonlyMap<string, readonly CodeBlock[]>;
}

export function parsePage(text: string): Page {
  const lines = text.split('\n');
  const headings: string[] = [];
  const body = new Map<string, string>();
  const blocks = new Map<string, CodeBlock[]>();
  const preamble: string[] = [];
  let current: string | undefined;
  let fence: { lang: string; dialect: DialectName | undefined; start: number; code: string[] } | undefined;
  lines.forEach((line, index) => {
    if (fence === undefined && line.startsWith('## ')) {
      current = line.trimEnd();
      headings.push(current);
      body.set(current, '');
      blocks.set(current, []);
      return;
    }
    if (index > 0 && current === undefined) preamble.push(line);
    if (current !== undefined) body.set(current, `${body.get(current) ?? ''}${line}\n`);
    const opening = /^```(\w*)(?:\s+(guide|published))?\s*$/.exec(line);
    if (fence === undefined && opening !== null) {
      fence = { lang: opening[1] ?? '', dialect: opening[2] as DialectName | undefined, start: index + 2, code: [] };
    } else if (fence !== undefined && /^```\s*$/.test(line)) {
      if (current !== undefined) blocks.get(current)?.push({ lang: fence.lang, dialect: fence.dialect, code: fence.code.join('\n'), pageLine: fence.start });
      fence = undefined;
    } else if (fence !== undefined) {
      fence.code.push(line);
    }
  });
  return { lines, headings, preamble: preamble.join('\n'), body, blocks };
}

/** The page of a rule (`no-pii-in-logs`). */
export function readPage(rule: string): Page {
  return parsePage(readFileSync(`${docsDirectory}${rule}.md`, 'utf8'));
}

/** The TypeScript examples (❌ and ✅) of a page. */
export function examples(page: Page): CodeBlock[] {
  return ['## ❌ Incorrect', '## ✅ Correct'].flatMap((section) => (page.blocks.get(section) ?? []).filter((block) => block.lang === 'ts'));
}
