import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { corpusCases, expectationsOf } from '../../analyzer/test/corpus-cases.js';
import { repoRoot } from './support/run-cli.js';
import { describeResults, validateSarif } from './support/sarif-validator.js';

/** Runs a command in the repository root; resolves with its exit code and output even when it exits non-zero. */
async function exec(command: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, [...args], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024, timeout: 170_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const sarifLog = z.object({
  runs: z.array(z.object({ results: z.array(z.object({ ruleId: z.string(), locations: z.array(z.object({ physicalLocation: z.object({ artifactLocation: z.object({ uri: z.string() }), region: z.object({ startLine: z.number() }) }) })) })) })),
});

describe('npx mcify-audit fixtures/lint --format sarif', () => {
  it('writes a code-scanning log that the SARIF validator accepts, with every corpus finding, and exits 1', async () => {
    const result = await exec('npx', ['--no-install', 'mcify-audit', 'fixtures/lint', '--format', 'sarif']);
    expect(result.code, result.stderr).toBe(1);
    const problems = (await validateSarif(result.stdout)).filter((entry) => entry.level === 'error' || entry.level === 'warning');
    expect(problems, describeResults(problems)).toEqual([]);

    const expected = corpusCases()
      .flatMap((corpusCase) => corpusCase.files)
      .flatMap((file) => [...expectationsOf(file)].flatMap(([line, ruleIds]) => [...ruleIds].map((ruleId) => `${ruleId} ${file.slice(repoRoot.length)}:${String(line)}`)));
    const results = sarifLog.parse(JSON.parse(result.stdout)).runs[0]?.results ?? [];
    const found = results.map((entry) => {
      const location = entry.locations[0]?.physicalLocation;
      return `${entry.ruleId} ${decodeURIComponent(location?.artifactLocation.uri ?? '')}:${String(location?.region.startLine)}`;
    });
    // One result per (rule, line) annotation; a line shared by several tools gives several results.
    expect([...new Set(found)].sort()).toEqual([...new Set(expected)].sort());
  }, 180_000);

  it('prints usage with --help and exits 0; an unknown option exits 2', async () => {
    const help = await exec(process.execPath, ['packages/cli/bin/mcify-audit.js', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--baseline F');
    const wrong = await exec(process.execPath, ['packages/cli/bin/mcify-audit.js', '--formt', 'json']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("Unknown option '--formt'");
  }, 60_000);
});
