/**
 * Test support for the `fuzz` command end to end: runs `mcify-audit fuzz` in-process (through
 * `runCli`) with an io whose stop signal the test controls, and checks reports against the schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { runCli } from '../src/cli.js';
import type { CommandIo } from '../src/io.js';
import type { FuzzReport } from '../src/report/fuzz-report.js';
import { repoRoot } from './support/run-cli.js';

const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'report.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

export interface FuzzRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly stderrLines: readonly string[];
  /** What the live line showed, when the run had a terminal (`tty`). */
  readonly status: readonly string[];
}

/**
 * Runs `mcify-audit ARGS` from the repository root. `stopWhen` sends the stop signal (SIGINT) as soon as
 * a line written to stderr matches it; without it, the run is never interrupted. `tty` gives it a
 * terminal's live status line.
 */
export async function runFuzzCli(args: readonly string[], options: { stopWhen?: RegExp; tty?: boolean } = {}): Promise<FuzzRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const status: string[] = [];
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const io: CommandIo = {
    stdout: (line) => stdout.push(line),
    stderr: (line) => {
      stderr.push(line);
      if (options.stopWhen?.test(line) === true) stop();
    },
    untilStopped: () => stopped,
    color: false,
    status: options.tty === true ? (text) => status.push(text) : undefined,
  };
  const code = await runCli(args, io, repoRoot);
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n'), stderrLines: stderr, status };
}

/** Parses a JSON fuzz report after checking it against docs/report.schema.json. */
export function jsonReport(text: string): FuzzReport {
  const parsed = JSON.parse(text) as unknown;
  expect(validate(parsed), JSON.stringify(validate.errors, null, 2)).toBe(true);
  return parsed as FuzzReport;
}

/** Asserts a report (as a reader gets it, after JSON) is valid against docs/report.schema.json. */
export function expectValid(report: unknown): void {
  jsonReport(JSON.stringify(report));
}

/** The property whose cells find each harness rule (what must have run for a planted flaw to be found). */
export const propertiesOf: Readonly<Record<string, readonly string[]>> = {
  'harness/cross-tenant-read': ['read-isolation', 'sessions', 'stateful'],
  'harness/cross-tenant-write': ['write-isolation', 'sessions', 'stateful'],
  'harness/forged-token-accepted': ['authentication', 'sessions'],
  'harness/scope-not-enforced': ['scope-enforcement'],
};

/** `ruleId tool` of a finding or a planted flaw. */
export const pair = (entry: { readonly ruleId: string; readonly tool: string | null }) => `${entry.ruleId} ${entry.tool ?? '-'}`;

/** A JWT, or a long piece of one: what no report may contain. */
export const jwtLike = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}/;
