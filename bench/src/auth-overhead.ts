/**
 * Auth overhead: requests/s of MCP `tools/call` on a server that verifies a JWT on every request, over
 * the same server with auth off. Both servers run in this process; the load comes from autocannon in a
 * child process. The ratio `jwt / none` is the result; the absolute numbers depend on the machine.
 *
 * @module
 */
import { z } from 'zod';
import { defineConfig, defineTool, none, oauth, type AuthConfig, type McifyConfig } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { serveNode, type RunningServer } from '@mcify/runtime';
import { createTestIdp, type TestIdp } from '@mcify-audit/harness';
import { formatNumber, mean, median, type BenchContext, type Benchmark, type BenchmarkReport } from './benchmark.js';
import { runLoad } from './load-client.js';
import type { LoadResult } from './load-protocol.js';

const AUDIENCE = 'bench';
const PROTOCOL_VERSION = '2025-06-18';
const CONNECTIONS = 10;
/** Measured runs per variant, interleaved (A B A B). */
const ROUNDS = 2;
/** Warm-up per variant before measuring, in seconds (capped at the run duration). */
const WARMUP_SEC = 1;

const REQUEST_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'echo', arguments: { text: 'hello bench' } },
});

/** The tool under test: small input, small structured output. With `gated`, it requires an authenticated caller. */
function echoTool(gated: boolean) {
  return defineTool({
    name: 'echo',
    description: 'Echoes text back with its length.',
    ...(gated ? { middlewares: [requireAuth()] } : {}),
    input: z.object({ text: z.string().max(200) }),
    output: z.object({ text: z.string(), length: z.number().int() }),
    handler: ({ text }) => ({ text, length: text.length }),
  });
}

function benchConfig(auth: AuthConfig, gated: boolean): McifyConfig {
  return defineConfig({
    name: `bench-auth-${auth.type}`,
    version: '0.0.0',
    description: 'Benchmark server: one echo tool.',
    auth,
    tools: [echoTool(gated)],
  });
}

const toolCallAnswer = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.literal(1),
  result: z.object({
    isError: z.boolean().optional(),
    structuredContent: z.object({ text: z.literal('hello bench'), length: z.literal(11) }),
  }),
});

interface Variant {
  /** `jwt` or `none`. */
  readonly id: 'jwt' | 'none';
  readonly label: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

function headersFor(token: string | undefined): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': PROTOCOL_VERSION,
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
  };
}

/** One request outside the load: status and body. */
async function callOnce(url: string, headers: Readonly<Record<string, string>>): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers, body: REQUEST_BODY, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, text: await response.text() };
}

/**
 * Checks that the variant answers the benchmark request with a successful tool result (not a JSON-RPC
 * error, not `isError`). Returns the body when it is the same on two calls (so the load can check
 * every response against it), `null` when it is valid but varies, or a failure message.
 */
async function precheck(variant: Variant): Promise<{ expectBody: string | null } | { failure: string }> {
  const first = await callOnce(variant.url, variant.headers);
  if (first.status !== 200) return { failure: `${variant.id}: pre-check answered HTTP ${first.status}: ${first.text.slice(0, 300)}` };
  let json: unknown;
  try {
    json = JSON.parse(first.text);
  } catch {
    return { failure: `${variant.id}: pre-check answered a body that is not JSON: ${first.text.slice(0, 300)}` };
  }
  const answer = toolCallAnswer.safeParse(json);
  if (!answer.success || answer.data.result.isError === true) {
    return { failure: `${variant.id}: pre-check did not answer the echo tool result: ${first.text.slice(0, 300)}` };
  }
  const second = await callOnce(variant.url, variant.headers);
  return { expectBody: second.status === 200 && second.text === first.text ? first.text : null };
}

/** Why a load run's numbers are not usable, if they are not. */
function runProblems(variant: Variant, phase: string, result: LoadResult): string[] {
  const problems: string[] = [];
  if (result.non2xx > 0) {
    problems.push(`${variant.id} ${phase}: ${result.non2xx} non-2xx responses (status codes ${JSON.stringify(result.statusCodes)})`);
  }
  if (result.errors > 0 || result.timeouts > 0) {
    problems.push(`${variant.id} ${phase}: ${result.errors} connection errors, ${result.timeouts} timeouts`);
  }
  if (result.mismatches > 0) problems.push(`${variant.id} ${phase}: ${result.mismatches} responses differ from the tool result`);
  if (result.ok2xx === 0) problems.push(`${variant.id} ${phase}: no successful responses`);
  return problems;
}

