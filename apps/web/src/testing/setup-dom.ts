// Testing Library cleans up after each test only when the runner exposes a global afterEach; Vitest does not by default.
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
});
