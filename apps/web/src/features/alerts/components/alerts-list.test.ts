import { describe, expect, it } from 'vitest';
import { parsePageParam } from './alerts-list';

describe('parsePageParam', () => {
  it('reads positive whole page numbers and falls back to the first page', () => {
    expect(parsePageParam('3')).toBe(3);
    expect(parsePageParam(null)).toBe(1);
    expect(parsePageParam('0')).toBe(1);
    expect(parsePageParam('-2')).toBe(1);
    expect(parsePageParam('2.5')).toBe(1);
    expect(parsePageParam('abc')).toBe(1);
  });
});
