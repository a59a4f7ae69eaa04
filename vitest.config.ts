import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores in CI: browser and crash tests spawn their own processes.
    maxWorkers: 2,
    reporters: ['default', './tests/support/summaryReporter.ts'],
  },
})
