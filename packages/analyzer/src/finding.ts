import type { Confidence, RuleId, Severity } from './rules.js';

/** A location in a source file: 1-based lines and columns, `file` as the program names it. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** One step of a source→sink path. */
export interface FlowLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** A problem found in the code. */
export interface Finding {
  readonly ruleId: RuleId;
  readonly severity: Severity;
  readonly confidence: Confidence;
  readonly message: string;
  readonly location: SourceLocation;
  /** The MCP tool (or resource, prompt) name, or null for config-level findings and unnamed tools. */
  readonly tool: string | null;
  /** The path from source to sink, or from the schema field to where it is reported. */
  readonly flow: readonly FlowLocation[];
}
