/**
 * What a run reports while it goes: the plan first, then each phase, each cell's start, its requests
 * as they are sent, and its end. The CLI draws its live TTY line from these; `describeIsolation` and
 * tests can follow a run with them. No event carries a token.
 *
 * @module
 */
import type { FuzzPlan } from './plan.js';
import type { Cell, PropertyId } from './types.js';

export type FuzzPhase = 'listing' | 'harvest' | 'properties' | 'done';

export type FuzzProgress =
  /** The plan, before any property runs (after the tools are listed). */
  | { readonly kind: 'plan'; readonly plan: FuzzPlan }
  | { readonly kind: 'phase'; readonly phase: FuzzPhase }
  | { readonly kind: 'cell-start'; readonly property: PropertyId; readonly tool: string | null }
  /** A running cell's requests so far (throttled: at most one event per cell every {@link PROGRESS_INTERVAL_MS}). */
  | { readonly kind: 'cell-progress'; readonly property: PropertyId; readonly tool: string | null; readonly requests: number }
  | { readonly kind: 'cell-end'; readonly cell: Cell };

export type ProgressListener = (event: FuzzProgress) => void;

/** Least time between two `cell-progress` events of one cell. */
export const PROGRESS_INTERVAL_MS = 200;

/** A listener that never throws into the run: a failing display must not fail the audit. */
export function safeListener(listener: ProgressListener | undefined): ProgressListener {
  if (listener === undefined) return () => undefined;
  return (event) => {
    try {
      listener(event);
    } catch {
      // The display's problem, not the run's.
    }
  };
}

/** Counts a cell's requests and reports them, throttled. */
export function cellCounter(emit: ProgressListener, property: PropertyId, tool: string | null): { count(): void; readonly requests: number } {
  let requests = 0;
  let last = 0;
  return {
    count() {
      requests += 1;
      const now = performance.now();
      if (now - last >= PROGRESS_INTERVAL_MS) {
        last = now;
        emit({ kind: 'cell-progress', property, tool, requests });
      }
    },
    get requests() {
      return requests;
    },
  };
}

/** One line for a TTY: `read-isolation orders_get: 42 requests`. */
export function progressLine(event: FuzzProgress): string | undefined {
  switch (event.kind) {
    case 'plan':
      return `${String(event.plan.cells.filter((cell) => cell.applicable).length)} cells planned, about ${String(event.plan.estimate.requests)} requests`;
    case 'phase':
      return event.phase === 'done' ? 'done' : `${event.phase}...`;
    case 'cell-start':
      return `${event.property} ${event.tool ?? '(all tools)'}: started`;
    case 'cell-progress':
      return `${event.property} ${event.tool ?? '(all tools)'}: ${String(event.requests)} requests`;
    case 'cell-end':
      return `${event.cell.property} ${event.cell.tool ?? '(all tools)'}: ${event.cell.status}${event.cell.reason === undefined ? '' : ` (${event.cell.reason})`}, ${String(event.cell.cases)} cases, ${String(event.cell.requests)} requests`;
  }
}
