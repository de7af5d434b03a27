import { describe, expect, it } from 'vitest';
import { useCursorTrail } from './cursorTrail';

describe('useCursorTrail', () => {
  it('goes forward by the cursors the pages give and back to the ones seen', () => {
    const trail = useCursorTrail();
    expect(trail.forward()).toBe(false);

    trail.nextCursor.value = 'p2';
    expect(trail.forward()).toBe(true);
    trail.nextCursor.value = 'p3';
    trail.forward();
    expect([trail.pageIndex.value, trail.cursor.value]).toEqual([2, 'p3']);

    trail.back();
    expect(trail.cursor.value).toBe('p2');
    trail.back();
    expect(trail.cursor.value).toBeUndefined();
    expect(trail.back()).toBe(false);

    trail.forward();
    trail.restart();
    expect([trail.pageIndex.value, trail.cursor.value]).toEqual([0, undefined]);
  });
});