interface Aggregate {
  readonly variant: Variant['id'];
  readonly label: string;
  /** Mean over runs of each run's mean req/s. */
  readonly requestsPerSec: number;
  readonly requestsPerSecRuns: readonly number[];
  /** Median over runs. */
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
}

function aggregate(variant: Variant, runs: readonly LoadResult[]): Aggregate {
  return {
    variant: variant.id,
    label: variant.label,
    requestsPerSec: mean(runs.map((run) => run.requestsPerSec.mean)),
    requestsPerSecRuns: runs.map((run) => run.requestsPerSec.mean),
    latencyP50Ms: median(runs.map((run) => run.latencyMs.p50)),
    latencyP99Ms: median(runs.map((run) => run.latencyMs.p99)),
    requests: runs.reduce((sum, run) => sum + run.total, 0),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    errors: runs.reduce((sum, run) => sum + run.errors + run.timeouts, 0),
  };
}

function reading(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'no ratio: a variant has no throughput';
  const cost = (1 - ratio) * 100;
  return cost > 0
    ? `JWT auth costs ${formatNumber(cost, 1)}% throughput (jwt / none = ${formatNumber(ratio, 3)})`
    : `JWT auth shows no throughput cost in this run (jwt / none = ${formatNumber(ratio, 3)})`;
}

/** Spread of one variant's runs, (max - min) / mean; above {@link NOISY_SPREAD} the ratio is flagged as noisy. */
function spread(values: readonly number[]): number {
  const average = mean(values);
  return average > 0 ? (Math.max(...values) - Math.min(...values)) / average : 0;
}

const NOISY_SPREAD = 0.2;

function noiseNote(entries: readonly Aggregate[]): string {
  const noisy = entries.filter((entry) => spread(entry.requestsPerSecRuns) > NOISY_SPREAD);
  if (noisy.length === 0) return '';
  const which = noisy.map((entry) => `${entry.variant} ${formatNumber(spread(entry.requestsPerSecRuns) * 100)}%`).join(', ');
  return `\nnote: runs of one variant differ by more than ${NOISY_SPREAD * 100}% (${which}): the machine was busy; rerun on a quieter machine or with a longer BENCH_DURATION.`;
}

function failedReport(failures: readonly string[], data: Readonly<Record<string, unknown>>): BenchmarkReport {
  return { failures, table: { columns: ['variant', 'status'], rows: [['-', 'not measured']] }, summary: 'not measured', data };
}

async function closeAll(servers: readonly RunningServer[], idp: TestIdp): Promise<void> {
  await Promise.allSettled(servers.map((server) => server.close()));
  await idp.close();
}

