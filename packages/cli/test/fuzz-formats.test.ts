/**
 * The fuzz report's formats on constructed results: text, Markdown, HTML, SARIF (Microsoft's validator
 * with its default and GitHub ingestion rules), JUnit (parsed by a strict XML parser), and that no
 * format's output holds a token of the run.
 */
import { describe, expect, it } from 'vitest';
import { formatJunit } from '../src/report/format-junit.js';
import { formatFuzzHtml } from '../src/report/fuzz-html.js';
import { commentSize, markdownCommentBudget } from '../src/report/format-markdown.js';
import { formatFuzzMarkdown } from '../src/report/fuzz-markdown.js';
import { fuzzReport, secretSegmentLength, type FuzzReport } from '../src/report/fuzz-report.js';
import { harnessRuleDocsUrl } from '../src/report/fuzz-rules.js';
import { formatFuzzSarif } from '../src/report/fuzz-sarif.js';
import { formatFuzzText } from '../src/report/fuzz-text.js';
import type { FormatContext } from '../src/report/report.js';
import { cleanResult, configFile, secrets, tokens, vulnerableResult } from './fuzz-results.js';
import { descendants, parseXml } from './fuzz-xml.js';
import { repoRoot } from './support/run-cli.js';
import { describeResults, validateSarif } from './support/sarif-validator.js';

const command = 'mcify-audit fuzz --config fixtures/servers/orders-vulnerable';
const context: FormatContext = { cwd: repoRoot, sourceOf: () => undefined, color: false };

function build(result = vulnerableResult(), extra: Partial<Parameters<typeof fuzzReport>[1]> = {}): FuzzReport {
  return fuzzReport(result, { cwd: repoRoot, version: '0.1.0', command, configFile, secrets, ...extra });
}

/** A black-box run without --source: no finding has a file. */
function blackBox(): FuzzReport {
  const result = vulnerableResult({ mode: 'black-box', tools: vulnerableResult().tools.map((tool) => ({ ...tool, source: undefined })) });
  return build(result, { configFile: undefined, command: 'mcify-audit fuzz --url http://127.0.0.1:41234/mcp --token alice@acme=env:MCIFY_TOKEN_ALICE --token bob@globex=env:MCIFY_TOKEN_BOB' });
}

const formats = { text: formatFuzzText, markdown: formatFuzzMarkdown, html: formatFuzzHtml, sarif: formatFuzzSarif, junit: formatJunit, json: (report: FuzzReport) => JSON.stringify(report, null, 2) };

