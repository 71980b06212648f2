import { defineConfig } from 'vitest/config';

// Unit tests of pure helpers and server-rendered components: no DOM library is installed.
export default defineConfig({
  test: { environment: 'node', include: ['src/**/*.test.{ts,tsx}'] },
});
