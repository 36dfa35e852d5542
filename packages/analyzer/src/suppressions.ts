import ts from 'typescript';
import type { AnalysisNote } from './analyze.js';
import { isRuleId, type RuleId } from './rules.js';

/** One suppression comment: `// mcify-audit-ignore <rule>[, <rule>] -- reason` or `// eslint-disable-next-line mcify/<rule>`. */
interface Suppression {
  readonly kind: 'mcify-audit-ignore' | 'eslint-disable-next-line';
  /** 1-based line of the comment; it covers the next line. */
  readonly line: number;
  /** 1-based column of the comment's `//`. */
  readonly column: number;
  /** Rule names as written; empty for a bare `eslint-disable-next-line` (every rule). */
  readonly names: readonly string[];
  readonly reason: string | undefined;
  used: boolean;
}

const ignorePattern = /^\/\/\s*mcify-audit-ignore\b\s*(.*?)(?:\s*--\s*(.*))?$/;
const eslintPattern = /^\/\/\s*eslint-disable-next-line\b\s*(.*?)(?:\s+--\s*(.*))?$/;

/**
 * The suppression comments of the analysed files, and which of them suppressed something. A
 * `mcify-audit-ignore` without a reason is not honoured; comments that suppress nothing, name unknown
 * rules or lack a reason become notes, so that stale suppressions do not pile up.
 */
export class Suppressions {
  private readonly byFile = new Map<ts.SourceFile, Map<number, Suppression>>();

  /** @param eslintDirectives whether `eslint-disable-next-line` counts (ESLint applies its own). */
  constructor(private readonly eslintDirectives: boolean) {}

  /** Whether the line above `line` (1-based) suppresses `ruleId`; marks the comment used when it does. */
  suppresses(sourceFile: ts.SourceFile, line: number, ruleId: RuleId): boolean {
    const suppression = this.of(sourceFile).get(line - 1);
    if (suppression === undefined) return false;
    if (suppression.kind === 'mcify-audit-ignore' && suppression.reason === undefined) return false;
    if (suppression.kind === 'eslint-disable-next-line' && !this.eslintDirectives) return false;
    const shortId = ruleId.slice('mcify/'.length);
    const covers =
      suppression.kind === 'mcify-audit-ignore'
        ? suppression.names.some((name) => name === ruleId || name === shortId)
        : suppression.names.length === 0 || suppression.names.includes(ruleId);
    if (covers) suppression.used = true;
    return covers;
  }

  /** Notes on the suppression comments of `sourceFiles`: missing reasons, unknown rules, unused ones. */
  notes(sourceFiles: readonly ts.SourceFile[]): AnalysisNote[] {
    const notes: AnalysisNote[] = [];
    for (const sourceFile of sourceFiles) {
      for (const suppression of this.of(sourceFile).values()) {
        const at = `line ${String(suppression.line)}`;
        const file = sourceFile.fileName;
        const where = { file, line: suppression.line, column: suppression.column };
        const mcifyNames = suppression.names.filter((name) => suppression.kind === 'mcify-audit-ignore' || name.startsWith('mcify/'));
        const unknown = mcifyNames.filter((name) => !isRuleId(name) && !isRuleId(`mcify/${name}`));
        if (unknown.length > 0) {
          notes.push({ ...where, code: 'suppression-unknown-rule', message: `The suppression at ${at} names no mcify rule (${unknown.join(', ')}): the rule ids are listed in docs/rules.` });
        }
        if (suppression.kind === 'mcify-audit-ignore' && suppression.names.length === 0) {
          notes.push({ ...where, code: 'suppression-no-rule', message: `The mcify-audit-ignore comment at ${at} names no rule: write // mcify-audit-ignore mcify/<rule> -- <reason>.` });
        } else if (suppression.kind === 'mcify-audit-ignore' && suppression.reason === undefined) {
          notes.push({ ...where, code: 'suppression-no-reason', message: `The mcify-audit-ignore comment at ${at} has no reason, so it is not honoured: add " -- <why this is safe>".` });
        } else if (!suppression.used && mcifyNames.length > unknown.length && (suppression.kind === 'mcify-audit-ignore' || this.eslintDirectives)) {
          notes.push({ ...where, code: 'suppression-unused', message: `The suppression at ${at} (${mcifyNames.join(', ')}) suppresses nothing on the next line: remove it.` });
        }
      }
    }
    return notes;
  }

  private of(sourceFile: ts.SourceFile): Map<number, Suppression> {
    let found = this.byFile.get(sourceFile);
    if (found === undefined) {
      found = parseSuppressions(sourceFile);
      this.byFile.set(sourceFile, found);
    }
    return found;
  }
}

/** The suppression comments of a file, by 1-based line. Only whole-line `//` comments count, not text in strings. */
function parseSuppressions(sourceFile: ts.SourceFile): Map<number, Suppression> {
  const found = new Map<number, Suppression>();
  const text = sourceFile.text;
  if (!text.includes('mcify-audit-ignore') && !text.includes('eslint-disable-next-line')) return found;
  let lineStart = 0;
  const inString = stringRanges(sourceFile);
  text.split('\n').forEach((raw, index) => {
    const start = lineStart;
    lineStart += raw.length + 1;
    const line = raw.trim();
    const ignore = ignorePattern.exec(line);
    const eslint = ignore === null ? eslintPattern.exec(line) : null;
    const match = ignore ?? eslint;
    if (match === null) return;
    // Source code quoted in a template or string (a test's fixture, say) holds no comments.
    const at = start + raw.indexOf('//');
    if (inString().some(([from, to]) => at > from && at < to)) return;
    const reason = match[2]?.trim();
    found.set(index + 1, {
      kind: ignore === null ? 'eslint-disable-next-line' : 'mcify-audit-ignore',
      line: index + 1,
      column: raw.indexOf('//') + 1,
      names: (match[1] ?? '').split(/[\s,]+/).filter((name) => name !== ''),
      reason: reason === undefined || reason === '' ? undefined : reason,
      used: false,
    });
  });
  return found;
}

/** The ranges of string and template literals in a file, computed when first asked for. */
function stringRanges(sourceFile: ts.SourceFile): () => readonly (readonly [number, number])[] {
  let ranges: [number, number][] | undefined;
  return () => {
    if (ranges === undefined) {
      const found: [number, number][] = [];
      const visit = (node: ts.Node): void => {
        if (ts.isStringLiteralLike(node) || ts.isTemplateExpression(node)) {
          found.push([node.getStart(sourceFile), node.getEnd()]);
          return;
        }
        ts.forEachChild(node, visit);
      };
      visit(sourceFile);
      ranges = found;
    }
    return ranges;
  };
}
