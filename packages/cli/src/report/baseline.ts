import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../usage-error.js';
import type { ReportFinding } from './report.js';

/** The part of a saved JSON report a baseline needs. Anything else in the file is ignored. */
const baselineSchema = z.object({
  version: z.literal(1),
  findings: z.array(
    z
      .object({ ruleId: z.string(), file: z.string(), tool: z.string().nullable(), message: z.string(), messageId: z.string().optional(), field: z.string().optional() })
      .passthrough(),
  ),
});

type BaselineEntry = z.infer<typeof baselineSchema>['findings'][number];

/**
 * The message id with its dialect left out: a rule's published-dialect wording has the id `<id>Published`
 * (the analyzer's `RuleMeta.messages` convention), and the dialect may differ between two runs of the
 * same code (a checkout with `node_modules` and one without), so both ids name the same problem.
 */
function problemOf(messageId: string): string {
  return messageId.replace(/Published$/, '');
}

/**
 * A finding's identity across runs for baselines: rule, file, tool, message id and input field, without
 * line numbers or wording, so edits elsewhere in the file and rewordings of the message do not
 * resurface baselined findings.
 */
function baselineKey(finding: { readonly ruleId: string; readonly file: string; readonly tool: string | null; readonly messageId: string; readonly field?: string | undefined }): string {
  return JSON.stringify([finding.ruleId, finding.file, finding.tool, problemOf(finding.messageId), finding.field ?? null]);
}

/** The identity of an entry of a baseline written before findings had message ids: its message text. */
function legacyKey(finding: { readonly ruleId: string; readonly file: string; readonly tool: string | null; readonly message: string }): string {
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
  /** How many baseline entries have no message id (a baseline written before there were any): they match by message text. */
  readonly legacy: number;
}

/** A multiset of keys: entries are counted, so a second identical finding is still new. */
class Counts {
  readonly #counts = new Map<string, number>();

  add(key: string): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** Takes one occurrence of `key`; false when there is none left. */
  take(key: string): boolean {
    const count = this.#counts.get(key) ?? 0;
    if (count === 0) return false;
    this.#counts.set(key, count - 1);
    return true;
  }

  get size(): number {
    return [...this.#counts.values()].reduce((sum, count) => sum + count, 0);
  }
}

function hasMessageId(entry: BaselineEntry): entry is BaselineEntry & { readonly messageId: string } {
  return entry.messageId !== undefined;
}

/**
 * Reads a baseline (a JSON report saved with `--format json --output FILE`) and keeps only the findings
 * it does not contain. A finding matches an entry by rule, file, tool, message id and field; an entry
 * without a message id (a baseline written before findings had them) matches by its message text
 * instead, and `legacy` counts such entries.
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
  const current = new Counts();
  const legacy = new Counts();
  for (const entry of parsed.findings) {
    if (hasMessageId(entry)) current.add(baselineKey(entry));
    else legacy.add(legacyKey(entry));
  }
  const legacyEntries = legacy.size;
  const kept: ReportFinding[] = [];
  let hidden = 0;
  for (const finding of findings) {
    if (current.take(baselineKey(finding)) || legacy.take(legacyKey(finding))) hidden += 1;
    else kept.push(finding);
  }
  return { findings: kept, hidden, gone: current.size + legacy.size, legacy: legacyEntries };
}
