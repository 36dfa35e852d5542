/**
 * The HTML report as a browser renders it: Debian's `chromium`, headless, prints the DOM it built
 * (`--dump-dom`) and a log of every network request it made (`--log-net-log`). No npm browser package:
 * those download a browser from sites CI cannot reach.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildAuditReport, formats, parseAuditArgs } from '../src/commands/audit.js';
import type { CommandIo } from '../src/io.js';
import { renderPage } from '../src/report/html/page.js';
import type { Report } from '../src/report/report.js';
import { verdictOf } from '../src/report/verdict.js';
import { repoRoot, temporaryProject } from './support/run-cli.js';

const chromium = 'chromium';
const chromiumFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'mcify-audit-html-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

let browserChecked = false;
/** Fails with the way to install the browser when it is missing. */
function requireBrowser(): void {
  if (browserChecked) return;
  const probe = spawnSync(chromium, ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(`The HTML report test renders the report in Debian's chromium, which is not installed here (${probe.error?.message ?? probe.stderr.trim()}). Install it: apt-get install chromium`);
  }
  browserChecked = true;
}

const netLogShape = z.object({
  constants: z.object({ logEventTypes: z.record(z.number()) }),
  events: z.array(z.object({ type: z.number(), params: z.record(z.unknown()).optional() })),
});

interface Rendered {
  /** The DOM chromium built, serialized. */
  readonly dom: string;
  /** The URL of every request the page made (chromium's own background requests left out). */
  readonly requests: readonly string[];
}

