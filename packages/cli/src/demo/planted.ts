import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Report } from '../report/report.js';

/** A flaw planted in a fixture on purpose, as its `planted.json` lists it. */
export interface PlantedFlaw {
  /** `mcify/<rule>` for what the static report must find, `harness/<check>` for what a run must. */
  readonly ruleId: string;
  /** The tool it is in, or null for the config. */
  readonly tool: string | null;
  /** Relative to the repository root. */
  readonly file: string;
  readonly description: string;
}

const plantedSchema = z.array(z.object({ ruleId: z.string().min(1), tool: z.string().min(1).nullable(), file: z.string().min(1), description: z.string() }).strict());

/** Reads a `planted.json`; throws with the file's name when it is not one. */
export function readPlanted(file: string): PlantedFlaw[] {
  const parsed = plantedSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a list of planted flaws: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}

/** The planted flaws of one kind a report found, and those it missed. */
export interface PlantedOutcome {
  readonly reported: readonly PlantedFlaw[];
  readonly missed: readonly PlantedFlaw[];
}

/** A finding as the match needs it: static and harness findings both have these (`file` only where the source is known). */
interface MatchedFinding {
  readonly ruleId: string;
  readonly tool: string | null;
  readonly file?: string | undefined;
}

/**
 * Which planted flaws whose rule starts with `prefix` (`mcify/` for the static report, `harness/` for
 * the fuzz) the findings contain: a flaw is found when a finding has its rule, its tool and its file
 * (report paths are relative to the repository root, as `planted.json`'s are).
 */
export function plantedOutcome(planted: readonly PlantedFlaw[], findings: readonly MatchedFinding[], prefix: 'mcify/' | 'harness/'): PlantedOutcome {
  const found = new Set(findings.map((finding) => JSON.stringify([finding.ruleId, finding.tool, finding.file])));
  const ofKind = planted.filter((flaw) => flaw.ruleId.startsWith(prefix));
  const isFound = (flaw: PlantedFlaw) => found.has(JSON.stringify([flaw.ruleId, flaw.tool, flaw.file]));
  return { reported: ofKind.filter(isFound), missed: ofKind.filter((flaw) => !isFound(flaw)) };
}

/** The planted static flaws (`mcify/` rules) a report found, and those it missed. */
export function plantedStaticOutcome(planted: readonly PlantedFlaw[], report: Pick<Report, 'findings'>): PlantedOutcome {
  return plantedOutcome(planted, report.findings, 'mcify/');
}

/** The planted flaws a report missed, one a line, after a heading; nothing when it missed none. */
export function missedLines(outcome: PlantedOutcome, plantedFile: string): string[] {
  const missed = outcome.missed.map((flaw) => `  ${flaw.ruleId}  ${flaw.tool ?? '(config)'}  ${flaw.file}: ${flaw.description}`);
  return missed.length === 0 ? [] : [`Planted in ${plantedFile} but not reported:`, ...missed];
}

/**
 * What the static part ends with: the planted flaws the report missed, one a line, then `N of M planted
 * static flaws reported`.
 */
export function plantedStaticLines(outcome: PlantedOutcome, plantedFile: string): string[] {
  const total = outcome.reported.length + outcome.missed.length;
  return [...missedLines(outcome, plantedFile), `${outcome.reported.length} of ${total} planted static flaws reported`];
}

/** The full audit's last line: `N of M planted flaws reported (S static, D dynamic)`. */
export function plantedTotalLine(statics: PlantedOutcome, dynamic: PlantedOutcome): string {
  const total = statics.reported.length + statics.missed.length + dynamic.reported.length + dynamic.missed.length;
  const reported = statics.reported.length + dynamic.reported.length;
  return `${String(reported)} of ${String(total)} planted flaws reported (${String(statics.reported.length)} static, ${String(dynamic.reported.length)} dynamic)`;
}
