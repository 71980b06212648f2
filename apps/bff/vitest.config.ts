import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Replicas share a PostgreSQL server: that test belongs to the PostgreSQL run (the test command runs both).
    exclude: process.env.TEST_DATABASE_URL ? ['**/node_modules/**'] : ['**/node_modules/**', 'src/replicas.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // On a PostgreSQL run (TEST_DATABASE_URL), migrate a template database once for every test to clone.
    globalSetup: ['src/test-setup/global-postgres.ts'],
  },
});
