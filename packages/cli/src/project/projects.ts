import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { ts } from '@mcify-audit/analyzer';
import { UsageError } from '../usage-error.js';

/** One TypeScript program to build and the files of it to analyse. */
export interface Project {
  /** The tsconfig it comes from, or undefined for files found by scanning a directory. */
  readonly tsconfig: string | undefined;
  readonly rootNames: readonly string[];
  readonly options: ts.CompilerOptions;
  readonly projectReferences: readonly ts.ProjectReference[] | undefined;
  /** Absolute paths of the files whose findings are reported. */
  readonly files: readonly string[];
  /** Where the shared options file (`mcify-audit.config.json`) is looked for, upwards. */
  readonly optionsDirectory: string;
}

/** A problem with the input that is not worth stopping for: it becomes a note of the report. */
export interface ProjectNote {
  readonly code: 'tsconfig-error' | 'tsconfig-diagnostic' | 'unresolved-import';
  readonly message: string;
  readonly file?: string;
  /** 1-based, where the note has a position in `file`. */
  readonly line?: number;
  readonly column?: number;
}

/** Options for sources found by scanning a directory without a tsconfig: permissive, like a bundler. */
export const scanCompilerOptions: ts.CompilerOptions = {
  allowJs: true,
  checkJs: false,
  noEmit: true,
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  resolveJsonModule: true,
  jsx: ts.JsxEmit.Preserve,
  skipLibCheck: true,
  types: [],
};

/**
 * The scan options for sources in `directory`: with Node's types when `@types/node` is in reach, so
 * `node:` imports resolve (TypeScript 6 includes no @types package by default; all of them would cost
 * seconds on large dependency trees).
 */
export function scanOptionsFor(directory: string): ts.CompilerOptions {
  try {
    createRequire(join(directory, 'package.json')).resolve('@types/node/package.json');
    return { ...scanCompilerOptions, types: ['node'] };
  } catch {
    return scanCompilerOptions;
  }
}

const sourceExtension = /\.(ts|tsx|mts|cts|js|mjs)$/;
const declarationFile = /\.d\.(ts|mts|cts)$|\.d\.[^.]+\.ts$/;
/** Folders a directory scan never enters: dependencies, build output, version control. */
const skippedFolders = new Set(['node_modules', 'dist', 'build', 'out', 'coverage', 'bower_components', 'jspm_packages']);

/** Every source file below `directory`, skipping dependencies, build output and hidden folders. */
export function scanDirectory(directory: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      // Symbolic links are not followed: they lead into dependencies or loops.
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name) && !entry.name.startsWith('.')) walk(path);
      } else if (entry.isFile() && sourceExtension.test(entry.name) && !declarationFile.test(entry.name)) {
        found.push(path);
      }
    }
  };
  walk(directory);
  return found;
}