let renders = 0;
/** Renders an HTML page in a fresh chromium profile (asynchronously: a test's own server must answer meanwhile). */
async function render(html: string): Promise<Rendered> {
  requireBrowser();
  renders += 1;
  const file = join(scratch, `page-${renders}.html`);
  const netLog = join(scratch, `net-${renders}.json`);
  const profile = mkdtempSync(join(scratch, 'profile-'));
  writeFileSync(file, html);
  // Rejects when chromium exits non-zero.
  const rendered = await promisify(execFile)(chromium, [...chromiumFlags, `--user-data-dir=${profile}`, `--log-net-log=${netLog}`, '--dump-dom', pathToFileURL(file).href], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  const log = netLogShape.parse(JSON.parse(readFileSync(netLog, 'utf8')));
  const startJob = log.constants.logEventTypes.URL_REQUEST_START_JOB;
  // A request the page made has the page as its initiator (a file: page's origin is opaque: "null");
  // the browser's own (update checks, time sync) have none.
  const requests = log.events
    .filter((event) => event.type === startJob && typeof event.params?.url === 'string' && event.params.initiator !== 'not an origin')
    .map((event) => String(event.params?.url));
  return { dom: rendered.stdout, requests };
}

/** Text content of serialized HTML: tags dropped, the references a serializer writes resolved. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&amp;/g, '&');
}

const attribute = (tag: string, name: string) => {
  const value = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? undefined : textOf(value);
};

/** Every element `<name ...>...</name>` (not nested in one of its kind) with its start tag and inner HTML, in document order. */
function elements(dom: string, name: string, where: (startTag: string) => boolean = () => true): { startTag: string; inner: string; index: number }[] {
  const found = [];
  for (const match of dom.matchAll(new RegExp(`<${name}\\b[^>]*>`, 'g'))) {
    if (!where(match[0])) continue;
    const end = dom.indexOf(`</${name}>`, match.index);
    found.push({ startTag: match[0], inner: dom.slice(match.index + match[0].length, end), index: match.index });
  }
  return found;
}

/** Asserts the page loads nothing: the CSP forbids it, and no element or style asks for anything. */
function expectSelfContained(page: Rendered): void {
  expect(page.requests).toEqual([]);
  const csp = elements(page.dom, 'meta', (tag) => attribute(tag, 'http-equiv') === 'Content-Security-Policy');
  expect(csp).toHaveLength(1);
  const directives = (attribute(csp[0]?.startTag ?? '', 'content') ?? '').split(';').map((directive) => directive.trim());
  expect(directives).toEqual(["default-src 'none'", "style-src 'unsafe-inline'"]);
  // Nothing that fetches: no resource attribute, no element that embeds, no url() or @import in a style.
  expect(page.dom).not.toMatch(/<(script|img|link|iframe|frame|object|embed|video|audio|source|picture|svg|form|base)\b/i);
  for (const [tag] of page.dom.matchAll(/<[a-z][^>]*>/gi)) expect(tag).not.toMatch(/\s(src|srcset|poster|data|action|formaction|background|style|ping)=/i);
  for (const { inner } of elements(page.dom, 'style')) expect(inner).not.toMatch(/url\(|@import|image-set\(/i);
  // Links are to the page's own anchors (each exists) or to a page the reader may open.
  const ids = new Set([...page.dom.matchAll(/\sid="([^"]*)"/g)].map((match) => match[1]));
  for (const { startTag } of elements(page.dom, 'a')) {
    const href = attribute(startTag, 'href') ?? '';
    if (href.startsWith('#')) expect(ids.has(href.slice(1)), href).toBe(true);
    else expect(href).toMatch(/^https:\/\/github\.com\/mcify-audit\/mcify-audit\/blob\/main\/docs\/rules\/[a-z-]+\.md$/);
  }
}

const quiet: CommandIo = { stdout: () => undefined, stderr: () => undefined, untilStopped: () => Promise.resolve() };

/** One run of the static report on `paths`: its JSON report and its HTML report, rendered. */
async function reports(paths: readonly string[], cwd = repoRoot): Promise<{ json: Report; page: Rendered }> {
  requireBrowser();
  const report = await buildAuditReport(parseAuditArgs(paths), quiet, cwd);
  const context = { cwd, color: false, sourceOf: (file: string) => readFileSync(join(cwd, file), 'utf8') };
  const json = JSON.parse(formats.json(report, context)) as Report;
  return { json, page: await render(formats.html(report, context)) };
}

/** The finding elements of a page by their identity (rule, file, line, column, tool). */
function findingElements(dom: string): Map<string, { text: string; index: number }[]> {
  const byKey = new Map<string, { text: string; index: number }[]>();
  for (const article of elements(dom, 'article', (tag) => /\sclass="finding /.test(tag))) {
    const key = ['rule', 'file', 'line', 'column', 'tool'].map((name) => attribute(article.startTag, `data-${name}`)).join(' ');
    byKey.set(key, [...(byKey.get(key) ?? []), { text: textOf(article.inner), index: article.index }]);
  }
  return byKey;
}

const findingKey = (finding: Report['findings'][number]) => [finding.ruleId, finding.file, finding.line, finding.column, finding.tool ?? ''].join(' ');

describe('the HTML report in a browser', () => {
  it("has Debian's chromium to render in (else: apt-get install chromium)", () => {
    requireBrowser();
  });

  describe('of orders-vulnerable', () => {
    let json: Report;
    let page: Rendered;
    beforeAll(async () => {
      ({ json, page } = await reports(['fixtures/servers/orders-vulnerable']));
    }, 120_000);

    it('opens with the verdict, before the table of contents and the first finding', () => {
      const verdict = verdictOf(json);
      const [header] = elements(page.dom, 'header', (tag) => attribute(tag, 'id') === 'verdict');
      expect(header).toBeDefined();
      expect(textOf(/<h1\b[^>]*>(.*?)<\/h1>/s.exec(header?.inner ?? '')?.[1] ?? '')).toBe(`✖ ${verdict.problems}`);
      expect(textOf(header?.inner ?? '')).toContain(verdict.scope);
      const firstFinding = page.dom.search(/<article class="finding /);
      const contents = page.dom.search(/<nav class="toc"/);
      expect(json.findings.length).toBeGreaterThan(0);
      expect(header?.index).toBeLessThan(contents);
      expect(contents).toBeLessThan(firstFinding);
      // The tools table comes after the findings.
      expect(page.dom.indexOf('<section id="tools">')).toBeGreaterThan(page.dom.lastIndexOf('<article class="finding '));
    });

    it('has an element for every finding of the JSON report, with its message, and no other', () => {
      const byKey = findingElements(page.dom);
      for (const finding of json.findings) {
        const [element, ...others] = byKey.get(findingKey(finding)) ?? [];
        expect(element, findingKey(finding)).toBeDefined();
        expect(element?.text).toContain(finding.message);
        byKey.set(findingKey(finding), others);
      }
      expect([...byKey.values()].flat()).toEqual([]);
    });

    it('lists every rule of the findings in the table of contents, each linking to its section', () => {
      const [nav] = elements(page.dom, 'nav');
      const links = [...(nav?.inner ?? '').matchAll(/<a href="#(group-[a-z0-9-]+)">([^<]*)<\/a>/g)].map((match) => ({ id: match[1], rule: match[2] }));
      expect(links.map((link) => link.rule).sort()).toEqual([...new Set(json.findings.map((finding) => finding.ruleId))].sort());
      for (const link of links) expect(page.dom).toContain(`<section class="rule" id="${link.id ?? ''}">`);
    });

    it('loads nothing from outside the page', () => {
      expectSelfContained(page);
    });
  });

  describe('of a project with more than 50 tools', () => {
    const toolCount = 60;
    // Tools near the end have findings: shown first, they are not folded.
    const flagged = new Set([52, 55, 59]);
    const project = temporaryProject({
      'src/tools.ts': [
        "import { defineTool } from '@mcify/core';",
        "import { requireAuth } from '@mcify/core/middleware';",
        "import { z } from 'zod';",
        ...Array.from({ length: toolCount }, (_, index) =>
          [
            `export const tool${index} = defineTool({`,
            `  name: 'items${index}_list',`,
            `  description: 'List items of group ${index}.',`,
            "  middlewares: [requireAuth({ scopes: ['items:read'] })],",
            `  input: z.object({ ${flagged.has(index) ? 'userId: z.string(), ' : ''}limit: z.number().optional() }),`,
            '  handler: async (input) => ({ limit: input.limit ?? 10 }),',
            '});',
          ].join('\n'),
        ),
      ].join('\n'),
    });
    afterAll(() => {
      project.remove();
    });

    let json: Report;
    let page: Rendered;
    beforeAll(async () => {
      ({ json, page } = await reports(['.'], project.root));
    }, 120_000);

    it('shows the tools with findings first, 50 rows, and folds the rest in a closed <details>', () => {
      expect(json.tools).toHaveLength(toolCount);
      expect(new Set(json.findings.map((finding) => finding.tool))).toEqual(new Set([...flagged].map((index) => `items${index}_list`)));
      const [section] = elements(page.dom, 'section', (tag) => attribute(tag, 'id') === 'tools');
      const tables = elements(section?.inner ?? '', 'table');
      expect(tables).toHaveLength(2);
      const rowsOf = (table: string) => [...table.matchAll(/<tr\b[^>]*>(.*?)<\/tr>/gs)].slice(1).map((row) => textOf(/<td\b[^>]*>(.*?)<\/td>/s.exec(row[1] ?? '')?.[1] ?? ''));
      const shown = rowsOf(tables[0]?.inner ?? '');
      const folded = rowsOf(tables[1]?.inner ?? '');
      expect(shown).toHaveLength(50);
      expect(folded).toHaveLength(toolCount - 50);
      expect(shown.slice(0, flagged.size)).toEqual([...flagged].map((index) => `items${index}_list`));
      expect([...shown, ...folded].sort()).toEqual(json.tools.map((entry) => entry.name ?? '').sort());
      // The second table is inside a <details> without `open`, whose summary says what it holds.
      const [details] = elements(section?.inner ?? '', 'details');
      expect(details?.startTag).toBe('<details class="more">');
      expect(details?.inner).toContain(tables[1]?.startTag ?? '(no table)');
      expect(textOf(/<summary>(.*?)<\/summary>/.exec(details?.inner ?? '')?.[1] ?? '')).toBe('10 more tools (none with findings)');
      // A flagged row's finding count links to its first finding.
      expect(tables[0]?.inner).toMatch(/<tr class="flagged">.*<a href="#finding-\d+">1<\/a><\/td><\/tr>/);
    });

    it('has an element for every finding, and loads nothing from outside the page', () => {
      const byKey = findingElements(page.dom);
      expect([...byKey.keys()].sort()).toEqual(json.findings.map(findingKey).sort());
      expectSelfContained(page);
    });
  });

  describe('the checks themselves', () => {
    let probe: Server;
    let hits: string[];
    let origin: string;
    beforeAll(async () => {
      hits = [];
      probe = createServer((request, response) => {
        hits.push(request.url ?? '');
        response.end();
      });
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((resolve) => probe.close(resolve));
    });

    it("see a page's loads, and the report page's Content-Security-Policy blocks them", async () => {
      const html = renderPage({
        title: 'probe',
        verdict: { level: 'pass', headline: '✔ no problems', lines: [], counts: [] },
        groups: [],
        table: { heading: 'Tools', rowNoun: 'tool', columns: [], rows: [], empty: 'No tools.' },
        notes: [],
      });
      expect(html).toContain('Content-Security-Policy');
      const loads = `<img src="${origin}/img"><link rel="stylesheet" href="${origin}/css"><style>@import url("${origin}/import");</style><iframe src="${origin}/frame"></iframe>`;
      const injected = html.replace('</body>', `${loads}</body>`);
      // Without the policy the browser loads them, and the request log sees it.
      const open = await render(injected.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, ''));
      expect(open.requests.length).toBeGreaterThan(0);
      expect(open.requests.every((url) => url.startsWith(origin))).toBe(true);
      expect(hits.length).toBeGreaterThan(0);
      // With it, nothing leaves the page.
      hits.length = 0;
      const blocked = await render(injected);
      expect(blocked.requests).toEqual([]);
      expect(hits).toEqual([]);
    });
  });
});
