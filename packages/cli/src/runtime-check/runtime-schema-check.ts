/**
 * The runtime schema check (`mcify-audit --load CONFIG`): converts each loaded tool's input schema to
 * JSON Schema and asks the analyzer's input-field rules about every property path, so fields built at
 * run time (names from a list, a factory taking a key) are judged like the ones static analysis reads.
 */
import { inputFieldFindings, rules, type ResolvedOptions, type RuleId } from '@mcify-audit/analyzer';
import type { Middleware } from '@mcify-audit/reference-core';
import { authGateOf } from '@mcify-audit/reference-core/middleware';
import { toJSONSchema, type $ZodType } from 'zod/v4/core';
import { zodToJsonSchema } from 'zod-to-json-schema';
import type { LoadedConfig } from '../load-config.js';
import { reportPath, type ReportFinding, type ReportNote, type ReportTool } from '../report/report.js';

/** What the dedup needs of a static finding: the report's `ReportFinding` and the analyzer's `Finding` both fit. */
export interface StaticInputFinding {
  readonly ruleId: RuleId;
  readonly tool: string | null;
  /** The input field path, which input-field findings carry. */
  readonly field?: string;
}

/** What the static pass of the same run produced, and where report paths are relative to. */
export interface RuntimeCheckContext {
  /** The working directory: report paths are relative to it. */
  readonly cwd: string;
  /** The static findings (report or analyzer shape): fields they report are not reported again. */
  readonly staticFindings: readonly StaticInputFinding[];
  /** The static inventory: locates runtime findings and receives the fields seen at run time. */
  readonly staticTools: readonly ReportTool[];
  /** The dialect the static pass wrote its advice in, so runtime findings say the same (default: the options', else published). */
  readonly dialect?: 'guide' | 'published';
}

/** What the runtime schema check adds to a report. */
export interface RuntimeCheckResult {
  /** Input-field findings static analysis did not make (fields it could not see). */
  readonly findings: ReportFinding[];
  /** Tools whose schema could not be read, walks cut short, tools static analysis did not see. */
  readonly notes: ReportNote[];
  /**
   * The whole inventory to report: `staticTools` in order, each loaded tool's entry with the fields seen
   * at run time merged in, then an entry for each loaded tool static analysis did not see.
   */
  readonly tools: ReportTool[];
}

/** Bounds of one schema walk: a generated or adversarial schema must not stall the report. */
const limits = { pathLength: 10, nodes: 20_000, fields: 2_000 } as const;

/**
 * The one flow step of a runtime finding, saying where the field was seen. The message itself stays the
 * rule's template filled with its data, as for every finding.
 */
const seenAtRunTime = 'Seen in the input schema when the config was loaded: static analysis did not report this field.';

/**
 * Runs the runtime schema check over a loaded config. Never throws: a tool without input, an input that
 * is not a zod schema or fails to convert, and a walk cut short by its bounds each become a note.
 *
 * A finding is located at the tool's static inventory entry (its file and line, column 1) when static
 * analysis saw a tool of that name, else at line 1 of the config file. It is skipped when the static pass
 * already judged the field: a static finding of the same rule, tool and field, or the field listed in the
 * tool's static `identityFields` / `credentialFields` (there without a finding means suppressed or off,
 * which the runtime check must not undo).
 *
 * A tool static analysis did not see gets a new inventory entry (kind `tool`, at line 1 of the config)
 * whose facts are only those visible at run time: `requiresAuth` is true when a middleware carries the
 * gate of the reference core's `requireAuth()`, and false otherwise (always, for a tool from the published
 * `@mcify/core`, whose middlewares are composed into the handler and cannot be seen) — "not shown", not "proven absent" (a
 * guard written another way is an opaque function); `scopeGates` lists the scopes such gates name (a
 * `check` or `predicate` function cannot be read); `sinks` is empty (handlers are not analysed). A note
 * says so for each such tool.
 *
 * @example
 * ```ts
 * const loaded = await loadConfig('mcify.config.ts');
 * const runtime = checkRuntimeSchemas(loaded, resolveOptions(), { cwd, staticFindings, staticTools });
 * const report = createReport({ version, files, tools: runtime.tools, notes: [...notes, ...runtime.notes], findings: [...staticFindings, ...runtime.findings] });
 * ```
 */