/** A tsconfig read for analysis: its projects (itself and what it references) and the problems TypeScript had with it. */
function readTsconfig(file: string, within: readonly string[] | undefined, seen: Set<string>, notes: ProjectNote[]): Project[] {
  const absolute = resolve(file);
  if (seen.has(absolute)) return [];
  seen.add(absolute);
  let unrecoverable: ts.Diagnostic | undefined;
  const parsed = ts.getParsedCommandLineOfConfigFile(absolute, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      unrecoverable = diagnostic;
    },
  });
  if (parsed === undefined) {
    notes.push({ code: 'tsconfig-error', file: absolute, message: `TypeScript could not read this tsconfig (${unrecoverable === undefined ? 'unknown error' : diagnosticText(unrecoverable)}); its folder is scanned for sources instead.` });
    const directory = dirname(absolute);
    const files = scanDirectory(directory);
    return [{ tsconfig: undefined, rootNames: files, options: scanOptionsFor(directory), projectReferences: undefined, files, optionsDirectory: directory }];
  }
  // TypeScript reads past syntax errors in a tsconfig without a word (they are the config file's parse
  // diagnostics, not among `errors`): the first one is a note, with where it is.
  const [syntaxError] = ts.getConfigFileParsingDiagnostics(parsed).filter((diagnostic) => !parsed.errors.includes(diagnostic));
  if (syntaxError !== undefined) {
    notes.push({
      code: 'tsconfig-error',
      file: syntaxError.file?.fileName ?? absolute,
      ...positionOfDiagnostic(syntaxError),
      message: `Syntax error in this tsconfig: ${diagnosticText(syntaxError).replace(/\.$/, '')}. TypeScript read it as far as it could: check that the options after it took effect.`,
    });
  }
  for (const diagnostic of parsed.errors) {
    // "No inputs were found" is said below in plainer words.
    if (diagnostic.code !== 18003) notes.push({ code: 'tsconfig-diagnostic', file: diagnostic.file?.fileName ?? absolute, ...positionOfDiagnostic(diagnostic), message: diagnosticText(diagnostic) });
  }
  const projects: Project[] = [];
  const files = parsed.fileNames.filter((name) => !declarationFile.test(name) && (within === undefined || within.some((path) => isWithin(name, path))));
  if (files.length > 0) {
    projects.push({
      tsconfig: absolute,
      rootNames: parsed.fileNames,
      options: parsed.options,
      projectReferences: parsed.projectReferences,
      files: files.map((name) => resolve(name)),
      optionsDirectory: dirname(absolute),
    });
  }
  for (const reference of parsed.projectReferences ?? []) {
    const referenced = ts.resolveProjectReferencePath(reference);
    if (!existsSync(referenced)) {
      notes.push({ code: 'tsconfig-diagnostic', file: absolute, message: `tsconfig references ${reference.path}, which has no tsconfig: skipped.` });
      continue;
    }
    projects.push(...readTsconfig(referenced, within, seen, notes));
  }
  if (projects.length === 0 && (parsed.projectReferences ?? []).length === 0) {
    notes.push({ code: 'tsconfig-diagnostic', file: absolute, message: 'This tsconfig includes no source files (check "include" and "files").' });
  }
  return projects;
}

/** The 1-based line and column of a position in a source file, as notes give them. */
function positionIn(sourceFile: ts.SourceFile, position: number): { line: number; column: number } {
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(position);
  return { line: line + 1, column: character + 1 };
}

/** A diagnostic's 1-based line and column, when it has a place in a file. */
function positionOfDiagnostic(diagnostic: ts.Diagnostic): { line?: number; column?: number } {
  if (diagnostic.file === undefined || diagnostic.start === undefined) return {};
  return positionIn(diagnostic.file, diagnostic.start);
}

function diagnosticText(diagnostic: ts.Diagnostic): string {
  return `TS${String(diagnostic.code)} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ').replace(/\s+/g, ' ').trim()}`;
}

function isWithin(file: string, path: string): boolean {
  const from = relative(resolve(path), resolve(file));
  return from === '' || (!from.startsWith('..') && !from.startsWith(sep) && !/^[A-Za-z]:/.test(from));
}

/** The nearest tsconfig.json at or above a file's folder. */
function nearestTsconfig(file: string): string | undefined {
  for (let directory = dirname(resolve(file)); ; directory = dirname(directory)) {
    const candidate = join(directory, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(directory) === directory || basename(directory) === 'node_modules') return undefined;
  }
}

/**
 * The programs to analyse for the command line's PATHs: a directory with a `tsconfig.json` is that
 * project (and the projects it references); a directory without one is every source file below it; a
 * file is analysed within the nearest tsconfig that includes it, or on its own; a tsconfig is its
 * project. `--tsconfig` forces one project and PATHs then only select which of its files are reported.
 */
