import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: scenarios that kill, freeze and restart their own PostgreSQL cluster and
 * Redis server (loopback ports 41500-41599, temporary folders). Needs PostgreSQL 15's binaries and
 * redis-server; one file at a time, each bounded in time.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
