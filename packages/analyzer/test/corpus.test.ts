import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeProgram, analyzeSourceFile, ruleIds, type Finding } from '../src/index.js';
import { compare, corpusCases, type Comparison } from './corpus-cases.js';

const cases = corpusCases();
const allFiles = cases.flatMap((corpusCase) => corpusCase.files);

const compilerOptions: ts.CompilerOptions = {
  allowJs: true,
  checkJs: false,
  noEmit: true,
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  skipLibCheck: true,
  types: [],
};

function programFindings(): readonly Finding[] {
  const program = ts.createProgram(allFiles, compilerOptions);
  return analyzeProgram(program, {}, allFiles).findings;
}

function fileByFileFindings(): readonly Finding[] {
  return allFiles.flatMap((file) => {
    const kind = file.endsWith('.ts') || file.endsWith('.mts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
    const sourceFile = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, kind);
    return analyzeSourceFile(sourceFile).findings;
  });
}

/** Precision and recall per rule, printed so a run shows where the analyzer stands. */
function report(mode: string, comparison: Comparison): void {
  const lines = ruleIds.map((ruleId) => {
    const tp = comparison.matched.filter((entry) => entry.ruleId === ruleId).length;
    const fp = comparison.extra.filter((entry) => entry.ruleId === ruleId).length;
    const fn = comparison.missed.filter((entry) => entry.ruleId === ruleId).length;
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
    return `  ${ruleId.padEnd(30)} precision ${precision.toFixed(2)}  recall ${recall.toFixed(2)}  (tp ${String(tp)}, fp ${String(fp)}, fn ${String(fn)})`;
  });
  process.stdout.write(`\ncorpus, ${mode}: ${String(cases.length)} cases\n${lines.join('\n')}\n`);
}

const describeProblems = (entries: readonly { file: string; line: number; ruleId: string; message?: string }[]) =>
  entries.map((entry) => `${entry.file}:${String(entry.line)} ${entry.ruleId}${entry.message === undefined ? '' : ` — ${entry.message}`}`);

describe('the labelled corpus (fixtures/lint)', () => {
  it('has at least 80 cases covering every rule with flagged and clean lines', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    const comparison = compare(allFiles, []);
    const expectedRules = new Set(comparison.missed.map((entry) => entry.ruleId));
    for (const ruleId of ruleIds) expect(expectedRules.has(ruleId), ruleId).toBe(true);
    const okLines = allFiles.reduce((count, file) => count + (readFileSync(file, 'utf8').match(/\/\/\s*ok:/g)?.length ?? 0), 0);
    expect(okLines).toBeGreaterThanOrEqual(60);
  });

  it('program mode (with a type checker): every expect line flagged with its rule, nothing else', () => {
    const comparison = compare(allFiles, programFindings());
    report('program mode', comparison);
    expect(describeProblems(comparison.missed), 'missed').toEqual([]);
    expect(describeProblems(comparison.extra), 'extra').toEqual([]);
  }, 180_000);

  it('file-by-file mode (no checker): no extra finding, and misses only in needs-types cases', () => {
    const comparison = compare(allFiles, fileByFileFindings());
    report('file-by-file mode', comparison);
    const needsTypes = new Set(cases.filter((corpusCase) => corpusCase.needsTypes).flatMap((corpusCase) => corpusCase.files.map((file) => file.slice(file.indexOf('fixtures/lint/') + 'fixtures/lint/'.length))));
    expect(describeProblems(comparison.missed.filter((entry) => !needsTypes.has(entry.file))), 'missed outside needs-types').toEqual([]);
    expect(describeProblems(comparison.extra), 'extra').toEqual([]);
  }, 120_000);
});
