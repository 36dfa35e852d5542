/**
 * Load-generator child process: receives one {@link LoadJob} over IPC, runs autocannon for its bounded
 * duration, replies with a {@link LoadResult} and exits. Started by `load-client.ts`, never by hand.
 *
 * @module
 */
import autocannon from 'autocannon';
import { loadJobSchema, type LoadJob, type LoadReply, type LoadResult } from './load-protocol.js';

function summarize(result: autocannon.Result): LoadResult {
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count ?? 0;
  const pick = (histogram: autocannon.Histogram) => ({
    mean: histogram.mean,
    stddev: histogram.stddev,
    p50: histogram.p50,
    p90: histogram.p90,
    p99: histogram.p99,
    max: histogram.max,
  });
  return {
    durationSec: result.duration,
    total: result.requests.total,
    requestsPerSec: pick(result.requests),
    latencyMs: pick(result.latency),
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    statusCodes,
  };
}

async function runJob(job: LoadJob): Promise<LoadResult> {
  const result = await autocannon({
    url: job.url,
    method: job.method,
    headers: job.headers,
    ...(job.body === undefined ? {} : { body: job.body }),
    ...(job.expectBody === undefined ? {} : { expectBody: job.expectBody }),
    ...(job.requests === undefined ? {} : { requests: job.requests.map((request) => ({ ...request })) }),
    connections: job.connections,
    pipelining: 1,
    duration: job.durationSec,
    timeout: 10,
  });
  return summarize(result);
}

function reply(message: LoadReply): void {
  if (process.send === undefined) {
    process.stdout.write(`${JSON.stringify(message)}\n`);
    return;
  }
  process.send(message, () => {
    process.disconnect();
  });
}

if (process.send === undefined) {
  process.stderr.write('load.js is the load generator of the benchmarks; run `npm run bench` instead.\n');
  process.exitCode = 2;
} else {
  process.once('message', (message: unknown) => {
    const job = loadJobSchema.safeParse(message);
    if (!job.success) {
      reply({ ok: false, error: `invalid load job: ${job.error.message}` });
      return;
    }
    runJob(job.data).then(
      (result) => {
        reply({ ok: true, result });
      },
      (error: unknown) => {
        reply({ ok: false, error: error instanceof Error ? error.message : String(error) });
      },
    );
  });
}
