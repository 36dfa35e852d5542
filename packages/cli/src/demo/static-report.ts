import { resolve } from 'node:path';
import { buildAuditReport, exitCodeFor, formats, parseAuditArgs, sourceReader } from '../commands/audit.js';
import type { CommandIo } from '../io.js';
import type { Report } from '../report/report.js';
import { plantedStaticLines, plantedStaticOutcome, readPlanted, type PlantedOutcome } from './planted.js';

/** The fixture whose static report the demo shows, relative to the repository root. */
export const vulnerableFixture = 'fixtures/servers/orders-vulnerable';

/** What the demo's static part reads and where it writes. */
export interface StaticReportDemo {
  /** The repository root: the report's paths, and `planted.json`'s, are relative to it. */
  readonly repoRoot: string;
  /** The list of planted flaws (default: the fixture's `planted.json`), relative to `repoRoot` or absolute. */
  readonly plantedFile?: string;
  readonly io: CommandIo;
}

/** What the static part ran and found. */
export interface StaticAudit {
  /** 0 when the report ran and found every planted static flaw, else 1. */
  readonly code: 0 | 1;
  readonly report: Report;
  readonly outcome: PlantedOutcome;
}

/**
 * The demo's static part: prints the text report of `orders-vulnerable` exactly as `mcify-audit
 * fixtures/servers/orders-vulnerable --fail-on never` does, then, from that same report, which of the
 * fixture's planted static flaws it did not report and `N of M planted static flaws reported`.
 */
export async function staticAudit({ repoRoot: root, plantedFile = `${vulnerableFixture}/planted.json`, io }: StaticReportDemo): Promise<StaticAudit> {
  // Without a trailing separator, as a working directory is.
  const repoRoot = resolve(root);
  const args = [vulnerableFixture, '--fail-on', 'never'];
  io.stdout(`mcify demo: the static report of the deliberately flawed "orders-vulnerable" fixture`);
  io.stdout(`            $ npx mcify-audit ${args.join(' ')}`);
  io.stdout('');
  const options = parseAuditArgs(args);
  // One analysis: the text shown and the count below are of the same report.
  const report = await buildAuditReport(options, { ...io, status: undefined }, repoRoot);
  io.stdout(formats.text(report, { cwd: repoRoot, sourceOf: sourceReader(repoRoot), color: io.color === true }));
  const outcome = plantedStaticOutcome(readPlanted(resolve(repoRoot, plantedFile)), report);
  io.stdout('');
  for (const line of plantedStaticLines(outcome, plantedFile)) io.stdout(line);
  return { code: exitCodeFor(report, options.failOn) === 0 && outcome.missed.length === 0 ? 0 : 1, report, outcome };
}

/** {@link staticAudit}, resolving its exit code: 0 when the report ran and found every planted static flaw, else 1. */
export async function staticReportDemo(demo: StaticReportDemo): Promise<number> {
  return (await staticAudit(demo)).code;
}
