import { createHash } from 'node:crypto';
import { splitLines } from './code-frame.js';
import type { ReportFinding } from './report.js';

/** The `partialFingerprints` key mcify-audit writes to SARIF. */
export const fingerprintKey = 'mcifyAudit/v1';

/**
 * Fingerprints that identify each finding across runs: a hash of its rule, file, tool and the
 * whitespace-normalised text of its reported line, plus its rank among findings that share all of
 * these. Line numbers are not part of it, so inserting lines above a finding leaves it unchanged;
 * editing the reported line itself changes it.
 *
 * @example
 * ```ts
 * const prints = fingerprints(report.findings, (file) => readFileSync(file, 'utf8'));
 * ```
 */
export function fingerprints(findings: readonly ReportFinding[], sourceOf: (file: string) => string | undefined): string[] {
  const linesOf = new Map<string, readonly string[] | undefined>();
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    if (!linesOf.has(finding.file)) {
      const source = sourceOf(finding.file);
      linesOf.set(finding.file, source === undefined ? undefined : splitLines(source));
    }
    const text = (linesOf.get(finding.file)?.[finding.line - 1] ?? '').replace(/\s+/g, ' ').trim();
    const key = [finding.ruleId, finding.file, finding.tool ?? '', text].join('\0');
    const rank = seen.get(key) ?? 0;
    seen.set(key, rank + 1);
    return createHash('sha256').update(`${key}\0${String(rank)}`).digest('hex').slice(0, 32);
  });
}

