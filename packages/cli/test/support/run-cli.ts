/** Test support: runs the command line in-process and captures what it writes. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli.js';
import type { CommandIo } from '../../src/io.js';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly status: readonly string[];
}

/** Runs `mcify-audit ARGS` in `cwd` (default: the repository root). */
export async function run(args: readonly string[], options: { cwd?: string; status?: boolean; color?: boolean } = {}): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const status: string[] = [];
  const io: CommandIo = {
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    untilStopped: () => Promise.resolve(),
    color: options.color ?? false,
    status: options.status === true ? (text) => status.push(text) : undefined,
  };
  const code = await runCli(args, io, options.cwd ?? repoRoot);
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n'), status };
}

/** A temporary folder with the given files (path → content); removed by the returned function. */
export function temporaryProject(files: Record<string, string>): { root: string; write: (path: string, content: string) => void; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'mcify-audit-'));
  const write = (path: string, content: string) => {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  };
  for (const [path, content] of Object.entries(files)) write(path, content);
  return { root, write, remove: () => { rmSync(root, { recursive: true, force: true }); } };
}
