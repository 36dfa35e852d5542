/**
 * What the harness benchmarks share: `mcify-audit serve` of a fixture in its own process, and a
 * target whose requests are counted and recorded (for the replayed mix and for requests-until-finding).
 *
 * @module
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { blackBoxTarget, parseTokenSpec, type FuzzTarget } from '@mcify-audit/harness';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cliBin = fileURLToPath(new URL('../../packages/cli/bin/mcify-audit.js', import.meta.url));

const serveLine = z.object({ url: z.string(), tokens: z.record(z.string()), principals: z.record(z.object({ tenant: z.string(), scopes: z.array(z.string()) })) });

export interface Served {
  readonly url: string;
  readonly tokens: Readonly<Record<string, string>>;
  readonly principals: Readonly<Record<string, { readonly tenant: string; readonly scopes: readonly string[] }>>;
  close(): Promise<void>;
}

/** `mcify-audit serve CONFIG` in a child process, until `close()`. */
export async function serveFixture(config: string): Promise<Served> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [cliBin, 'serve', config], { cwd: repoRoot });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const lines = createInterface({ input: child.stdout });
  const first = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => undefined)])) as [string] | undefined;
  lines.close();
  if (first === undefined) throw new Error(`mcify-audit serve ${config} exited before printing its line: ${stderr}`);
  const line = serveLine.parse(JSON.parse(first[0]));
  return {
    ...line,
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** A black-box target on a served fixture, with every principal's tenant and scopes as `serve` printed them. */
export function servedTarget(served: Served): Promise<FuzzTarget> {
  const tokens = Object.entries(served.tokens).map(([name, token]) => {
    const principal = served.principals[name];
    return parseTokenSpec(`${name}@${principal?.tenant ?? name}[${(principal?.scopes ?? []).join(',')}]=${token}`);
  });
  return blackBoxTarget({ url: served.url, tokens });
}

/** One request as sent, for replay (tokens included: it never leaves the benchmark process but to the load child). */
export interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

/** The target with every request it sends counted and, when `record` is given, recorded. */
export function countingTarget(target: FuzzTarget, record?: SentRequest[]): { target: FuzzTarget; sent(): number } {
  let sent = 0;
  const fetch: FuzzTarget['fetch'] = async (input, init) => {
    sent += 1;
    if (record !== undefined) {
      const request = new Request(input, init);
      const body = request.body === null ? undefined : await request.clone().text();
      record.push({ method: request.method, path: new URL(request.url).pathname + new URL(request.url).search, headers: Object.fromEntries(request.headers), body });
    }
    return target.fetch(input, init);
  };
  return { target: { ...target, fetch, close: () => target.close() }, sent: () => sent };
}
