import { describe, expect, it } from 'vitest';
import { ApiError, toProblem } from '@/api/problem';
import { useListLoad } from './useListLoad';

describe('useListLoad', () => {
  it('says why a load failed and when the rows shown were loaded, until a load succeeds again', async () => {
    const list = useListLoad();
    await list.track(async () => 'first page');
    const loadedAt = list.loadedAt.value;
    expect(loadedAt).toBeInstanceOf(Date);
    expect(list.failure.value).toBeNull();

    const down = new ApiError(503, toProblem(503, null));
    await expect(list.track(() => Promise.reject(down))).rejects.toBe(down);
    expect(list.failure.value).toBeTruthy();
    expect(list.loadedAt.value).toBe(loadedAt);
    expect(list.loading.value).toBe(false);

    await list.track(async () => 'again');
    expect(list.failure.value).toBeNull();
  });
});
