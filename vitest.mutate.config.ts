import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The test run of `npm run mutate:core` (StrykerJS, stryker.config.json): the core's table tests.
 * Stryker runs it in a copy of the tree, so the workspace packages are aliased to this copy's
 * sources (node_modules links would lead back to the unmutated ones).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
export const mutateAliases = {
  '@switchboard/core': path.join(here, 'packages/core/src/index.ts'),
  '@switchboard/protocol': path.join(here, 'packages/protocol/src/index.ts'),
  '@switchboard/client': path.join(here, 'packages/client/src/index.ts'),
};
export default defineConfig({
  resolve: { alias: mutateAliases },
  test: {
    include: ['packages/core/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
    // Not isolate: false — a static mutant (a module-level table) only takes effect when the module
    // is imported again, so a shared module graph would report it as surviving.
  },
});