export function checkRuntimeSchemas(loaded: Pick<LoadedConfig, 'file' | 'config'>, options: ResolvedOptions, context: RuntimeCheckContext): RuntimeCheckResult {
  const configFile = reportPath(loaded.file, context.cwd);
  const judged = staticallyJudged(context);
  const findings: ReportFinding[] = [];
  const notes: ReportNote[] = [];
  const merged = new Map<ReportTool, ReportTool>();
  const added: ReportTool[] = [];
  const tools = listedTools(loaded.config);

  for (const tool of tools) {
    const name = toolName(tool);
    if (name === undefined) {
      notes.push({ code: 'runtime-check', message: `A tool of ${configFile} has no name: its input schema was not checked at run time.`, file: configFile });
      continue;
    }
    const paths = readInputFields(tool, name, configFile, notes);
    const staticEntry = staticEntryOf(name, configFile, context.staticTools);
    const at = staticEntry === undefined ? { file: configFile, line: 1 } : { file: staticEntry.file, line: staticEntry.line };
    const fields: { input: string[]; identity: string[]; credential: string[] } = { input: [], identity: [], credential: [] };
    for (const path of paths) {
      const field = path.join('.');
      fields.input.push(field);
      for (const found of inputFieldFindings(path, name, options, context.dialect)) {
        const { ruleId } = found;
        if (ruleId === 'mcify/no-identity-in-input') fields.identity.push(field);
        else fields.credential.push(field);
        if (judged.has(judgedKey(ruleId, name, field))) continue;
        const severity = options.severity[ruleId] ?? rules[ruleId].severity;
        if (severity === 'off') continue;
        findings.push({
          ruleId,
          severity,
          confidence: 'high',
          messageId: found.messageId,
          data: found.data,
          field,
          message: found.message,
          file: at.file,
          line: at.line,
          column: 1,
          // The schema has no source position: an empty region at the start of the tool's line.
          endLine: at.line,
          endColumn: 1,
          tool: name,
          flow: [{ file: at.file, line: at.line, column: 1, message: seenAtRunTime }],
        });
      }
    }
    if (staticEntry !== undefined) {
      merged.set(staticEntry, {
        ...staticEntry,
        inputFields: union(staticEntry.inputFields, fields.input),
        identityFields: union(staticEntry.identityFields, fields.identity),
        credentialFields: union(staticEntry.credentialFields, fields.credential),
      });
      continue;
    }
    // Listed even when its schema could not be read: the server has the tool either way.
    const gates = authGates(tool);
    added.push({
      name,
      kind: 'tool',
      file: configFile,
      line: 1,
      requiresAuth: gates.length > 0,
      scopeGates: gates.filter((scopes) => scopes.length > 0).map((scopes) => `requireAuth({ scopes: [${scopes.map((scope) => `'${scope}'`).join(', ')}] })`),
      inputFields: fields.input,
      identityFields: fields.identity,
      credentialFields: fields.credential,
      sinks: [],
    });
    notes.push({
      code: 'runtime-check',
      message: `Tool ${name} was found only by loading ${configFile}: static analysis did not see its definition, so its inventory entry shows the input fields seen at run time, requiresAuth only for a requireAuth() the loaded tool exposes, and no handler sinks.`,
      file: configFile,
    });
  }

  return { findings, notes, tools: [...context.staticTools.map((entry) => merged.get(entry) ?? entry), ...added] };
}

// ---------------------------------------------------------------------------------------------------
// Dedup against the static pass.

function judgedKey(ruleId: RuleId, tool: string, field: string): string {
  return JSON.stringify([ruleId, tool, field]);
}

