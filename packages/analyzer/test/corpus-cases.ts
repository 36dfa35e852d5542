/** Test support: reads the labelled corpus in fixtures/lint and compares findings with its annotations. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const corpusRoot = join(repoRoot, 'fixtures', 'lint');

export interface CorpusCase {
  /** `scoped-queries/prisma-find-many.ts` or `no-identity-in-input/imported-schema` (folder). */
  readonly id: string;
  readonly files: readonly string[];
  readonly needsTypes: boolean;
}

/** Rule ids expected per line (1-based), per file. */
export type Expectations = Map<string, Map<number, Set<string>>>;

const sourceFile = /\.(ts|mts|js|mjs)$/;

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return sourceFile.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every case of the corpus: a file directly under a rule folder, or a folder under it. */
export function corpusCases(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const group of readdirSync(corpusRoot)) {
    const groupPath = join(corpusRoot, group);
    if (!statSync(groupPath).isDirectory()) continue;
    for (const name of readdirSync(groupPath)) {
      const path = join(groupPath, name);
      const files = statSync(path).isDirectory() ? filesUnder(path) : sourceFile.test(name) ? [path] : [];
      if (files.length === 0) continue;
      const needsTypes = files.some((file) => /^\s*\/\/\s*needs-types\b/.test(readFileSync(file, 'utf8')));
      cases.push({ id: relative(corpusRoot, path).replace(/\\/g, '/'), files, needsTypes });
    }
  }
  return cases.sort((a, b) => a.id.localeCompare(b.id));
}

/** The `// expect: mcify/...` annotations of a file: the rules each following line must be flagged with. */
export function expectationsOf(file: string): Map<number, Set<string>> {
  const lines = readFileSync(file, 'utf8').split('\n');
  const expected = new Map<number, Set<string>>();
  lines.forEach((text, index) => {
    const match = /\/\/\s*expect:\s*(.+)$/.exec(text);
    if (match?.[1] === undefined) return;
    const ruleIds = match[1].split(',').map((part) => part.trim()).filter((part) => part.startsWith('mcify/'));
    // The annotated line is the next one; annotations may stack above it.
    let target = index + 1;
    while (target < lines.length && /^\s*\/\/\s*(expect|ok):/.test(lines[target] ?? '')) target += 1;
    const set = expected.get(target + 1) ?? new Set<string>();
    for (const ruleId of ruleIds) set.add(ruleId);
    expected.set(target + 1, set);
  });
  return expected;
}

export interface Comparison {
  readonly missed: { file: string; line: number; ruleId: string }[];
  readonly extra: { file: string; line: number; ruleId: string; message: string }[];
  readonly matched: { file: string; line: number; ruleId: string }[];
}

/** Compares findings (file, line, rule) with the annotations of `files`. */
export function compare(files: readonly string[], findings: readonly { ruleId: string; location: { file: string; line: number }; message: string }[]): Comparison {
  const comparison: Comparison = { missed: [], extra: [], matched: [] };
  for (const file of files) {
    const expected = expectationsOf(file);
    const found = new Map<number, Map<string, string>>();
    for (const finding of findings) {
      if (finding.location.file.replace(/\\/g, '/') !== file.replace(/\\/g, '/')) continue;
      const line = found.get(finding.location.line) ?? new Map<string, string>();
      line.set(finding.ruleId, finding.message);
      found.set(finding.location.line, line);
    }
    const name = relative(corpusRoot, file).replace(/\\/g, '/');
    for (const [line, ruleIds] of expected) {
      for (const ruleId of ruleIds) {
        if (found.get(line)?.has(ruleId) === true) comparison.matched.push({ file: name, line, ruleId });
        else comparison.missed.push({ file: name, line, ruleId });
      }
    }
    for (const [line, ruleIds] of found) {
      for (const [ruleId, message] of ruleIds) {
        if (expected.get(line)?.has(ruleId) !== true) comparison.extra.push({ file: name, line, ruleId, message });
      }
    }
  }
  return comparison;
}
