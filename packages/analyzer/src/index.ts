/**
 * `@mcify-audit/analyzer`: static analysis of multi-tenant mcify servers on the TypeScript compiler API.
 *
 * @packageDocumentation
 */
export {
  analyzeProgram,
  analyzeSourceFile,
  noToolsMessage,
  type AnalysisResult,
  type AnalysisNote,
  type AnalysisNoteCode,
  type AnalysisSettings,
  type AnalysisProgress,
  type ToolInventoryEntry,
  type InventorySink,
} from './analyze.js';
export { inputFieldFindings, type InputFieldFinding } from './checks/input-fields.js';
export { dialectNoteMessage, messageIdFor, type Dialect, type DialectName } from './dialect.js';
export { findOptionsFile, OptionsFileError, type OptionsFile } from './options-file.js';
export type { Finding, FlowLocation, SourceLocation } from './finding.js';
export { rules, renderMessage, ruleIds, isRuleId, ruleDocsUrl, rulesDocsBaseUrl, repositoryUrl, type RuleId, type RuleMeta, type RulePrecision, type Severity, type Confidence } from './rules.js';
export { analyzerOptionsSchema, resolveOptions, AnalyzerOptionsError, type AnalyzerOptions, type ResolvedOptions } from './options.js';
export { wordsOf, isIdentityName, isCredentialName, isPersonalDataName, sensitiveVerbOf, tokenLifetimeUnit } from './names.js';
export { inputFields, type InputField } from './schema/input-fields.js';
/** The TypeScript compiler API the analyzer runs on: front ends build their programs with this same instance. */
export { default as ts } from 'typescript';
