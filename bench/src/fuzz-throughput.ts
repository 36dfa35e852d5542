/**
 * Fuzz throughput: requests/s of a black-box `mcify-audit fuzz` run against `mcify-audit serve
 * fixtures/servers/orders` (its own process), over autocannon replaying the very requests that run
 * sent (the recorded mix, in order) over the same number of connections as the run's concurrency. The
 * ratio says how close the harness comes to the server's own speed on its traffic; the issue asks for
 * at least 0.5.
 *
 * @module
 */
import { runFuzz } from '@mcify-audit/harness';
import { formatNumber, type BenchContext, type Benchmark, type BenchmarkReport } from './benchmark.js';
import { countingTarget, servedTarget, serveFixture, type SentRequest } from './fuzz-support.js';
import { runLoad } from './load-client.js';

const CONCURRENCY = 4;
const SEED = 11;

export const fuzzThroughput: Benchmark = {
  name: 'fuzz-throughput',
  description: 'black-box fuzz of serve orders vs autocannon replaying its recorded requests, same connections',
  async run(context: BenchContext): Promise<BenchmarkReport> {
    const served = await serveFixture('fixtures/servers/orders/mcify.config.ts');
    const failures: string[] = [];
    try {
      const recorded: SentRequest[] = [];
      const counted = countingTarget(await servedTarget(served), recorded);
      context.log('fuzzing the served orders fixture black-box');
      let result;
      try {
        result = await runFuzz(counted.target, { seed: SEED, runs: 100, allowWrites: true, concurrency: CONCURRENCY });
      } finally {
        await counted.target.close();
      }
      const fuzzRps = result.requests / (result.durationMs / 1000);
      if (result.budgetExhausted) failures.push('the fuzz run ran out of its time budget: its rate is not of a whole run');
      if (result.findings.length > 0) failures.push(`the fuzz run reported ${String(result.findings.length)} finding(s) on the correct fixture: ${result.findings.map((finding) => finding.ruleId).join(', ')}`);
      const url = new URL(served.url);
      const mix = recorded.filter((request) => request.method === 'POST').map((request) => ({ method: 'POST' as const, path: request.path, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }) }));
      context.log(`replaying ${String(mix.length)} recorded POSTs with autocannon over ${String(CONCURRENCY)} connections`);
      const load = await runLoad({ url: `${url.origin}/`, method: 'POST', headers: {}, connections: CONCURRENCY, durationSec: context.durationSec, requests: mix });
      if (load.errors > 0 || load.timeouts > 0) failures.push(`autocannon: ${String(load.errors)} connection errors, ${String(load.timeouts)} timeouts`);
      const ratio = fuzzRps / load.requestsPerSec.mean;
      return {
        failures,
        table: {
          columns: ['client', 'requests', 'seconds', 'req/s'],
          rows: [
            ['mcify-audit fuzz (black-box)', String(result.requests), formatNumber(result.durationMs / 1000, 1), formatNumber(fuzzRps)],
            ['autocannon, same mix', String(load.total), formatNumber(load.durationSec, 1), formatNumber(load.requestsPerSec.mean)],
          ],
        },
        summary: `fuzz / autocannon = ${formatNumber(ratio, 2)} (the issue asks for at least 0.5); ${String(result.cells.length)} cells, ${String(mix.length)} POSTs in the mix`,
        data: { seed: SEED, concurrency: CONCURRENCY, fuzz: { requests: result.requests, durationMs: result.durationMs, requestsPerSec: fuzzRps }, autocannon: load, ratio, mixSize: mix.length },
      };
    } finally {
      await served.close();
    }
  },
};
