import { configDefaults, defineConfig } from 'vitest/config'

/**
 * Fault tests that take a PostgreSQL server down (a private one, restarted) or silence the shared one
 * behind a proxy, with timing bounds: they run after the main suite, one file at a time, so that no
 * other test shares the machine or the database with them (issue 14). `npm test` runs both groups.
 */
const AFTER_THE_SUITE = ['test/faults/postgres-restart.test.ts', 'test/faults/postgres-black-hole.test.ts']

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...AFTER_THE_SUITE],
        },
      },
      {
        extends: true,
        test: {
          name: 'after the suite',
          include: AFTER_THE_SUITE,
          fileParallelism: false,
          // Groups run one after the other, lowest first: this one once the main suite is done.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
