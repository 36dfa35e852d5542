import ts from 'typescript';
import { forEachDescendant, propertyNameText, staticNumber, staticString } from '../discovery/ast.js';
import type { ConfigFacts } from '../discovery/facts.js';
import { messageIdFor } from '../dialect.js';
import { durationSeconds, tokenLifetimeUnit, wordsOf } from '../names.js';
import type { CheckContext } from './check.js';

/** `mcify/no-auth-none`: no per-user auth in front of tools that read per-user identity. */
export function noAuthNone(config: ConfigFacts, context: CheckContext): void {
  const { auth } = config;
  const shared = (auth.kind === 'bearer' || auth.kind === 'api_key') && !auth.verify;
  if (auth.kind !== 'absent' && auth.kind !== 'none' && !shared) return;
  const reader = config.tools.find((tool) => context.flowOf(tool).readsIdentity);
  if (reader === undefined) return;
  const what = auth.kind === 'absent' ? 'has no auth' : auth.kind === 'none' ? 'uses auth none()' : 'authenticates everyone with one shared static secret';
  context.report({
    ruleId: 'mcify/no-auth-none',
    node: config.authProperty ?? config.call,
    tool: undefined,
    confidence: config.toolsIncomplete ? 'medium' : 'high',
    messageId: messageIdFor('mcify/no-auth-none', 'noPerUserAuth', context.dialect),
    data: { what, tool: reader.names[0] ?? 'a tool' },
    flow: [{ node: reader.call, message: `${reader.names[0] ?? 'this tool'} reads ctx.auth` }],
  });
}

/** Seconds above which a token lifetime, maximum age or clock tolerance is flagged. */
const longestLifetimeSec = 900;

/** Seconds above which a refresh-token lifetime is flagged: refresh tokens exist for longer sessions, but not forever. */
const longestRefreshLifetimeSec = 7 * 86_400;

/** The longest lifetime allowed: a refresh token's, or any other token lifetime, maximum age or clock tolerance. */
function longestAllowedSec(refresh: boolean): number {
  return refresh ? longestRefreshLifetimeSec : longestLifetimeSec;
}

/**
 * What the published `oauthProvider()` (`@mcify/core` 1.0.0-alpha.*) issues when an option is left out:
 * access tokens for `accessTtlSeconds` (3,600 s), refresh tokens for `refreshTtlDays` (30 days).
 */
const oauthProviderDefaults: readonly { readonly option: string; readonly seconds: number; readonly refresh: boolean }[] = [
  { option: 'accessTtlSeconds', seconds: 3600, refresh: false },
  { option: 'refreshTtlDays', seconds: 30 * 86_400, refresh: true },
];

/**
 * `mcify/token-lifetime`: token lifetimes, maximum ages and clock tolerances above 15 minutes (refresh
 * tokens: above 7 days), anywhere in a file; and `oauthProvider()` calls that leave a lifetime to a
 * default above those limits.
 */
export function tokenLifetime(sourceFile: ts.SourceFile, context: CheckContext): void {
  // Lifetimes in tests are test data (a token a day old, to see it refused), not a server's policy.
  if (isTestFile(sourceFile.fileName)) return;
  const { bindings } = context.discovery.file(sourceFile);
  forEachDescendant(sourceFile, (node) => {
    if (bindings.isCallOf(node, 'oauthProvider')) {
      oauthProviderDefaultLifetimes(node, context);
      return;
    }
    if (!ts.isPropertyAssignment(node)) return;
    const name = propertyNameText(node.name);
    const unit = name === undefined ? undefined : tokenLifetimeUnit(name);
    if (name === undefined || unit === undefined) return;
    const number = staticNumber(node.initializer, context.checker);
    const text = number === undefined ? staticString(node.initializer, context.checker) : undefined;
    const seconds = number !== undefined ? number * unit : text === undefined ? undefined : durationSeconds(text);
    const refresh = wordsOf(name).includes('refresh');
    if (seconds === undefined || seconds <= longestAllowedSec(refresh)) return;
    context.report({
      ruleId: 'mcify/token-lifetime',
      node,
      tool: undefined,
      confidence: 'high',
      messageId: refresh ? 'refreshLifetime' : 'longLifetime',
      data: { name, duration: formatSeconds(seconds) },
    });
  });
}

/** The lifetimes an `oauthProvider({ ... })` call leaves to a default above the limits (only when its options are a literal without spreads). */
function oauthProviderDefaultLifetimes(call: ts.CallExpression, context: CheckContext): void {
  const [options] = call.arguments;
  if (options === undefined || !ts.isObjectLiteralExpression(options)) return;
  if (options.properties.some((property) => !ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property) && !ts.isMethodDeclaration(property))) return;
  const given = new Set(options.properties.map((property) => (property.name === undefined ? undefined : propertyNameText(property.name))));
  for (const lifetime of oauthProviderDefaults) {
    if (given.has(lifetime.option)) continue;
    if (lifetime.seconds <= longestAllowedSec(lifetime.refresh)) continue;
    context.report({
      ruleId: 'mcify/token-lifetime',
      node: call,
      tool: undefined,
      confidence: 'high',
      messageId: lifetime.refresh ? 'defaultRefreshLifetime' : 'defaultLifetime',
      data: { option: lifetime.option, duration: formatSeconds(lifetime.seconds) },
    });
  }
}

/** A test file by the common runners' conventions: `*.test.ts`, `*.spec.js`, or under `__tests__/`. */
function isTestFile(fileName: string): boolean {
  return /\.(test|spec)\.[cm]?[jt]sx?$/.test(fileName) || /(^|[\\/])__tests__[\\/]/.test(fileName);
}

function formatSeconds(seconds: number): string {
  if (seconds >= 86_400 && seconds % 86_400 === 0) return `${String(seconds / 86_400)} day(s)`;
  if (seconds >= 3600 && seconds % 3600 === 0) return `${String(seconds / 3600)} hour(s)`;
  if (seconds >= 60 && seconds % 60 === 0) return `${String(seconds / 60)} minutes`;
  return `${String(seconds)} seconds`;
}