describe('text', () => {
  it('shows the verdict, each finding with principal → victim, evidence and replay line, and the matrix', () => {
    const text = formatFuzzText(build(), context);
    expect(text.split('\n')[0]).toBe('✖ mcify-audit fuzz: 5 problems (4 errors, 1 warning)');
    expect(text).toContain('checks: 4 held, 5 failed, 2 not exercised, 7 not applicable');
    expect(text).toContain('error    harness/cross-tenant-read  orders_get  alice → bob');
    expect(text).toContain('evidence  ord_globex_2001 (seen by bob under orderId in orders_list)');
    expect(text).toContain(`replay    ${command} --seed 42 --path read-isolation/orders_get:3:1:0`);
    expect(text).toContain('defined   fixtures/servers/orders-vulnerable/src/tools/orders.ts:50:14');
    expect(text).toContain('harness/forged-token-accepted  (every tool)  forged: expired');
    // The matrix: a row per tool, the target-wide row last; not exercised and n/a told apart from held.
    const matrix = text.slice(text.indexOf('Matrix'));
    expect(matrix).toContain(
      [
        '  tool           authentication  read-isolation  sessions       scope-enforcement  write-isolation  server-hygiene',
        '  orders_list    —               held            —              n/a                n/a              —',
        '  orders_get     —               FAILED          —              n/a                n/a              —',
        '  orders_cancel  —               held            —              held               FAILED           —',
        '  orders_refund  —               held            —              FAILED             not exercised    —',
        '  profile_get    —               not exercised   —              n/a                n/a              —',
        '  (server)       FAILED          —               n/a            —                  —                FAILED',
      ].join('\n'),
    );
    expect(text).toContain('not exercised: every answer was a validation error  (profile_get read-isolation)');
    expect(text).toContain('not applicable: read-only tool  (orders_list write-isolation, orders_get write-isolation, profile_get write-isolation)');
    expect(text).toContain('Writes (2): calls that may have changed data; restore it if needed');
    expect(text).toContain('orders_cancel  as alice  {"orderId":"ord_globex_2002"}');
    expect(text.split('\n').at(-1)).toBe('✖ 5 problems (4 errors, 1 warning); 4 held, 5 failed, 2 not exercised, 7 not applicable');
    // No colour unless asked, and no control character from the report gets through.
    // eslint-disable-next-line no-control-regex -- looking for escape sequences
    expect(text).not.toMatch(/\u001b/);
    // eslint-disable-next-line no-control-regex -- looking for escape sequences
    expect(formatFuzzText(build(), { ...context, color: true })).toMatch(/\u001b\[31m/);
  });

  it('says every check held only for a clean, complete run', () => {
    expect(formatFuzzText(build(cleanResult()), context).split('\n')[0]).toBe('✔ mcify-audit fuzz: every check held');
    const partial = formatFuzzText(build({ ...cleanResult(), budgetExhausted: true }), context);
    expect(partial.split('\n')[0]).toMatch(/^⚠ mcify-audit fuzz: /);
    expect(partial).not.toContain('every check held');
  });
});

describe('markdown', () => {
  it('has the verdict, the findings by rule with their replay lines, and the matrix in words', () => {
    const markdown = formatFuzzMarkdown(build(), context);
    expect(markdown.split('\n')[0]).toBe('## ❌ mcify-audit fuzz: 5 problems (4 errors, 1 warning)');
    expect(markdown).toContain(`#### [harness/cross-tenant-read](${harnessRuleDocsUrl('harness/cross-tenant-read')}): 1 error`);
    expect(markdown).toContain('| error | <code>orders\\_get</code> | alice → bob |');
    expect(markdown).toContain('- replay: <code>mcify-audit fuzz --config fixtures/servers/orders-vulnerable --seed 42 --path read-isolation/orders\\_get:3:1:0</code>');
    expect(markdown).toContain('| <code>orders\\_get</code> | — | ❌ **failed** | — | ➖ n/a | ➖ n/a | — |');
    expect(markdown).toContain('| <code>profile\\_get</code> | — | ⚠️ not exercised |');
    expect(markdown).toContain('⚠️ **not exercised**: time budget');
    // Untrusted text cannot inject HTML.
    expect(markdown).toContain('&lt;b&gt;&amp;"\'&lt;/b&gt; \\]\\]&gt;');
    expect(markdown).not.toContain('<b>');
  });
});

describe('markdown within a GitHub comment', () => {
  it('leaves out the replay details, then rows, then the matrix, and says so', () => {
    const result = vulnerableResult();
    const [first] = result.findings;
    if (first === undefined) throw new Error('no finding');
    const many = Array.from({ length: 400 }, (_, index) => ({ ...first, ruleId: 'harness/wrong-status' as const, severity: 'warning' as const, tool: `tool_${String(index)}`, evidence: { summary: `status 500 ${'x'.repeat(200)}`, exchanges: [] }, reproduce: { ...first.reproduce, path: `authentication/tool_${String(index)}:${String(index)}` } }));
    const markdown = formatFuzzMarkdown(build({ ...result, findings: [...result.findings, ...many] }), context);
    expect(commentSize(markdown)).toBeLessThanOrEqual(markdownCommentBudget);
    expect(markdown.split('\n')[0]).toBe('## ❌ mcify-audit fuzz: 405 problems (4 errors, 401 warnings)');
    expect(markdown).toContain('#### [harness/wrong-status](');
    expect(markdown).toContain('wrong-status): 400 warnings (10 shown)');
    expect(markdown).toMatch(/> Left out to fit a GitHub comment: the replay and curl lines, the 2 writes, all but 10 findings of each rule/);
    expect(formatFuzzMarkdown(build(), context)).not.toContain('Left out');
  });
});

describe('html', () => {
  it('is the shared page: verdict, findings, then the matrix with held / failed / not tested in colour and in words', () => {
    const html = formatFuzzHtml(build(), context);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<h1 class="fail">✖ 5 problems (4 errors, 1 warning)</h1>');
    expect(html.indexOf('id="findings"')).toBeLessThan(html.indexOf('id="matrix"'));
    expect(html).toContain('<span class="yes">✔ held (10 cases)</span>');
    expect(html).toContain('<span class="warn">⚠ not tested: not exercised</span><br><span class="muted">time budget</span>');
    expect(html).toContain('<span class="muted">– not tested: not applicable</span><br><span class="muted">read-only tool</span>');
    // A failed cell links to its finding, which is in the page.
    const link = /<a href="#(fuzz-finding-\d+)"><span class="no">✖ failed<\/span><\/a>/.exec(html);
    expect(link).not.toBeNull();
    expect(html).toContain(`id="${link?.[1] ?? ''}"`);
    expect(html).toContain('data-path="read-isolation/orders_get:3:1:0"');
    expect(html).toContain('&lt;b&gt;&amp;&quot;&#39;&lt;/b&gt;');
    expect(html).not.toContain('<b>');
    expect(html).not.toMatch(/<script/i);
  });
});

describe('sarif', () => {
  it('describes the harness rules and locates results at the defineTool, with the MCP tool as logical location; the validator accepts it', async () => {
    const sarif = formatFuzzSarif(build(), context);
    const run = (JSON.parse(sarif) as { runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } }; results: { ruleId: string; ruleIndex: number; locations: { physicalLocation?: { artifactLocation: { uri: string } }; logicalLocations: { name: string; kind: string }[] }[] }[] }[] }).runs[0];
    const rules = run?.tool.driver.rules ?? [];
    expect(rules.map((rule) => rule.id)).toContain('harness/cross-tenant-read');
    expect(rules.find((rule) => rule.id === 'harness/wrong-status')?.helpUri).toBe('https://github.com/mcify-audit/mcify-audit/blob/main/docs/harness.md#wrong-status');
    const read = run?.results.find((result) => result.ruleId === 'harness/cross-tenant-read');
    expect(rules[read?.ruleIndex ?? -1]?.id).toBe('harness/cross-tenant-read');
    expect(read?.locations[0]?.physicalLocation?.artifactLocation.uri).toBe('fixtures/servers/orders-vulnerable/src/tools/orders.ts');
    expect(read?.locations[0]?.logicalLocations).toEqual([{ name: 'orders_get', fullyQualifiedName: 'orders_get', kind: 'function' }]);
    const problems = await validateSarif(sarif);
    expect(problems.filter((problem) => problem.level === 'error'), describeResults(problems)).toEqual([]);
  }, 60_000);

  it('without the source, results carry only the logical location (valid SARIF, which GitHub code scanning does not ingest)', async () => {
    const sarif = formatFuzzSarif(blackBox(), context);
    const run = (JSON.parse(sarif) as { runs: { results: { locations: { physicalLocation?: unknown; logicalLocations: { name: string; kind: string }[] }[] }[] }[] }).runs[0];
    for (const result of run?.results ?? []) {
      expect(result.locations[0]?.physicalLocation).toBeUndefined();
      expect(result.locations[0]?.logicalLocations[0]?.kind).toMatch(/^(function|module)$/);
    }
    const problems = await validateSarif(sarif);
    // The SARIF rules and the schema accept it; only GitHub's ingestion rules may object to the missing physical location.
    expect(problems.filter((problem) => problem.level === 'error' && problem.kind !== 'ghas'), describeResults(problems)).toEqual([]);
  }, 60_000);
});

