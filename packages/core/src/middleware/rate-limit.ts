import type { HandlerContext } from '../context.js';
import { ToolError } from '../errors.js';
import type { Middleware } from '../tool.js';
import { subjectOf } from './subject.js';

export interface RateLimitOptions {
  /** Calls allowed per window and key. */
  max: number;
  windowMs: number;
  /** Key to count by; default the authenticated subject (`sub`, else a hash of the token or key). */
  keyBy?: (ctx: HandlerContext) => string;
}

/** Windows kept in memory before expired ones are swept. */
const sweepThreshold = 10_000;

/**
 * Fixed-window rate limit per caller. Over the limit, the call fails with a `ToolError` (code
 * `RATE_LIMITED`) that says when to retry.
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  if (!Number.isInteger(options.max) || options.max < 1 || !(options.windowMs > 0)) {
    throw new RangeError('rateLimit({ max, windowMs }) needs a positive integer max and a positive windowMs.');
  }
  const keyBy = options.keyBy ?? ((ctx: HandlerContext) => subjectOf(ctx.auth));
  const windows = new Map<string, { start: number; count: number }>();
  return async (_input, ctx, next) => {
    const now = Date.now();
    if (windows.size > sweepThreshold) {
      for (const [key, window] of windows) if (now - window.start >= options.windowMs) windows.delete(key);
    }
    const key = keyBy(ctx);
    let window = windows.get(key);
    if (window === undefined || now - window.start >= options.windowMs) {
      window = { start: now, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    if (window.count > options.max) {
      const retryInSec = Math.ceil((window.start + options.windowMs - now) / 1000);
      throw new ToolError(`Rate limit exceeded: at most ${options.max} calls per ${options.windowMs} ms. Retry in ${retryInSec} s.`, {
        code: 'RATE_LIMITED',
      });
    }
    return next();
  };
}
