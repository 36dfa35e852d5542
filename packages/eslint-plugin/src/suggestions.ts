/**
 * Mechanical fixes, offered as suggestions (they change behaviour, so never applied automatically), in
 * the file's mcify dialect: drop an identity or credential field from an input schema (when nothing else
 * in the file names it, so the handler still compiles); hash a logged identifier (`ctx.logger.hash(...)`
 * in the guide's API, a keyed HMAC from `node:crypto` in the published one, which has no hash helper);
 * add `requireAuth()` to a tool.
 */
import type { DialectName, Finding, RuleId } from '@mcify-audit/analyzer';
import { AST_NODE_TYPES, AST_TOKEN_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';
import type { MaybeParserServices } from './file-analysis.js';

/**
 * The suggestions' messages. A suggestion of the published dialect is `<guide id>Published` when its
 * wording or edit differs; `addRequireAuth` is the same in both.
 */
export const suggestionMessages = {
  removeInputField: 'Remove "{{field}}" from the input schema, and read the caller from ctx.auth.claims in the handler instead.',
  removeInputFieldPublished:
    'Remove "{{field}}" from the input schema, and read the caller from ctx.auth in the handler instead (ctx.auth.subject under oauthProvider, or the session looked up by ctx.auth.token).',
  removeCredentialField: 'Remove "{{field}}" from the input schema, and look the credential up server-side by the caller from ctx.auth.claims instead.',
  removeCredentialFieldPublished:
    'Remove "{{field}}" from the input schema, and look the credential up server-side by the caller (ctx.auth.subject under oauthProvider, or the session looked up by ctx.auth.token) instead.',
  hashLoggedValue: 'Log ctx.logger.hash({{value}}) instead of the raw value (converted with String() unless it is known to be a string).',
  hashLoggedValuePublished: 'Log {{helper}}({{value}}), a keyed HMAC-SHA-256 from node:crypto (key: the LOG_HASH_KEY environment variable), instead of the raw value.',
  addRequireAuth: 'Add requireAuth() to the middlewares of this tool.',
} as const;

export type SuggestionMessageId = keyof typeof suggestionMessages;

/** The suggestions each rule can offer, in both dialects. */
export const ruleSuggestions: Readonly<Partial<Record<RuleId, readonly SuggestionMessageId[]>>> = {
  'mcify/no-identity-in-input': ['removeInputField', 'removeInputFieldPublished'],
  'mcify/no-credential-in-input': ['removeCredentialField', 'removeCredentialFieldPublished'],
  'mcify/no-pii-in-logs': ['hashLoggedValue', 'hashLoggedValuePublished'],
  'mcify/require-auth': ['addRequireAuth'],
};

/** The guide-dialect counterpart of a suggestion's message id (itself for guide and shared ids). */
export function guideCounterpart(messageId: SuggestionMessageId): SuggestionMessageId {
  return messageId.endsWith('Published') ? (messageId.slice(0, -'Published'.length) as SuggestionMessageId) : messageId;
}

/** The name of the keyed-hash helper the published-dialect suggestion adds to a file. */
const hashHelper = 'logHash';

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

/** The exported name an import specifier imports (`requireAuth` in `requireAuth as authenticated`). */
function importedName(specifier: TSESTree.ImportSpecifier): string {
  return specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value;
}

function hasBinding(context: Context, name: string): boolean {
  return context.sourceCode.ast.body.some(
    (statement) => statement.type === AST_NODE_TYPES.ImportDeclaration && statement.specifiers.some((specifier) => specifier.local.name === name),
  );
}

/**
 * Whether an identifier or property name `name` appears in the file outside `node`: then removing `node`
 * (a schema field) would leave code that reads the field and no longer compiles.
 */
function namedElsewhere(context: Context, node: TSESTree.Node, name: string): boolean {
  const [start, end] = node.range;
  return context.sourceCode.ast.tokens.some(
    (token) => (token.type === AST_TOKEN_TYPES.Identifier || token.type === AST_TOKEN_TYPES.String) && (token.value === name || token.value.slice(1, -1) === name) && (token.range[1] <= start || token.range[0] >= end),
  );
}

/** Whether an expression is a string: by its type with typed linting, else by its syntax (a string or template literal, `String(...)`). */
function isString(context: Context, node: TSESTree.Node): boolean {
  const services = context.sourceCode.parserServices as MaybeParserServices | undefined;
  const tsNode = services?.esTreeNodeToTSNodeMap?.get(node) as ts.Node | undefined;
  if (services?.program != null && tsNode !== undefined) {
    const type = services.program.getTypeChecker().getTypeAtLocation(tsNode);
    return (type.flags & ts.TypeFlags.StringLike) !== 0;
  }
  if (node.type === AST_NODE_TYPES.Literal) return typeof node.value === 'string';
  if (node.type === AST_NODE_TYPES.TemplateLiteral) return true;
  return node.type === AST_NODE_TYPES.CallExpression && node.callee.type === AST_NODE_TYPES.Identifier && node.callee.name === 'String';
}

function isTypeScript(context: Context): boolean {
  return /\.[cm]?tsx?$/.test(context.filename);
}

/** The keyed-hash helper of the published dialect, for a TypeScript or a JavaScript file. */
function hashHelperSource(typed: boolean): string {
  const signature = typed ? `function ${hashHelper}(value: unknown): string {` : `function ${hashHelper}(value) {`;
  return [
    '',
    '/** A keyed pseudonym of a value for logs: HMAC-SHA-256 under LOG_HASH_KEY, which the server\'s environment must set. */',
    signature,
    "  const key = process.env['LOG_HASH_KEY'];",
    "  if (key === undefined || key === '') throw new Error('LOG_HASH_KEY is not set: it keys the pseudonyms of identifiers in logs.');",
    "  return createHmac('sha256', key).update(String(value)).digest('hex');",
    '}',
  ].join('\n');
}

/** Whether the file declares the published dialect's `logHash` helper at its top level (as this suggestion adds it). */
function declaresHashHelper(context: Context): boolean {
  return context.sourceCode.ast.body.some((statement) => statement.type === AST_NODE_TYPES.FunctionDeclaration && statement.id.name === hashHelper);
}

/** Edits that add the published dialect's `logHash` helper (and its `node:crypto` import) to the file when it lacks them. */
function addHashHelper(context: Context, fixer: TSESLint.RuleFixer): TSESLint.RuleFix[] {
  if (declaresHashHelper(context)) return [];
  const imports = context.sourceCode.ast.body.filter((statement): statement is TSESTree.ImportDeclaration => statement.type === AST_NODE_TYPES.ImportDeclaration);
  const lastImport = imports.at(-1);
  const importsHmac = hasBinding(context, 'createHmac') || inScope(context, context.sourceCode.ast, 'createHmac');
  // A CommonJS file (`.cjs`, or parsed as a script) cannot hold an import declaration.
  const commonJs = context.sourceCode.ast.sourceType === 'script' || /\.c[jt]s$/.test(context.filename);
  const load = commonJs ? "const { createHmac } = require('node:crypto');" : "import { createHmac } from 'node:crypto';";
  const text = `${importsHmac ? '' : `\n${load}`}\n${hashHelperSource(isTypeScript(context))}`;
  return [lastImport === undefined ? fixer.insertTextBeforeRange([0, 0], `${text.trimStart()}\n\n`) : fixer.insertTextAfter(lastImport, text)];
}

/** The suggestions a finding of `ruleId` can carry in `dialect`, built from the offending code the analyzer points at. */
export function suggestionsFor(context: Context, finding: Finding, dialect: DialectName): Suggestion[] {
  const published = dialect === 'published';
  const subject = finding.subject;
  if (subject === undefined) return [];
  const node = nodeAt(context, subject.start, subject.end);
  if (node === undefined) return [];
  switch (finding.ruleId) {
    case 'mcify/no-identity-in-input':
    case 'mcify/no-credential-in-input': {
      if (node.type !== AST_NODE_TYPES.Property) return [];
      const field = context.sourceCode.getText(node.key);
      const name = node.key.type === AST_NODE_TYPES.Identifier ? node.key.name : node.key.type === AST_NODE_TYPES.Literal ? String(node.key.value) : undefined;
      if (name === undefined || namedElsewhere(context, node, name)) return [];
      const base = finding.ruleId === 'mcify/no-identity-in-input' ? 'removeInputField' : 'removeCredentialField';
      return [{ messageId: published ? `${base}Published` : base, data: { field }, fix: removeProperty(context, node) }];
    }
    case 'mcify/no-pii-in-logs': {
      const parent = node.parent;
      const value = context.sourceCode.getText(node);
      const shorthand = parent?.type === AST_NODE_TYPES.Property && parent.shorthand ? parent : undefined;
      // The logged value replaced by its hash; a shorthand property keeps its key.
      const replaceWith = (fixer: TSESLint.RuleFixer, hashed: string) => (shorthand === undefined ? fixer.replaceText(node, hashed) : fixer.replaceText(shorthand, `${value}: ${hashed}`));
      if (published) {
        // A local `logHash` that is not the helper this suggestion adds would be shadowed or clash.
        if (inScope(context, node, hashHelper) && !declaresHashHelper(context)) return [];
        const hashed = `${hashHelper}(${value})`;
        return [{ messageId: 'hashLoggedValuePublished', data: { value, helper: hashHelper }, fix: (fixer) => [replaceWith(fixer, hashed), ...addHashHelper(context, fixer)] }];
      }
      if (!inScope(context, node, 'ctx')) return [];
      // The guide's hash takes a string: anything not known to be one is converted first.
      const hashed = `ctx.logger.hash(${isString(context, node) ? value : `String(${value})`})`;
      return [{ messageId: 'hashLoggedValue', data: { value }, fix: (fixer) => replaceWith(fixer, hashed) }];
    }
    case 'mcify/require-auth': {
      if (node.type !== AST_NODE_TYPES.ObjectExpression) return [];
      const property = node.properties.find((candidate) => candidate.type === AST_NODE_TYPES.Property && candidate.key.type === AST_NODE_TYPES.Identifier && candidate.key.name === 'middlewares');
      const middlewares = property?.type === AST_NODE_TYPES.Property ? property.value : undefined;
      // Middlewares given as a variable or a call: no edit of this object would add requireAuth() to them.
      if (middlewares !== undefined && middlewares.type !== AST_NODE_TYPES.ArrayExpression) return [];
      const imports = context.sourceCode.ast.body.filter((statement): statement is TSESTree.ImportDeclaration => statement.type === AST_NODE_TYPES.ImportDeclaration);
      const lastImport = imports.at(-1);
      const middlewareImports = imports.filter((statement) => statement.source.value === '@mcify/core/middleware' && statement.importKind !== 'type');
      // mcify's requireAuth as the file already names it: an imported binding (aliased or not), or a namespace member.
      let callee = hasBinding(context, 'requireAuth') ? 'requireAuth' : undefined;
      for (const specifier of middlewareImports.flatMap((statement) => statement.specifiers)) {
        if (specifier.type === AST_NODE_TYPES.ImportSpecifier && specifier.importKind !== 'type' && importedName(specifier) === 'requireAuth') callee ??= specifier.local.name;
        else if (specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier) callee ??= `${specifier.local.name}.requireAuth`;
      }
      // Else import it, under another name when the file declares a requireAuth of its own.
      const local = callee ?? (inScope(context, node, 'requireAuth') ? 'mcifyRequireAuth' : 'requireAuth');
      if (callee === undefined && local !== 'requireAuth' && inScope(context, node, local)) return [];
      const call = `${callee ?? local}()`;
      return [
        {
          messageId: 'addRequireAuth',
          fix: (fixer) => {
            const fixes = [];
            if (middlewares?.type === AST_NODE_TYPES.ArrayExpression) {
              const opening = context.sourceCode.getFirstToken(middlewares);
              if (opening !== null) fixes.push(fixer.insertTextAfter(opening, middlewares.elements.length > 0 ? `${call}, ` : call));
            } else {
              const opening = context.sourceCode.getFirstToken(node);
              if (opening !== null) fixes.push(fixer.insertTextAfter(opening, ` middlewares: [${call}],`));
            }
            if (callee === undefined) {
              // Join an existing `import { ... } from '@mcify/core/middleware'`, else add one after the imports.
              const specifier = local === 'requireAuth' ? 'requireAuth' : `requireAuth as ${local}`;
              const lastSpecifier = middlewareImports.map((statement) => statement.specifiers.at(-1)).find((candidate) => candidate?.type === AST_NODE_TYPES.ImportSpecifier);
              const line = `import { ${specifier} } from '@mcify/core/middleware';\n`;
              if (lastSpecifier !== undefined) fixes.push(fixer.insertTextAfter(lastSpecifier, `, ${specifier}`));
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
