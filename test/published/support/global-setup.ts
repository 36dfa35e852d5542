/**
 * Vitest global setup: one folder per run for the published-framework project, so every test file of the
 * run that calls `publishedProject()` shares one pack and install; removed when the run ends (kept with
 * MCIFY_KEEP_PACKED=1). Creating it costs nothing: the project is only installed when a test asks for it.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's folder for `publishedProject()` (see test/published/support/published-project.ts). */
    mcifyPublishedRunDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const directory = realpathSync(mkdtempSync(join(tmpdir(), 'mcify-published-run-')));
  project.provide('mcifyPublishedRunDir', directory);
  return () => {
    if (process.env.MCIFY_KEEP_PACKED === '1') process.stdout.write(`kept the published-framework project in ${directory}\n`);
    else rmSync(directory, { recursive: true, force: true });
  };
}
