import { ruleDocsUrl, type Severity } from '@mcify-audit/analyzer';
import { splitLines } from './code-frame.js';
import { findingsByRule, flowPath, noteLocation, positionOf, type RuleGroup } from './finding-view.js';
import { dataAccessSummary, inventoryColumns, noToolsMessage, notesAfterInventory, overviewCounts, summarizeTools, type ToolSummary } from './inventory-summary.js';
import { printable } from './printable.js';
import type { Formatter, Report, ReportFinding } from './report.js';
import { plural, verdictLevel, verdictOf } from './verdict.js';

/** GitHub's limit on the body of a pull-request or issue comment, in characters: a longer body is rejected. */
export const markdownCommentLimit = 65_536;

/**
 * The size, as `commentSize` measures it, that `formatMarkdown` keeps its output within: GitHub's limit
 * less room for what a workflow may add around the report (a marker that finds the comment again, a
 * heading or footer of its own).
 */
export const markdownCommentBudget = markdownCommentLimit - 1_536;

/**
 * The size of `text` for GitHub's limit, never less than GitHub's count: one per UTF-16 unit (a character
 * outside the BMP, like most emoji, counts two) and two per line break, because a comment saved from the
 * browser (an edit of the posted report) has CRLF line breaks.
 *
 * @example
 * ```ts
 * commentSize('a\nb'); // 4
 * ```
 */
export function commentSize(text: string): number {
  return text.length + text.split('\n').length - 1;
}

/**
 * Untrusted text (messages, names and paths from the analysed code) as literal GitHub-flavoured
 * Markdown, safe in a table cell and in running text: `<`, `>` and `&` become entities, so no HTML
 * gets through; the punctuation that makes emphasis, code spans, links, strikethrough or a cell
 * boundary (`|`) is backslash-escaped; line breaks become `<br>` so a row stays one line; and an `@`
 * before a name gets a zero-width joiner after it, so that `@someone` (or `@org/team`) in the analysed code
 * does not mention, and notify, anyone when the report is posted. An entity would not do: GitHub finds
 * mentions in the rendered text, where `&#64;` is an `@` again. Text that starts a line goes through
 * `mdLine` instead.
 */
