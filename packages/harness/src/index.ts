/**
 * `@mcify-audit/harness`: isolation harness for multi-tenant MCP servers, and a
 * loopback test identity provider.
 *
 * @packageDocumentation
 */
export { createTestIdp } from './idp/test-idp.js';
export type { RecordedRequest, TestIdp, TestIdpOptions } from './idp/test-idp.js';
export type { MintOptions } from './idp/claims.js';
export { forgeryKinds } from './idp/forge.js';
export type { ForgeOptions, ForgeryKind, NoneSpelling } from './idp/forge.js';
export type { SigningAlg } from './idp/keys.js';
export { auditHookSchema, type AuditHook, type AuditPrincipal } from './target/audit-hook.js';
export { bootConfig, BootError, type BootOptions, type BootedServer, type PrincipalSummary } from './target/boot-config.js';
export { isLoopbackAddress } from '@mcify-audit/reference-core';
export { Secret } from './target/secret.js';
export { parseTokenSpec, blackBoxPrincipals, TokenSpecError, type TokenSpec, type TokenSource, type TokenSpecOptions, type BlackBoxPrincipal } from './target/token-spec.js';
export { resolveTarget, parseTargetUrl, TargetError, type ResolvedTarget, type ResolveTargetOptions } from './target/resolve-target.js';
export { pinnedFetch, RequestTimeoutError, type PinnedFetch, type PinnedFetchOptions } from './target/pinned-fetch.js';
export { arbitraryFor, type FieldPredicate, type SchemaArbitrary, type SchemaArbitraryOptions } from './fuzz/schema-arbitrary.js';
export { isIdLikeName, isIdentityFieldName, sortedPool } from './fuzz/field-names.js';
export { supportedFormats } from './fuzz/formats.js';

// The fuzz engine: targets, runs, plans, progress, and the vocabulary they share.
export { runFuzz, planFuzz, resolveFuzzOptions, fuzzDefaults, FuzzOptionsError, FuzzRunError, TIME_BUDGET, INTERRUPTED, type FuzzOptions, type FuzzRunOptions, type FuzzControl } from './engine/run-fuzz.js';
export { buildPlan, formatPlan, endpointText, type FuzzPlan, type PlanCell, type SeedSource } from './engine/plan.js';
export { progressLine, type FuzzProgress, type FuzzPhase, type ProgressListener } from './engine/progress.js';
export { createDeadline, BudgetExhaustedError, type RunDeadline } from './engine/budget.js';
export { createRunContext, createTraffic, type EngineContext, type RunTraffic, type TargetTraffic, type RunContextOptions } from './engine/run-context.js';
export { fuzzEngine, fuzzProperties, type FuzzEngine } from './engine/properties.js';
export { cellSeed, reproducePath, parseReproducePath, cellParameters, ReplayPathError } from './engine/seeds.js';
export { propertyIds, harnessRuleIds, harnessSeverity } from './engine/types.js';
export type {
  PropertyId,
  HarnessRuleId,
  Principal,
  ToolSource,
  TrustedIssuer,
  FuzzTarget,
  Exchange,
  ListedTool,
  CallOutcome,
  PrincipalClient,
  CellStatus,
  Cell,
  HarnessFinding,
  HarnessNoteCode,
  HarnessNote,
  WriteRecord,
  FuzzResult,
} from './engine/types.js';
export type { ResolvedFuzzOptions, SeenValue, PrincipalView, Harvest, RawRequest, Deadline, RunContext, PlannedCell, CellOutcome, PlanContext, Property } from './engine/property.js';
export { inProcessTarget, PublishedRuntimeError, type InProcessOptions } from './target/in-process.js';
export { blackBoxTarget, probeChallengeScheme, type BlackBoxOptions } from './target/black-box.js';
export { sourceMapOf, SourceMapError, type SourceMap } from './target/source-map.js';
export { loadConfig, referenceConfigOf, referenceRuntimeGap, ConfigLoadError, type LoadedConfig, type LoadedServer } from './target/load-config.js';
