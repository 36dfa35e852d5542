import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeProgram, ruleDocsUrl, type RuleId } from '@mcify-audit/analyzer';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusCases, repoRoot } from '../../analyzer/test/corpus-cases.js';
import { formatHtml } from '../src/report/format-html.js';
import { formatMarkdown, markdownCommentBudget, markdownCommentLimit, markdownFormatter } from '../src/report/format-markdown.js';
import { formatText } from '../src/report/format-text.js';
import { notesAfterInventory, summarizeTools } from '../src/report/inventory-summary.js';
import { scanCompilerOptions } from '../src/project/projects.js';
import { createReport, reportDialect, reportFinding, reportNote, reportTool, type FormatContext, type Report, type ReportFinding, type ReportNote, type ReportTool } from '../src/report/report.js';

// --- The real report: the whole lint corpus as one program, as `mcify-audit fixtures/lint` would see it.

let report: Report;
let context: FormatContext;
let source: (file: string) => string[];

beforeAll(() => {
  const files = corpusCases().flatMap((corpusCase) => corpusCase.files);
  const program = ts.createProgram(files, scanCompilerOptions);
  const result = analyzeProgram(program, {}, files);
  report = createReport({
    version: '0.0.0-test',
    dialect: reportDialect(result.dialect, repoRoot),
    files: files.length,
    tools: result.tools.map((tool) => reportTool(tool, repoRoot)),
    notes: result.notes.map((note) => reportNote(note, repoRoot)),
    findings: result.findings.map((finding) => reportFinding(finding, repoRoot)),
  });
  context = { cwd: repoRoot, color: false, sourceOf: (file) => readFileSync(resolve(repoRoot, file), 'utf8') };
  source = (file) => readFileSync(resolve(repoRoot, file), 'utf8').split('\n');
}, 240_000);

// --- Hand-made reports for the edge cases.

const finding = (overrides: Partial<ReportFinding>): ReportFinding => ({
  ruleId: 'mcify/scoped-queries',
  severity: 'error',
  confidence: 'high',
  messageId: 'unscopedQuery',
  message: 'db.order.findMany() is not scoped.',
  data: { sink: 'db.order.findMany()' },
  file: 'src/tools.ts',
  line: 1,
  column: 1,
  endLine: 1,
  endColumn: 2,
  tool: 'orders_list',
  flow: [],
  ...overrides,
});

const tool = (overrides: Partial<ReportTool>): ReportTool => ({
  name: 'orders_list',
  kind: 'tool',
  file: 'src/tools.ts',
  line: 1,
  requiresAuth: true,
  scopeGates: [],
  inputFields: [],
  identityFields: [],
  credentialFields: [],
  sinks: [],
  ...overrides,
});

const handMade = (parts: { tools?: ReportTool[]; findings?: ReportFinding[]; notes?: (Omit<ReportNote, 'code'> & { code?: ReportNote['code'] })[]; files?: number }): Report =>
  createReport({
    version: '0.0.0-test',
    dialect: { name: 'guide', reason: 'the dialect option says so' },
    files: parts.files ?? 1,
    tools: parts.tools ?? [],
    notes: (parts.notes ?? []).map((note) => ({ code: 'note', ...note })),
    findings: parts.findings ?? [],
  });

const sources = (files: Record<string, string>, color = false): FormatContext => ({ cwd: '/project', color, sourceOf: (file) => files[file] });

// --- Reading the outputs back (test-side parsers of the three formats' structure).

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The cells of a GFM table row, split as GitHub does: on pipes not escaped by a backslash. */
function cellsOf(row: string): string[] {
  const cells: string[] = [];
  let cell = '';
  for (let index = 0; index < row.length; index += 1) {
    const char = row[index] ?? '';
    if (char === '\\') {
      cell += char + (row[index + 1] ?? '');
      index += 1;
    } else if (char === '|') {
      cells.push(cell);
      cell = '';
    } else {
      cell += char;
    }
  }
  cells.push(cell);
  // A row starts and ends with a pipe: drop the empty text outside them.
  return cells.slice(1, -1).map((text) => text.trim());
}

