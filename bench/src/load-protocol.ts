/**
 * Messages between a benchmark and its load-generator child process (`load.ts`), over the IPC channel
 * of `child_process.fork`. Both directions are validated: the channel carries plain JSON.
 *
 * @module
 */
import { z } from 'zod';

/** What the child is asked to do: one bounded autocannon run. */
export const loadJobSchema = z
  .object({
    /** Only loopback targets: the benchmark never loads anything but its own servers. */
    url: z
      .string()
      .url()
      .refine((value) => new URL(value).hostname === '127.0.0.1', 'load targets must be on 127.0.0.1'),
    method: z.enum(['GET', 'POST']),
    headers: z.record(z.string()),
    body: z.string().optional(),
    connections: z.number().int().min(1).max(256),
    /** Seconds; bounded so every run ends. */
    durationSec: z.number().positive().max(600),
    /** When set, a response whose body differs counts as a mismatch. */
    expectBody: z.string().optional(),
    /**
     * A request mix replayed instead of the single request above: each connection sends them in
     * order, round and round (autocannon's `requests`). Their statuses are whatever the server answers.
     */
    requests: z
      .array(z.object({ method: z.enum(['GET', 'POST', 'DELETE']), path: z.string().startsWith('/'), headers: z.record(z.string()), body: z.string().optional() }).strict())
      .min(1)
      .optional(),
  })
  .strict();
export type LoadJob = z.infer<typeof loadJobSchema>;

const percentilesSchema = z.object({
  mean: z.number(),
  stddev: z.number(),
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  max: z.number(),
});

/** The part of autocannon's result a benchmark uses. */
export const loadResultSchema = z.object({
  durationSec: z.number(),
  /** Completed responses. */
  total: z.number(),
  /** Requests per second, sampled each second. */
  requestsPerSec: percentilesSchema,
  /** Latency in milliseconds. */
  latencyMs: percentilesSchema,
  ok2xx: z.number(),
  non2xx: z.number(),
  errors: z.number(),
  timeouts: z.number(),
  mismatches: z.number(),
  statusCodes: z.record(z.number()),
});
export type LoadResult = z.infer<typeof loadResultSchema>;

/** Child → parent: the result, or why there is none. */
export const loadReplySchema = z.union([
  z.object({ ok: z.literal(true), result: loadResultSchema }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type LoadReply = z.infer<typeof loadReplySchema>;
