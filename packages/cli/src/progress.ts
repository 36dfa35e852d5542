/** A transient progress line for long runs; silent for short ones and when there is no terminal. */
export interface Progress {
  /** Shows `text` (throttled). */
  readonly update: (text: string) => void;
  /** Clears the line. */
  readonly done: () => void;
}

/**
 * Progress on a terminal: nothing for the first `delayMs` (small programs finish before anyone needs
 * it), then at most one update per `intervalMs`.
 */
export function createProgress(status: ((text: string) => void) | undefined, { delayMs = 400, intervalMs = 100, now = Date.now } = {}): Progress {
  if (status === undefined) return { update: () => undefined, done: () => undefined };
  const started = now();
  let shownAt = -Infinity;
  let shown = false;
  return {
    update: (text) => {
      const at = now();
      if (at - started < delayMs || at - shownAt < intervalMs) return;
      shownAt = at;
      shown = true;
      status(`mcify-audit: ${text}`);
    },
    done: () => {
      if (shown) status('');
      shown = false;
    },
  };
}
