import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeProgram, findOptionsFile, noToolsMessage, resolveOptions, type AnalyzerOptions, type ResolvedOptions } from '@mcify-audit/analyzer';
import type { CommandIo } from '../io.js';
import { createProgress } from '../progress.js';
import { buildProgram, resolveProjects } from '../project/projects.js';
import { applyBaseline } from '../report/baseline.js';
import { noteLocation } from '../report/finding-view.js';
import { formatHtml } from '../report/format-html.js';
import { formatJson } from '../report/format-json.js';
import { formatMarkdown } from '../report/format-markdown.js';
import { formatSarif } from '../report/format-sarif.js';
import { formatText } from '../report/format-text.js';
import {
  createReport,
  reportDialect,
  reportFinding,
  reportNote,
  reportPath,
  reportTool,
  runDialect,
  type Formatter,
  type Report,
  type ReportDialect,
  type ReportFinding,
  type ReportNote,
  type ReportTool,
} from '../report/report.js';
import { UsageError } from '../usage-error.js';
import { cliVersion } from '../version.js';

export const formats = { text: formatText, json: formatJson, sarif: formatSarif, markdown: formatMarkdown, html: formatHtml } satisfies Record<string, Formatter>;
export type FormatName = keyof typeof formats;

const failOnLevels = ['error', 'warning', 'never'] as const;
export type FailOn = (typeof failOnLevels)[number];

/** Options of the static report, parsed. */
export interface AuditOptions {
  readonly paths: readonly string[];
  readonly format: FormatName;
  readonly output: string | undefined;
  readonly failOn: FailOn;
  readonly tsconfig: string | undefined;
  readonly load: string | undefined;
  readonly baseline: string | undefined;
  /** Exit 0 rather than 2 when the files define no mcify tool. */
  readonly passWithNoTools: boolean;
}

function isFormat(value: string): value is FormatName {
  return Object.hasOwn(formats, value);
}

function isFailOn(value: string): value is FailOn {
  return (failOnLevels as readonly string[]).includes(value);
}

/** Parses the static report's command line; throws `UsageError` with what to type instead. */
export function parseAuditArgs(args: readonly string[]): AuditOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        'fail-on': { type: 'string' },
        tsconfig: { type: 'string', short: 'p' },
        load: { type: 'string' },
        baseline: { type: 'string' },
        'pass-with-no-tools': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  const format = values.format ?? 'text';
  if (!isFormat(format)) throw new UsageError(`--format must be one of ${Object.keys(formats).join(', ')}; got "${format}".`);
  const failOn = values['fail-on'] ?? 'error';
  if (!isFailOn(failOn)) throw new UsageError(`--fail-on must be one of ${failOnLevels.join(', ')}; got "${failOn}".`);
  return {
    paths: parsed.positionals,
    format,
    output: values.output,
    failOn,
    tsconfig: values.tsconfig,
    load: values.load,
    baseline: values.baseline,
    passWithNoTools: values['pass-with-no-tools'] === true,
  };
}

