import { ruleIds, rules, type RuleId, type RuleMeta } from '@mcify-audit/analyzer';
import type { ReportFinding, ReportFlowStep } from './report.js';
import { plural } from './verdict.js';

/** A step of a finding's path, with its part in it. */
export interface FlowPathStep extends ReportFlowStep {
  readonly role: 'source' | 'via' | 'sink';
}

/** `file:line:column` of a finding or a flow step. */
export function positionOf(at: { readonly file: string; readonly line: number; readonly column: number }): string {
  return `${at.file}:${at.line}:${at.column}`;
}

/** Where a note points: `file`, `file:line` or `file:line:column`, or undefined when it has no file. */
export function noteLocation(note: { readonly file?: string; readonly line?: number; readonly column?: number }): string | undefined {
  if (note.file === undefined) return undefined;
  if (note.line === undefined) return note.file;
  return note.column === undefined ? `${note.file}:${note.line}` : `${note.file}:${note.line}:${note.column}`;
}

/**
 * A finding's source→sink path, ending at the sink: the analyzer's last step usually is the reported
 * call itself; when it is not (a schema field declared elsewhere, a config that the flow only points
 * from), the finding's own location is added as the sink. Empty when the finding has no flow.
 */
export function flowPath(finding: ReportFinding): FlowPathStep[] {
  if (finding.flow.length === 0) return [];
  const last = finding.flow.at(-1);
  const endsAtFinding = last?.file === finding.file && last.line === finding.line && last.column === finding.column;
  const steps: ReportFlowStep[] = endsAtFinding ? [...finding.flow] : [...finding.flow, { file: finding.file, line: finding.line, column: finding.column, message: 'reported here' }];
  return steps.map((step, index) => ({ ...step, role: index === steps.length - 1 ? 'sink' : index === 0 ? 'source' : 'via' }));
}

/** The findings of one rule. */
export interface RuleGroup {
  readonly rule: RuleMeta;
  readonly findings: readonly ReportFinding[];
  /** `3 errors`, `1 error, 2 warnings`: a configured severity may differ from the rule's default. */
  readonly counts: string;
}

/** The findings grouped by rule, rules in the order of the rule table, findings in report order. */
export function findingsByRule(findings: readonly ReportFinding[]): RuleGroup[] {
  const byRule = new Map<RuleId, ReportFinding[]>();
  for (const finding of findings) {
    const group = byRule.get(finding.ruleId) ?? [];
    group.push(finding);
    byRule.set(finding.ruleId, group);
  }
  return [...byRule]
    .sort(([a], [b]) => ruleIds.indexOf(a) - ruleIds.indexOf(b))
    .map(([ruleId, group]) => {
      const errors = group.filter((finding) => finding.severity === 'error').length;
      const warnings = group.length - errors;
      const counts = [errors > 0 ? plural(errors, 'error') : '', warnings > 0 ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ');
      return { rule: rules[ruleId], findings: group, counts };
    });
}
