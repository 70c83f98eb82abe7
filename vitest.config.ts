// Two sets of tests: `npm test` (vitest project "fast", under 90 s on 2 cores) and
// `npm run test:slow` (project "slow": the heaviest checks, minutes). .ci/run and the CI
// workflow run both. The slow files are listed here by name (the files keep their names).
// The verbose reporter prints every test as it finishes, so a run without a terminal (CI,
// a pipe) shows progress; vitest prints the duration at the end.

import { defineConfig } from 'vitest/config';

/** The heaviest test files: full-bound explorations, the SPIN twin, full verification runs, signals. */
export const slowTests = [
  'test/engines.test.ts',
  'test/verification.test.ts',
  'test/spin-twin.test.ts',
  'test/cli.test.ts',
  'test/outputs.test.ts',
  'test/report.browser.test.ts',
  'test/bench.test.ts',
  'test/xstate-graph.test.ts',
];

export const fastTests = ['test/**/*.test.ts'];

export default defineConfig({
  test: {
    reporters: ['verbose'],
    // A case that starts the command line waits for Node and tsx to start (seconds on a busy machine).
    testTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'fast', include: fastTests, exclude: slowTests } },
      { extends: true, test: { name: 'slow', include: slowTests } },
    ],
  },
});
