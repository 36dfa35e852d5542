/** Member-call chains (`db.select().from(t).where(...)`) and the static text of SQL arguments. */
import ts from 'typescript';
import { skipOuter } from '../discovery/mcify-symbols.js';

export type Link =
  | { readonly kind: 'prop'; readonly node: ts.Expression; readonly name: string }
  | { readonly kind: 'call'; readonly node: ts.CallExpression; readonly name: string | undefined; readonly args: readonly ts.Expression[] }
  | { readonly kind: 'new'; readonly node: ts.NewExpression; readonly name: string | undefined; readonly args: readonly ts.Expression[] }
  | { readonly kind: 'tag'; readonly node: ts.TaggedTemplateExpression; readonly name: string | undefined };

export interface Chain {
  /** The leftmost expression, which is not itself a link (an identifier, `this`, a `new`, a parenthesised await...). */
  readonly root: ts.Expression;
  /** Links from left to right. */
  readonly links: readonly Link[];
  /** The whole chain expression. */
  readonly outer: ts.Expression;
}

function isWrapper(node: ts.Node): node is ts.ParenthesizedExpression | ts.NonNullExpression | ts.AsExpression | ts.SatisfiesExpression {
  return ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node);
}

/** Whether `node` continues a chain that its parent extends (`a.b` in `a.b()`, `f()` in `f().x`). */
export function isChainContinued(node: ts.Node): boolean {
  let current: ts.Node = node;
  while (isWrapper(current.parent) && !ts.isParenthesizedExpression(current.parent)) current = current.parent;
  const parent = current.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === current) return true;
  if (ts.isElementAccessExpression(parent) && parent.expression === current) return true;
  if (ts.isCallExpression(parent) && parent.expression === current) return true;
  if (ts.isTaggedTemplateExpression(parent) && parent.tag === current) return true;
  return false;
}

function nameOf(expression: ts.Expression): string | undefined {
  const target = skipOuter(expression);
  if (ts.isIdentifier(target)) return target.text;
  if (ts.isPropertyAccessExpression(target)) return target.name.text;
  if (ts.isElementAccessExpression(target) && ts.isStringLiteralLike(target.argumentExpression)) return target.argumentExpression.text;
  return undefined;
}

/** Splits a chain expression into its root and links. */
export function chainOf(outer: ts.Expression): Chain {
  const links: Link[] = [];
  let current: ts.Expression = outer;
  for (;;) {
    if (ts.isNonNullExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current)) {
      current = current.expression;
    } else if (ts.isCallExpression(current)) {
      links.push({ kind: 'call', node: current, name: nameOf(current.expression), args: current.arguments });
      current = current.expression;
    } else if (ts.isPropertyAccessExpression(current)) {
      links.push({ kind: 'prop', node: current, name: current.name.text });
      current = current.expression;
    } else if (ts.isElementAccessExpression(current)) {
      const argument = current.argumentExpression;
      links.push({ kind: 'prop', node: current, name: ts.isStringLiteralLike(argument) ? argument.text : '[]' });
      current = current.expression;
    } else if (ts.isTaggedTemplateExpression(current)) {
      links.push({ kind: 'tag', node: current, name: nameOf(current.tag) });
      current = current.tag;
    } else {
      break;
    }
  }
  links.reverse();
  return { root: current, links, outer };
}

/** The SQL text of a string, template or `sql\`...\``/`sql.raw(...)` argument, substitutions as `$?`. */
export function sqlText(expression: ts.Expression | undefined): string | undefined {
  if (expression === undefined) return undefined;
  const target = skipOuter(expression);
  if (ts.isStringLiteralLike(target)) return target.text;
  if (ts.isTemplateExpression(target)) return target.head.text + target.templateSpans.map((span) => `$?${span.literal.text}`).join('');
  if (ts.isTaggedTemplateExpression(target)) return sqlText(target.template);
  if (ts.isCallExpression(target)) return sqlText(target.arguments[0]);
  return undefined;
}

/** Session statements (`set local role`, `begin`, ...) are not data access. */
export function isSessionStatement(text: string | undefined): boolean {
  return text !== undefined && /^\s*(set\s|reset\s|begin\b|commit\b|rollback\b|savepoint\b|release\b|start\s+transaction\b)/i.test(text);
}

/** Statements that put the caller's identity into the database session for row-level security. */
export function setsSessionIdentity(text: string | undefined): boolean {
  return text !== undefined && /set_config\s*\(|^\s*set\s+(local\s+)?("?app|"?request|"?jwt)/i.test(text);
}

/** The column a substitution is compared with, from the SQL text before it (`where user_id = ${x}`). */
export function columnBefore(text: string): string | undefined {
  const match = /(?:^|[\s(,])(?:"?[A-Za-z_][\w]*"?\.)?"?([A-Za-z_][\w]*)"?\s*(?:=|<>|!=|\bin\b|\blike\b|\bilike\b|=\s*any)\s*\(?\s*$/i.exec(text);
  return match?.[1];
}

/** `$1` placeholders mapped to the columns they are compared with, for `query(text, [values])`. */
export function placeholderColumns(text: string): Map<number, string> {
  const columns = new Map<number, string>();
  const pattern = /(?:"?[A-Za-z_][\w]*"?\.)?"?([A-Za-z_][\w]*)"?\s*(?:=|<>|!=|\bin\b|=\s*any)\s*\(?\s*\$(\d+)/gi;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const column = match[1];
    const index = match[2];
    if (column !== undefined && index !== undefined) columns.set(Number(index) - 1, column);
  }
  return columns;
}
