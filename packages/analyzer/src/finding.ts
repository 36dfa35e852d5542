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
  /**
   * `high` or `medium` as the rule judges it; always `low` in a file with syntax errors (the analysis of
   * such a file is partial).
   */
  readonly confidence: Confidence;
  /** The key of the message template in `rules[ruleId].messages`: stable across releases and wording changes. */
  readonly messageId: string;
  /** The template's placeholders' values (`field`, `tool`, `sink`, ...). */
  readonly data: Readonly<Record<string, string>>;
  /** The template rendered with `data`. */
  readonly message: string;
  readonly location: SourceLocation;
  /** The MCP tool (or resource, prompt) name, or null for config-level findings and unnamed tools. */
  readonly tool: string | null;
  /** The path from source to sink, or from the schema field to where it is reported. */
  readonly flow: readonly FlowLocation[];
  /**
   * The exact offending code when it is in the reported file, as character offsets: the schema field
   * (identity and credential rules), the logged value (log rules), the tool's spec object (require-auth).
   * Front ends build suggestions on it.
   */
  readonly subject?: { readonly start: number; readonly end: number };
  /** The input field path (`filter.userId`), for `no-identity-in-input` and `no-credential-in-input`. */
  readonly field?: string;
}
