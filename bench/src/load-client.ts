/**
 * Runs one load job in a separate process (`load.js`), so the load generator does not share an event
 * loop with the servers under test.
 *
 * @module
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadReplySchema, type LoadJob, type LoadResult } from './load-protocol.js';

const loadScript = fileURLToPath(new URL('./load.js', import.meta.url));

/** Seconds allowed beyond the job's duration for process start-up and teardown before the child is killed. */
const GRACE_SEC = 30;

/**
 * Forks the load generator, hands it `job`, and resolves with its result once the child has exited.
 * Rejects when the child fails, reports an error, or overruns its duration by {@link GRACE_SEC}.
 */
export function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise<LoadResult>((resolve, reject) => {
    const child = fork(loadScript, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
    let outcome: { result: LoadResult } | { error: Error } | undefined;
    const timer = setTimeout(() => {
      outcome ??= { error: new Error(`load generator did not finish within ${job.durationSec + GRACE_SEC} s`) };
      child.kill('SIGKILL');
    }, (job.durationSec + GRACE_SEC) * 1000);
    child.once('message', (message: unknown) => {
      const parsed = loadReplySchema.safeParse(message);
      if (!parsed.success) outcome ??= { error: new Error(`malformed reply from the load generator: ${parsed.error.message}`) };
      else if (parsed.data.ok) outcome ??= { result: parsed.data.result };
      else outcome ??= { error: new Error(`load generator failed: ${parsed.data.error}`) };
    });
    child.once('error', (error) => {
      outcome ??= { error };
      // A child that never started emits no 'exit'.
      if (child.pid === undefined) {
        clearTimeout(timer);
        reject(error);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (outcome === undefined) {
        reject(new Error(`load generator exited (${signal ?? `code ${String(code)}`}) without a result`));
      } else if ('error' in outcome) {
        reject(outcome.error);
      } else {
        resolve(outcome.result);
      }
    });
    child.send(job);
  });
}
