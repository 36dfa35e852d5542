/**
 * The rule pages in docs/rules/: one per rule, in one shape, and their examples are true. Every ❌
 * example is linted with the plugin's `recommended` config and must yield exactly the findings its
 * `// expect: mcify/<rule>` annotations claim (the syntax of fixtures/lint: the annotation sits on the
 * line directly above the flagged line); every ✅ example must yield no finding at all.
 */
import { existsSync, readFileSync } from 'node:fs';
import { analyzerOptionsSchema, resolveOptions, rules as ruleTable, type DialectName, type RuleId } from '@mcify-audit/analyzer';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { notPublishedApi } from '../../analyzer/test/dialect-cases.js';
import plugin from '../src/index.js';
import { ruleSuggestions, suggestionMessages } from '../src/suggestions.js';
import { docsDirectory, examples, readPage, type Page } from './support/rule-pages.js';

const sections = ['## What it catches', '## ❌ Incorrect', '## ✅ Correct', '## Options', '## When not to use it'] as const;

/** Analyzer options each page must document (besides `severity`, which every page documents). */
const relevantOptions: Readonly<Record<string, readonly string[]>> = {
  'no-identity-in-input': ['identityNouns', 'identityWords'],
  'no-credential-in-input': ['credentialSuffixes', 'nonCredentialTokens'],
  'require-auth': ['guardMiddlewares'],
  'require-scope-check': ['sensitiveVerbs', 'guardMiddlewares'],
  'scoped-queries': ['sinks', 'trustedScopeHelpers'],
  'no-untrusted-identity': ['sinks', 'identityNouns', 'identityWords'],
  'no-auth-none': [],
  'no-secret-in-logs': ['credentialSuffixes', 'nonCredentialTokens'],
  'no-pii-in-logs': ['identityNouns', 'identityWords'],
  'token-lifetime': [],
};

const optionKeys = new Set(Object.keys(analyzerOptionsSchema.shape));
const ruleNames = Object.keys(plugin.rules) as (keyof typeof plugin.rules)[];
const configNames = Object.keys(plugin.configs) as (keyof typeof plugin.configs)[];

/** `line rule` pairs the `// expect:` annotations of a block claim (the line below each annotation). */
function expectedFindings(code: string): string[] {
  const expected: string[] = [];
  code.split('\n').forEach((line, index) => {
    const annotation = /^\s*\/\/\s*expect:\s*(.+?)\s*$/.exec(line);
    if (annotation?.[1] === undefined) return;
    for (const ruleId of annotation[1].split(',')) expected.push(`${String(index + 2)} ${ruleId.trim()}`);
  });
  return [...new Set(expected)].sort();
}

const linter = new Linter({ configType: 'flat' });

/** The `mcify/*` findings of a block in its dialect as `line rule` pairs; fails on a parse error (which would hide everything). */
function lint(code: string, dialect: DialectName): string[] {
  const lintConfig: Linter.Config[] = [plugin.configs.recommended as Linter.Config, { settings: { mcify: { dialect } } }];
  const messages = linter.verify(code, lintConfig, { filename: 'example.ts' });
  const fatal = messages.filter((message) => message.fatal === true || message.ruleId === null);
  expect(fatal.map((message) => message.message)).toEqual([]);
  return [...new Set(messages.filter((message) => message.ruleId?.startsWith('mcify/') === true).map((message) => `${String(message.line)} ${message.ruleId ?? ''}`))].sort();
}

const onlyRule = (findings: readonly string[], ruleId: string) => findings.filter((finding) => finding.endsWith(` ${ruleId}`));

