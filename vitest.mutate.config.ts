import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The test run `npm run mutate` (StrykerJS) uses: the core's table tests and the tests that pin the
 * SQL visibility rule. Stryker runs it in a copy of the tree, so the workspace packages are aliased
 * to this copy's sources (node_modules links would lead back to the unmutated ones).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
export default defineConfig({
  resolve: {
    alias: {
      '@switchboard/core': path.join(here, 'packages/core/src/index.ts'),
      '@switchboard/protocol': path.join(here, 'packages/protocol/src/index.ts'),
      '@switchboard/client': path.join(here, 'packages/client/src/index.ts'),
    },
  },
  test: {
    include: ['packages/core/src/**/*.test.ts', 'apps/server/test/visibility.property.test.ts', 'apps/server/test/mutationKillers.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
    globalSetup: ['test/globalSetup.ts'],
  },
});