/** The options of the shared configuration file found from `directory` upwards; invalid ones stop the run (exit 2) with what to fix. */
function optionsNear(directory: string): { options: AnalyzerOptions; resolved: ResolvedOptions } {
  const found = findOptionsFile(directory);
  try {
    return { options: found?.options ?? {}, resolved: resolveOptions(found?.options) };
  } catch (error) {
    throw new UsageError(`invalid options in ${found?.source ?? 'the mcify-audit configuration'}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The usage error for PATHs under which there is no file to analyse (ESLint's convention: exit 2), with
 * what the tsconfigs said about it.
 */
function nothingToAnalyse(paths: readonly string[], notes: readonly ReportNote[]): UsageError {
  const where = (paths.length === 0 ? ['.'] : paths).map((path) => `"${path}"`).join(', ');
  const said = notes
    .map((note) => {
      const location = noteLocation(note);
      return `\n  ${location === undefined ? '' : `${location}: `}${note.message}`;
    })
    .join('');
  return new UsageError(
    `no file to analyse under ${where}: mcify-audit reads .ts, .tsx, .mts, .cts, .js and .mjs files (not declaration files, node_modules, build output or hidden folders), or the files a tsconfig includes.${said}`,
  );
}

/** Runs the static analysis (and, with `--load`, the runtime schema check) and assembles the report. */
export async function buildAuditReport(options: AuditOptions, io: CommandIo, cwd: string): Promise<Report> {
  const progress = createProgress(io.status);
  const { projects, notes: projectNotes } = resolveProjects(options.paths, options.tsconfig, cwd);
  const notes: ReportNote[] = projectNotes.map((note) => reportNote(note, cwd));
  if (projects.every((project) => project.files.length === 0)) throw nothingToAnalyse(options.paths, notes);
  const findings: ReportFinding[] = [];
  const tools: ReportTool[] = [];
  const dialects: ReportDialect[] = [];
  const files = new Set<string>();
  try {
    for (const [index, project] of projects.entries()) {
      const analyzerOptions = optionsNear(project.optionsDirectory).options;
      const of = projects.length > 1 ? ` (project ${String(index + 1)} of ${String(projects.length)})` : '';
      progress.update(`reading ${String(project.rootNames.length)} files${of}`);
      const { program, notes: programNotes } = buildProgram(project);
      notes.push(...programNotes.map((note) => reportNote(note, cwd)));
      const result = analyzeProgram(program, analyzerOptions, project.files, {
        onProgress: ({ phase, done, total }) => {
          progress.update(`${phase === 'discovering' ? 'reading definitions in' : 'checking'} ${String(done)}/${String(total)} ${phase === 'discovering' ? 'files' : 'tools'}${of}`);
        },
      });
      for (const file of project.files) files.add(file);
      findings.push(...result.findings.map((finding) => reportFinding(finding, cwd)));
      tools.push(...result.tools.map((tool) => reportTool(tool, cwd)));
      dialects.push(reportDialect(result.dialect, cwd));
      // Whether the run as a whole found no tool is said once, below.
      notes.push(...result.notes.filter((note) => note.code !== 'no-tools').map((note) => reportNote(note, cwd)));
    }
  } finally {
    progress.done();
  }
  let allFindings = uniqueBy(findings, (finding) => JSON.stringify([finding.ruleId, finding.file, finding.line, finding.column, finding.tool]));
  let allTools = uniqueBy(tools, (tool) => JSON.stringify([tool.file, tool.line, tool.name]));
  const dialect = runDialect(dialects);

  if (options.load !== undefined) {
    const runtime = await runtimeCheck(options.load, allFindings, allTools, dialect, cwd);
    allFindings = [...allFindings, ...runtime.findings];
    allTools = runtime.tools;
    notes.push(...runtime.notes);
  }
  if (allTools.length === 0) notes.push({ code: 'no-tools', message: noToolsMessage });
  if (options.baseline !== undefined) {
    const baseline = applyBaseline(resolve(cwd, options.baseline), allFindings);
    allFindings = baseline.findings;
    notes.push({
      code: 'baseline',
      message: `Baseline ${options.baseline}: ${String(baseline.hidden)} known finding(s) hidden${baseline.gone > 0 ? `, ${String(baseline.gone)} baseline entr${baseline.gone === 1 ? 'y' : 'ies'} no longer found (fixed? refresh the baseline)` : ''}.`,
    });
    if (baseline.legacy > 0) {
      notes.push({
        code: 'baseline-outdated',
        message: `Baseline ${options.baseline} was written before findings had message ids: its ${String(baseline.legacy)} entr${baseline.legacy === 1 ? 'y matches' : 'ies match'} by message text, which changes when a message is reworded. Regenerate it: mcify-audit [PATH...] --format json --output ${options.baseline}`,
      });
    }
  }
  return createReport({
    version: cliVersion,
    dialect,
    files: files.size,
    tools: allTools,
    notes: uniqueBy(notes, (note) => JSON.stringify([note.code, note.file, note.line, note.column, note.message])),
    findings: allFindings,
  });
}

/**
 * `--load`: runs the config and checks the schemas it builds; a config that fails to load is a note.
 * The loader and the check are imported here, so a static report loads neither `tsx` nor the framework.
 */
async function runtimeCheck(config: string, staticFindings: readonly ReportFinding[], staticTools: readonly ReportTool[], dialect: ReportDialect, cwd: string) {
  const [{ ConfigLoadError, loadConfig }, { checkRuntimeSchemas }] = await Promise.all([import('../load-config.js'), import('../runtime-check/runtime-schema-check.js')]);
  let loaded;
  const file = resolve(cwd, config);
  try {
    loaded = await loadConfig(file);
  } catch (error) {
    if (!(error instanceof ConfigLoadError)) throw error;
    // Paths in reports are relative to the working directory; the message is one sentence of its own.
    const reason = error.message.replaceAll(file, reportPath(file, cwd)).replace(/[.\s]*$/, '.');
    return { findings: [], tools: [...staticTools], notes: [{ code: 'load-failed' as const, message: `--load: ${reason} The runtime schema check was skipped.`, file: reportPath(file, cwd) }] };
  }
  return checkRuntimeSchemas(loaded, optionsNear(dirname(loaded.file)).resolved, {
    cwd,
    staticFindings,
    staticTools,
    ...(dialect.name === 'mixed' ? {} : { dialect: dialect.name }),
  });
}

/**
 * The exit code for a report: 2 when it found no mcify tool (nothing was audited) unless
 * `passWithNoTools`, else 1 when a finding is at or above `--fail-on`, else 0.
 */
export function exitCodeFor(report: Report, failOn: FailOn, passWithNoTools = false): 0 | 1 | 2 {
  if (report.summary.tools === 0 && !passWithNoTools) return 2;
  if (failOn === 'never') return 0;
  if (report.summary.errors > 0) return 1;
  return failOn === 'warning' && report.summary.warnings > 0 ? 1 : 0;
}

/** What formats read the report's files with (code frames, fingerprints): each file once, relative to `cwd`; undefined when unreadable. */
export function sourceReader(cwd: string): (file: string) => string | undefined {
  const sources = new Map<string, string | undefined>();
  return (file) => {
    if (!sources.has(file)) {
      try {
        sources.set(file, readFileSync(resolve(cwd, file), 'utf8'));
      } catch {
        sources.set(file, undefined);
      }
    }
    return sources.get(file);
  };
}

/**
 * `mcify-audit [PATH...]`: the static report. Writes it to stdout or `--output`, and returns 0 or 1
 * according to `--fail-on`.
 */
export async function audit(options: AuditOptions, io: CommandIo, cwd: string = process.cwd()): Promise<number> {
  const report = await buildAuditReport(options, io, cwd);
  const sourceOf = sourceReader(cwd);
  const text = formats[options.format](report, { cwd, sourceOf, color: options.output === undefined && options.format === 'text' && io.color === true });
  if (options.output === undefined) {
    io.stdout(text);
  } else {
    const file = resolve(cwd, options.output);
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
    } catch (error) {
      throw new UsageError(`--output ${options.output}: cannot write the report (${error instanceof Error ? error.message : String(error)}).`);
    }
    const { errors, warnings } = report.summary;
    io.stderr(`mcify-audit: wrote the ${options.format} report to ${options.output}: ${String(errors)} error(s), ${String(warnings)} warning(s), ${String(report.summary.tools)} tool(s) in ${String(report.summary.files)} file(s).`);
  }
  const code = exitCodeFor(report, options.failOn, options.passWithNoTools);
  if (code === 2) {
    io.stderr(`mcify-audit: no mcify tool found in ${String(report.summary.files)} file(s), so nothing was audited (exit 2). Point mcify-audit at the server's sources, or pass --pass-with-no-tools to accept a run without tools.`);
  }
  return code;
}
