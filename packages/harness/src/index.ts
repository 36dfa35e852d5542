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