/** (rule, tool, field) triples the static pass reported, suppressed or switched off. */
function staticallyJudged(context: RuntimeCheckContext): Set<string> {
  const judged = new Set<string>();
  for (const finding of context.staticFindings) {
    if (finding.tool === null) continue;
    if (finding.field !== undefined) judged.add(judgedKey(finding.ruleId, finding.tool, finding.field));
  }
  for (const entry of context.staticTools) {
    if (entry.name === null) continue;
    for (const field of entry.identityFields) judged.add(judgedKey('mcify/no-identity-in-input', entry.name, field));
    for (const field of entry.credentialFields) judged.add(judgedKey('mcify/no-credential-in-input', entry.name, field));
  }
  return judged;
}

/**
 * The static entry of a loaded tool: a `tool` of that name, preferably in the config's file (a program
 * may hold several servers that reuse a name), else the first by file and line so the choice is stable.
 */
function staticEntryOf(name: string, configFile: string, staticTools: readonly ReportTool[]): ReportTool | undefined {
  const candidates = staticTools.filter((entry) => entry.kind === 'tool' && entry.name === name);
  return candidates.find((entry) => entry.file === configFile) ?? [...candidates].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)[0];
}

function union(first: readonly string[], second: readonly string[]): string[] {
  return [...new Set([...first, ...second])];
}

/** The field paths of a tool's input, or none, with a note saying why, when they cannot be read. */
function readInputFields(tool: unknown, name: string, configFile: string, notes: ReportNote[]): (readonly string[])[] {
  try {
    const converted = convert(toolProperty(tool, 'input'));
    if ('problem' in converted) {
      notes.push({ code: 'runtime-check', message: `The input schema of ${name} ${converted.problem}: it was not checked at run time.`, file: configFile });
      return [];
    }
    const walk = fieldPaths(converted.schema);
    if (walk.truncated) {
      notes.push({
        code: 'runtime-check',
        message: `The input schema of ${name} is larger than the runtime check walks (${String(limits.fields)} fields, ${String(limits.pathLength)} levels, ${String(limits.nodes)} schema nodes): fields beyond were not checked.`,
        file: configFile,
      });
    }
    return walk.paths;
  } catch (error) {
    // A getter or proxy in user code may throw; the report goes on without this schema.
    notes.push({ code: 'runtime-check', message: `The runtime schema check stopped on ${name}: ${errorText(error)}`, file: configFile });
    return [];
  }
}

// ---------------------------------------------------------------------------------------------------
// Reading the loaded tool: user values, so every access is defensive.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The config's tools; none when `tools` is not a readable array. */
function listedTools(config: unknown): readonly unknown[] {
  try {
    const tools = toolProperty(config, 'tools');
    return Array.isArray(tools) ? [...(tools as unknown[])] : [];
  } catch {
    return [];
  }
}

function toolProperty(tool: unknown, key: string): unknown {
  return isRecord(tool) ? tool[key] : undefined;
}

