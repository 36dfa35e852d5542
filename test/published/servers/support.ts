/**
 * Test support: the two MCP servers that are not ours (./mcify-published on the published mcify
 * runtime, ./sdk-stateful on the official SDK), started outside this repository, where the published
 * framework is installed: in the packed-install project's run folder (../support/published-project.ts).
 *
 * The servers are copied to a folder of this process's own beside the project (`<run>/neutral-<random>/`),
 * whose `node_modules` links to the project's: inside the project they would be scanned and linted by
 * the packed-install tests, and the project is shared. Each start runs `node start.mjs` there and reads
 * its one JSON line (the `mcify-audit serve` contract).
 *
 * ```ts
 * const server = await startNeutralServer('sdk-stateful'); // in beforeAll, hook timeout of minutes
 * // mcify-audit fuzz --url server.url --token nina@northwind=... ; compare with server.planted
 * await server.close();
 * ```
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishedProject } from '../support/published-project.js';

/** The servers, by folder name. */
export const neutralServerNames = ['mcify-published', 'sdk-stateful'] as const;
export type NeutralServerName = (typeof neutralServerNames)[number];

/** `planted`: the servers as planted.json describes them; `fixed`: with the planted flaws removed (planted-fixed.json). */
export type NeutralServerVariant = 'planted' | 'fixed';

/** The servers' sources in this repository. */
export const neutralServersSource = fileURLToPath(new URL('./', import.meta.url));

/** A flaw planted in a server, as its planted.json lists it (`file` relative to the server's folder). */
export interface PlantedFlaw {
  readonly ruleId: string;
  readonly tool: string | null;
  readonly file: string;
  readonly description: string;
}

export interface NeutralPrincipal {
  readonly tenant: string;
  readonly scopes: readonly string[];
}

/** How the server's process ended. */
export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface NeutralServer {
  readonly name: NeutralServerName;
  readonly variant: NeutralServerVariant;
  /** The server's folder (the copy it runs from); `planted[].file` is relative to it. */
  readonly folder: string;
  /** The MCP endpoint, `http://127.0.0.1:PORT/mcp`. */
  readonly url: string;
  /** principal → bearer token. */
  readonly tokens: Readonly<Record<string, string>>;
  readonly principals: Readonly<Record<string, NeutralPrincipal>>;
  /** What a harness run must report: planted.json, or for the fixed variant planted-fixed.json (what the framework does by itself). */
  readonly planted: readonly PlantedFlaw[];
  /** What the server wrote on stderr so far. */
  stderr(): string;
  /** Sends SIGTERM and waits for the exit (SIGKILL after 10 s). Idempotent. */
  close(): Promise<ServerExit>;
}

/** A server's planted.json, or planted-fixed.json for the fixed variant. */
export function plantedFlaws(name: NeutralServerName, variant: NeutralServerVariant = 'planted'): PlantedFlaw[] {
  return JSON.parse(readFileSync(join(neutralServersSource, name, variant === 'fixed' ? 'planted-fixed.json' : 'planted.json'), 'utf8')) as PlantedFlaw[];
}

let copied: Promise<string> | undefined;

/** This process's copy of the servers, beside the installed project, resolving the project's packages. */
export function neutralServersFolder(): Promise<string> {
  copied ??= (async () => {
    const project = await publishedProject();
    const folder = mkdtempSync(join(dirname(project.root), 'neutral-'));
    for (const name of neutralServerNames) cpSync(join(neutralServersSource, name), join(folder, name), { recursive: true });
    symlinkSync(join(project.root, 'node_modules'), join(folder, 'node_modules'), 'junction');
    return folder;
  })();
  return copied;
}

/** The start line, checked. */
function parseStartLine(line: string, name: string): Pick<NeutralServer, 'url' | 'tokens' | 'principals'> {
  const value = JSON.parse(line) as { url?: unknown; tokens?: unknown; principals?: unknown };
  const isRecord = (candidate: unknown): candidate is Record<string, unknown> => typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate);
  if (typeof value.url !== 'string' || !isRecord(value.tokens) || !isRecord(value.principals)) throw new Error(`${name}: the start line is not {"url", "tokens", "principals"}.`);
  const tokens: Record<string, string> = {};
  for (const [principal, token] of Object.entries(value.tokens)) {
    if (typeof token !== 'string') throw new Error(`${name}: the token of ${principal} is not a string.`);
    tokens[principal] = token;
  }
  const principals: Record<string, NeutralPrincipal> = {};
  for (const [principal, summary] of Object.entries(value.principals)) {
    if (!isRecord(summary) || typeof summary.tenant !== 'string' || !Array.isArray(summary.scopes) || !summary.scopes.every((scope) => typeof scope === 'string')) throw new Error(`${name}: principal ${principal} is not { tenant, scopes }.`);
    principals[principal] = { tenant: summary.tenant, scopes: summary.scopes };
  }
  return { url: value.url, tokens, principals };
}

/**
 * Starts one of the servers (`node start.mjs` in this process's copy) and resolves once it printed its
 * start line. The first call of a run installs the published-framework project (minutes).
 */
export async function startNeutralServer(name: NeutralServerName, options: { readonly variant?: NeutralServerVariant; readonly timeoutMs?: number } = {}): Promise<NeutralServer> {
  const variant = options.variant ?? 'planted';
  const folder = join(await neutralServersFolder(), name);
  const env: NodeJS.ProcessEnv = { ...process.env, NEUTRAL_SERVER_VARIANT: variant };
  // Not the repository's loaders or vitest's settings: a plain node, as a user runs it.
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['start.mjs'], { cwd: folder, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<ServerExit>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  const line = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      reject(new Error(`${name} printed no start line within ${String(options.timeoutMs ?? 30_000)} ms:\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const end = stdout.indexOf('\n');
      if (end >= 0) {
        clearTimeout(timer);
        resolve(stdout.slice(0, end));
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${String(code ?? signal)}) before its start line:\n${stderr}`));
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });
  let started: Pick<NeutralServer, 'url' | 'tokens' | 'principals'>;
  try {
    started = parseStartLine(line, name);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  let closing: Promise<ServerExit> | undefined;
  return {
    name,
    variant,
    folder,
    ...started,
    planted: plantedFlaws(name, variant),
    stderr: () => stderr,
    close: () => {
      closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
          child.stdout.destroy();
          child.stderr.destroy();
        }
      })();
      return closing;
    },
  };
}

/**
 * The `--token` arguments of `mcify-audit fuzz --url` for a started server, in the documented
 * `env:VAR` form: `--token alice@acme[orders:read,orders:refund]=env:MCIFY_TOKEN_ALICE`, with the tokens
 * in `env` (so no token is on a command line).
 */
export function fuzzTokenArguments(server: Pick<NeutralServer, 'tokens' | 'principals'>): { readonly args: string[]; readonly env: Record<string, string> } {
  const args: string[] = [];
  const env: Record<string, string> = {};
  for (const [name, principal] of Object.entries(server.principals)) {
    const token = server.tokens[name];
    if (token === undefined) throw new Error(`No token for ${name}.`);
    const variable = `MCIFY_TOKEN_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    env[variable] = token;
    args.push('--token', `${name}@${principal.tenant}[${principal.scopes.join(',')}]=env:${variable}`);
  }
  return { args, env };
}
