import { describe, expect, it } from 'vitest';
import { usePagedList } from './usePagedList';

/** A listing of 5 rows answered 2 at a time; the cursor is the index of the first row. */
function listing(failAt?: string) {
  const asked: Array<string | undefined> = [];
  const rows = ['a', 'b', 'c', 'd', 'e'];
  const fetchPage = async (cursor: string | undefined) => {
    asked.push(cursor);
    if (failAt !== undefined && cursor === failAt) throw new TypeError('Failed to fetch');
    const start = Number(cursor ?? 0);
    const items = rows.slice(start, start + 2).map((name) => ({ name }));
    return { items, nextCursor: start + 2 < rows.length ? String(start + 2) : null };
  };
  return { asked, fetchPage };
}

describe('usePagedList', () => {
  it('pages forward over cursors and back over the ones it has seen, counting the rows shown', async () => {
    const { asked, fetchPage } = listing();
    const list = usePagedList<{ name: string }>(fetchPage, () => 2);
    await list.firstPage();
    expect(list.rows.map((row) => row.name)).toEqual(['a', 'b']);
    expect(list.hasPrevious).toBe(false);
    await list.nextPage();
    await list.nextPage();
    expect(list.rows.map((row) => row.name)).toEqual(['e']);
    expect(list.range).toBe('5–5');
    expect(list.hasNext).toBe(false);
    await list.nextPage(); // nothing beyond the last page: not even asked
    await list.previousPage();
    expect(list.range).toBe('3–4');
    expect(asked).toEqual([undefined, '2', '4', '2']);
    await list.firstPage();
    expect(list.pageIndex).toBe(0);
    expect(asked.at(-1)).toBeUndefined();
  });

  it('keeps the rows of the last good load when a load fails, and says why', async () => {
    const { fetchPage } = listing('2');
    const list = usePagedList<{ name: string }>(fetchPage, () => 2);
    await list.firstPage();
    await expect(list.nextPage()).rejects.toThrow();
    expect(list.failure).toMatch(/cannot be reached/);
    expect(list.rows.map((row) => row.name)).toEqual(['a', 'b']);
    expect(list.loading).toBe(false);
  });

  it('shows an edited row in place', async () => {
    const { fetchPage } = listing();
    const list = usePagedList<{ name: string }>(fetchPage, () => 2);
    await list.firstPage();
    list.replaceRow((row) => row.name === 'b', { name: 'B' });
    expect(list.rows.map((row) => row.name)).toEqual(['a', 'B']);
    expect(list.range).toBe('1–2');
  });
});
