/**
 * Starts the server on 127.0.0.1 (port 0 unless PORT is set) and prints one JSON line, the contract of
 * `mcify-audit serve`: `{"url", "tokens", "principals"}`. Stops cleanly on SIGINT or SIGTERM.
 * NEUTRAL_SERVER_VARIANT=fixed starts it without the planted flaws (planted-fixed.json lists what is left).
 *
 *   node start.mjs
 *
 * Run it where the published mcify is installed (see README.md): it refuses any other `@mcify/runtime`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

/** The package.json of the `@mcify/runtime` this folder resolves (its exports do not list it). */
function runtimeManifest() {
  let folder = dirname(fileURLToPath(import.meta.resolve('@mcify/runtime')));
  for (;;) {
    try {
      return JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    } catch {
      const parent = dirname(folder);
      if (parent === folder) throw new Error('@mcify/runtime has no package.json');
      folder = parent;
    }
  }
}

const manifest = runtimeManifest();
if (manifest.name !== '@mcify/runtime' || manifest.version !== '1.0.0-alpha.3') {
  process.stderr.write(`This server is meant for the published @mcify/runtime 1.0.0-alpha.3; this folder resolves ${String(manifest.name)} ${String(manifest.version)}.\n`);
  process.exit(2);
}

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
