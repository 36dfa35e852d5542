/**
 * `@mcify-audit/analyzer`: static analysis of multi-tenant mcify servers on the TypeScript compiler API.
 *
 * @packageDocumentation
 */
export {
  analyzeProgram,
  analyzeSourceFile,
  type AnalysisResult,
  type AnalysisNote,
  type AnalysisSettings,
  type AnalysisProgress,
  type ToolInventoryEntry,
  type InventorySink,
} from './analyze.js';
export { inputFieldFindings } from './checks/input-fields.js';
export { findOptionsFile, OptionsFileError, type OptionsFile } from './options-file.js';
export type { Finding, FlowLocation, SourceLocation } from './finding.js';
export { rules, ruleIds, isRuleId, ruleDocsUrl, rulesDocsBaseUrl, type RuleId, type RuleMeta, type Severity, type Confidence } from './rules.js';
export { analyzerOptionsSchema, resolveOptions, AnalyzerOptionsError, type AnalyzerOptions, type ResolvedOptions } from './options.js';
export { wordsOf, isIdentityName, isCredentialName, isPersonalDataName, sensitiveVerbOf, tokenLifetimeUnit } from './names.js';
export { inputFields, type InputField } from './schema/input-fields.js';
