import { describe, expect, it } from 'vitest';
import { parseId } from './parse-id';

describe('parseId', () => {
  it('accepts positive integers only', () => {
    expect(parseId('42')).toBe(42);
    for (const bad of [undefined, '', '0', '-1', '1.5', '01', 'abc', '1e3', '99999999999999999']) expect(parseId(bad)).toBeNull();
  });
});
