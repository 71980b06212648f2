import { defineConfig } from 'vitest/config';

// Two kinds of tests: pure helpers and server-rendered markup run in Node (*.test.ts, *.test.tsx);
// components that need a live DOM, events and focus run in happy-dom with Testing Library (*.dom.test.tsx).
export default defineConfig({
  test: {
    // Globals a test stubs (fetch, through testing/render.tsx's mockApi) are put back before the next test.
    unstubGlobals: true,
    projects: [
      {
        extends: true,
        test: { name: 'unit', environment: 'node', include: ['src/**/*.test.{ts,tsx}'], exclude: ['src/**/*.dom.test.tsx'] },
      },
      {
        extends: true,
        test: { name: 'dom', environment: 'happy-dom', include: ['src/**/*.dom.test.tsx'], setupFiles: ['src/testing/setup-dom.ts'] },
      },
    ],
  },
});
