/**
 * Analyzer vs tsc: on the same inputs, the time of `@mcify-audit/analyzer` in program mode over the
 * time of the TypeScript compiler's own type check (`tsc --noEmit`, measured in-process), and of the
 * analyzer file by file over parsing alone. Ratios are the result; the milliseconds depend on the machine.
 *
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { analyzeProgram, analyzeSourceFile, type AnalysisResult, type Finding } from '@mcify-audit/analyzer';
import { formatNumber, median, type BenchContext, type Benchmark, type BenchmarkReport } from './benchmark.js';

/** Timed repetitions per measurement, after {@link WARMUP} untimed ones. */
const REPETITIONS = 5;
const WARMUP = 1;

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Compiler options of `packages/analyzer/test/fixture-servers.test.ts`. */
const serverOptions: ts.CompilerOptions = {
  noEmit: true,
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  skipLibCheck: true,
  types: ['node'],
};

/** Compiler options of `packages/analyzer/test/corpus.test.ts`. */
const corpusOptions: ts.CompilerOptions = {
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

/** What the analyzer must report on a part of an input, so a broken analyzer is never timed. */
type Expectation = 'no-findings' | 'some-findings';

/** A fixture server or the corpus: the files whose findings are checked together. */
interface Part {
  readonly id: string;
  readonly files: readonly string[];
  /** Program-mode findings in these files. */
  readonly expect: Expectation;
  /** A fixture server: the analyzer must also see its tools (0 findings over 0 tools proves nothing). */
  readonly expectTools: boolean;
}

/** One program's worth of files: the three fixture servers together, or the lint corpus. */
interface Input {
  readonly id: string;
  readonly parts: readonly Part[];
  readonly files: readonly string[];
  readonly options: ts.CompilerOptions;
}

function walk(directory: string, keep: (name: string) => boolean): string[] {
  return readdirSync(directory)
    .sort()
    .flatMap((name) => {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) return name === 'test' || name === 'node_modules' ? [] : walk(path, keep);
      return keep(name) ? [path] : [];
    });
}

function makeInput(id: string, parts: readonly Part[], options: ts.CompilerOptions): Input {
  return { id, parts, files: parts.flatMap((part) => part.files), options };
}

