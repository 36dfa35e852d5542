/**
 * `mcify-audit`: the command line, and its pieces for programmatic use.
 *
 * @packageDocumentation
 */
export { runCli } from './cli.js';
export { loadConfig, referenceConfigOf, referenceRuntimeGap, ConfigLoadError, type LoadedConfig, type LoadedServer } from './load-config.js';
export { serve, parseServeArgs, type ServeOptions } from './commands/serve.js';
export { processIo, type CommandIo } from './io.js';
export { UsageError } from './usage-error.js';
export { resolveProjects, buildProgram, scanOptionsFor, type Project, type ProjectNote } from './project/projects.js';
export { checkRuntimeSchemas } from './runtime-check/runtime-schema-check.js';
export type { Report, ReportFinding, ReportTool, ReportNote, ReportNoteCode, ReportDialect, Formatter, FormatContext } from './report/report.js';