describe('junit', () => {
  it('is well-formed: a suite per property, a case per cell, failures with the replay line, skipped with the reason', () => {
    const xml = formatJunit(build(), context);
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    const suites = descendants(root, 'testsuite');
    expect(suites.map((suite) => suite.attributes.name)).toEqual(['authentication', 'read-isolation', 'sessions', 'scope-enforcement', 'write-isolation', 'server-hygiene']);
    const read = suites.find((suite) => suite.attributes.name === 'read-isolation');
    expect(read?.attributes).toMatchObject({ tests: '5', failures: '1', skipped: '1' });
    const get = descendants(read ?? root, 'testcase').find((testcase) => testcase.attributes.name === 'orders_get');
    const failure = get?.children.find((child) => child.name === 'failure');
    expect(failure?.attributes.type).toBe('harness/cross-tenant-read');
    expect(failure?.text).toContain(`replay: ${command} --seed 42 --path read-isolation/orders_get:3:1:0`);
    expect(failure?.text).toContain('principal: alice → victim: bob');
    const profile = descendants(read ?? root, 'testcase').find((testcase) => testcase.attributes.name === 'profile_get');
    expect(profile?.children[0]).toMatchObject({ name: 'skipped', attributes: { message: 'not exercised: every answer was a validation error' } });
    const sessions = suites.find((suite) => suite.attributes.name === 'sessions');
    expect(descendants(sessions ?? root, 'skipped')[0]?.attributes.message).toBe('not applicable: stateless: the server issues no Mcp-Session-Id');
    // The warning with markup characters in its message survives escaping intact.
    const auth = descendants(suites[0] ?? root, 'failure')[0];
    expect(auth?.text).toContain('harness/missing-www-authenticate (warning): A 401 to a malformed token (class 1) carried no WWW-Authenticate: Bearer challenge. <b>&"\'</b> ]]>');
    expect(root.attributes).toMatchObject({ tests: '18', failures: '5', skipped: '9' });
    // Held cells pass: no child.
    expect(descendants(read ?? root, 'testcase').find((testcase) => testcase.attributes.name === 'orders_list')?.children).toEqual([]);
  });

  it('escapes what XML cannot carry and a parser would misread', () => {
    const result = vulnerableResult();
    const nasty = { ...result, cells: result.cells.map((cell) => (cell.status === 'not-applicable' ? { ...cell, reason: 'a\u0001b <x> & "q" \'a\' ]]> \ud800' } : cell)) };
    const root = parseXml(formatJunit(build(nasty), context));
    expect(descendants(root, 'skipped').some((skipped) => skipped.attributes.message === 'not applicable: a\ufffdb <x> & "q" \'a\' ]]> \ufffd')).toBe(true);
  });
});

describe('tokens never appear', () => {
  it.each(Object.keys(formats) as (keyof typeof formats)[])('%s holds no token of the run, nor a 16-character piece of one', (name) => {
    for (const report of [build(), blackBox()]) {
      const output = formats[name](report, context);
      for (const token of Object.values(tokens)) {
        for (let start = 0; start + secretSegmentLength <= token.length; start += 5) expect(output).not.toContain(token.slice(start, start + secretSegmentLength));
      }
    }
  });
});
