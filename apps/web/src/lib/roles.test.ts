import { describe, expect, it } from 'vitest';
import { hasRoleAtLeast } from './roles';

describe('hasRoleAtLeast', () => {
  it.each([
    [null, 'Reader', false],
    ['Reader', 'Reader', true],
    ['Reader', 'Writer', false],
    ['Writer', 'Writer', true],
    ['Writer', 'Maintainer', false],
    ['Maintainer', 'Writer', true],
    ['Owner', 'Maintainer', true],
  ] as const)('%s at least %s: %s', (role, minimum, expected) => {
    expect(hasRoleAtLeast(role, minimum)).toBe(expected);
  });
});
