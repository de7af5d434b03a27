import { describe, expect, it } from 'vitest';
import { countOf, describeTotal } from './format';

describe('counts in words', () => {
  it('gives one of a thing its singular and other counts the plural', () => {
    expect(countOf(1, 'user')).toBe('1 user');
    expect(countOf(0, 'user')).toBe('0 users');
    expect(countOf(2, 'user')).toBe('2 users');
    expect(countOf(1234, 'user')).toBe(`${(1234).toLocaleString()} users`);
  });

  it('describes a total that was counted exactly, or only up to a limit', () => {
    expect(describeTotal(1, true)).toBe('1 user');
    expect(describeTotal(10_000, false)).toBe(`more than ${(10_000).toLocaleString()} users`);
  });
});