export function md(text: string): string {
  return splitLines(text)
    .map((line) =>
      printable(line)
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/[\\`*_[\]|~]/g, '\\$&')
        .replace(/@(?=[a-z0-9])/gi, '@\u200d'),
    )
    .join('<br>');
}

/** Like `md`, for text at the start of a line: a leading `#`, `-`, `+`, `=` or `1.` cannot start a heading or a list. */
export function mdLine(text: string): string {
  return md(text).replace(/^(\s*)(?:([#+=-])|(\d+)([.)]))/, (_match, space: string, marker: string | undefined, digits: string | undefined, dot: string | undefined) =>
    marker === undefined ? `${space}${digits ?? ''}\\${dot ?? ''}` : `${space}\\${marker}`,
  );
}

/**
 * Untrusted text in monospace. An HTML `<code>` element rather than a backtick code span: inside a code
 * span nothing can be escaped (a backtick in the text would end it), while inside `<code>` the escapes
 * of `md` still apply.
 */
export function code(text: string): string {
  return `<code>${md(text)}</code>`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** A table's header and delimiter rows. */
function tableHead(header: readonly string[]): string {
  return `${row(header)}\n${row(header.map(() => '---'))}`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [tableHead(header), ...rows.map(row)].join('\n');
}

const emptyCell = '—';

// --- The comment as an outline of whole pieces, so that it can be cut to size without breaking anything.

/**
 * The smallest piece the comment is cut by: a table row, a flow, a note. Its text starts with the line
 * breaks that separate it from what comes before, so the comment is exactly the text of what is shown,
 * concatenated, and its size the sum of theirs.
 */
interface Leaf {
  readonly kind: 'leaf';
  readonly text: string;
  readonly parent: Block;
  shown: boolean;
}

/**
 * What holds leaves: a section with its heading, a table with its header, a `<details>` block with its
 * closing tag. It is shown, whole, as soon as one leaf under it is, and never otherwise: a table never
 * loses its header and a `<details>` block is always closed.
 */
interface Block {
  readonly kind: 'block';
  /** The text before the children, given how many of the block's own leaves are shown: a heading says what it leaves out. */
  readonly open: (shown: number) => string;
  readonly close: string;
  readonly parent: Block | undefined;
  readonly children: (Leaf | Block)[];
  shown: boolean;
}

function block(parent: Block | undefined, open: string | ((shown: number) => string), close = ''): Block {
  const node: Block = { kind: 'block', open: typeof open === 'string' ? () => open : open, close, parent, children: [], shown: parent === undefined };
  parent?.children.push(node);
  return node;
}

function leaf(parent: Block, text: string): Leaf {
  const node: Leaf = { kind: 'leaf', text, parent, shown: false };
  parent.children.push(node);
  return node;
}

function ownLeaves(node: Block): Leaf[] {
  return node.children.filter((child) => child.kind === 'leaf');
}

function render(node: Leaf | Block): string {
  if (!node.shown) return '';
  if (node.kind === 'leaf') return node.text;
  return `${node.open(ownLeaves(node).filter((child) => child.shown).length)}${node.children.map(render).join('')}${node.close}`;
}

/** Shows `item` and the blocks it needs. */
function show(item: Leaf): void {
  item.shown = true;
  for (let parent: Block | undefined = item.parent; parent !== undefined && !parent.shown; parent = parent.parent) parent.shown = true;
}

/** The comment's outline: its root (the heading and counts, always shown) and its leaves, most important first, tier by tier. */
interface Outline {
  readonly root: Block;
  readonly tiers: readonly (readonly Leaf[])[];
  /** The closing line when something is left out: what is, in numbers, and where to find everything. */
  readonly omission: () => string;
}

/**
 * Shows what fits in `budget`, tier by tier: in each tier, each leaf that fits with the blocks it needs (a
 * leaf too big is left out, the smaller ones after it still get their turn); a tier is tried only when
 * everything above it was shown, so a warning never takes the place of an error that was left out. A
 * block is paid for at its longest (`open` for any count of shown leaves) when its first leaf comes in,
 * and the omission line at its longest from the start, so the sizes only shrink when rendered.
 */
function fit(outline: Outline, budget: number): void {
  const reserved = new Map<Block, number>();
  const reserve = (node: Block): number => {
    let size = reserved.get(node);
    if (size === undefined) {
      const total = ownLeaves(node).length;
      size = commentSize(node.close);
      let longest = 0;
      for (let shown = 0; shown <= total; shown += 1) longest = Math.max(longest, commentSize(node.open(shown)));
      size += longest;
      reserved.set(node, size);
    }
    return size;
  };
  let used = commentSize(render(outline.root)) + commentSize(outline.omission());
  for (const tier of outline.tiers) {
    let complete = true;
    for (const item of tier) {
      let cost = commentSize(item.text);
      for (let parent: Block | undefined = item.parent; parent !== undefined && !parent.shown; parent = parent.parent) cost += reserve(parent);
      if (used + cost > budget) {
        complete = false;
        continue;
      }
      show(item);
      used += cost;
    }
    if (!complete) return;
  }
}

// --- What the comment says.

/**
 * A Markdown formatter whose output stays within `budget` (as `commentSize` measures it). A report that
 * fits is shown whole; one that does not keeps the heading and counts, then as much as fits of, in this
 * order: the error findings, the warnings (each rule giving its next finding in turn, so that a cut
 * report still shows every kind of problem), the notes, the source→sink flows of the findings shown, the inventory rows of
 * the tools with a problem (no requireAuth, unscoped data access or a finding), the other tools. It then
 * ends with a line that says, in numbers, what it left out and how to get everything. Only whole rows,
 * flows and notes are left out: tables keep their header, `<details>` blocks are closed, headings say how
 * many of their findings they show. The heading, counts and closing line are always there, so a budget
 * below about a thousand is exceeded.
 *
 * @example
 * ```ts
 * // The whole report, for a file rather than a comment:
 * const whole = markdownFormatter(Number.POSITIVE_INFINITY)(report, context);
 * ```
 */
export function markdownFormatter(budget: number): Formatter {
  return (report) => {
    const whole = outline(report);
    for (const tier of whole.tiers) tier.forEach(show);
    const text = render(whole.root);
    if (commentSize(text) <= budget) return text;
    const cut = outline(report);
    fit(cut, budget);
    return `${render(cut.root)}${cut.omission()}`;
  };
}

/**
 * GitHub-flavoured Markdown for a pull-request comment, within `markdownCommentBudget`: a heading with
 * the verdict, what was analysed (and what only partly), the dialect and the overview counts; the findings grouped by rule, with a link to each rule's
 * documentation and their source→sink flows folded in `<details>`; the tool inventory (tool × auth,
 * scope gate, identity and credential fields, data access, findings) folded in `<details>`; then the
 * notes. A report too big for a comment is cut as `markdownFormatter` says, and says so. Every string
 * from the report is escaped (see `md`), so code under review can neither break the tables, inject
 * HTML nor mention anyone. No trailing newline.
 *
 * @example
 * ```ts
 * await writeFile('comment.md', formatMarkdown(report, { cwd, sourceOf, color: false }));
 * ```
 */
export const formatMarkdown: Formatter = markdownFormatter(markdownCommentBudget);

const verdictIcon = { pass: '✅', fail: '❌', warn: '⚠️' } as const;

function outline(report: Report): Outline {
  const verdict = verdictOf(report);
  const tools = summarizeTools(report);
  const root = block(undefined, [
    `## ${verdictIcon[verdictLevel(verdict)]} mcify-audit: ${verdict.problems}`,
    `${verdict.scope} analysed by mcify-audit ${md(report.tool.version)}${verdict.partial === '' ? '' : `; ${verdict.partial} (see the notes)`}.`,
    mdLine(verdict.dialect),
    table(['', 'count'], overviewCounts(report, tools).map(({ label, value }) => [label, String(value)])),
  ].join('\n\n'));

  const findings = block(root, '\n\n### Findings');
  const rows = new Map<ReportFinding, Leaf>();
  const flows = new Map<ReportFinding, Leaf>();
  const groups = findingsByRule(report.findings);
  for (const group of groups) ruleSection(findings, group, rows, flows);

  // The no-tools message is nothing to rank: it is always there, in the inventory's place.
  if (tools.length === 0) leaf(root, `\n\n### Tools\n\n${mdLine(noToolsMessage)}`).shown = true;
  const inventory = tools.length === 0 ? [] : toolsSection(root, tools);

  const notes = block(root, '\n\n### Notes\n');
  const noteLeaves = notesAfterInventory(report).map((note) => {
    const location = noteLocation(note);
    return leaf(notes, `\n- ${location === undefined ? mdLine(note.message) : `${code(location)}: ${md(note.message)}`}`);
  });

  // Each rule in turn gives its next finding, so a cut report still shows every kind of problem it found.
  const ranked = (severity: Severity): ReportFinding[] => {
    const queues = groups.map((group) => group.findings.filter((finding) => finding.severity === severity));
    const total = queues.reduce((sum, queue) => sum + queue.length, 0);
    const order: ReportFinding[] = [];
    for (let index = 0; order.length < total; index += 1) {
      for (const queue of queues) {
        const finding = queue[index];
        if (finding !== undefined) order.push(finding);
      }
    }
    return order;
  };
  const errors = ranked('error');
  const warnings = ranked('warning');
  const leavesOf = (list: readonly ReportFinding[], of: ReadonlyMap<ReportFinding, Leaf>): Leaf[] => list.flatMap((finding) => of.get(finding) ?? []);
  const toolRows = inventory.map(({ item }) => item);
  const hasProblem = ({ summary }: { readonly summary: ToolSummary }): boolean => !summary.tool.requiresAuth || summary.unscopedSinks.length > 0 || summary.findings.length > 0;
  const tiers = [
    leavesOf(errors, rows),
    leavesOf(warnings, rows),
    noteLeaves,
    // A flow explains a row already there: it comes after every row, before the inventory that sums the rows up.
    leavesOf([...errors, ...warnings], flows),
    inventory.filter(hasProblem).map(({ item }) => item),
    inventory.filter((entry) => !hasProblem(entry)).map(({ item }) => item),
  ];

  const omission = (): string => {
    const hidden = (leaves: readonly Leaf[]): number => leaves.filter((item) => !item.shown).length;
    const hiddenErrors = hidden(leavesOf(errors, rows));
    const hiddenWarnings = hidden(leavesOf(warnings, rows));
    // Before the cut, nothing is shown: the line is then at its longest, which is what `fit` sets aside for it.
    const parts = [
      hiddenErrors + hiddenWarnings === 0
        ? ''
        : `${hiddenErrors + hiddenWarnings} of ${plural(report.findings.length, 'finding')} (${[hiddenErrors > 0 ? plural(hiddenErrors, 'error') : '', hiddenWarnings > 0 ? plural(hiddenWarnings, 'warning') : ''].filter(Boolean).join(', ')})`,
      hidden([...flows.values()]) === 0 ? '' : `${hidden([...flows.values()])} of ${plural(flows.size, 'source → sink flow')}`,
      hidden(toolRows) === 0 ? '' : `${hidden(toolRows)} of ${plural(toolRows.length, 'tool')} in the inventory`,
      hidden(noteLeaves) === 0 ? '' : `${hidden(noteLeaves)} of ${plural(noteLeaves.length, 'note')}`,
    ].filter(Boolean);
    if (parts.length === 0) return '';
    const list = parts.length === 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1) ?? ''}`;
    return `\n\n> [!WARNING]\n> Left out to fit a GitHub comment: ${list}. For the complete report, run mcify-audit with \`--format sarif\` (for GitHub code scanning), \`--format html\`, or \`--format json --output FILE\`.`;
  };

  return { root, tiers, omission };
}

function ruleSection(findings: Block, group: RuleGroup, rows: Map<ReportFinding, Leaf>, flows: Map<ReportFinding, Leaf>): void {
  const total = group.findings.length;
  const section = block(
    findings,
    (shown) =>
      `\n\n#### [${md(group.rule.id)}](${ruleDocsUrl(group.rule.id)}): ${group.counts}${shown === total ? '' : ` (${shown} shown)`}\n\n${mdLine(group.rule.description)}\n\n${tableHead(['severity', 'location', 'tool', 'message'])}`,
  );
  for (const finding of group.findings) {
    const cells = [
      finding.severity,
      code(positionOf(finding)),
      finding.tool === null ? emptyCell : code(finding.tool),
      `${md(finding.message)}${finding.confidence === 'high' ? '' : ` _(${finding.confidence} confidence)_`}`,
    ];
    rows.set(finding, leaf(section, `\n${row(cells)}`));
  }
  const withFlows = group.findings.filter((finding) => finding.flow.length > 0);
  if (withFlows.length === 0) return;
  // GitHub renders Markdown inside <details> only after a blank line; list items nest by indentation.
  const details = block(
    section,
    (shown) => `\n\n<details>\n<summary>Source → sink flows (${shown === withFlows.length ? shown : `${shown} of ${withFlows.length}`})</summary>\n`,
    '\n\n</details>',
  );
  for (const finding of withFlows) {
    const steps = flowPath(finding).map((step, index) => `  ${index + 1}. ${step.role} ${code(positionOf(step))}: ${md(step.message)}`);
    flows.set(finding, leaf(details, `\n${[`- ${code(positionOf(finding))}${finding.tool === null ? '' : ` in ${code(finding.tool)}`}`, ...steps].join('\n')}`));
  }
}

/** The inventory, folded: in a pull request the findings are what a reviewer acts on, the inventory is for looking things up. */
function toolsSection(root: Block, tools: readonly ToolSummary[]): { readonly summary: ToolSummary; readonly item: Leaf }[] {
  const inventory = block(
    root,
    (shown) =>
      `\n\n### Tools\n\n<details>\n<summary>Inventory: ${shown === tools.length ? plural(tools.length, 'tool') : `${shown} of ${plural(tools.length, 'tool')}`}</summary>\n\n${tableHead(inventoryColumns)}`,
    '\n\n</details>',
  );
  return tools.map((summary) => ({ summary, item: leaf(inventory, `\n${row(toolRow(summary))}`) }));
}

function toolRow(summary: ToolSummary): string[] {
  const { tool } = summary;
  const list = (items: readonly string[]): string => (items.length === 0 ? emptyCell : items.map(code).join(', '));
  return [
    `${code(summary.label)}${tool.kind === 'tool' ? '' : ` (${tool.kind})`}`,
    code(summary.location),
    tool.requiresAuth ? '✅' : '❌',
    tool.scopeGates.length === 0 ? emptyCell : tool.scopeGates.map(code).join('<br>'),
    list(tool.identityFields),
    list(tool.credentialFields),
    `${dataAccessSummary(summary)}${summary.unscopedSinks.length > 0 ? ' ⚠️' : ''}`,
    String(summary.findings.length),
  ];
}
