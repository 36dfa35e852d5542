import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../usage-error.js';
import type { ReportFinding } from './report.js';

/** The part of a saved JSON report a baseline needs. Anything else in the file is ignored. */
const baselineSchema = z.object({
  version: z.literal(1),
  findings: z.array(z.object({ ruleId: z.string(), file: z.string(), tool: z.string().nullable(), message: z.string() }).passthrough()),
});

/**
 * A finding's identity across runs for baselines: rule, file, tool and message, without line numbers,
 * so edits elsewhere in the file do not resurface baselined findings.
 */
function baselineKey(finding: { readonly ruleId: string; readonly file: string; readonly tool: string | null; readonly message: string }): string {
  return JSON.stringify([finding.ruleId, finding.file, finding.tool, finding.message]);
}

/** What a baseline did to a run's findings. */
export interface BaselineResult {
  /** Findings not in the baseline: the ones reported. */
  readonly findings: ReportFinding[];
  /** How many findings the baseline hid. */
  readonly hidden: number;
  /** How many baseline entries no longer occur (fixed or moved to another file). */
  readonly gone: number;
}

/**
 * Reads a baseline (a JSON report saved with `--format json --output FILE`) and keeps only the findings
 * it does not contain. Entries are counted, so a second identical finding is still new.
 *
 * @example
 * ```ts
 * const { findings, hidden } = applyBaseline('mcify-baseline.json', report.findings);
 * ```
 */
export function applyBaseline(file: string, findings: readonly ReportFinding[]): BaselineResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`--baseline ${file}: cannot read the file. Create it with: mcify-audit [PATH...] --format json --output ${file}`);
  }
  let parsed: z.infer<typeof baselineSchema>;
  try {
    parsed = baselineSchema.parse(JSON.parse(text));
  } catch {
    throw new UsageError(`--baseline ${file} is not a JSON report of mcify-audit (version 1). Create it with: mcify-audit [PATH...] --format json --output ${file}`);
  }
  const remaining = new Map<string, number>();
  for (const entry of parsed.findings) {
    const key = baselineKey(entry);
    remaining.set(key, (remaining.get(key) ?? 0) + 1);
  }
  const kept: ReportFinding[] = [];
  let hidden = 0;
  for (const finding of findings) {
    const key = baselineKey(finding);
    const count = remaining.get(key) ?? 0;
    if (count > 0) {
      remaining.set(key, count - 1);
      hidden += 1;
    } else {
      kept.push(finding);
    }
  }
  const gone = [...remaining.values()].reduce((sum, count) => sum + count, 0);
  return { findings: kept, hidden, gone };
}
