import type ts from 'typescript';
import type { ConfigFacts, ToolFacts } from '../discovery/facts.js';
import type { Discovery } from '../discovery/discover.js';
import type { FlowStep, HandlerFlow } from '../flow/handler-flow.js';
import type { ResolvedOptions } from '../options.js';
import type { InputField } from '../schema/input-fields.js';
import type { DialectName } from '../dialect.js';
import type { Confidence, RuleId } from '../rules.js';

/** A finding before it is located, suppressed and given its severity. */
export interface DraftFinding {
  readonly ruleId: RuleId;
  /** The node whose first line is reported; must be in `file`'s source file. */
  readonly node: ts.Node;
  /** A key of `rules[ruleId].messages`. */
  readonly messageId: string;
  /** The values of the template's placeholders. */
  readonly data: Readonly<Record<string, string>>;
  /** The definition the finding belongs to (one finding per MCP name), or undefined for config-level findings. */
  readonly tool: ToolFacts | undefined;
  readonly confidence: Confidence;
  readonly flow?: readonly FlowStep[];
  /** The exact offending code (a schema field, a logged value, a tool's spec), for front ends' fixes. */
  readonly subject?: ts.Node;
  /** The input field path, for the input-field rules (front ends de-duplicate runtime findings by it). */
  readonly field?: string;
}

/** What a check may use, and how it reports. */
export interface CheckContext {
  readonly options: ResolvedOptions;
  readonly checker: ts.TypeChecker | undefined;
  /** The mcify dialect advice is written in, decided once per analysis. */
  readonly dialect: DialectName;
  readonly discovery: Discovery;
  /** The dataflow summary of a definition's handler, computed once. */
  readonly flowOf: (tool: ToolFacts) => HandlerFlow;
  /** The property paths of a definition's input schema, computed once. */
  readonly inputFieldsOf: (tool: ToolFacts) => readonly InputField[];
  /** Whether the definition belongs to a multi-user server (some auth, or a handler reading `ctx.auth`). */
  readonly multiUser: (tool: ToolFacts) => boolean;
  readonly report: (finding: DraftFinding) => void;
}

/** A rule over one tool, resource or prompt definition. */
export type ToolCheck = (tool: ToolFacts, context: CheckContext) => void;

/** A rule over one `defineConfig`. */
export type ConfigCheck = (config: ConfigFacts, context: CheckContext) => void;