/** Inline-code words of a Markdown text (`` `identityNouns` `` → identityNouns). */
function inlineCode(text: string): Set<string> {
  return new Set([...text.matchAll(/`([^`\n]+)`/g)].map((match) => match[1] ?? ''));
}

describe.each(ruleNames)('docs/rules/%s.md', (rule) => {
  const ruleId: RuleId = `mcify/${rule}`;
  const { meta } = plugin.rules[rule];
  // `docs` as RuleCreator fills it in (the declared type leaves it optional).
  const docs = (meta as { docs?: { description?: string; url?: string } }).docs;
  const path = `${docsDirectory}${rule}.md`;
  const page = existsSync(path) ? readPage(rule) : undefined;
  const loaded = (): Page => {
    if (page === undefined) throw new Error(`${path} is missing`);
    return page;
  };

  it('exists, is titled mcify/<rule>, and has exactly the required sections in order', () => {
    expect(existsSync(path)).toBe(true);
    const { lines, headings } = loaded();
    expect(lines[0]).toBe(`# ${ruleId}`);
    expect(lines.slice(1).filter((line) => line.startsWith('# '))).toEqual([]);
    expect(headings).toEqual([...sections]);
  });

  it('opens with one summary paragraph that quotes meta.docs.description and states severity and configs', () => {
    const paragraphs = loaded()
      .preamble.split(/\n\s*\n/)
      .map((paragraph) => paragraph.trim())
      .filter((paragraph) => paragraph !== '');
    expect(paragraphs).toHaveLength(1);
    const summary = (paragraphs[0] ?? '').replace(/\s+/g, ' ');
    const description = docs?.description;
    expect(description).toBe(ruleTable[ruleId].description);
    expect(summary).toContain(description);
    expect(summary).toContain(`Default severity: **${ruleTable[ruleId].severity}**`);
    const enabledIn = configNames.filter((name) => {
      const level = plugin.configs[name].rules?.[ruleId];
      return level !== undefined && level !== 'off' && level !== 0;
    });
    expect(enabledIn).toHaveLength(configNames.length);
    for (const name of enabledIn) expect(summary).toContain(`\`${name}\``);
  });

  it('points meta.docs.url at its page', () => {
    expect(docs?.url).toMatch(new RegExp(`docs/rules/${rule}\\.md$`));
  });

  it('documents the analyzer options that affect the rule, and only real ones', () => {
    const optionsSection = loaded().body.get('## Options') ?? '';
    // Every option row of the table names a key of the analyzer's option schema.
    const named = [...optionsSection.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((match) => match[1] ?? '');
    expect(named.length).toBeGreaterThan(0);
    for (const key of named) expect(optionKeys, `unknown option \`${key}\``).toContain(key);
    for (const key of [...(relevantOptions[rule] ?? []), 'severity']) expect(named, `option \`${key}\` is not documented`).toContain(key);
    // Any option-looking word in the whole page is a real option.
    const pageText = loaded().lines.join('\n');
    const messageIds = new Set([...Object.keys(ruleTable[ruleId].messages), ...(ruleSuggestions[ruleId] ?? [])]);
    for (const word of inlineCode(pageText)) {
      if (messageIds.has(word)) continue;
      if (/^(identity|credential|nonCredential|sensitive|trustedScope|guard)[A-Z]\w*$/.test(word)) expect(optionKeys, `unknown option \`${word}\``).toContain(word);
    }
    expect(optionsSection).toMatch(/no ESLint rule options of its own/);
    // Example configurations validate against the schema.
    for (const block of loaded().blocks.get('## Options') ?? []) {
      if (block.lang !== 'json') continue;
      const parsed = JSON.parse(block.code) as Record<string, unknown>;
      const value = parsed['mcify-audit'] ?? parsed;
      expect(() => resolveOptions(value)).not.toThrow();
    }
  });

  it('has TypeScript examples of each kind in each dialect, importing mcify; published ones use only the published API', () => {
    for (const block of examples(loaded())) expect(block.dialect, `block at line ${String(block.pageLine)} names its dialect (\`\`\`ts guide or \`\`\`ts published)`).toBeDefined();
    for (const section of ['## ❌ Incorrect', '## ✅ Correct']) {
      for (const dialect of ['guide', 'published'] as const) {
        const blocks = (loaded().blocks.get(section) ?? []).filter((block) => block.lang === 'ts' && block.dialect === dialect);
        expect(blocks.length, `${section} ${dialect}`).toBeGreaterThan(0);
        for (const block of blocks) {
          expect(block.code).toMatch(/from '@mcify\/core'/);
          if (dialect === 'published') expect(block.code, `block at line ${String(block.pageLine)}`).not.toMatch(/\.claims\b|\bhash\(|ToolError|scopes: \[|\bcheck:|\{ check \}|\boauth\(\{/);
        }
      }
    }
  });

  it('quotes every message of the rule, and its suggestions\' messages', () => {
    const text = loaded().lines.join('\n');
    for (const template of Object.values(ruleTable[ruleId].messages)) expect(text).toContain(template);
    const published = Object.entries(ruleTable[ruleId].messages).filter(([id]) => id.endsWith('Published'));
    for (const [, template] of published) expect(template).not.toMatch(notPublishedApi);
    for (const id of ruleSuggestions[ruleId] ?? []) expect(text, `suggestion ${id}`).toContain(suggestionMessages[id]);
  });

  it('❌ examples yield exactly the findings their // expect: annotations claim', () => {
    for (const block of loaded().blocks.get('## ❌ Incorrect') ?? []) {
      if (block.lang !== 'ts') continue;
      const expected = expectedFindings(block.code);
      expect(onlyRule(expected, ruleId).length, `block at line ${String(block.pageLine)} claims no ${ruleId} finding`).toBeGreaterThan(0);
      const found = lint(block.code, block.dialect ?? 'guide');
      // The page's rule exactly, and no other rule's finding that is not annotated either.
      expect(onlyRule(found, ruleId), `block at line ${String(block.pageLine)}`).toEqual(onlyRule(expected, ruleId));
      expect(found, `block at line ${String(block.pageLine)}`).toEqual(expected);
    }
  });

  it('✅ examples yield no finding', () => {
    for (const block of loaded().blocks.get('## ✅ Correct') ?? []) {
      if (block.lang !== 'ts') continue;
      expect(block.code).not.toMatch(/\/\/\s*expect:/);
      expect(lint(block.code, block.dialect ?? 'guide'), `block at line ${String(block.pageLine)}`).toEqual([]);
    }
  });
});

describe('docs/rules/README.md', () => {
  it('lists every rule once, linking its page, with its severity, config and suggestions', () => {
    const readme = readFileSync(`${docsDirectory}README.md`, 'utf8');
    const rows = new Map<string, { file: string; cells: string[] }>();
    for (const line of readme.split('\n')) {
      const link = /^\| \[`mcify\/([\w-]+)`\]\(([\w-]+)\.md\)/.exec(line);
      if (link === null) continue;
      const name = link[1] ?? '';
      expect(rows.has(name), `${name} is listed twice`).toBe(false);
      rows.set(name, { file: link[2] ?? '', cells: line.split('|').map((cell) => cell.trim()) });
    }
    expect([...rows.keys()].sort()).toEqual([...ruleNames].sort());
    for (const rule of ruleNames) {
      const row = rows.get(rule);
      expect(row?.file).toBe(rule);
      const cells = row?.cells ?? [];
      // | rule | default severity | in recommended | suggestions | what it flags |
      expect(cells[2]).toBe(ruleTable[`mcify/${rule}`].severity);
      expect(cells[3]).toBe('✅');
      expect(cells[4]).toBe(plugin.rules[rule].meta.hasSuggestions === true ? '💡' : '');
      expect(cells[5]).toBe(ruleTable[`mcify/${rule}`].description);
    }
  });
});
