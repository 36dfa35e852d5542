import { dirname } from 'node:path';
import { findOptionsFile, resolveOptions, type AnalyzerOptions, type OptionsFile } from '@mcify-audit/analyzer';

const validated = new Set<string>();

/**
 * The analyzer options for a file: the shared configuration file found from the file's folder upwards,
 * then `settings.mcify` from the ESLint config on top. Invalid options throw with a message naming the
 * source and the field, as ESLint does for invalid rule options.
 */
export function optionsFor(filename: string, settings: Readonly<Record<string, unknown>>): { options: AnalyzerOptions; key: string } {
  let fromFile: OptionsFile | undefined;
  try {
    fromFile = findOptionsFile(dirname(filename));
  } catch (error) {
    throw new Error(`eslint-plugin-mcify: could not read the mcify-audit configuration near ${filename}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const fromSettings = (settings.mcify ?? {}) as AnalyzerOptions;
  const merged = { ...fromFile?.options, ...fromSettings };
  const key = JSON.stringify(merged);
  if (!validated.has(key)) {
    try {
      resolveOptions(merged);
    } catch (error) {
      const source = fromFile === undefined ? 'settings.mcify' : `settings.mcify and ${fromFile.source}`;
      throw new Error(`eslint-plugin-mcify: invalid options in ${source}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    validated.add(key);
  }
  return { options: merged, key };
}
