/**
 * Starts the server on 127.0.0.1 (port 0 unless PORT is set) and prints one JSON line, the contract of
 * `mcify-audit serve`: `{"url", "tokens", "principals"}`. Stops cleanly on SIGINT or SIGTERM.
 * NEUTRAL_SERVER_VARIANT=fixed starts it without the planted flaws (planted-fixed.json lists what is left).
 *
 *   node start.mjs
 *
 * Run it where `@modelcontextprotocol/sdk` and `zod` are installed (see README.md).
 */
import process from 'node:process';
import { startServer } from './server.mjs';

const variant = process.env.NEUTRAL_SERVER_VARIANT ?? 'planted';
if (variant !== 'planted' && variant !== 'fixed') {
  process.stderr.write(`NEUTRAL_SERVER_VARIANT is planted (the default) or fixed, not ${variant}.\n`);
  process.exit(2);
}
const server = await startServer({ port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1', variant });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`close failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.stdout.write(`${JSON.stringify({ url: server.url, tokens: server.tokens, principals: server.principals })}\n`);
