/**
 * Mechanical fixes, offered as suggestions (they change behaviour, so never applied automatically):
 * drop an identity or credential field from an input schema; wrap a logged identifier in
 * `ctx.logger.hash(...)`; add `requireAuth()` to a tool.
 */
import type { Finding } from '@mcify-audit/analyzer';
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

export type SuggestionMessageId = 'removeInputField' | 'removeCredentialField' | 'hashLoggedValue' | 'addRequireAuth';

type Context = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;
type Suggestion = TSESLint.SuggestionReportDescriptor<SuggestionMessageId>;

/** The smallest node whose range is exactly [start, end], if any. */
function nodeAt(context: Context, start: number, end: number): TSESTree.Node | undefined {
  let node = context.sourceCode.getNodeByRangeIndex(start);
  while (node !== null && !(node.range[0] === start && node.range[1] === end)) {
    if (node.range[0] < start || node.range[1] > end) return findWithin(node, start, end);
    node = node.parent ?? null;
  }
  return node ?? undefined;
}

function findWithin(node: TSESTree.Node, start: number, end: number): TSESTree.Node | undefined {
  let current: TSESTree.Node | undefined = node;
  while (current !== undefined) {
    if (current.range[0] === start && current.range[1] === end) return current;
    current = current.parent;
  }
  return undefined;
}

/** Removes a property of an object literal with its comma, and its whole line when it stands alone. */
function removeProperty(context: Context, property: TSESTree.Node): TSESLint.ReportFixFunction {
  return (fixer) => {
    const text = context.sourceCode.text;
    let [start, end] = property.range;
    const after = context.sourceCode.getTokenAfter(property);
    if (after?.value === ',') end = after.range[1];
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const lineEnd = text.indexOf('\n', end);
    const standsAlone = text.slice(lineStart, start).trim() === '' && text.slice(end, lineEnd === -1 ? text.length : lineEnd).trim() === '';
    if (standsAlone) {
      start = lineStart;
      end = lineEnd === -1 ? text.length : lineEnd + 1;
    }
    return fixer.removeRange([start, end]);
  };
}

/** Whether `name` is a variable visible at `node` (e.g. the handler's `ctx`). */
function inScope(context: Context, node: TSESTree.Node, name: string): boolean {
  for (let scope: TSESLint.Scope.Scope | null = context.sourceCode.getScope(node); scope !== null; scope = scope.upper) {
    if (scope.set.has(name)) return true;
  }
  return false;
}

function hasBinding(context: Context, name: string): boolean {
  return context.sourceCode.ast.body.some(
    (statement) => statement.type === AST_NODE_TYPES.ImportDeclaration && statement.specifiers.some((specifier) => specifier.local.name === name),
  );
}

/** The suggestions a finding of `ruleId` can carry, built from the offending code the analyzer points at. */
export function suggestionsFor(context: Context, finding: Finding): Suggestion[] {
  const subject = finding.subject;
  if (subject === undefined) return [];
  const node = nodeAt(context, subject.start, subject.end);
  if (node === undefined) return [];
  switch (finding.ruleId) {
    case 'mcify/no-identity-in-input':
    case 'mcify/no-credential-in-input': {
      if (node.type !== AST_NODE_TYPES.Property) return [];
      const field = context.sourceCode.getText(node.key);
      const messageId = finding.ruleId === 'mcify/no-identity-in-input' ? 'removeInputField' : 'removeCredentialField';
      return [{ messageId, data: { field }, fix: removeProperty(context, node) }];
    }
    case 'mcify/no-pii-in-logs': {
      if (!inScope(context, node, 'ctx')) return [];
      const parent = node.parent;
      const value = context.sourceCode.getText(node);
      if (parent?.type === AST_NODE_TYPES.Property && parent.shorthand) {
        return [{ messageId: 'hashLoggedValue', data: { value }, fix: (fixer) => fixer.replaceText(parent, `${value}: ctx.logger.hash(${value})`) }];
      }
      return [{ messageId: 'hashLoggedValue', data: { value }, fix: (fixer) => fixer.replaceText(node, `ctx.logger.hash(${value})`) }];
    }
    case 'mcify/require-auth': {
      if (node.type !== AST_NODE_TYPES.ObjectExpression) return [];
      const property = node.properties.find((candidate) => candidate.type === AST_NODE_TYPES.Property && candidate.key.type === AST_NODE_TYPES.Identifier && candidate.key.name === 'middlewares');
      const middlewares = property?.type === AST_NODE_TYPES.Property ? property.value : undefined;
      // Middlewares given as a variable or a call: no edit of this object would add requireAuth() to them.
      if (middlewares !== undefined && middlewares.type !== AST_NODE_TYPES.ArrayExpression) return [];
      const imports = context.sourceCode.ast.body.filter((statement): statement is TSESTree.ImportDeclaration => statement.type === AST_NODE_TYPES.ImportDeclaration);
      const lastImport = imports.at(-1);
      return [
        {
          messageId: 'addRequireAuth',
          fix: (fixer) => {
            const fixes = [];
            if (middlewares?.type === AST_NODE_TYPES.ArrayExpression) {
              const opening = context.sourceCode.getFirstToken(middlewares);
              if (opening !== null) fixes.push(fixer.insertTextAfter(opening, middlewares.elements.length > 0 ? 'requireAuth(), ' : 'requireAuth()'));
            } else {
              const opening = context.sourceCode.getFirstToken(node);
              if (opening !== null) fixes.push(fixer.insertTextAfter(opening, ' middlewares: [requireAuth()],'));
            }
            if (!hasBinding(context, 'requireAuth')) {
              // Join an existing `import { ... } from '@mcify/core/middleware'`, else add one after the imports.
              const middlewareImport = imports.find(
                (statement) => statement.source.value === '@mcify/core/middleware' && statement.importKind !== 'type',
              );
              const lastSpecifier = middlewareImport?.specifiers.at(-1);
              const line = "import { requireAuth } from '@mcify/core/middleware';\n";
              if (lastSpecifier?.type === AST_NODE_TYPES.ImportSpecifier) fixes.push(fixer.insertTextAfter(lastSpecifier, ', requireAuth'));
              else fixes.push(lastImport === undefined ? fixer.insertTextBeforeRange([0, 0], line) : fixer.insertTextAfter(lastImport, `\n${line.trimEnd()}`));
            }
            return fixes;
          },
        },
      ];
    }
    default:
      return [];
  }
}
