import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resolveOptions, type AnalyzerOptions } from '@mcify-audit/analyzer';

/** Where the shared configuration lives: `mcify-audit.config.json`, or the `"mcify-audit"` key of package.json. */
function configFileOptions(startDirectory: string): { options: AnalyzerOptions; file: string } | undefined {
  for (let directory = startDirectory; ; directory = dirname(directory)) {
    const dedicated = join(directory, 'mcify-audit.config.json');
    if (existsSync(dedicated)) return { options: JSON.parse(readFileSync(dedicated, 'utf8')) as AnalyzerOptions, file: dedicated };
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
      if (parsed['mcify-audit'] !== undefined) return { options: parsed['mcify-audit'] as AnalyzerOptions, file: `${manifest} ("mcify-audit")` };
    }
    if (dirname(directory) === directory) return undefined;
  }
}

const validated = new Set<string>();

/**
 * The analyzer options for a file: the shared configuration file found from the file's folder upwards,
 * then `settings.mcify` from the ESLint config on top. Invalid options throw with a message naming the
 * source and the field, as ESLint does for invalid rule options.
 */
export function optionsFor(filename: string, settings: Readonly<Record<string, unknown>>): { options: AnalyzerOptions; key: string } {
  let fromFile: { options: AnalyzerOptions; file: string } | undefined;
  try {
    fromFile = configFileOptions(dirname(filename));
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
      const source = fromFile === undefined ? 'settings.mcify' : `settings.mcify and ${fromFile.file}`;
      throw new Error(`eslint-plugin-mcify: invalid options in ${source}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    validated.add(key);
  }
  return { options: merged, key };
}
