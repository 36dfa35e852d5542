import { describe, expect, it } from 'vitest';
import { formatHtml } from '../src/report/format-html.js';
import { dataAttributes, link, renderRich } from '../src/report/html/markup.js';
import { renderPage, tableFoldAfter, type HtmlPage, type HtmlRow } from '../src/report/html/page.js';
import { createReport, type ReportNote, type ReportTool } from '../src/report/report.js';
import { verdictOf } from '../src/report/verdict.js';

const tool = (name: string): ReportTool => ({ name, kind: 'tool', file: 'src/a.ts', line: 1, requiresAuth: true, scopeGates: [], inputFields: [], identityFields: [], credentialFields: [], sinks: [] });

const page = (rows: readonly HtmlRow[]): HtmlPage => ({
  title: 't',
  verdict: { level: 'pass', headline: '✔ no problems', lines: [], counts: [] },
  groups: [],
  table: { heading: 'Tools', rowNoun: 'tool', columns: [{ label: 'tool' }], rows, empty: 'No tools.' },
  notes: [],
});
const row = (name: string, flagged = false): HtmlRow => ({ cells: [{ code: name }], flagged });

describe('the HTML page', () => {
  it("opens with the shared verdict: its mark, level and every sentence it has (partial analysis, dialect)", () => {
    const notes: ReportNote[] = [
      { code: 'parse-error', message: 'Syntax error: Expression expected.', file: 'src/a.ts', line: 2, column: 5 },
      { code: 'dialect', message: 'Advice is written in the guide mcify dialect: the dialect option says so.' },
    ];
    const report = createReport({ version: '1.2.3', dialect: { name: 'guide', reason: 'the dialect option says so' }, files: 2, tools: [tool('a_list')], notes, findings: [] });
    const verdict = verdictOf(report);
    const html = formatHtml(report, { cwd: '/p', color: false, sourceOf: () => undefined });
    const header = html.slice(html.indexOf('<header id="verdict">'), html.indexOf('</header>'));
    expect(header).toContain(`<h1 class="warn">⚠ ${verdict.problems}</h1>`);
    expect(header).toContain('<p>2 files, 1 tool analysed by mcify-audit 1.2.3.</p>');
    expect(header).toContain(`<p>${verdict.partial}</p>`);
    expect(verdict.partial).toBe('1 file only partly analysed');
    expect(header).toContain('<p>Advice is written in the guide mcify dialect: the dialect option says so.</p>');
    // Said by the verdict, the dialect is not a note again; the parse error is, with its position.
    expect(html.match(/Advice is written/g)).toHaveLength(1);
    expect(html).toContain('<li><code>src/a.ts:2:5</code>: Syntax error: Expression expected.</li>');
    // No findings: no table of contents, no findings section.
    expect(html).not.toContain('<nav');
    expect(html).not.toContain('id="findings"');
  });

  it(`shows ${tableFoldAfter} rows, flagged first, and folds the rest, saying how many have findings`, () => {
    const fifty = renderPage(page(Array.from({ length: tableFoldAfter }, (_, index) => row(`t${index}`))));
    expect(fifty).not.toContain('<details');
    const rows = [...Array.from({ length: tableFoldAfter }, (_, index) => row(`t${index}`)), row('last', true)];
    const folded = renderPage(page(rows));
    const [shown = '', rest = ''] = folded.split('<details class="more">');
    expect(shown.indexOf('<tr class="flagged"><td><code>last</code></td></tr>')).toBeLessThan(shown.indexOf('<code>t0</code>'));
    expect(rest).toContain('<summary>1 more tool (none with findings)</summary>');
    expect(rest).toContain('<code>t49</code>');
    expect(shown).not.toContain('<code>t49</code>');
    const manyFlagged = renderPage(page(Array.from({ length: tableFoldAfter + 3 }, (_, index) => row(`f${index}`, true))));
    expect(manyFlagged).toContain('<summary>3 more tools (3 with findings)</summary>');
  });

  it('links only to anchors of the page and https pages, and escapes what it is given', () => {
    expect(link('#finding-1', 'x')).toBe('<a href="#finding-1">x</a>');
    expect(link('https://example.com/a?b=1&c=2', 'x')).toBe('<a href="https://example.com/a?b=1&amp;c=2">x</a>');
    for (const href of ['javascript:alert(1)', 'http://example.com', '//example.com', 'data:text/html,x', '#"><script>', 'https://a.example/"onmouseover="x']) {
      expect(link(href, 'x')).toBe('x');
    }
    expect(renderRich([{ code: '<b>' }, { lineBreak: true }, { tone: 'no', content: '"q"' }, { href: 'javascript:x', content: 'y' }])).toBe('<code>&lt;b&gt;</code><br><span class="no">&quot;q&quot;</span>y');
    expect(dataAttributes({ 'Rule Id"': 'a"<b>' })).toBe(' data-rule-id-="a&quot;&lt;b&gt;"');
  });
});
