import type ts from 'typescript';
import type { RuleId } from './rules.js';

/**
 * Whether the line above `line` (1-based) suppresses `ruleId`: `// mcify-audit-ignore <rule>[, <rule>] -- reason`
 * or `// eslint-disable-next-line mcify/<rule>` (or with no rule, every rule).
 */
export function isSuppressed(sourceFile: ts.SourceFile, line: number, ruleId: RuleId, eslintDirectives = true): boolean {
  if (line < 2) return false;
  const starts = sourceFile.getLineStarts();
  const start = starts[line - 2];
  const end = starts[line - 1];
  if (start === undefined || end === undefined) return false;
  const text = sourceFile.text.slice(start, end).trim();
  const shortId = ruleId.slice('mcify/'.length);
  const ignore = /^\/\/\s*mcify-audit-ignore\s+([^\n]*?)(?:\s+--.*)?$/.exec(text);
  if (ignore?.[1] !== undefined) return listNames(ignore[1]).some((name) => name === ruleId || name === shortId);
  const eslint = /^\/\/\s*eslint-disable-next-line(?:\s+([^\n]*?))?(?:\s+--.*)?$/.exec(text);
  if (eslint !== null && eslintDirectives) return eslint[1] === undefined || listNames(eslint[1]).includes(ruleId);
  return false;
}

function listNames(text: string): string[] {
  return text.split(/[\s,]+/).filter((name) => name !== '');
}
