import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import type { ToolFacts } from './discovery/facts.js';
import { rules, type RuleId } from './rules.js';

/**
 * The mcify API advice is written in: `guide` is the multi-user guide's (`ctx.auth.claims`,
 * `requireAuth({ scopes | check })`, `hash(...)`), `published` is `@mcify/core` 1.0.0-alpha.* as
 * published on npm (`ctx.auth.subject` under `oauthProvider`, `requireAuth({ predicate })`, no hash helper).
 */
export type DialectName = 'guide' | 'published';

/** The dialect of an analysis, and why it was chosen (one sentence fragment, for reports). */
export interface Dialect {
  readonly name: DialectName;
  readonly reason: string;
}

/** The name of this repository's reference implementation of the guide's API. */
const referenceCoreName = '@mcify-audit/reference-core';

/** What a note on the dialect says. */
export function dialectNoteMessage(dialect: Dialect): string {
  return `Advice is written in the ${dialect.name} mcify dialect: ${dialect.reason}.`;
}

/**
 * The message id of a rule's finding in a dialect: `<base>Published` when the rule has a published
 * wording of it, else `base`.
 */
export function messageIdFor(ruleId: RuleId, base: string, dialect: DialectName): string {
  const published = `${base}Published`;
  return dialect === 'published' && Object.hasOwn(rules[ruleId].messages, published) ? published : base;
}

interface Manifest {
  readonly name?: unknown;
  readonly version?: unknown;
  readonly private?: unknown;
}

interface CoreManifest {
  readonly file: string;
  readonly manifest: Manifest;
}

/**
 * What each folder visited so far resolves `@mcify/core` to: the dialect is decided per analysis, and a
 * front end such as ESLint analyses file by file, so every file of a folder (and of the folders below it)
 * would otherwise walk up and read the same `package.json` again. Kept for the process, as Node keeps
 * its own resolutions.
 */
const coreManifests = new Map<string, CoreManifest | undefined>();

/**
 * The `package.json` of the `@mcify/core` Node would resolve from `directory` (walking up the
 * `node_modules` folders), or undefined when none does. Each folder's answer is read once: every folder
 * passed on the way up resolves to the same package.
 */
function resolvedCoreManifest(directory: string): CoreManifest | undefined {
  const visited: string[] = [];
  let found: CoreManifest | undefined;
  for (let current = directory; ; current = dirname(current)) {
    if (coreManifests.has(current)) {
      found = coreManifests.get(current);
      break;
    }
    visited.push(current);
    const file = join(current, 'node_modules', '@mcify', 'core', 'package.json');
    if (existsSync(file)) {
      try {
        found = { file, manifest: JSON.parse(readFileSync(file, 'utf8')) as Manifest };
      } catch {
        found = undefined;
      }
      break;
    }
    if (dirname(current) === current) break;
  }
  for (const folder of visited) coreManifests.set(folder, found);
  return found;
}

/** Rule 2: the resolved `@mcify/core`'s version or name; undefined when it says nothing. */
function dialectOfPackage(directory: string): Dialect | undefined {
  const found = resolvedCoreManifest(directory);
  if (found === undefined) return undefined;
  const { manifest, file } = found;
  const version = typeof manifest.version === 'string' ? manifest.version : undefined;
  if (version?.startsWith('1.0.0-alpha.') === true) return { name: 'published', reason: `@mcify/core resolves to the published ${version} (${file})` };
  // Our reference implementation, linked as @mcify/core inside this repository (private before it was renamed).
  if (manifest.name === referenceCoreName || manifest.private === true) {
    return { name: 'guide', reason: `@mcify/core resolves to mcify-audit's reference implementation of the guide's API (${file})` };
  }
  return undefined;
}

/** The context parameter of a handler (`ctx`, or a destructuring of it), if it has one. */
function contextParameter(tool: ToolFacts): ts.ParameterDeclaration | undefined {
  return tool.handler?.parameters[1];
}

/** Rule 3: whether the declared type of `ctx.auth` in some handler has a `claims` member. */
function dialectOfTypes(tools: readonly ToolFacts[], checker: ts.TypeChecker): Dialect | undefined {
  for (const tool of tools) {
    const parameter = contextParameter(tool);
    if (parameter === undefined) continue;
    const context = checker.getTypeAtLocation(parameter);
    const auth = context.getProperty('auth');
    if (auth === undefined) continue;
    const authType = checker.getTypeOfSymbolAtLocation(auth, parameter);
    if (authType.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) continue;
    const members = authType.isUnion() ? authType.types : [authType];
    const claims = members.some((member) => member.getProperty('claims') !== undefined);
    return claims
      ? { name: 'guide', reason: "the declared type of ctx.auth has a claims member" }
      : { name: 'published', reason: 'the declared type of ctx.auth has no claims member' };
  }
  return undefined;
}

/**
 * Decides the dialect of one analysis, first rule that applies: the `dialect` option; the `package.json`
 * of the `@mcify/core` that resolves from the analysed files' folder (1.0.0-alpha.* is published, our
 * reference implementation is the guide); with a checker, whether `ctx.auth`'s declared type has a
 * `claims` member; otherwise published.
 */
export function decideDialect(option: DialectName | undefined, directory: string | undefined, tools: readonly ToolFacts[], checker: ts.TypeChecker | undefined): Dialect {
  if (option !== undefined) return { name: option, reason: `the "dialect" option is "${option}"` };
  const fromPackage = directory === undefined ? undefined : dialectOfPackage(directory);
  if (fromPackage !== undefined) return fromPackage;
  const fromTypes = checker === undefined ? undefined : dialectOfTypes(tools, checker);
  if (fromTypes !== undefined) return fromTypes;
  return { name: 'published', reason: `no @mcify/core package resolves${directory === undefined ? '' : ` from ${directory}`}${checker === undefined ? '' : ' and no handler declares the type of ctx.auth'}, so the published API is assumed` };
}
