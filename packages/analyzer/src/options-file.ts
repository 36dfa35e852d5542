import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AnalyzerOptions } from './options.js';

/** The shared configuration a front end found: its options (not yet validated) and where they came from. */
export interface OptionsFile {
  readonly options: AnalyzerOptions;
  /** `/repo/mcify-audit.config.json`, or `/repo/package.json ("mcify-audit")`. */
  readonly source: string;
}

/** A configuration file that exists but cannot be read as JSON. */
export class OptionsFileError extends Error {
  override readonly name = 'OptionsFileError';
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new OptionsFileError(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * Finds the configuration shared by every front end, from `startDirectory` upwards: the first folder
 * with a `mcify-audit.config.json`, or a package.json with an `"mcify-audit"` key. Validate the options
 * with `resolveOptions`.
 *
 * @example
 * ```ts
 * const found = findOptionsFile(process.cwd());
 * const options = resolveOptions(found?.options);
 * ```
 */
export function findOptionsFile(startDirectory: string): OptionsFile | undefined {
  for (let directory = startDirectory; ; directory = dirname(directory)) {
    const dedicated = join(directory, 'mcify-audit.config.json');
    if (existsSync(dedicated)) return { options: readJson(dedicated) as AnalyzerOptions, source: dedicated };
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest)) {
      const parsed = readJson(manifest);
      const options = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['mcify-audit'] : undefined;
      if (options !== undefined) return { options: options as AnalyzerOptions, source: `${manifest} ("mcify-audit")` };
    }
    if (dirname(directory) === directory) return undefined;
  }
}
