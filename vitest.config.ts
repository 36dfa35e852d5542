import type { Reporter, TestModule } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * Ends the run with one plain `tests: N passed, N failed` line, which CI reads whatever the runner.
 * Module-level failures (a test file that does not load) count as failures.
 */
const summaryLine: Reporter = {
  onTestRunEnd(testModules: readonly TestModule[], unhandledErrors) {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of testModules) {
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed += 1;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
  },
};

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'fixtures/servers/*/test/**/*.test.ts', 'test/published/**/*.test.ts'],
    // One folder per run for the project on the published mcify (installed only when a test asks for it).
    globalSetup: ['test/published/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', summaryLine],
  },
});
