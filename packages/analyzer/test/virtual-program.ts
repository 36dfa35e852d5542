/** Test support: programs and source files from in-memory sources, resolving real packages (zod, @mcify/core). */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** A folder inside the repository, so that module resolution finds its node_modules. */
const virtualRoot = join(fileURLToPath(new URL('.', import.meta.url)), '__virtual__');

export const virtualPath = (name: string): string => join(virtualRoot, name).replace(/\\/g, '/');

/** A program over in-memory files (name → source), with a type checker. */
export function virtualProgram(files: Readonly<Record<string, string>>): { program: ts.Program; files: string[] } {
  const options: ts.CompilerOptions = {
    noEmit: true,
    strict: true,
    allowJs: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    types: [],
  };
  const sources = new Map(Object.entries(files).map(([name, text]) => [virtualPath(name), text]));
  const host = ts.createCompilerHost(options, true);
  const original = { getSourceFile: host.getSourceFile.bind(host), fileExists: host.fileExists.bind(host), readFile: host.readFile.bind(host) };
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = sources.get(fileName.replace(/\\/g, '/'));
    return text === undefined ? original.getSourceFile(fileName, languageVersion, onError, shouldCreate) : ts.createSourceFile(fileName, text, languageVersion, true);
  };
  host.fileExists = (fileName) => sources.has(fileName.replace(/\\/g, '/')) || original.fileExists(fileName);
  host.readFile = (fileName) => sources.get(fileName.replace(/\\/g, '/')) ?? original.readFile(fileName);
  const directories = new Set([...sources.keys()].flatMap((file) => file.split('/').map((_part, index, parts) => parts.slice(0, index).join('/'))));
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (directory) => directories.has(directory.replace(/\\/g, '/')) || (directoryExists?.(directory) ?? false);
  const names = [...sources.keys()];
  return { program: ts.createProgram(names, options, host), files: names };
}

/** One in-memory file parsed on its own, without a checker. */
export function virtualSourceFile(name: string, text: string): ts.SourceFile {
  return ts.createSourceFile(virtualPath(name), text, ts.ScriptTarget.Latest, true);
}
