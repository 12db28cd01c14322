import { defineConfig } from 'vitest/config';
import { mutateAliases } from './vitest.mutate.config.ts';

/**
 * The test run of `npm run mutate:server` (StrykerJS, stryker.server.config.json): the server tests
 * that pin its access code — the list's SQL against the core (property test), who lists and
 * searches what, and what reaches the customer (widget history, the chat log attached to a ticket).
 */
export default defineConfig({
  resolve: { alias: mutateAliases },
  test: {
    include: [
      'apps/server/test/store/listRules.property.test.ts',
      'apps/server/test/conversations.test.ts',
      'apps/server/test/listFilters.test.ts',
      'apps/server/test/authorization.test.ts',
      'apps/server/test/security/disclosure.test.ts',
      'apps/server/test/discuss.customer.test.ts',
      'apps/server/test/widget.chat.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
    // One module graph for every file and every mutant (Stryker switches mutants at run time):
    // re-importing the server for each file of each mutant cost most of the run.
    isolate: false,
    globalSetup: ['test/globalSetup.ts'],
  },
});
