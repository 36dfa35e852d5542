/**
 * `@mcify-audit/analyzer/name-lists`: the analyzer's name classification (identity, credential and
 * personal-data names, sensitive verbs) and its options, without the TypeScript compiler API. The
 * harness reads field names with it, so both sides agree on what an identity field is, without
 * loading TypeScript.
 *
 * @packageDocumentation
 */
export { wordsOf, isIdentityName, isCredentialName, isPersonalDataName, sensitiveVerbOf, tokenLifetimeUnit } from './names.js';
export { analyzerOptionsSchema, resolveOptions, AnalyzerOptionsError, type AnalyzerOptions, type ResolvedOptions } from './options.js';
