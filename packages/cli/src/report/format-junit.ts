/**
 * The fuzz report as JUnit XML, for CI systems that show test results: one `<testsuite>` per property,
 * one `<testcase>` per (tool, property) cell. A failed cell is a `<failure>` with its findings'
 * messages, evidence and replay lines; a cell not exercised or not applicable is `<skipped>` with the
 * reason, so neither is counted as passed. A joined report adds a suite of its static findings.
 */
import { cellFindings, cellReasons, serverRow } from './fuzz-matrix.js';
import { isHarnessFinding, replayLine, staticPartOf, type CoverageCell, type FuzzFormatter, type FuzzReport, type FuzzReportFinding } from './fuzz-report.js';
import { propertyDescriptions, propertyOrder } from './fuzz-rules.js';

/** Characters XML 1.0 cannot carry at all (C0 controls but tab, line feed and carriage return; U+FFFE, U+FFFF; lone surrogates). */
// eslint-disable-next-line no-control-regex -- these are exactly the characters XML forbids
const notXml = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text as XML character data or a double-quoted attribute value: the markup characters escaped, forbidden characters replaced by U+FFFD. */
export function xmlEscape(text: string): string {
  return text.replace(notXml, '\ufffd').replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char] ?? char);
}

/** An attribute value: escaped, and line breaks as references so a parser keeps them. */
function attribute(text: string): string {
  return xmlEscape(text).replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

const findingsOf = cellFindings;

function failureBody(report: FuzzReport, findings: readonly FuzzReportFinding[]): string {
  return findings
    .map((finding) =>
      [
        `${finding.ruleId} (${finding.severity}): ${finding.message}`,
        ...(finding.principal === null ? [] : [`principal: ${finding.principal}${finding.victim === null ? '' : ` → victim: ${finding.victim}`}`]),
        `evidence: ${finding.evidence}`,
        ...(finding.input === null ? [] : [`input: ${JSON.stringify(finding.input)}`]),
        `replay: ${replayLine(report, finding.reproduce)}`,
        `curl: ${finding.reproduce.curl}`,
      ].join('\n'),
    )
    .join('\n\n');
}

function testcase(report: FuzzReport, cell: CoverageCell, findings: readonly FuzzReportFinding[]): string {
  const open = `    <testcase name="${attribute(cell.tool ?? serverRow)}" classname="${attribute(`mcify-audit.fuzz.${cell.property}`)}" time="0" assertions="${String(cell.cases)}">`;
  const own = findingsOf(cell, findings);
  if (own.length > 0 || cell.status === 'failed') {
    const [first] = own;
    const message = first === undefined ? `failed${cell.reason === undefined ? '' : `: ${cell.reason}`}` : `${first.ruleId}: ${first.message}${own.length > 1 ? ` (and ${String(own.length - 1)} more)` : ''}`;
    const type = first?.ruleId ?? 'failed';
    const body = own.length === 0 ? message : failureBody(report, own);
    return `${open}\n      <failure message="${attribute(message)}" type="${attribute(type)}">${xmlEscape(body)}</failure>\n    </testcase>`;
  }
  if (cell.status === 'not-exercised' || cell.status === 'not-applicable') {
    const words = cell.status === 'not-exercised' ? 'not exercised' : 'not applicable';
    return `${open}\n      <skipped message="${attribute(`${words}: ${cell.reason ?? 'no reason given'}`)}"/>\n    </testcase>`;
  }
  return `${open}</testcase>`;
}

/**
 * Formats a fuzz (or joined) report as JUnit XML (the Jenkins/Ant schema that GitLab, GitHub actions and
 * most CI read). Every string is escaped; nothing else is in the document.
 *
 * @example
 * ```ts
 * await writeFile('fuzz.junit.xml', formatJunit(report, { cwd, sourceOf, color: false }));
 * ```
 */
export const formatJunit: FuzzFormatter = (report) => {
  const harness = report.findings.filter(isHarnessFinding);
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  const timestamp = new Date(Date.now() - report.fuzz.durationMs).toISOString().replace(/\.\d+Z$/, '');
  for (const property of propertyOrder) {
    const cells = report.coverage.filter((cell) => cell.property === property);
    if (cells.length === 0) continue;
    const cases = cells.map((cell) => testcase(report, cell, harness));
    const failed = cells.filter((cell) => cell.status === 'failed' || findingsOf(cell, harness).length > 0).length;
    const skip = cells.filter((cell) => (cell.status === 'not-exercised' || cell.status === 'not-applicable') && findingsOf(cell, harness).length === 0).length;
    tests += cells.length;
    failures += failed;
    skipped += skip;
    suites.push(
      [
        `  <testsuite name="${attribute(property)}" tests="${String(cells.length)}" failures="${String(failed)}" errors="0" skipped="${String(skip)}" time="0" timestamp="${timestamp}">`,
        `    <properties>`,
        `      <property name="description" value="${attribute(propertyDescriptions[property])}"/>`,
        `      <property name="seed" value="${String(report.fuzz.seed)}"/>`,
        `      <property name="url" value="${attribute(report.fuzz.url)}"/>`,
        `      <property name="mode" value="${report.fuzz.mode}"/>`,
        `    </properties>`,
        ...cases,
        '  </testsuite>',
      ].join('\n'),
    );
  }
  // A harness finding no cell claims (it should not happen) still fails something.
  const claimed = new Set(report.coverage.flatMap((cell) => findingsOf(cell, harness)));
  const orphans = harness.filter((finding) => !claimed.has(finding));
  const statics = staticPartOf(report)?.findings ?? [];
  if (orphans.length > 0 || statics.length > 0) {
    const cases = [
      ...orphans.map((finding) => `    <testcase name="${attribute(finding.tool ?? serverRow)}" classname="mcify-audit.fuzz.findings"><failure message="${attribute(`${finding.ruleId}: ${finding.message}`)}" type="${attribute(finding.ruleId)}">${xmlEscape(failureBody(report, [finding]))}</failure></testcase>`),
      ...statics.map(
        (finding) =>
          `    <testcase name="${attribute(`${finding.ruleId} ${finding.tool ?? '(config)'}`)}" classname="mcify-audit.static" file="${attribute(finding.file)}" line="${String(finding.line)}"><failure message="${attribute(finding.message)}" type="${attribute(finding.ruleId)}">${xmlEscape(`${finding.file}:${String(finding.line)}:${String(finding.column)} ${finding.message}${finding.confirmed === true && finding.reproduce !== undefined ? `\nconfirmed by the fuzz: ${replayLine(report, finding.reproduce)}` : ''}`)}</failure></testcase>`,
      ),
    ];
    tests += cases.length;
    failures += cases.length;
    suites.push(`  <testsuite name="findings" tests="${String(cases.length)}" failures="${String(cases.length)}" errors="0" skipped="0" time="0" timestamp="${timestamp}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  // The reasons, once, as the document's system-out: what was not tested and why.
  const reasons = cellReasons(report)
    .map((group) => `${group.status === 'not-exercised' ? 'not exercised' : 'not applicable'}: ${group.reason} (${String(group.cells.length)})`)
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mcify-audit fuzz" tests="${String(tests)}" failures="${String(failures)}" errors="0" skipped="${String(skipped)}" time="${seconds(report.fuzz.durationMs)}">`,
    ...suites,
    ...(reasons === '' ? [] : [`  <system-out>${xmlEscape(reasons)}</system-out>`]),
    '</testsuites>',
    '',
  ].join('\n');
};
