import { analyzeProgram, analyzeSourceFile, type AnalysisResult } from '@mcify-audit/analyzer';
import type { TSESLint } from '@typescript-eslint/utils';
import ts from 'typescript';
import { optionsFor } from './settings.js';

/** One analysis per source file and options, shared by every rule that lints the file. */
const cache = new WeakMap<ts.SourceFile, Map<string, AnalysisResult>>();

/** Parser services as typescript-eslint provides them, all optional: another parser provides none. */
export interface MaybeParserServices {
  readonly program?: ts.Program | null;
  readonly esTreeNodeToTSNodeMap?: { get(node: unknown): unknown };
}

function scriptKindOf(filename: string): ts.ScriptKind {
  if (/\.[cm]?tsx?$/.test(filename)) return filename.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return filename.endsWith('x') ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
}

/**
 * The analysis of the file being linted. With typed linting the program's checker is used, so imported
 * schemas and helpers resolve; with typescript-eslint's parser but no type information, the parser's
 * own TypeScript AST is analysed alone; with any other parser, the source text is.
 */
export function analysisOf(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): { result: AnalysisResult; sourceFile: ts.SourceFile } {
  const { sourceCode, filename } = context;
  const services = sourceCode.parserServices as MaybeParserServices | undefined;
  const program = services?.program ?? undefined;
  let sourceFile = program?.getSourceFile(filename);
  if (sourceFile === undefined) {
    const mapped = services?.esTreeNodeToTSNodeMap?.get(sourceCode.ast);
    sourceFile = mapped !== undefined && ts.isSourceFile(mapped as ts.Node) ? (mapped as ts.SourceFile) : undefined;
  }
  sourceFile ??= ts.createSourceFile(filename, sourceCode.text, ts.ScriptTarget.Latest, true, scriptKindOf(filename));
  const { options, key } = optionsFor(filename, context.settings);
  let perOptions = cache.get(sourceFile);
  if (perOptions === undefined) {
    perOptions = new Map();
    cache.set(sourceFile, perOptions);
  }
  let result = perOptions.get(key);
  if (result === undefined) {
    // ESLint applies (and reports unused) its own disable directives; the analyzer keeps mcify-audit-ignore.
    const settings = { eslintDirectives: false };
    const typed = program?.getSourceFile(filename) === sourceFile ? program : undefined;
    result = typed === undefined ? analyzeSourceFile(sourceFile, options, settings) : analyzeProgram(typed, options, [sourceFile.fileName], settings);
    perOptions.set(key, result);
  }
  return { result, sourceFile };
}
