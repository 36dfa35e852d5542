import { readFileSync } from 'node:fs';

/** This package's version, from its package.json (dist/version.js is one level below it). */
export const cliVersion: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
