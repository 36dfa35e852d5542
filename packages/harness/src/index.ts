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