function inputs(): Input[] {
  const server = (id: string, expect: Expectation): Part => ({
    id,
    // The server's own sources, as in fixture-servers.test.ts: its config and src/, not its tests.
    files: walk(join(repoRoot, 'fixtures', 'servers', id), (name) => name.endsWith('.ts')),
    expect,
    expectTools: true,
  });
  // The three servers share their dependencies (@mcify/core, zod, @types/node): one program over all
  // three type-checks those once instead of three times, which keeps the benchmark near a minute.
  const servers = [server('orders', 'no-findings'), server('orders-vulnerable', 'some-findings'), server('ledger-sessions', 'no-findings')];
  const corpus: Part = {
    id: 'lint corpus',
    // As corpus-cases.ts: every .ts/.mts/.js/.mjs file, declaration files excepted.
    files: walk(join(repoRoot, 'fixtures', 'lint'), (name) => /\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')),
    expect: 'some-findings',
    expectTools: false,
  };
  return [makeInput('fixture servers', servers, serverOptions), makeInput('lint corpus', [corpus], corpusOptions)];
}

function scriptKind(file: string): ts.ScriptKind {
  return file.endsWith('.ts') || file.endsWith('.mts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
}

function time<T>(work: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = work();
  return { ms: performance.now() - start, value };
}

/** The five measurements of one input. */
type MeasurementId = 'typecheck' | 'program' | 'analyzeOnly' | 'parse' | 'fileMode';

const measurementLabels: Readonly<Record<MeasurementId, string>> = {
  typecheck: 'tsc type check: createProgram + getPreEmitDiagnostics',
  program: 'ours, program mode: createProgram + analyzeProgram',
  analyzeOnly: 'ours on the type-checked program: analyzeProgram only',
  parse: 'parse only: createSourceFile per file',
  fileMode: 'ours, file mode: createSourceFile + analyzeSourceFile per file',
};

/** Counts per part of an input. */
interface PartCounts {
  readonly part: string;
  readonly programFindings: number;
  readonly analyzeOnlyFindings: number;
  readonly fileModeFindings: number;
  readonly tools: number;
}

/** What one repetition observed besides its times; must not vary between repetitions. */
interface Observation {
  readonly diagnostics: number;
  /** Source files in the program, declaration files included. */
  readonly programFiles: number;
  readonly programFindings: number;
  readonly analyzeOnlyFindings: number;
  readonly fileModeFindings: number;
  readonly tools: number;
  readonly notes: number;
  readonly parts: readonly PartCounts[];
}

const normalize = (file: string): string => file.replace(/\\/g, '/');

function countIn(part: Part, files: readonly string[]): number {
  const wanted = new Set(part.files.map(normalize));
  return files.filter((file) => wanted.has(normalize(file))).length;
}

/**
 * One repetition of every measurement on `input`, each on a fresh program. The type-check program is
 * reused for "analyze only": analyzeProgram timed alone after getPreEmitDiagnostics, which is what the
 * CLI and ESLint pay beyond the type check. `typecheckFirst` alternates which program is built first.
 */
function repetition(input: Input, texts: readonly string[], typecheckFirst: boolean): { times: Record<MeasurementId, number>; observed: Observation } {
  // Returns counts only, so the program can be collected before the next one is built.
  const typecheck = () => {
    const checked = time(() => {
      const program = ts.createProgram(input.files, input.options);
      return { program, diagnostics: ts.getPreEmitDiagnostics(program).length };
    });
    const { program, diagnostics } = checked.value;
    const analyzed = time(() => analyzeProgram(program, {}, input.files));
    return { checkedMs: checked.ms, diagnostics, analyzed, programFiles: program.getSourceFiles().length };
  };
  const program = () => time(() => analyzeProgram(ts.createProgram(input.files, input.options), {}, input.files));

  let checkedRun: ReturnType<typeof typecheck>;
  let programRun: { ms: number; value: AnalysisResult };
  if (typecheckFirst) {
    checkedRun = typecheck();
    programRun = program();
  } else {
    programRun = program();
    checkedRun = typecheck();
  }

  const parse = () => time(() => input.files.map((file, index) => ts.createSourceFile(file, texts[index] ?? '', ts.ScriptTarget.Latest, true, scriptKind(file))).length);
  const fileMode = () =>
    time(() =>
      input.files.flatMap((file, index) => {
        const sourceFile = ts.createSourceFile(file, texts[index] ?? '', ts.ScriptTarget.Latest, true, scriptKind(file));
        return analyzeSourceFile(sourceFile).findings;
      }),
    );
  let parseRun: ReturnType<typeof parse>;
  let fileRun: ReturnType<typeof fileMode>;
  if (typecheckFirst) {
    parseRun = parse();
    fileRun = fileMode();
  } else {
    fileRun = fileMode();
    parseRun = parse();
  }

  const filesOf = (findings: readonly Finding[]) => findings.map((finding) => finding.location.file);
  return {
    times: { typecheck: checkedRun.checkedMs, program: programRun.ms, analyzeOnly: checkedRun.analyzed.ms, parse: parseRun.ms, fileMode: fileRun.ms },
    observed: {
      diagnostics: checkedRun.diagnostics,
      programFiles: checkedRun.programFiles,
      programFindings: programRun.value.findings.length,
      analyzeOnlyFindings: checkedRun.analyzed.value.findings.length,
      fileModeFindings: fileRun.value.length,
      tools: programRun.value.tools.length,
      notes: programRun.value.notes.length,
      parts: input.parts.map((part) => ({
        part: part.id,
        programFindings: countIn(part, filesOf(programRun.value.findings)),
        analyzeOnlyFindings: countIn(part, filesOf(checkedRun.analyzed.value.findings)),
        fileModeFindings: countIn(part, filesOf(fileRun.value)),
        tools: countIn(part, programRun.value.tools.map((tool) => tool.file)),
      })),
    },
  };
}

/** Why the analyzer's output on `input` shows it is broken, if it does. */
function sanityProblems(input: Input, observed: Observation): string[] {
  const problems: string[] = [];
  for (const part of input.parts) {
    const counts = observed.parts.find((entry) => entry.part === part.id);
    const findings = counts?.programFindings ?? 0;
    if (part.expect === 'no-findings' && findings !== 0) problems.push(`${part.id}: the analyzer reported ${findings} findings in program mode, expected 0`);
    if (part.expect === 'some-findings' && findings === 0) problems.push(`${part.id}: the analyzer reported no findings in program mode, expected some`);
    if (part.expectTools && (counts?.tools ?? 0) === 0) problems.push(`${part.id}: the analyzer saw no tools`);
  }
  if (observed.analyzeOnlyFindings !== observed.programFindings) {
    problems.push(`${input.id}: analyzeProgram on the type-checked program reported ${observed.analyzeOnlyFindings} findings, on a fresh program ${observed.programFindings}`);
  }
  return problems;
}

interface Stats {
  readonly medianMs: number;
  readonly minMs: number;
  readonly runsMs: readonly number[];
}

function stats(runs: readonly number[]): Stats {
  return { medianMs: median(runs), minMs: Math.min(...runs), runsMs: runs };
}

interface InputResult {
  readonly input: string;
  readonly files: number;
  readonly observed: Observation;
  readonly measurements: Readonly<Record<MeasurementId, Stats>>;
  /** Ratios of medians. */
  readonly ratios: { readonly programOverTypecheck: number; readonly analyzeOnlyOverTypecheck: number; readonly fileModeOverParse: number };
}

function sameObservation(a: Observation, b: Observation): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function measureInput(input: Input, context: BenchContext): { result: InputResult | undefined; failures: string[] } {
  const texts = input.files.map((file) => readFileSync(file, 'utf8'));
  context.log(`analyzer-vs-tsc: ${input.id} (${input.files.length} files), warm-up`);
  let reference: Observation | undefined;
  for (let index = 0; index < WARMUP; index++) reference = repetition(input, texts, index % 2 === 0).observed;
  if (reference === undefined) throw new Error('analyzer-vs-tsc: no warm-up ran');
  const problems = sanityProblems(input, reference);
  // Never time a broken analyzer.
  if (problems.length > 0) return { result: undefined, failures: problems };

  const runs: Record<MeasurementId, number[]> = { typecheck: [], program: [], analyzeOnly: [], parse: [], fileMode: [] };
  const failures: string[] = [];
  context.log(`analyzer-vs-tsc: ${input.id}, ${REPETITIONS} repetitions`);
  for (let index = 0; index < REPETITIONS; index++) {
    const { times, observed } = repetition(input, texts, index % 2 === 1);
    if (!sameObservation(observed, reference)) {
      failures.push(`${input.id}: repetition ${index + 1} observed ${JSON.stringify(observed)}, the warm-up ${JSON.stringify(reference)}`);
    }
    for (const id of Object.keys(runs) as MeasurementId[]) runs[id].push(times[id]);
  }
  const measurements = {
    typecheck: stats(runs.typecheck),
    program: stats(runs.program),
    analyzeOnly: stats(runs.analyzeOnly),
    parse: stats(runs.parse),
    fileMode: stats(runs.fileMode),
  };
  return {
    failures,
    result: {
      input: input.id,
      files: input.files.length,
      observed: reference,
      measurements,
      ratios: {
        programOverTypecheck: measurements.program.medianMs / measurements.typecheck.medianMs,
        analyzeOnlyOverTypecheck: measurements.analyzeOnly.medianMs / measurements.typecheck.medianMs,
        fileModeOverParse: measurements.fileMode.medianMs / measurements.parse.medianMs,
      },
    },
  };
}

function rows(result: InputResult): string[][] {
  const ms = (id: MeasurementId) => [formatNumber(result.measurements[id].medianMs, 1), formatNumber(result.measurements[id].minMs, 1)];
  const ratio = (value: number, of: string) => `${formatNumber(value, 2)} × ${of}`;
  const input = `${result.input} (${result.files} files)`;
  const { observed } = result;
  return [
    [input, measurementLabels.typecheck, `${observed.diagnostics} diagnostics`, ...ms('typecheck'), 'reference'],
    ['', measurementLabels.program, `${observed.programFindings} findings`, ...ms('program'), ratio(result.ratios.programOverTypecheck, 'type check')],
    ['', measurementLabels.analyzeOnly, `${observed.analyzeOnlyFindings} findings`, ...ms('analyzeOnly'), ratio(result.ratios.analyzeOnlyOverTypecheck, 'type check')],
    ['', measurementLabels.parse, '', ...ms('parse'), 'reference'],
    ['', measurementLabels.fileMode, `${observed.fileModeFindings} findings`, ...ms('fileMode'), ratio(result.ratios.fileModeOverParse, 'parse')],
  ];
}

function summary(results: readonly InputResult[]): string {
  const each = (pick: (result: InputResult) => number) => results.map((result) => `${result.input} ${formatNumber(pick(result), 2)}`).join(', ');
  const sanity = results
    .flatMap((result) => result.observed.parts)
    .map((part) => `${part.part} ${part.programFindings}`)
    .join(', ');
  return [
    `ours in program mode / tsc type check (createProgram on both sides): ${each((result) => result.ratios.programOverTypecheck)}`,
    `ours on an already type-checked program (analyzeProgram alone) / type check: ${each((result) => result.ratios.analyzeOnlyOverTypecheck)}`,
    `ours in file mode / parse only: ${each((result) => result.ratios.fileModeOverParse)}`,
    `(ratios of medians over ${REPETITIONS} repetitions after ${WARMUP} warm-up; findings in program mode: ${sanity})`,
  ].join('\n');
}

function measure(context: BenchContext): BenchmarkReport {
  const failures: string[] = [];
  const results: InputResult[] = [];
  for (const input of inputs()) {
    const empty = input.parts.filter((part) => part.files.length === 0);
    if (empty.length > 0) {
      failures.push(...empty.map((part) => `${part.id}: no source files found`));
      continue;
    }
    const measured = measureInput(input, context);
    failures.push(...measured.failures);
    if (measured.result !== undefined) results.push(measured.result);
  }
  const settings = {
    warmup: WARMUP,
    repetitions: REPETITIONS,
    statistic: 'median (and min) per measurement; ratios are of medians',
    typescript: ts.version,
    serverCompilerOptions: serverOptions,
    corpusCompilerOptions: corpusOptions,
    fileModeTexts: 'read once before timing; parse only and file mode time createSourceFile (setParentNodes) from memory',
  };
  if (results.length === 0) {
    return { failures, table: { columns: ['input', 'status'], rows: [['-', 'not measured']] }, summary: 'not measured', data: { settings, failures } };
  }
  return {
    failures,
    table: { columns: ['input', 'measurement', 'output', 'median ms', 'min ms', 'ratio (medians)'], rows: results.flatMap(rows) },
    summary: summary(results),
    data: { settings, inputs: results, failures },
  };
}

export const analyzerVsTsc: Benchmark = {
  name: 'analyzer-vs-tsc',
  description: 'analyzer time in program mode vs the TypeScript type check (tsc --noEmit in-process), and file mode vs parsing, on the fixture servers and the lint corpus',
  // Everything is CPU-bound and synchronous; the runner catches a throw either way.
  run: (context) => Promise.resolve(measure(context)),
};
