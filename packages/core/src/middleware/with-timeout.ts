import { ToolError } from '../errors.js';
import type { Middleware } from '../tool.js';

/** Fails the call with a `ToolError` (code `TIMEOUT`) when the rest of the chain takes longer than `ms`. */
export function withTimeout(options: { ms: number }): Middleware {
  if (!(options.ms > 0)) throw new RangeError('withTimeout({ ms }) needs a positive number of milliseconds.');
  return async (_input, _ctx, next) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(new ToolError(`The tool did not finish within ${options.ms} ms.`, { code: 'TIMEOUT' }));
      }, options.ms);
    });
    try {
      return await Promise.race([next(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
