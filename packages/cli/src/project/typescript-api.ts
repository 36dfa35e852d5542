import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The TypeScript versions whose compiler API the analyzer supports (its peer dependency range). */
export const supportedTypeScript = '>=5.5 <6.1';

/** TypeScript cannot be used: it is missing, has no compiler API (7.x), or is outside the supported range. */
export class TypeScriptApiError extends Error {
  override readonly name = 'TypeScriptApiError';
}

/**
 * Why a loaded `typescript` module cannot serve the analyzer, or undefined when it can. TypeScript 7
 * (the native port) ships a compiler without the JavaScript compiler API the analyzer is built on.
 */
export function compilerApiProblem(module: unknown, version: string | undefined, location: string): string | undefined {
  const major = Number((version ?? '').split('.')[0]);
  const api = (typeof module === 'object' || typeof module === 'function') && module !== null ? (module as Record<string, unknown>) : {};
  const usable = typeof api.createProgram === 'function' && typeof api.createSourceFile === 'function';
  if (Number.isFinite(major) && major >= 7) {
    return `mcify-audit found TypeScript ${version ?? '?'} at ${location}. TypeScript 7 has no compiler API, which the analysis needs (TypeScript ${supportedTypeScript}). Install typescript@~6.0.3 next to mcify-audit (npm install -D typescript@~6.0.3), or run mcify-audit from its own install (npx mcify-audit).`;
  }
  if (!usable) {
    return `mcify-audit found a "typescript" module at ${location} without the compiler API (no createProgram). The analysis needs TypeScript ${supportedTypeScript}: npm install -D typescript@~6.0.3.`;
  }
  if (Number.isFinite(major) && major < 5) {
    return `mcify-audit found TypeScript ${version ?? '?'} at ${location}; the analysis needs TypeScript ${supportedTypeScript}: npm install -D typescript@~6.0.3.`;
  }
  return undefined;
}

/**
 * Checks, before anything imports it, that the `typescript` the analyzer resolves (from `from`, a
 * directory or file inside the analyzer package) has a usable compiler API; throws a
 * `TypeScriptApiError` that says what to install when it has not.
 *
 * @example
 * ```ts
 * await assertCompilerApi(fileURLToPath(import.meta.resolve('@mcify-audit/analyzer')));
 * const { analyzeProgram } = await import('@mcify-audit/analyzer');
 * ```
 */
export async function assertCompilerApi(from: string): Promise<void> {
  let entry: string;
  try {
    entry = createRequire(from).resolve('typescript');
  } catch {
    throw new TypeScriptApiError(`mcify-audit could not find TypeScript from ${from}. The analysis needs TypeScript ${supportedTypeScript}: npm install -D typescript@~6.0.3.`);
  }
  const manifest = packageManifestOf(entry);
  let module: unknown;
  try {
    module = ((await import(pathToFileURL(entry).href)) as { default?: unknown }).default;
  } catch (error) {
    module = undefined;
    if (manifest?.version === undefined) throw new TypeScriptApiError(`mcify-audit could not load TypeScript from ${entry}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const problem = compilerApiProblem(module, manifest?.version, manifest?.directory ?? entry);
  if (problem !== undefined) throw new TypeScriptApiError(problem);
}

/** The `package.json` of the package a resolved entry file belongs to. */
function packageManifestOf(entry: string): { version: string | undefined; directory: string } | undefined {
  for (let directory = dirname(entry); dirname(directory) !== directory; directory = dirname(directory)) {
    try {
      const parsed = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (parsed.name === 'typescript') return { version: typeof parsed.version === 'string' ? parsed.version : undefined, directory };
    } catch {
      // No manifest here: keep looking upwards.
    }
  }
  return undefined;
}

/** The analyzer's entry file, from which its `typescript` is resolved. */
export function analyzerEntry(): string {
  return fileURLToPath(import.meta.resolve('@mcify-audit/analyzer'));
}
