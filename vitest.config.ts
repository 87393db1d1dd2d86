import { configDefaults, defineConfig } from 'vitest/config';

// Two projects: Kafka suites (*.kafka.test.ts) share one real broker started by their global setup, which runs
// only when one of them is selected, so `npx vitest run src/contracts` never starts a JVM.
const kafkaTests = '**/*.kafka.test.ts';

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
          include: ['src/**/*.test.ts', 'state-machines/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: [...configDefaults.exclude, kafkaTests],
        },
      },
      {
        extends: true,
        test: {
          name: 'kafka',
          include: ['src/**/*.kafka.test.ts', 'test/**/*.kafka.test.ts', 'scripts/**/*.kafka.test.ts'],
          globalSetup: ['test/kafka/global-setup.ts'],
        },
      },
    ],
  },
});