export function resolveProjects(paths: readonly string[], tsconfig: string | undefined, cwd: string): { projects: Project[]; notes: ProjectNote[] } {
  const notes: ProjectNote[] = [];
  const absolutePaths = (paths.length === 0 ? ['.'] : paths).map((path) => {
    const absolute = resolve(cwd, path);
    if (!existsSync(absolute)) throw new UsageError(`${path}: no such file or directory.`);
    return absolute;
  });
  if (tsconfig !== undefined) {
    const file = resolve(cwd, tsconfig);
    if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`--tsconfig ${tsconfig}: no such file.`);
    return { projects: readTsconfig(file, paths.length === 0 ? undefined : absolutePaths, new Set(), notes), notes };
  }
  const projects: Project[] = [];
  const seen = new Set<string>();
  const loose: string[] = [];
  for (const path of absolutePaths) {
    if (statSync(path).isDirectory()) {
      const config = join(path, 'tsconfig.json');
      if (existsSync(config)) projects.push(...readTsconfig(config, [path], seen, notes));
      else loose.push(...scanDirectory(path));
    } else if (path.endsWith('.json')) {
      projects.push(...readTsconfig(path, undefined, seen, notes));
    } else if (!sourceExtension.test(path)) {
      throw new UsageError(`${relative(cwd, path)} is neither a source file (.ts, .tsx, .mts, .cts, .js, .mjs), a tsconfig nor a directory.`);
    } else {
      const config = nearestTsconfig(path);
      const owner = config === undefined ? [] : readTsconfig(config, [path], new Set(), []);
      if (owner.length > 0) projects.push(...owner);
      else loose.push(path);
    }
  }
  if (loose.length > 0) {
    const unique = [...new Set(loose)];
    const first = absolutePaths.find((path) => statSync(path).isDirectory()) ?? dirname(unique[0] ?? cwd);
    projects.push({ tsconfig: undefined, rootNames: unique, options: scanOptionsFor(first), projectReferences: undefined, files: unique, optionsDirectory: first });
  }
  return { projects, notes };
}

/**
 * Builds a project's program; what TypeScript reports about its options and global types becomes
 * notes (deprecated options, missing `types`), never a reason to stop.
 */
export function buildProgram(project: Project): { program: ts.Program; notes: ProjectNote[] } {
  const program = ts.createProgram({
    rootNames: project.rootNames,
    options: project.options,
    ...(project.projectReferences === undefined ? {} : { projectReferences: project.projectReferences }),
  });
  const notes: ProjectNote[] = [];
  if (project.tsconfig !== undefined) {
    const file = project.tsconfig;
    for (const diagnostic of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]) {
      // Option diagnostics point into the tsconfig (or the one it extends) when TypeScript knows where.
      const at = diagnostic.file?.fileName.endsWith('.json') === true ? { file: diagnostic.file.fileName, ...positionOfDiagnostic(diagnostic) } : { file };
      notes.push({ code: 'tsconfig-diagnostic', ...at, message: diagnosticText(diagnostic) });
    }
  }
  notes.push(...unresolvedImports(program, project.files));
  return { program, notes };
}

/**
 * One note per import the program could not resolve: the analysis still recognises `@mcify/core`, zod
 * and data clients by module name and call shape, with less type information.
 */
function unresolvedImports(program: ts.Program, files: readonly string[]): ProjectNote[] {
  const checker = program.getTypeChecker();
  const importers = new Map<string, { files: string[]; first: ts.StringLiteral }>();
  for (const file of files) {
    const sourceFile = program.getSourceFile(file);
    if (sourceFile === undefined) continue;
    for (const specifier of moduleSpecifiers(sourceFile)) {
      // The checker knows a module symbol for every specifier the program resolved (or declared ambiently).
      if (checker.getSymbolAtLocation(specifier) !== undefined) continue;
      const entry = importers.get(specifier.text) ?? { files: [], first: specifier };
      if (!entry.files.includes(file)) entry.files.push(file);
      importers.set(specifier.text, entry);
    }
  }
  return [...importers].map(([specifier, { files: from, first }]) => {
    const by = from.length === 1 ? 'this file' : `${String(from.length)} files`;
    return {
      code: 'unresolved-import' as const,
      file: from[0] ?? '',
      ...positionIn(first.getSourceFile(), first.getStart()),
      message: isBuiltin(specifier)
        ? `Cannot resolve "${specifier}" (imported by ${by}): TypeScript 6 includes no @types package the tsconfig does not list; add "types": ["node"] (and install @types/node) for a type-aware analysis.`
        : `Cannot resolve "${specifier}" (imported by ${by}): it is analysed by module name and call shape, without its types. Install the project's dependencies for a type-aware analysis.`,
    };
  });
}

/** The module specifiers of a file's import and export declarations. */
function moduleSpecifiers(sourceFile: ts.SourceFile): ts.StringLiteral[] {
  const specifiers: ts.StringLiteral[] = [];
  for (const statement of sourceFile.statements) {
    const specifier =
      ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)
        ? statement.moduleSpecifier
        : ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)
          ? statement.moduleReference.expression
          : undefined;
    if (specifier !== undefined && ts.isStringLiteral(specifier)) specifiers.push(specifier);
  }
  return specifiers;
}
