/**
 * `npm run demo`: the full audit of the deliberately flawed `orders-vulnerable` fixture, as a user would
 * run it on their own server:
 *
 * 1. the static report (`mcify-audit fixtures/servers/orders-vulnerable --fail-on never`);
 * 2. the isolation fuzz, in-process (`mcify-audit fuzz --config fixtures/servers/orders-vulnerable
 *    --seed 1 --runs 50`): the fixture boots on the reference runtime with a test identity provider,
 *    and the harness acts as its four users and as forged tokens;
 * 3. the two joined: which static findings the fuzz reproduced on the same tool (`confirmed`);
 * 4. the HTML report of the joined audit, written to a temporary folder (its path is printed);
 * 5. `N of M planted flaws reported (S static, D dynamic)`, counted from both reports and the
 *    fixture's `planted.json`, listing each planted flaw missed.
 *
 * Exits 0 when every planted flaw was reported, 1 when one was missed, 2 when the audit could not run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceReader } from '../commands/audit.js';
import { buildFuzzReport, fuzzFormats, parseFuzzArgs } from '../commands/fuzz.js';
import { processIo, type CommandIo } from '../io.js';
import { isHarnessFinding, replayLine, type FuzzReport } from '../report/fuzz-report.js';
import { confirmedFindings, joinReports } from '../report/join.js';
import { missedLines, plantedOutcome, plantedTotalLine, readPlanted } from './planted.js';
import { staticAudit, vulnerableFixture } from './static-report.js';

const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const plantedFile = `${vulnerableFixture}/planted.json`;

/** The demo's fuzz: a fixed seed, so the demo shows the same run every time (users get a random one, printed). */
export const demoFuzz = { seed: 1, runs: 50 } as const;

/** The fuzz part: `mcify-audit fuzz` exactly as the command runs it (plan and progress on stderr), then its text report; resolves the report. */
async function fuzzAudit(io: CommandIo): Promise<FuzzReport> {
  const args = ['--config', vulnerableFixture, '--seed', String(demoFuzz.seed), '--runs', String(demoFuzz.runs)];
  io.stdout('');
  io.stdout('mcify demo: the isolation fuzz of "orders-vulnerable", in-process (reference runtime, test identity provider)');
  io.stdout(`            $ npx mcify-audit fuzz ${args.join(' ')}`);
  io.stdout('');
  const report = await buildFuzzReport(parseFuzzArgs(args, { cwd: repoRoot }), io, repoRoot);
  io.stdout(fuzzFormats.text(report, { cwd: repoRoot, sourceOf: sourceReader(repoRoot), color: io.color === true }));
  return report;
}

async function main(io: CommandIo): Promise<number> {
  const statics = await staticAudit({ repoRoot, io });
  const fuzz = await fuzzAudit(io);
  const joined = joinReports(statics.report, fuzz);

  io.stdout('');
  io.stdout('mcify demo: static and dynamic, joined (a static finding the fuzz reproduced on the same tool is confirmed)');
  const confirmed = confirmedFindings(joined);
  for (const finding of confirmed) {
    io.stdout(`  confirmed  ${finding.ruleId}  ${finding.tool ?? '(config)'}  ${finding.file}:${String(finding.line)}`);
    if (finding.reproduce !== undefined) io.stdout(`             replay: ${replayLine(joined, finding.reproduce)}`);
  }
  const dynamicCount = joined.findings.filter(isHarnessFinding).length;
  io.stdout(`  ${String(confirmed.length)} of ${String(statics.report.findings.length)} static findings confirmed by the fuzz; ${String(dynamicCount)} dynamic findings`);

  const htmlDir = join(tmpdir(), 'mcify-audit-demo');
  mkdirSync(htmlDir, { recursive: true });
  const htmlFile = join(htmlDir, 'orders-vulnerable.html');
  writeFileSync(htmlFile, fuzzFormats.html(joined, { cwd: repoRoot, sourceOf: sourceReader(repoRoot), color: false }));
  io.stdout(`  HTML report of the joined audit: ${htmlFile}`);

  const planted = readPlanted(join(repoRoot, plantedFile));
  const dynamic = plantedOutcome(planted, fuzz.findings.filter(isHarnessFinding), 'harness/');
  io.stdout('');
  for (const line of [...missedLines(statics.outcome, plantedFile), ...missedLines(dynamic, plantedFile)]) io.stdout(line);
  io.stdout(plantedTotalLine(statics.outcome, dynamic));
  return statics.outcome.missed.length === 0 && dynamic.missed.length === 0 ? 0 : 1;
}

process.exitCode = await main(processIo).catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  return 2;
});
