/**
 * Test support: validates a SARIF log with Microsoft's official validator (`sarif-multitool validate`,
 * from `@microsoft/sarif-multitool`), once with its default SARIF rules and once with the GitHub Advanced
 * Security ingestion rules (`--rule-kind Ghas`), and against the SARIF 2.1.0 JSON schema it ships.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

/** Which checks produced a validation result. */
export type ValidationKind = 'schema' | 'sarif' | 'ghas';

/** One problem the validator reported. */
export interface ValidationResult {
  readonly kind: ValidationKind;
  /** `JSON1008`, `SARIF1004`, `GH2012`, or `schema` for the JSON-schema check. */
  readonly ruleId: string;
  readonly level: 'error' | 'warning' | 'note' | 'none';
  readonly message: string;
}

/**
 * The multitool binary itself. `node_modules/.bin/sarif-multitool` is a wrapper that re-runs it through
 * a shell (`spawnSync(..., { shell: true })`), which would split a temp path with spaces and the
 * `;`-separated `--level` list; calling the binary it wraps avoids any quoting.
 */
const multitool = createRequire(import.meta.url)('@microsoft/sarif-multitool') as string;

/** The SARIF 2.1.0 schema the multitool ships with (draft 2020-12). */
const schemaPath = join(dirname(multitool), 'sarif-2.1.0.json');

interface MultitoolLog {
  readonly runs: readonly {
    readonly tool: {
      readonly driver: {
        readonly rules?: readonly {
          readonly id: string;
          readonly defaultConfiguration?: { readonly level?: ValidationResult['level'] };
          readonly messageStrings?: Readonly<Record<string, { readonly text: string }>>;
        }[];
      };
    };
    readonly results?: readonly {
      readonly ruleId: string;
      readonly ruleIndex?: number;
      readonly level?: ValidationResult['level'];
      readonly message: { readonly text?: string; readonly id?: string; readonly arguments?: readonly string[] };
    }[];
  }[];
}

let schemaValidator: ((log: unknown) => ValidationResult[]) | undefined;

/**
 * The JSON-schema check. The multitool needs it next to it: a log it cannot deserialize (an unknown
 * `level` such as `"fatal"`, say) makes it report nothing at all, exactly like a valid log.
 */
async function checkSchema(log: unknown): Promise<ValidationResult[]> {
  if (schemaValidator === undefined) {
    const schema = JSON.parse(await readFile(schemaPath, 'utf8')) as object;
    const ajv = new Ajv2020({ allErrors: true });
    // ajv-formats is CommonJS: under NodeNext its default import is the module object.
    ajvFormats.default(ajv);
    const validate = ajv.compile(schema);
    schemaValidator = (value) => {
      if (validate(value)) return [];
      return (validate.errors ?? []).map((error) => ({ kind: 'schema', ruleId: 'schema', level: 'error', message: `${error.instancePath || '/'} ${error.message ?? 'is invalid'}` }));
    };
  }
  return schemaValidator(log);
}

/** The results of a multitool output log, with each message's `{n}` placeholders filled in. */
function resultsOf(output: MultitoolLog, kind: ValidationKind): ValidationResult[] {
  return output.runs.flatMap((run) => {
    const rules = run.tool.driver.rules ?? [];
    return (run.results ?? []).map((result) => {
      const rule = result.ruleIndex === undefined ? rules.find((candidate) => candidate.id === result.ruleId) : rules[result.ruleIndex];
      const template = result.message.text ?? (result.message.id === undefined ? undefined : rule?.messageStrings?.[result.message.id]?.text) ?? result.message.id ?? '';
      const message = template.replace(/\{(\d+)\}/g, (placeholder, index: string) => result.message.arguments?.[Number(index)] ?? placeholder);
      // SARIF's default level is "warning" when neither the result nor its rule sets one.
      return { kind, ruleId: result.ruleId, level: result.level ?? rule?.defaultConfiguration?.level ?? 'warning', message };
    });
  });
}

async function runMultitool(logPath: string, outputPath: string, kind: 'sarif' | 'ghas'): Promise<ValidationResult[]> {
  // Notes are asked for too, so a caller can list them; the exit code is 0 whatever the log holds.
  const args = ['validate', logPath, '-o', outputPath, '--level', 'Error;Warning;Note', ...(kind === 'ghas' ? ['--rule-kind', 'Ghas'] : [])];
  try {
    await promisify(execFile)(multitool, args, { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    throw new Error(`sarif-multitool ${args.join(' ')} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const output = JSON.parse(await readFile(outputPath, 'utf8')) as MultitoolLog;
  return resultsOf(output, kind);
}

/**
 * Validates the text of a SARIF log: the JSON schema, then the multitool's default rules and its GitHub
 * ingestion rules (`--rule-kind Ghas`), each writing its own output log in a temporary directory that is
 * removed afterwards.
 *
 * @example
 * ```ts
 * const problems = await validateSarif(formatSarif(report, context));
 * expect(problems.filter((problem) => problem.level === 'error')).toEqual([]);
 * ```
 */
export async function validateSarif(logText: string): Promise<ValidationResult[]> {
  const directory = await mkdtemp(join(tmpdir(), 'mcify-sarif-'));
  try {
    const logPath = join(directory, 'log.sarif');
    await writeFile(logPath, logText);
    const schema = await checkSchema(JSON.parse(logText));
    // Two processes on two cores: the runs are independent.
    const [sarif, ghas] = await Promise.all([runMultitool(logPath, join(directory, 'sarif.sarif'), 'sarif'), runMultitool(logPath, join(directory, 'ghas.sarif'), 'ghas')]);
    return [...schema, ...sarif, ...ghas];
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** `kind RULE level: message`, one per line, for assertion messages. */
export function describeResults(results: readonly ValidationResult[]): string {
  return results.map((result) => `${result.kind} ${result.ruleId} ${result.level}: ${result.message}`).join('\n');
}
