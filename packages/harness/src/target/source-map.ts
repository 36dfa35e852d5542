/**
 * Where each MCP tool is defined, from the source: the analyzer's inventory of a project folder,
 * mapped by MCP name to the `defineTool` call (file, start, end of its first line, as the static
 * findings locate it, so static and dynamic findings join on it) and to the analyzer's sensitive-tool
 * decision. In-process targets map their config's folder; black-box targets map `--source PATH`.
 *
 * The analyzer, and with it the TypeScript compiler API, is imported here on first use only: importing
 * the harness does not load TypeScript.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ToolSource } from '../engine/types.js';

/** What a source map gives a target. */
export interface SourceMap {
  /** The config file, when one was found (`mcify.config.*` in the folder, or the file named). */
  readonly configFile: string | undefined;
  readonly tools: ReadonlyMap<string, ToolSource>;
}

/** Why `--source PATH` cannot be mapped. */
export class SourceMapError extends Error {
  override readonly name = 'SourceMapError';
}

const configFileNames = ['mcify.config.ts', 'mcify.config.mts', 'mcify.config.js', 'mcify.config.mjs'];
const sourceExtension = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const skippedFolders = new Set(['node_modules', 'dist', 'build', 'coverage', '.git']);

/** Every source file under `folder` (not in node_modules, dist, build, coverage, dot-folders), absolute, `/`-separated. */
function sourceFilesUnder(folder: string): string[] {
  const files: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name) && !entry.name.startsWith('.')) walk(join(directory, entry.name));
      } else if (entry.isFile() && sourceExtension.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.push(join(directory, entry.name).split('\\').join('/'));
      }
    }
  };
  walk(folder);
  return files.sort();
}

/**
 * Maps the tools defined under `path` (a project folder, or a config file whose folder is mapped) to
 * their `defineTool` calls. Tools without a static name are left out; a name defined twice keeps its
 * first definition.
 *
 * @example
 * ```ts
 * const map = await sourceMapOf('fixtures/servers/orders-vulnerable');
 * map.tools.get('orders_refund'); // { file: '/.../src/tools/orders.ts', line: 120, column: 29, ..., sensitive: true }
 * ```
 * @throws {SourceMapError} when the path does not exist.
 */
export async function sourceMapOf(path: string): Promise<SourceMap> {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new SourceMapError(`--source ${path}: no such file or directory.`);
  const isFile = statSync(absolute).isFile();
  const folder = isFile ? dirname(absolute) : absolute;
  const configFile = isFile ? absolute : configFileNames.map((name) => join(folder, name)).find((candidate) => existsSync(candidate));
  const files = sourceFilesUnder(folder);
  if (files.length === 0) return { configFile, tools: new Map() };

  const analyzer = await import('@mcify-audit/analyzer');
  const { ts } = analyzer;
  let options: import('@mcify-audit/analyzer').AnalyzerOptions | undefined;
  try {
    options = analyzer.findOptionsFile(folder)?.options;
  } catch {
    options = undefined;
  }
  const resolved = analyzer.resolveOptions(options);
  const tools = new Map<string, ToolSource>();
  // File by file, without a type checker: the inventory's names and positions are syntactic, and a
  // program over the project's dependencies' types would take seconds.
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKindOf(ts, file));
    let result: import('@mcify-audit/analyzer').AnalysisResult;
    try {
      result = analyzer.analyzeSourceFile(sourceFile, options);
    } catch {
      continue;
    }
    for (const entry of result.tools) {
      if (entry.kind !== 'tool' || entry.name === null || tools.has(entry.name)) continue;
      const call = callOnLine(ts, sourceFile, entry.line);
      const start = call === undefined ? { line: entry.line, column: 1 } : lineColumn(sourceFile, call.getStart(sourceFile));
      const end = call === undefined ? { line: entry.line, column: 1 } : endOfFirstLine(sourceFile, call);
      // The inventory's own `sensitive`, when the analyzer records it; else the rule it applies (a sensitive verb in the name or description).
      const recorded = (entry as { readonly sensitive?: unknown }).sensitive;
      const description = call === undefined ? undefined : descriptionOf(ts, call);
      const sensitive = typeof recorded === 'boolean' ? recorded : analyzer.sensitiveVerbOf(entry.name, description, resolved) !== undefined;
      tools.set(entry.name, { file: resolve(file), line: start.line, column: start.column, endLine: end.line, endColumn: end.column, sensitive });
    }
  }
  return { configFile, tools };
}

type Ts = typeof import('typescript');

/** The script kind a file's extension says. */
function scriptKindOf(ts: Ts, file: string): import('typescript').ScriptKind {
  if (/\.(tsx)$/.test(file)) return ts.ScriptKind.TSX;
  if (/\.(jsx)$/.test(file)) return ts.ScriptKind.JSX;
  if (/\.(js|mjs|cjs)$/.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

function lineColumn(sourceFile: import('typescript').SourceFile, position: number): { line: number; column: number } {
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(position);
  return { line: line + 1, column: character + 1 };
}

/** The node's end, or the end of its first line when it spans several (how the static findings locate a call). */
function endOfFirstLine(sourceFile: import('typescript').SourceFile, node: import('typescript').Node): { line: number; column: number } {
  const start = node.getStart(sourceFile);
  const end = lineColumn(sourceFile, node.getEnd());
  if (end.line === lineColumn(sourceFile, start).line) return end;
  return lineColumn(sourceFile, sourceFile.getLineEndOfPosition(start));
}

/** The outermost call expression starting on `line` (1-based): the `defineTool(...)` the inventory names. */
function callOnLine(ts: Ts, sourceFile: import('typescript').SourceFile, line: number): import('typescript').CallExpression | undefined {
  let found: import('typescript').CallExpression | undefined;
  const visit = (node: import('typescript').Node): void => {
    if (found !== undefined) return;
    if (ts.isCallExpression(node) && lineColumn(sourceFile, node.getStart(sourceFile)).line === line) {
      found = node;
      return;
    }
    const startLine = lineColumn(sourceFile, node.getStart(sourceFile)).line;
    const endLine = lineColumn(sourceFile, node.getEnd()).line;
    if (startLine <= line && line <= endLine) ts.forEachChild(node, visit);
  };
  ts.forEachChild(sourceFile, visit);
  return found;
}

/** The `description` the call's object argument gives as a literal, if it does. */
function descriptionOf(ts: Ts, call: import('typescript').CallExpression): string | undefined {
  for (const argument of call.arguments) {
    if (!ts.isObjectLiteralExpression(argument)) continue;
    for (const property of argument.properties) {
      if (!ts.isPropertyAssignment(property) || property.name.getText() !== 'description') continue;
      const value = property.initializer;
      if (ts.isStringLiteral(value) || ts.isNoSubstitutionTemplateLiteral(value)) return value.text;
    }
  }
  return undefined;
}