function toolName(tool: unknown): string | undefined {
  try {
    const name = toolProperty(tool, 'name');
    return typeof name === 'string' && name !== '' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The scopes of each `requireAuth()` gate among a tool's middlewares (an empty list: a gate without
 * scopes). The reference core records the gate under a key of the global symbol registry, so
 * `authGateOf` reads it whatever copy of the core (the config's, ours) put it there; it is read as
 * unknown all the same. The published `@mcify/core` records none: its tools expose no middlewares at all.
 */
function authGates(tool: unknown): string[][] {
  const gates: string[][] = [];
  try {
    const middlewares = toolProperty(tool, 'middlewares');
    if (!Array.isArray(middlewares)) return [];
    for (const middleware of middlewares as unknown[]) {
      if (typeof middleware !== 'function') continue;
      const gate: unknown = authGateOf(middleware as Middleware);
      if (!isRecord(gate)) continue;
      const scopes: unknown = gate.scopes;
      gates.push(Array.isArray(scopes) ? (scopes as unknown[]).filter((scope) => typeof scope === 'string') : []);
    }
  } catch {
    // A throwing getter on a user middleware: the gates read so far are what is known.
  }
  return gates;
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

// ---------------------------------------------------------------------------------------------------
// zod → JSON Schema.

/**
 * zod 4 schemas (`zod/v4`, `zod/v4-mini`, zod 4 itself) carry their internals on `_zod`. Recognised by
 * shape, not `instanceof`, because the config may load its own copy of zod.
 */
function isZod4Schema(value: unknown): value is $ZodType {
  return isRecord(value) && isRecord(value._zod) && isRecord(value._zod.def);
}

/** What zod-to-json-schema takes: a zod 3 schema. */
type Zod3Schema = Parameters<typeof zodToJsonSchema>[0];

/** zod 3 schemas: a `_def` naming its zod type, which is what zod-to-json-schema dispatches on. */
function isZod3Schema(value: unknown): value is Zod3Schema {
  return isRecord(value) && isRecord(value._def) && typeof value._def.typeName === 'string';
}

/** The input schema as JSON Schema, or why it cannot be had. */
function convert(input: unknown): { readonly schema: unknown } | { readonly problem: string } {
  if (input === undefined || input === null) return { problem: 'is missing (the tool has no input)' };
  try {
    // zod 4 first: its classic schemas also have a `_def` (without `typeName`).
    if (isZod4Schema(input)) {
      // What the agent sends (`io: 'input'`); unrepresentable parts become `{}` rather than failing the tool.
      return { schema: toJSONSchema(input, { io: 'input', unrepresentable: 'any', cycles: 'ref' }) };
    }
    if (isZod3Schema(input)) {
      // As the runtime lists the tool to clients, but with `$ref`s kept: they make recursion finite.
      return { schema: zodToJsonSchema(input, { $refStrategy: 'root', effectStrategy: 'input', pipeStrategy: 'input' }) };
    }
    return { problem: 'is not a zod schema' };
  } catch (error) {
    return { problem: `could not be converted to JSON Schema (${errorText(error)})` };
  }
}

// ---------------------------------------------------------------------------------------------------
// JSON Schema → field paths.

interface Walk {
  /** Property paths from the root, each once, in the order first seen: `['filter', 'userId']`. */
  readonly paths: (readonly string[])[];
  /** A bound stopped the walk. */
  readonly truncated: boolean;
}

/**
 * The property paths of a JSON Schema, as the static check reads them from a type: object properties
 * nest, array items and `anyOf` / `oneOf` / `allOf` branches keep the path, local `$ref`s are followed.
 * A schema already on the current path is not entered again, so recursion yields each field once, at its
 * shallowest path; path length, schema nodes and field count are bounded.
 */
function fieldPaths(root: unknown): Walk {
  const paths: (readonly string[])[] = [];
  const seen = new Set<string>();
  let nodes = 0;
  let truncated = false;

  const visit = (schema: unknown, path: readonly string[], ancestors: ReadonlySet<object>): void => {
    if (!isRecord(schema) || ancestors.has(schema)) return;
    if (nodes >= limits.nodes) {
      truncated = true;
      return;
    }
    nodes += 1;
    const inside = new Set(ancestors).add(schema);
    if (typeof schema.$ref === 'string') visit(resolvePointer(root, schema.$ref), path, inside);
    const { properties } = schema;
    if (isRecord(properties) && !Array.isArray(properties)) {
      for (const [key, child] of Object.entries(properties)) {
        const fieldPath = [...path, key];
        const id = JSON.stringify(fieldPath);
        if (!seen.has(id)) {
          if (fieldPath.length > limits.pathLength || paths.length >= limits.fields) {
            truncated = true;
            return;
          }
          seen.add(id);
          paths.push(fieldPath);
        }
        visit(child, fieldPath, inside);
      }
    }
    // Same path: an array's elements, a tuple's positions, a union's or intersection's branches.
    for (const key of ['items', 'prefixItems', 'additionalItems', 'anyOf', 'oneOf', 'allOf']) {
      const value = schema[key];
      if (Array.isArray(value)) for (const branch of value as unknown[]) visit(branch, path, inside);
      else visit(value, path, inside);
    }
  };

  visit(root, [], new Set());
  return { paths, truncated };
}

/** A local JSON pointer (`#`, `#/definitions/x`, `#/$defs/__schema0`, `#/properties/a`) in `root`. */
function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  const pointer = ref.slice(1);
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    let token: string;
    try {
      token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined;
    }
    if (!isRecord(node) || !Object.hasOwn(node, token)) return undefined;
    node = node[token];
  }
  return node;
}
