import { configDefaults, defineConfig } from 'vitest/config';

// Three tiers, picked by file name, that do not overlap (test/test-tiers.int.test.ts checks that every test file is
// in exactly one): `npm run test:unit`, `test:int`, `test:kafka`; `npm test` runs all three.
// - kafka: *.kafka.test.ts, against one real broker that the project's global setup starts only when a file of
//   it is selected, so `npx vitest run src/contracts` never starts a JVM;
// - int: *.int.test.ts against real parts (SQLite files, PostgreSQL, HTTP servers, child processes), and the
//   console's *.browser.test.ts, which drives Chromium against a running service;
// - unit: every other *.test.ts.
const roots = ['src', 'state-machines', 'test', 'scripts'];
const kafkaTests = ['**/*.kafka.test.ts'];
const intTests = ['**/*.int.test.ts', '**/*.browser.test.ts'];
const under = (patterns: string[]): string[] => roots.flatMap((root) => patterns.map((pattern) => `${root}/${pattern}`));

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: under(['**/*.test.ts']),
          exclude: [...configDefaults.exclude, ...kafkaTests, ...intTests],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: under(intTests),
        },
      },
      {
        extends: true,
        test: {
          name: 'kafka',
          include: under(kafkaTests),
          globalSetup: ['test/kafka/global-setup.ts'],
        },
      },
    ],
  },
});