async function measure(context: BenchContext): Promise<BenchmarkReport> {
  const idp = await createTestIdp({ alg: 'RS256' });
  const servers: RunningServer[] = [];
  try {
    const serverOptions = { port: 0, hostname: '127.0.0.1', logging: { level: 'error' } } as const;
    const jwtAuth = oauth({ provider: 'custom', issuer: idp.issuer, audience: AUDIENCE, jwksUri: idp.jwksUri });
    const jwtServer = await serveNode(benchConfig(jwtAuth, true), serverOptions);
    servers.push(jwtServer);
    const noneServer = await serveNode(benchConfig(none(), false), serverOptions);
    servers.push(noneServer);
    const token = await idp.mint({ sub: 'bench-user' }, { audience: AUDIENCE, scopes: [], expiresInSec: 900 });

    const variants: readonly Variant[] = [
      { id: 'jwt', label: 'JWT (RS256) + requireAuth', url: jwtServer.url, headers: headersFor(token) },
      { id: 'none', label: 'auth none()', url: noneServer.url, headers: headersFor(undefined) },
    ];

    // Pre-checks: each variant answers the tool result, and the JWT server really refuses a missing token.
    const failures: string[] = [];
    const expectBodies = new Map<Variant['id'], string | null>();
    for (const variant of variants) {
      const check = await precheck(variant);
      if ('failure' in check) failures.push(check.failure);
      else expectBodies.set(variant.id, check.expectBody);
    }
    const anonymous = await callOnce(jwtServer.url, headersFor(undefined));
    if (anonymous.status !== 401) failures.push(`jwt: a request without a token answered ${anonymous.status}, expected 401`);
    if (failures.length > 0) return failedReport(failures, { failures });

    const jobFor = (variant: Variant, durationSec: number) => {
      const expectBody = expectBodies.get(variant.id);
      return {
        url: variant.url,
        method: 'POST' as const,
        headers: { ...variant.headers },
        body: REQUEST_BODY,
        connections: CONNECTIONS,
        durationSec,
        ...(expectBody === null || expectBody === undefined ? {} : { expectBody }),
      };
    };

    const warmupSec = Math.min(WARMUP_SEC, context.durationSec);
    for (const variant of variants) {
      context.log(`auth-overhead: warm-up ${variant.id} (${warmupSec} s)`);
      failures.push(...runProblems(variant, 'warm-up', await runLoad(jobFor(variant, warmupSec))));
    }

    const runs = new Map<Variant['id'], LoadResult[]>(variants.map((variant) => [variant.id, []]));
    const sequence: { round: number; variant: Variant['id']; requestsPerSec: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const variant of variants) {
        context.log(`auth-overhead: round ${round}/${ROUNDS} ${variant.id} (${context.durationSec} s)`);
        const result = await runLoad(jobFor(variant, context.durationSec));
        failures.push(...runProblems(variant, `round ${round}`, result));
        runs.get(variant.id)?.push(result);
        sequence.push({ round, variant: variant.id, requestsPerSec: result.requestsPerSec.mean });
      }
    }

    const [jwt, plain] = variants.map((variant) => aggregate(variant, runs.get(variant.id) ?? []));
    if (jwt === undefined || plain === undefined) throw new Error('auth-overhead: missing a variant');
    const ratio = plain.requestsPerSec > 0 ? jwt.requestsPerSec / plain.requestsPerSec : Number.NaN;
    const jwksFetches = idp.requests.filter((request) => request.path === '/jwks').length;
    if (jwksFetches !== 1) failures.push(`jwt: the JWKS was fetched ${jwksFetches} times, expected once (cached)`);

    const row = (entry: Aggregate): string[] => [
      entry.variant,
      entry.label,
      formatNumber(entry.requestsPerSec),
      entry.requestsPerSecRuns.map((value) => formatNumber(value)).join(' / '),
      formatNumber(entry.latencyP50Ms, 2),
      formatNumber(entry.latencyP99Ms, 2),
      formatNumber(entry.requests),
      formatNumber(entry.non2xx + entry.errors),
    ];
    return {
      failures,
      table: {
        columns: ['variant', 'server', 'req/s (mean)', 'req/s per run', 'p50 ms', 'p99 ms', 'requests', 'non-2xx+errors'],
        rows: [row(jwt), row(plain), ['jwt / none', 'ratio', Number.isFinite(ratio) ? formatNumber(ratio, 3) : 'n/a', '', '', '', '', '']],
      },
      summary: `${reading(ratio)}${noiseNote([jwt, plain])}`,
      data: {
        ratio,
        throughputCostPercent: (1 - ratio) * 100,
        runSpread: { jwt: spread(jwt.requestsPerSecRuns), none: spread(plain.requestsPerSecRuns) },
        variants: { jwt, none: plain },
        sequence,
        runs: Object.fromEntries(runs),
        settings: {
          durationSec: context.durationSec,
          warmupSec,
          rounds: ROUNDS,
          connections: CONNECTIONS,
          tool: 'echo',
          request: JSON.parse(REQUEST_BODY) as unknown,
          protocolVersion: PROTOCOL_VERSION,
          alg: 'RS256',
          everyResponseChecked: Object.fromEntries([...expectBodies].map(([id, body]) => [id, body !== null])),
        },
        jwksFetches,
        failures,
      },
    };
  } finally {
    await closeAll(servers, idp);
  }
}

export const authOverhead: Benchmark = {
  name: 'auth-overhead',
  description: 'MCP tools/call requests/s with JWT verification (RS256, JWKS cached) vs the same server with auth none()',
  run: measure,
};