/** What a Markdown cell shows: tags dropped, `<br>` as a line break, escapes and entities resolved. */
function mdText(cell: string): string {
  return cell
    .replace(/<\/?code>/g, '')
    .replace(/<br>/g, '\n')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The rows of the Markdown table right under `heading` (header and delimiter rows left out). */
function tableAfter(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const header = lines.findIndex((line, index) => index > start && line.startsWith('| '));
  const end = lines.findIndex((line, index) => index > header && !line.startsWith('| '));
  return lines.slice(header + 2, end === -1 ? undefined : end);
}

/** What HTML shows: tags dropped, the references `esc` writes resolved. */
function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

// Built from a string: a literal ESC in a regular expression is what no-control-regex forbids.
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The text format's finding headers, by the file heading they are under. */
function textHeaders(text: string): { file: string; line: number; column: number; severity: string; message: string; ruleId: string; tool: string | null; extras: string | undefined; index: number }[] {
  const lines = text.split('\n');
  const headers = [];
  let file = '';
  for (const [index, line] of lines.entries()) {
    if (/^\S/.test(line)) file = line;
    const match = /^ {2}(\d+):(\d+) +(error|warning) +(.*) {2}(mcify\/[a-z-]+)(?: {2}\((.*)\))?$/.exec(line);
    if (match === null) continue;
    const [, lineNumber = '', column = '', severity = '', message = '', ruleId = '', extras] = match;
    // `(tool, medium confidence)`, `(tool)` or `(low confidence)`.
    const tool = extras === undefined || /^(medium|low) confidence$/.test(extras) ? null : extras.replace(/, (medium|low) confidence$/, '');
    headers.push({ file, line: Number(lineNumber), column: Number(column), severity, message, ruleId, tool, extras, index });
  }
  return headers;
}

/** The lines of a finding's block in the text format: from its header to the blank line after it. */
function textBlock(text: string, headerIndex: number): string[] {
  const lines = text.split('\n');
  const end = lines.findIndex((line, index) => index > headerIndex && line === '');
  return lines.slice(headerIndex, end === -1 ? undefined : end);
}

/** What tells findings apart: a schema shared by several tools gives findings that differ only by tool. */
const key = (entry: { file: string; line: number; column: number; ruleId: string; tool: string | null }) => `${entry.file}:${entry.line}:${entry.column} ${entry.ruleId} ${entry.tool ?? ''}`;

describe('the corpus report', () => {
  it('is a real report with findings, flows, tools with and without requireAuth and unscoped data access', () => {
    expect(report.findings.length).toBeGreaterThan(100);
    expect(report.findings.some((entry) => entry.flow.length > 0)).toBe(true);
    expect(report.tools.some((entry) => !entry.requiresAuth)).toBe(true);
    expect(report.tools.some((entry) => entry.sinks.some((sink) => !sink.scoped))).toBe(true);
    expect(report.tools.some((entry) => entry.scopeGates.length > 0)).toBe(true);
  });
});

describe('formatText', () => {
  it('lists every finding under its file, with position, severity, message, rule and tool', () => {
    const text = formatText(report, context);
    const headers = textHeaders(text);
    expect(headers.map((header) => `${key(header)} ${header.severity} ${header.message} (${header.extras ?? ''})`).sort()).toEqual(
      report.findings.map((entry) => `${key(entry)} ${entry.severity} ${entry.message} (${entry.tool ?? ''})`).sort(),
    );
    // Files come in report order, each once.
    const files = [...new Set(report.findings.map((entry) => entry.file))];
    const headings = text.split('\n').filter((line) => files.includes(line));
    expect(headings).toEqual(files);
  });

  it('frames the reported line with 2 lines of context and a caret under column..endColumn', () => {
    const text = formatText(report, context);
    const lines = text.split('\n');
    for (const header of textHeaders(text)) {
      const entry = report.findings.find((candidate) => key(candidate) === key(header));
      expect(entry).toBeDefined();
      if (entry === undefined) continue;
      const file = source(entry.file);
      const block = lines.slice(header.index + 1);
      const numbered = block
        .map((line) => /^(?: {4}> | {6})\s*(\d+) \| (.*)$/.exec(line))
        .slice(0, 6)
        .filter((match) => match !== null);
      const shown = numbered.map((match) => Number(match[1]));
      const expected = [];
      for (let number = Math.max(1, entry.line - 2); number <= Math.min(file.length, entry.endLine + 2); number += 1) expected.push(number);
      expect(shown, key(entry)).toEqual(expected);

      const reportedAt = block.findIndex((line) => new RegExp(`^ {4}> \\s*${entry.line} \\| `).test(line));
      const reported = block[reportedAt] ?? '';
      const caretLine = block[reportedAt + 1] ?? '';
      const textStart = reported.indexOf(' | ') + 3;
      const shownText = reported.slice(textStart);
      const sourceLine = file[entry.line - 1] ?? '';
      // Long lines are cut with an ellipsis at the end; nothing in the corpus is cut at the start.
      expect(sourceLine.startsWith(shownText.replace(/…$/, '')), key(entry)).toBe(true);
      expect(shownText.replace(/…$/, '').length).toBeGreaterThan(0);
      const caretStart = caretLine.indexOf('^');
      expect(caretStart - textStart, key(entry)).toBe(entry.column - 1);
      // The caret runs to endColumn, or to where a long line is cut.
      const caretEnd = Math.min(entry.endColumn - 1, shownText.replace(/…$/, '').length);
      expect(caretLine.slice(caretStart), key(entry)).toBe('^'.repeat(Math.max(1, caretEnd - (entry.column - 1))));
    }
  });

  it("shows each finding's flow, step by step, ending at the sink", () => {
    const text = formatText(report, context);
    const withFlow = textHeaders(text).flatMap((header) => {
      const entry = report.findings.find((candidate) => key(candidate) === key(header));
      return entry === undefined || entry.flow.length === 0 ? [] : [{ entry, block: textBlock(text, header.index) }];
    });
    expect(withFlow.length).toBe(report.findings.filter((entry) => entry.flow.length > 0).length);
    for (const { entry, block } of withFlow) {
      const steps = block.slice(block.indexOf('    flow:') + 1);
      for (const step of entry.flow) expect(steps.some((line) => line.includes(`${step.file}:${step.line}:${step.column}  ${step.message}`)), key(entry)).toBe(true);
      expect(steps.at(-1), key(entry)).toMatch(new RegExp(`^ {6}sink {4}${escapeRegExp(`${entry.file}:${entry.line}:${entry.column}`)}  `));
      // A flow of more than its sink starts at its source.
      if (steps.length > 1) expect(steps[0]).toMatch(/^ {6}source /);
    }
  });

  it('inventories every tool with its auth gate, scope gates, fields and data access', () => {
    const text = formatText(report, context);
    const section = text.slice(text.indexOf(`\n\nTools (${report.tools.length})\n`));
    expect(section.length).toBeLessThan(text.length);
    const find = (name: string, file: string) => {
      const entry = report.tools.find((candidate) => candidate.name === name && candidate.file === file);
      expect(entry, name).toBeDefined();
      if (entry === undefined) throw new Error(name);
      const lines = section.split('\n');
      const start = lines.findIndex((line) => line.startsWith(`  ${name}  ${file}:${entry.line}`));
      expect(start, name).toBeGreaterThanOrEqual(0);
      const end = lines.findIndex((line, index) => index > start && /^ {2}\S/.test(line));
      return { entry, block: lines.slice(start, end === -1 ? undefined : end).join('\n') };
    };
    // notes_list: requireAuth, no scope gate, `workspace_id` in input, a MongoDB find filtered by it.
    const notes = find('notes_list', 'fixtures/lint/mixed/notes.mjs');
    expect(notes.entry.requiresAuth).toBe(true);
    expect(notes.block).toMatch(/^ {4}auth {15}requireAuth$/m);
    expect(notes.block).toMatch(/^ {4}scope gates {8}none$/m);
    expect(notes.block).toMatch(/^ {4}identity fields {4}workspace_id$/m);
    const unscoped = notes.entry.sinks.filter((sink) => !sink.scoped);
    expect(unscoped.length).toBeGreaterThan(0);
    for (const sink of unscoped) expect(notes.block).toContain(`unscoped  ${sink.label}  ${sink.file}:${sink.line}`);
    // leads_stale: a timeout middleware but no requireAuth.
    const stale = find('leads_stale', 'fixtures/lint/require-auth/aliases-and-predicate.ts');
    expect(stale.entry.requiresAuth).toBe(false);
    expect(stale.block).toMatch(/^ {4}auth {15}no requireAuth$/m);
    // billing_charge: its scope gate as written.
    const charge = find('billing_charge', 'fixtures/lint/mixed/billing-app/src/tools.ts');
    expect(charge.entry.scopeGates.length).toBeGreaterThan(0);
    expect(charge.block).toContain(`scope gates        ${charge.entry.scopeGates.join('; ')}`);
    expect(charge.block).toMatch(/^ {6}scoped {4}db\.charge\.create\(\) {2}fixtures\/lint\/mixed\/billing-app\/src\/tools\.ts:\d+$/m);
  });

  it('ends with the summary line', () => {
    const { errors, warnings, files, tools } = report.summary;
    expect(errors).toBeGreaterThan(1);
    expect(formatText(report, context).split('\n').at(-1)).toBe(`✖ ${errors + warnings} problems (${errors} errors, ${warnings} warnings) in ${files} files, ${tools} tools`);
  });

  it('colours only when asked: the coloured text is the plain text plus SGR codes', () => {
    const plain = formatText(report, context);
    const coloured = formatText(report, { ...context, color: true });
    expect(plain).not.toContain('\u001b');
    expect(coloured).toContain('\u001b[31merror  \u001b[39m');
    expect(coloured.replace(ansi, '')).toBe(plain);
  });

  it('says plainly when no tools were found, without a ✔: nothing was audited', () => {
    const text = formatText(handMade({ files: 3, notes: [{ code: 'no-tools', message: 'No mcify tools were found.' }] }), sources({}));
    expect(text).toContain('Tools\n  No mcify tools were found');
    // The inventory says it: the note is not listed again.
    expect(text).not.toContain('Notes');
    expect(text.split('\n').at(-1)).toBe('✖ no mcify tools found in 3 files, 0 tools');
    expect(formatText(handMade({ files: 1, tools: [tool({})] }), sources({})).split('\n').at(-1)).toBe('✔ no problems in 1 file, 1 tool');
  });

  it('says how many files were only partly analysed, and gives no ✔ for them', () => {
    const partial = (notes: { code: 'parse-error'; message: string; file: string; line: number; column: number }[], findings: ReportFinding[] = []) =>
      formatText(handMade({ files: 3, tools: [tool({})], notes, findings }), sources({})).split('\n').at(-1);
    const broken = (file: string) => ({ code: 'parse-error' as const, message: 'Syntax error: Expression expected.', file, line: 2, column: 5 });
    expect(partial([broken('src/a.ts')])).toBe('⚠ no problems in 3 files, 1 tool; 1 file only partly analysed');
    expect(partial([broken('src/a.ts'), broken('src/b.ts')], [finding({})])).toBe('✖ 1 problem (1 error, 0 warnings) in 3 files, 1 tool; 2 files only partly analysed');
  });

  it('lists notes with their file, line and column, and says the dialect above the summary', () => {
    const text = formatText(
      handMade({
        notes: [
          { message: 'Unresolved import ./db.js', file: 'src/a.ts', line: 3, column: 19 },
          { message: 'A note with a file only', file: 'tsconfig.json' },
          { message: 'A note without file' },
          { code: 'dialect', message: 'Advice is written in the guide mcify dialect: the dialect option says so.' },
        ],
      }),
      sources({}),
    );
    expect(text).toContain('Notes\n  src/a.ts:3:19: Unresolved import ./db.js\n  tsconfig.json: A note with a file only\n  A note without file\n\n');
    expect(text.split('\n').slice(-2)).toEqual(['Advice is written in the guide mcify dialect: the dialect option says so.', '✖ no mcify tools found in 1 file, 0 tools']);
    // Said by the verdict, the dialect note is not listed among the notes as well.
    expect(text.match(/Advice is written/g)).toHaveLength(1);
  });

  it('shows a finding whose file cannot be read, or whose line is no longer there, without a frame', () => {
    const findings = [finding({ file: 'gone.ts', line: 3, column: 2, endColumn: 5 }), finding({ file: 'short.ts', line: 9, column: 1, endColumn: 3 })];
    const text = formatText(handMade({ findings }), sources({ 'short.ts': 'one line\n' }));
    expect(text).toContain('gone.ts\n  3:2  error    db.order.findMany() is not scoped.  mcify/scoped-queries  (orders_list)\n\nshort.ts');
    expect(text).not.toMatch(/ \| /);
  });

  it('aligns the caret under tabs, cuts long lines around the column, and marks every line of a multi-line range', () => {
    const tabbed = '\t\tconst rows = await db.order.findMany();';
    const long = `${'x'.repeat(5000)}db.secret()${'y'.repeat(5000)}`;
    const findings = [
      finding({ file: 'tabs.ts', line: 1, column: 22, endColumn: 40 }),
      finding({ file: 'min.js', line: 1, column: 5001, endColumn: 5012 }),
      finding({ file: 'multi.ts', line: 2, column: 5, endLine: 3, endColumn: 5 }),
    ];
    const text = formatText(handMade({ findings }), sources({ 'tabs.ts': tabbed, 'min.js': long, 'multi.ts': 'a\nb = call(\n  x)\nc' }));
    const lines = text.split('\n');
    const at = (prefix: string) => lines.findIndex((line) => line.startsWith(prefix));

    const tabLine = at('    > 1 | \t\t');
    expect(lines[tabLine]).toBe(`    > 1 | ${tabbed}`);
    expect(lines[tabLine + 1]).toBe(`        | \t\t${' '.repeat(19)}${'^'.repeat(18)}`);

    const minLine = lines.findIndex((line) => line.startsWith('    > 1 | …'));
    const shown = (lines[minLine] ?? '').slice('    > 1 | '.length);
    expect(shown.length).toBeLessThan(200);
    const caretLine = lines[minLine + 1] ?? '';
    const caret = caretLine.slice(caretLine.indexOf('| ') + 2);
    expect(shown.slice(caret.indexOf('^'), caret.lastIndexOf('^') + 1)).toBe('db.secret()');

    expect(lines.slice(at('multi.ts'))).toEqual(
      expect.arrayContaining(['      1 | a', '    > 2 | b = call(', '        |     ^^^^^', '    > 3 |   x)', '        |   ^^', '      4 | c']),
    );
  });

  it('writes no escape sequence that a hostile message or source line carries', () => {
    const evil = finding({ message: 'pwned \u001b]0;title\u0007 \u001b[2J \u202e', line: 1, column: 1, endColumn: 4, tool: 'x\u001b[31m' });
    const hostileTool = tool({ name: 'evil\u001b[1mtool', identityFields: ['user\u001bId'], sinks: [{ family: 'sql', label: 'q\u001b', file: 'src/tools.ts', line: 1, scoped: false }] });
    const text = formatText(handMade({ findings: [evil], tools: [hostileTool], notes: [{ message: 'note \u001bc' }] }), sources({ 'src/tools.ts': 'sql`\u001b[5m`' }));
    expect(text).not.toMatch(/(?!\n)[\p{Cc}\p{Bidi_Control}]/u);
    expect(text).toContain('pwned ␛]0;title␇ ␛[2J �');
    expect(text).toContain('sql`␛[5m`');
  });
});

// --- Markdown cut to fit a comment.

/** The whole report as Markdown, never cut: what the comment would be without GitHub's limit. */
const formatWhole = markdownFormatter(Number.POSITIVE_INFINITY);

/** The size GitHub may count: that of the comment saved from the browser, whose line breaks are CRLF. */
const crlfSize = (markdown: string) => markdown.replace(/\n/g, '\r\n').length;

/** What a Markdown report shows, read line by line: finding rows under their rule, flows, tool rows, notes, the omission line. */
function markdownParts(markdown: string) {
  const rows: { ruleId: string; severity: string; location: string; tool: string; message: string }[] = [];
  const headings: { ruleId: string; shown: number | undefined; rows: number }[] = [];
  const tools: string[][] = [];
  const notes: string[] = [];
  const flowBlocks: { ruleId: string; shown: number; of: number | undefined; items: number }[] = [];
  let flows = 0;
  let omission: string | undefined;
  let section = '';
  for (const line of markdown.split('\n')) {
    const rule = /^#### \[(mcify\/[a-z-]+)\]\(\S+\): [^(]*(?: \((\d+) shown\))?$/.exec(line);
    const flowSummary = /^<summary>Source → sink flows \((\d+)(?: of (\d+))?\)<\/summary>$/.exec(line);
    if (line.startsWith('### ')) section = line;
    else if (rule !== null) headings.push({ ruleId: rule[1] ?? '', shown: rule[2] === undefined ? undefined : Number(rule[2]), rows: 0 });
    else if (line.startsWith('> Left out')) omission = line;
    else if (flowSummary !== null) flowBlocks.push({ ruleId: headings.at(-1)?.ruleId ?? '', shown: Number(flowSummary[1]), of: flowSummary[2] === undefined ? undefined : Number(flowSummary[2]), items: 0 });
    else if (section === '### Findings' && /^\| (error|warning) \|/.test(line)) {
      const heading = headings.at(-1);
      const [severity = '', location = '', toolName = '', message = ''] = cellsOf(line).map(mdText);
      rows.push({ ruleId: heading?.ruleId ?? '', severity, location, tool: toolName, message });
      if (heading !== undefined) heading.rows += 1;
    } else if (section === '### Findings' && line.startsWith('- <code>')) {
      flows += 1;
      const block = flowBlocks.at(-1);
      if (block !== undefined) block.items += 1;
    } else if (section === '### Tools' && line.startsWith('| ') && !line.startsWith('| tool |') && !line.startsWith('| --- |')) {
      tools.push(cellsOf(line).map(mdText));
    } else if (section === '### Notes' && line.startsWith('- ')) {
      notes.push(line);
    }
  }
  return { rows, headings, tools, notes, flows, flowBlocks, omission };
}

/** The numbers of the omission line: `left` of `of` for each kind of thing, undefined where it says nothing of that kind. */
function leftOut(omission: string | undefined) {
  const count = (pattern: RegExp) => {
    const match = pattern.exec(omission ?? '');
    return match === null ? undefined : { left: Number(match[1]), of: Number(match[2]) };
  };
  const bySeverity = /\d+ of \d+ findings? \(([^)]*)\)/.exec(omission ?? '')?.[1] ?? '';
  return {
    findings: count(/(\d+) of (\d+) findings? \(/),
    errors: Number(/(\d+) errors?/.exec(bySeverity)?.[1] ?? 0),
    warnings: Number(/(\d+) warnings?/.exec(bySeverity)?.[1] ?? 0),
    flows: count(/(\d+) of (\d+) source → sink flows?/),
    tools: count(/(\d+) of (\d+) tools? in the inventory/),
    notes: count(/(\d+) of (\d+) notes?/),
  };
}

/**
 * Checks a cut Markdown report against the report it shows: within `budget`; cut between whole rows,
 * tables and `<details>` blocks; headings count what they show; the omission line's numbers are
 * exactly what is missing; a kind of thing is shown only when everything more important is; and every
 * error is there with its rule and location when none was left out.
 */
function expectFaithfulCut(subject: Report, markdown: string, budget: number): ReturnType<typeof markdownParts> {
  const whole = formatWhole(subject, context);
  expect(crlfSize(markdown)).toBeLessThanOrEqual(budget);
  // The heading and counts come first, whatever is cut.
  expect(markdown.startsWith(whole.slice(0, whole.indexOf('\n\n### ')))).toBe(true);
  // Every table row is a whole row of the whole report: the cut falls between rows.
  const wholeLines = new Set(whole.split('\n'));
  for (const line of markdown.split('\n')) if (line.startsWith('|')) expect(wholeLines.has(line), line.slice(0, 120)).toBe(true);
  // <details> blocks open and close in turn, none left open.
  const tags = [...markdown.matchAll(/<\/?details>/g)].map(([tag]) => tag);
  expect(tags.join('')).toBe('<details></details>'.repeat(tags.length / 2));

  const parts = markdownParts(markdown);
  for (const row of parts.rows) {
    const found = subject.findings.some((entry) => entry.ruleId === row.ruleId && entry.severity === row.severity && `${entry.file}:${entry.line}:${entry.column}` === row.location && entry.message === row.message);
    expect(found, `${row.ruleId} ${row.location}`).toBe(true);
  }
  for (const heading of parts.headings) {
    const total = subject.findings.filter((entry) => entry.ruleId === heading.ruleId).length;
    expect(heading.shown ?? total, heading.ruleId).toBe(heading.rows);
    if (heading.shown !== undefined) expect(heading.shown).toBeLessThan(total);
  }
  for (const block of parts.flowBlocks) {
    const total = subject.findings.filter((entry) => entry.ruleId === block.ruleId && entry.flow.length > 0).length;
    expect([block.shown, block.of ?? total], block.ruleId).toEqual([block.items, total]);
    if (block.of !== undefined) expect(block.shown).toBeLessThan(total);
  }

  const errors = subject.findings.filter((entry) => entry.severity === 'error');
  const hiddenErrors = errors.length - parts.rows.filter((row) => row.severity === 'error').length;
  const hiddenWarnings = subject.findings.length - errors.length - parts.rows.filter((row) => row.severity === 'warning').length;
  const flowsTotal = subject.findings.filter((entry) => entry.flow.length > 0).length;
  const notesTotal = notesAfterInventory(subject).length;
  const left = leftOut(parts.omission);
  expect(left.findings).toEqual(hiddenErrors + hiddenWarnings === 0 ? undefined : { left: hiddenErrors + hiddenWarnings, of: subject.findings.length });
  expect([left.errors, left.warnings]).toEqual([hiddenErrors, hiddenWarnings]);
  expect(left.flows).toEqual(parts.flows === flowsTotal ? undefined : { left: flowsTotal - parts.flows, of: flowsTotal });
  expect(left.tools).toEqual(parts.tools.length === subject.tools.length ? undefined : { left: subject.tools.length - parts.tools.length, of: subject.tools.length });
  expect(left.notes).toEqual(parts.notes.length === notesTotal ? undefined : { left: notesTotal - parts.notes.length, of: notesTotal });
  // The omission line is there exactly when something is missing, and says how to get everything.
  expect(parts.omission === undefined).toBe(markdown === whole);
  if (parts.omission !== undefined) {
    expect(markdown.endsWith(parts.omission)).toBe(true);
    for (const option of ['`--format sarif`', '`--format html`', '`--format json --output FILE`']) expect(parts.omission).toContain(option);
  }

  // In order: errors, warnings, notes, flows, tools with a problem, the other tools.
  if (hiddenErrors > 0) expect(parts.rows.filter((row) => row.severity === 'warning')).toEqual([]);
  if (hiddenErrors + hiddenWarnings > 0) expect(parts.notes).toEqual([]);
  if (parts.notes.length < notesTotal) expect(parts.flows).toBe(0);
  if (parts.flows < flowsTotal) expect(parts.tools).toEqual([]);
  // A tool has a problem when it has no requireAuth, unscoped data access (⚠️) or findings.
  const problem = (cells: readonly string[]) => cells[2] === '❌' || (cells[6] ?? '').endsWith('⚠️') || cells[7] !== '0';
  const wholeTools = markdownParts(whole).tools;
  if (parts.tools.filter(problem).length < wholeTools.filter(problem).length) expect(parts.tools.filter((cells) => !problem(cells))).toEqual([]);

  if (hiddenErrors === 0) {
    for (const entry of errors) expect(parts.rows.some((row) => row.ruleId === entry.ruleId && row.location === `${entry.file}:${entry.line}:${entry.column}`), key(entry)).toBe(true);
  }
  return parts;
}

describe('formatMarkdown', () => {
  it('has a verdict heading and summary counts', () => {
    const markdown = formatMarkdown(report, context);
    const { errors, warnings, files, tools } = report.summary;
    expect(markdown.split('\n')[0]).toBe(`## ❌ mcify-audit: ${errors + warnings} problems (${errors} errors, ${warnings} warnings)`);
    expect(markdown).toContain(`${files} files, ${tools} tools analysed by mcify-audit`);
    const counts = new Map(tableAfter(markdown, markdown.split('\n')[2] ?? '').map((row) => cellsOf(row) as [string, string]));
    expect(counts.get('errors')).toBe(String(errors));
    expect(counts.get('tools without requireAuth')).toBe(String(report.tools.filter((entry) => !entry.requiresAuth).length));
    expect(counts.get('tools with unscoped data access')).toBe(String(report.tools.filter((entry) => entry.sinks.some((sink) => !sink.scoped)).length));
  });

  it('has one inventory row per tool with its auth, scope gates, fields and data access', () => {
    const markdown = formatWhole(report, context);
    const rows = tableAfter(markdown, '### Tools').map(cellsOf);
    expect(rows).toHaveLength(report.tools.length);
    for (const [index, entry] of report.tools.entries()) {
      const cells = (rows[index] ?? []).map(mdText);
      expect(cells).toHaveLength(8);
      const [name, location, auth, gates, identity, credentials, access] = cells;
      expect(name).toBe(`${entry.name ?? `(unnamed ${entry.kind})`}${entry.kind === 'tool' ? '' : ` (${entry.kind})`}`);
      expect(location).toBe(`${entry.file}:${entry.line}`);
      expect(auth).toBe(entry.requiresAuth ? '✅' : '❌');
      expect(gates).toBe(entry.scopeGates.length === 0 ? '—' : entry.scopeGates.join('\n'));
      expect(identity).toBe(entry.identityFields.length === 0 ? '—' : entry.identityFields.join(', '));
      expect(credentials).toBe(entry.credentialFields.length === 0 ? '—' : entry.credentialFields.join(', '));
      const scoped = entry.sinks.filter((sink) => sink.scoped).length;
      expect(access).toBe(entry.sinks.length === 0 ? 'none' : `${scoped} of ${entry.sinks.length} scoped${scoped < entry.sinks.length ? ' ⚠️' : ''}`);
    }
  });

  it('shows the known corpus tools as their source says', () => {
    const rows = tableAfter(formatWhole(report, context), '### Tools').map((row) => cellsOf(row).map(mdText));
    const row = (name: string, file: string) => {
      const entry = report.tools.find((candidate) => candidate.name === name && candidate.file === file);
      const found = rows.find((cells) => cells[0] === name && cells[1] === `${file}:${entry?.line ?? 0}`);
      expect(found, name).toBeDefined();
      return found ?? [];
    };
    // notes_list filters a MongoDB find by `input.workspace_id`: requireAuth, no gate, the one call unscoped.
    expect(row('notes_list', 'fixtures/lint/mixed/notes.mjs').slice(2)).toEqual(['✅', '—', 'workspace_id', '—', '0 of 1 scoped ⚠️', '2']);
    // leads_stale has only a timeout middleware; its query is scoped by the tenant claim.
    expect(row('leads_stale', 'fixtures/lint/require-auth/aliases-and-predicate.ts').slice(2, 7)).toEqual(['❌', '—', '—', '—', '1 of 1 scoped']);
    // billing_charge is gated on the billing:charge scope and takes an account id.
    const charge = row('billing_charge', 'fixtures/lint/mixed/billing-app/src/tools.ts');
    expect(charge[2]).toBe('✅');
    expect(charge[3]).toMatch(/^requireAuth\(\{ scopes: \['billing:charge'\]/);
    expect(charge[4]).toBe('accountId');
  });

  it('counts the findings of each tool in its row', () => {
    const rows = tableAfter(formatWhole(report, context), '### Tools').map((row) => cellsOf(row).map(mdText));
    for (const [index, entry] of report.tools.entries()) {
      // Only tools whose name is unique in their file: the others share findings by position.
      if (report.tools.filter((other) => other.name === entry.name && other.file === entry.file).length > 1) continue;
      const count = report.findings.filter((candidate) => candidate.tool === entry.name && candidate.file === entry.file).length;
      expect(rows[index]?.[7], `${entry.name ?? ''} ${entry.file}`).toBe(String(count));
    }
  });

  it('lists every finding under its rule, with the rule linked to its documentation', () => {
    const markdown = formatWhole(report, context);
    // The findings come before the inventory now: the last rule's section ends where the tools begin.
    const sections = markdown.slice(0, markdown.indexOf('\n### Tools')).split('\n#### ').slice(1);
    const rows: string[] = [];
    for (const section of sections) {
      const match = /^\[(mcify\/[a-z-]+)\]\((\S+)\)/.exec(section);
      expect(match).not.toBeNull();
      const ruleId = (match?.[1] ?? '') as RuleId;
      expect(match?.[2]).toBe(ruleDocsUrl(ruleId));
      for (const line of section.split('\n').filter((text) => text.startsWith('| ') && !text.startsWith('| severity') && !text.startsWith('| ---'))) {
        const [severity, location, toolName, message] = cellsOf(line).map(mdText);
        rows.push(`${location ?? ''} ${ruleId} ${severity ?? ''} ${toolName ?? ''} ${message ?? ''}`);
      }
    }
    expect(sections.length).toBe(new Set(report.findings.map((entry) => entry.ruleId)).size);
    expect(rows.sort()).toEqual(report.findings.map((entry) => `${entry.file}:${entry.line}:${entry.column} ${entry.ruleId} ${entry.severity} ${entry.tool ?? '—'} ${entry.message}`).sort());
  });

  it('folds the flows of each rule into a <details> block', () => {
    const markdown = formatWhole(report, context);
    // The inventory is folded too: only the flows' blocks count here.
    const details = markdown
      .split('<details>')
      .slice(1)
      .map((block) => block.slice(0, block.indexOf('</details>')))
      .filter((block) => block.startsWith('\n<summary>Source → sink flows ('));
    expect(details.length).toBe(new Set(report.findings.filter((entry) => entry.flow.length > 0).map((entry) => entry.ruleId)).size);
    const text = details.map(mdText).join('\n');
    for (const entry of report.findings) {
      for (const step of entry.flow) expect(text).toContain(`${step.file}:${step.line}:${step.column}: ${step.message}`);
    }
  });

  it('says when no tools were found, without a ✅, and lists notes with their position', () => {
    const markdown = formatMarkdown(
      handMade({ notes: [{ code: 'no-tools', message: 'No mcify tools were found.' }, { message: '# not a heading', file: 'a.ts' }, { message: '1. not a list' }, { code: 'parse-error', message: 'Syntax error.', file: 'b.ts', line: 4, column: 2 }] }),
      sources({}),
    );
    expect(markdown.split('\n')[0]).toBe('## ❌ mcify-audit: no mcify tools found');
    expect(markdown.split('\n')[2]).toBe('1 file, 0 tools analysed by mcify-audit 0.0.0-test; 1 file only partly analysed (see the notes).');
    expect(markdown.split('\n')[4]).toBe('Advice is written in the guide mcify dialect: the dialect option says so.');
    expect(markdown).toContain('### Tools\n\nNo mcify tools were found');
    expect(markdown).not.toContain('| tool |');
    expect(markdown).toContain('### Notes\n\n- <code>a.ts</code>: # not a heading\n- 1\\. not a list\n- <code>b.ts:4:2</code>: Syntax error.');
    expect(formatMarkdown(handMade({ tools: [tool({})] }), sources({})).split('\n')[0]).toBe('## ✅ mcify-audit: no problems');
  });

  it('escapes untrusted text so it can neither break a table nor inject HTML', () => {
    const hostile = '<script>alert(1)</script> | `code` [link](https://evil.example) *x*\nsecond line';
    const markdown = formatMarkdown(
      handMade({
        tools: [tool({ name: hostile, identityFields: ['user|Id', '`userId`'], credentialFields: ['<img src=x onerror=alert(1)>'], scopeGates: ['a | b'] })],
        findings: [finding({ message: hostile, tool: hostile, flow: [{ file: 'src/tools.ts', line: 1, column: 1, message: hostile }] })],
        notes: [{ message: hostile, file: 'x|y.ts' }],
      }),
      sources({}),
    );
    expect(markdown).not.toMatch(/<(script|img)/i);
    expect(markdown).not.toMatch(/(^|[^\\])\]\(https:\/\/evil/);
    // No unescaped backtick: a code span could swallow the rest of the row.
    expect(markdown).not.toMatch(/(^|[^\\])`/);
    const toolRows = tableAfter(markdown, '### Tools');
    expect(toolRows).toHaveLength(1);
    const cells = cellsOf(toolRows[0] ?? '').map(mdText);
    expect(cells).toHaveLength(8);
    expect(cells[0]).toBe(hostile);
    expect(cells[3]).toBe('a | b');
    expect(cells[4]).toBe('user|Id, `userId`');
    expect(cells[5]).toBe('<img src=x onerror=alert(1)>');
    const findingRows = markdown.split('\n').filter((line) => line.startsWith('| error |'));
    expect(findingRows).toHaveLength(1);
    expect(cellsOf(findingRows[0] ?? '').map(mdText)).toEqual(['error', 'src/tools.ts:1:1', hostile, hostile]);
  });
  it('fits the whole corpus in a GitHub comment, and says in exact numbers what it left out', () => {
    // The corpus is far too big for one comment: this is a real cut.
    expect(crlfSize(formatWhole(report, context))).toBeGreaterThan(2 * markdownCommentLimit);
    expect(markdownCommentBudget).toBeLessThan(markdownCommentLimit);
    const markdown = formatMarkdown(report, context);
    const parts = expectFaithfulCut(report, markdown, markdownCommentBudget);
    expect(parts.omission).toBeDefined();
    // The comment is mostly findings, and every rule with errors shows some.
    expect(parts.rows.length).toBeGreaterThan(report.findings.length / 2);
    const errorRules = new Set(report.findings.filter((entry) => entry.severity === 'error').map((entry) => entry.ruleId));
    expect(new Set(parts.rows.filter((row) => row.severity === 'error').map((row) => row.ruleId))).toEqual(errorRules);
  });

  it('shows every error, then the warnings, before any tool of the inventory', () => {
    // The corpus with fewer errors: they fit, the inventory does not.
    const errors = report.findings.filter((entry) => entry.severity === 'error');
    const subject = createReport({
      version: '0.0.0-test',
      dialect: report.dialect,
      files: report.summary.files,
      tools: report.tools,
      notes: report.notes,
      findings: [...errors.slice(0, 60), ...report.findings.filter((entry) => entry.severity === 'warning')],
    });
    const parts = expectFaithfulCut(subject, formatMarkdown(subject, context), markdownCommentBudget);
    const left = leftOut(parts.omission);
    expect([left.findings, left.errors, left.warnings]).toEqual([undefined, 0, 0]);
    expect(left.tools?.left).toBeGreaterThan(0);
    expect(parts.tools.length).toBeGreaterThan(0);
    // The inventory stays folded, and its summary says how much of it is there.
    expect(formatMarkdown(subject, context)).toContain(`<summary>Inventory: ${parts.tools.length} of ${subject.tools.length} tools</summary>`);
  });

  it('cuts at any budget between whole rows, tables and <details> blocks', () => {
    const whole = formatWhole(report, context);
    const errorRules = [...new Set(report.findings.filter((entry) => entry.severity === 'error').map((entry) => entry.ruleId))];
    for (const budget of [1_500, 4_000, 12_000, 30_000, 90_000, 150_000, crlfSize(whole) - 1]) {
      const markdown = markdownFormatter(budget)(report, context);
      expect(markdown.length, String(budget)).toBeLessThan(whole.length);
      const parts = expectFaithfulCut(report, markdown, budget);
      // Each rule gives its errors in turn: with room for a few rows each, every rule shows some.
      if (budget >= 12_000) expect(errorRules.filter((ruleId) => !parts.rows.some((row) => row.ruleId === ruleId)), String(budget)).toEqual([]);
    }
    expect(markdownFormatter(crlfSize(whole))(report, context)).toBe(whole);
  });

  it('leaves a report that fits as it is: nothing left out, no omission line', () => {
    const small = handMade({
      tools: [tool({}), tool({ name: 'orders_get', line: 9, requiresAuth: false })],
      findings: [
        finding({}),
        finding({ line: 12, tool: 'orders_get', flow: [{ file: 'src/tools.ts', line: 10, column: 3, message: 'input.orderId' }] }),
        finding({ ruleId: 'mcify/require-auth', severity: 'warning', line: 9, tool: 'orders_get', message: 'orders_get has no requireAuth.' }),
      ],
      notes: [{ message: 'Cannot resolve "pg".', file: 'src/tools.ts' }],
    });
    const markdown = formatMarkdown(small, sources({}));
    expect(markdown).toBe(formatWhole(small, sources({})));
    expect(markdown).not.toContain('Left out');
    expect(markdown).not.toContain(' shown)');
    expect(markdown).toContain('<summary>Inventory: 2 tools</summary>');
    expect(markdown).toContain('<summary>Source → sink flows (1)</summary>');
    const parts = markdownParts(markdown);
    expect(parts.rows.map((row) => `${row.ruleId} ${row.severity} ${row.location}`)).toEqual(['mcify/require-auth warning src/tools.ts:9:1', 'mcify/scoped-queries error src/tools.ts:1:1', 'mcify/scoped-queries error src/tools.ts:12:1']);
    expect([parts.tools.length, parts.notes.length, parts.flows]).toEqual([2, 1, 1]);
    // The findings come before the inventory, which is folded.
    expect(markdown.indexOf('### Findings')).toBeLessThan(markdown.indexOf('### Tools\n\n<details>'));
  });

  it('does not let one huge error push the other errors out, nor a warning take its place', () => {
    const subject = handMade({
      tools: [tool({})],
      findings: [
        finding({ file: 'a.ts', message: 'x'.repeat(2 * markdownCommentLimit) }),
        ...[2, 3, 4].map((line) => finding({ line })),
        finding({ ruleId: 'mcify/require-auth', severity: 'warning', line: 5 }),
      ],
    });
    const markdown = formatMarkdown(subject, sources({}));
    expect(crlfSize(markdown)).toBeLessThanOrEqual(markdownCommentBudget);
    const parts = markdownParts(markdown);
    expect(parts.rows.map((row) => `${row.severity} ${row.location}`)).toEqual(['error src/tools.ts:2:1', 'error src/tools.ts:3:1', 'error src/tools.ts:4:1']);
    expect(parts.headings).toEqual([{ ruleId: 'mcify/scoped-queries', shown: 3, rows: 3 }]);
    expect(parts.tools).toEqual([]);
    expect(leftOut(parts.omission)).toMatchObject({ findings: { left: 2, of: 5 }, errors: 1, warnings: 1, tools: { left: 1, of: 1 } });
  });

  it('mentions nobody: an @name from the analysed code cannot notify a GitHub user or team', () => {
    const markdown = formatMarkdown(
      handMade({
        tools: [tool({ name: '@octocat', identityFields: ['@org/team'], file: '@scope/tools.ts' })],
        findings: [finding({ message: 'cc @octocat and @github/security, mail a@b.co', tool: '@octocat', file: '@scope/tools.ts', flow: [{ file: '@scope/tools.ts', line: 1, column: 1, message: '@here' }] })],
        notes: [{ message: '@admins: look', file: '@scope/tools.ts' }, { message: '@everyone' }],
      }),
      sources({}),
    );
    // GitHub's mention pattern: an @ then a letter or digit (a ZWJ between them is neither).
    expect(markdown).not.toMatch(/@[a-z0-9]/i);
    expect(markdown).toContain('@\u200docto');
    // The text still reads the same.
    const row = markdown.split('\n').find((line) => line.startsWith('| error |')) ?? '';
    expect(cellsOf(row).map((cell) => mdText(cell).replace(/\u200d/g, ''))).toEqual(['error', '@scope/tools.ts:1:1', '@octocat', 'cc @octocat and @github/security, mail a@b.co']);
  });
});

describe('formatHtml', () => {
  it('is one self-contained HTML5 document: no script, nothing loaded from elsewhere', () => {
    const html = formatHtml(report, context);
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.endsWith('</html>')).toBe(true);
    expect(html.match(/<html/g)).toHaveLength(1);
    // Only the elements the format writes: nothing that runs or loads anything.
    const elements = new Set([...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((match) => (match[1] ?? '').toLowerCase()));
    const allowed = ['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'nav', 'h1', 'h2', 'h3', 'p', 'section', 'article', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'pre', 'span', 'mark', 'details', 'summary', 'ol', 'ul', 'li', 'a', 'br'];
    expect([...elements].filter((name) => !allowed.includes(name))).toEqual([]);
    for (const [tag] of html.matchAll(/<[^>]*>/g)) expect(tag).not.toMatch(/\s(src|on[a-z]+|style)=/i);
    const css = html.slice(html.indexOf('<style>'), html.indexOf('</style>'));
    expect(css).not.toMatch(/url\(|@import/);
    expect(html).toContain("default-src 'none'");
    // The only links are to the rules' documentation and to anchors of the page itself, each of which exists.
    const ids = new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((match) => match[1]));
    for (const [, href = ''] of html.matchAll(/href="([^"]*)"/g)) {
      if (href.startsWith('#')) expect(ids.has(href.slice(1)), href).toBe(true);
      else expect(href).toMatch(/^https:\/\/github\.com\/mcify-audit\/mcify-audit\/blob\/main\/docs\/rules\/[a-z-]+\.md$/);
    }
  });

  it('has the verdict, the counts and one inventory row per tool, tools with findings first', () => {
    const html = formatHtml(report, context);
    const { errors, warnings } = report.summary;
    expect(html).toContain(`<h1 class="fail">✖ ${errors + warnings} problems (${errors} errors, ${warnings} warnings)</h1>`);
    // The first 50 rows in the table, the rest folded in a second one.
    const tables = html.split('<table class="inventory">').slice(1).map((table) => table.slice(0, table.indexOf('</table>')));
    expect(tables).toHaveLength(report.tools.length > 50 ? 2 : 1);
    const rows = tables.flatMap((table) => table.split(/<tr(?: class="flagged")?>/).slice(2).map((row) => row.split('<td').slice(1).map((cell) => htmlText(cell.slice(cell.indexOf('>') + 1)))));
    expect(rows).toHaveLength(report.tools.length);
    const summaries = summarizeTools(report);
    const ordered = [...summaries.filter((summary) => summary.findings.length > 0), ...summaries.filter((summary) => summary.findings.length === 0)].map((summary) => summary.tool);
    for (const [index, entry] of ordered.entries()) {
      const cells = rows[index] ?? [];
      expect(cells[1]).toBe(`${entry.file}:${entry.line}`);
      expect(cells[2]).toBe(entry.requiresAuth ? '✔ requireAuth' : '✖ none');
      expect(cells[3]).toBe(entry.scopeGates.length === 0 ? '—' : entry.scopeGates.join(''));
      const unscoped = entry.sinks.filter((sink) => !sink.scoped).length;
      expect(cells[6]).toBe(entry.sinks.length === 0 ? 'none' : `${entry.sinks.length - unscoped} of ${entry.sinks.length} scoped`);
    }
  });

  it('shows every finding under its rule with a code frame marking column..endColumn, and its flow', () => {
    const html = formatHtml(report, context);
    const seen: string[] = [];
    for (const section of html.split('<section class="rule"').slice(1)) {
      const ruleId = /<a href="[^"]*">(mcify\/[a-z-]+)<\/a>/.exec(section)?.[1] ?? '';
      for (const article of section.split('<article class="finding ').slice(1)) {
        const severity = article.slice(0, article.indexOf('"'));
        const position = htmlText(/<code>([^<]*)<\/code>/.exec(article)?.[1] ?? '');
        const toolName = /tool <code>([^<]*)<\/code>/.exec(article)?.[1];
        const articleKey = `${position} ${ruleId} ${toolName === undefined ? '' : htmlText(toolName)}`;
        const entry = report.findings.find((candidate) => key(candidate) === articleKey);
        expect(entry, articleKey).toBeDefined();
        if (entry === undefined) continue;
        seen.push(articleKey);
        expect(severity).toBe(entry.severity);
        expect(htmlText(article)).toContain(entry.message);
        const marked = new RegExp(`<span class="ln">${entry.line}</span>(.*?)<mark>(.*?)</mark>(.*)$`, 'm').exec(article);
        const sourceLine = source(entry.file)[entry.line - 1] ?? '';
        expect(htmlText(marked?.[1] ?? ''), position).toBe(sourceLine.slice(0, entry.column - 1));
        const markedText = htmlText(marked?.[2] ?? '');
        const reported = sourceLine.slice(entry.column - 1, entry.endColumn - 1);
        // A long line is cut (with `…`) where the frame ends, and the mark with it.
        if (htmlText(marked?.[3] ?? '') === '…') {
          expect(markedText.length, position).toBeGreaterThan(0);
          expect(reported.startsWith(markedText), position).toBe(true);
        } else {
          expect(markedText, position).toBe(reported);
        }
        for (const step of entry.flow) expect(htmlText(article)).toContain(`${step.file}:${step.line}:${step.column} ${step.message}`);
      }
    }
    expect(seen.sort()).toEqual(report.findings.map(key).sort());
  });

  it('says when no tools were found, and shows a finding in an unreadable file without a frame', () => {
    const empty = formatHtml(handMade({ files: 2 }), sources({}));
    expect(empty).toContain('<h1 class="fail">✖ no mcify tools found</h1>');
    expect(empty).toContain('<p>No mcify tools were found');
    expect(empty).not.toContain('<table class="inventory">');
    const unreadable = formatHtml(handMade({ findings: [finding({ file: 'gone.ts' })], notes: [{ message: 'Could not read gone.ts', file: 'gone.ts' }] }), sources({}));
    expect(unreadable).toContain('<code>gone.ts:1:1</code>');
    expect(unreadable).not.toContain('<pre');
    expect(unreadable).toContain('<li><code>gone.ts</code>: Could not read gone.ts</li>');
  });

  it('escapes everything from the report and the source', () => {
    const hostile = `<script>alert("x")</script> & 'quoted'`;
    const html = formatHtml(
      handMade({
        tools: [tool({ name: hostile, file: 'src/"><script>.ts', identityFields: ['<script>id'], scopeGates: [hostile], sinks: [{ family: 'sql', label: hostile, file: 'src/tools.ts', line: 1, scoped: false }] })],
        findings: [finding({ message: hostile, tool: hostile, file: 'src/tools.ts', line: 2, column: 3, endColumn: 11, flow: [{ file: 'src/tools.ts', line: 1, column: 1, message: hostile }] })],
        notes: [{ message: hostile, file: hostile }],
      }),
      sources({ 'src/tools.ts': '// <script>alert(1)</script>\n  <script>document.cookie</script>\n' }),
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain(hostile);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;');
    expect(html).toContain('<mark>&lt;script&gt;</mark>document.cookie&lt;/script&gt;');
    expect(html).toContain('<code>src/&quot;&gt;&lt;script&gt;.ts:1</code>');
  });

  it('keeps control characters out of markdown and HTML too, colour or not', () => {
    const hostileReport = handMade({ findings: [finding({ message: 'a\u001b[31mb' })] });
    for (const output of [formatMarkdown(hostileReport, sources({}, true)), formatHtml(hostileReport, sources({}, true))]) {
      expect(output).not.toContain('\u001b');
      expect(output).toContain('a␛');
    }
  });
});
