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

/** The planted static flaws (`mcify/` rules) a report found, and those it missed. */
export interface PlantedOutcome {
  readonly reported: readonly PlantedFlaw[];
  readonly missed: readonly PlantedFlaw[];
}

/**
 * Which planted `mcify/` flaws the report found: a flaw is found when a finding has its rule, its tool
 * and its file (report paths are relative to the repository root, as `planted.json`'s are).
 */
export function plantedStaticOutcome(planted: readonly PlantedFlaw[], report: Pick<Report, 'findings'>): PlantedOutcome {
  const found = new Set(report.findings.map((finding) => JSON.stringify([finding.ruleId, finding.tool, finding.file])));
  const statics = planted.filter((flaw) => flaw.ruleId.startsWith('mcify/'));
  const isFound = (flaw: PlantedFlaw) => found.has(JSON.stringify([flaw.ruleId, flaw.tool, flaw.file]));
  return { reported: statics.filter(isFound), missed: statics.filter((flaw) => !isFound(flaw)) };
}

/**
 * What the demo ends with: the planted flaws the report missed, one a line, then `N of M planted static
 * flaws reported`.
 */
export function plantedStaticLines(outcome: PlantedOutcome, plantedFile: string): string[] {
  const total = outcome.reported.length + outcome.missed.length;
  const missed = outcome.missed.map((flaw) => `  ${flaw.ruleId}  ${flaw.tool ?? '(config)'}  ${flaw.file}: ${flaw.description}`);
  return [...(missed.length === 0 ? [] : [`Planted in ${plantedFile} but not reported:`, ...missed]), `${outcome.reported.length} of ${total} planted static flaws reported`];
}
