// Records every module the process loads, one resolved URL or path a line, in the file named by
// MCIFY_AUDIT_MODULE_LOG. Use: node --import ./module-recorder.mjs <entry> ...
// ES modules are recorded by a resolve hook (module-recorder-hooks.mjs, which runs on the loader
// thread); CommonJS require() calls, which those hooks do not see on Node 20, by wrapping the
// resolver of node:module.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import process from 'node:process';
import { URL } from 'node:url';

const log = process.env.MCIFY_AUDIT_MODULE_LOG;
if (log === undefined || log === '') throw new Error('module-recorder: set MCIFY_AUDIT_MODULE_LOG to the file to record in');

register(new URL('./module-recorder-hooks.mjs', import.meta.url), { data: { log } });

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function recordedResolveFilename(...args) {
  const resolved = resolveFilename.apply(this, args);
  appendFileSync(log, `${resolved}\n`);
  return resolved;
};
