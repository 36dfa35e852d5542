/**
 * The run's wall-clock budget (`--timeout`): a deadline every property checks between cases, and a
 * signal that aborts what is in flight when the budget runs out or the run is interrupted.
 *
 * @module
 */
import { setMaxListeners } from 'node:events';
import type { Deadline } from './property.js';

/** A {@link Deadline} the orchestrator owns: it can tell why it ended and must be disposed of. */
export interface RunDeadline extends Deadline {
  /** `time budget` when the budget ran out, `interrupted` when the caller's signal aborted, else undefined. */
  readonly endedBy: 'time budget' | 'interrupted' | undefined;
  /** Stops the timer (the signal is left as it is). */
  dispose(): void;
}

/**
 * A deadline `timeoutMs` from now. Its signal aborts when the time is up, or as soon as `parent`
 * aborts (Ctrl-C in the CLI, a test's teardown).
 *
 * @example
 * ```ts
 * const deadline = createDeadline(300_000, controller.signal);
 * while (!deadline.expired()) await runOneCase();
 * deadline.dispose();
 * ```
 */
export function createDeadline(timeoutMs: number, parent?: AbortSignal): RunDeadline {
  const start = performance.now();
  const end = start + Math.max(0, timeoutMs);
  const controller = new AbortController();
  // Every request of the run follows this signal, and each fetch Request made from it listens to it until
  // that Request is collected: thousands at once is the normal case, not a leak.
  setMaxListeners(0, controller.signal);
  let endedBy: RunDeadline['endedBy'];
  const finish = (why: 'time budget' | 'interrupted') => {
    if (controller.signal.aborted) return;
    endedBy = why;
    controller.abort(new BudgetExhaustedError(why === 'time budget' ? `the run's time budget of ${formatMs(timeoutMs)} ran out` : 'the run was interrupted'));
  };
  const timer = setTimeout(() => {
    finish('time budget');
  }, Math.max(0, timeoutMs));
  timer.unref();
  const onParentAbort = () => {
    finish('interrupted');
  };
  if (parent?.aborted === true) finish('interrupted');
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    remainingMs: () => (controller.signal.aborted ? 0 : Math.max(0, end - performance.now())),
    expired: () => controller.signal.aborted || performance.now() >= end,
    get endedBy() {
      return endedBy ?? (performance.now() >= end ? 'time budget' : undefined);
    },
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/** The reason a deadline's signal carries. */
export class BudgetExhaustedError extends Error {
  override readonly name = 'BudgetExhaustedError';
}

/** Whether an error is the deadline's abort (or an abort caused by it), not a failure of the target. */
export function isBudgetAbort(error: unknown, deadline: Deadline): boolean {
  if (!deadline.signal.aborted) return false;
  if (error instanceof BudgetExhaustedError) return true;
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError' || error.cause instanceof BudgetExhaustedError);
}

/** `300 s`, `1.5 s`, `250 ms`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
