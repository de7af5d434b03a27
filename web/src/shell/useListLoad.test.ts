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

  it('lets only the latest of overlapping loads speak for the list, whichever answers last', async () => {
    const list = useListLoad();
    const shown: string[] = [];
    const show = (answer: string) => shown.push(answer);
    let answerEarlier: (answer: string) => void = () => {};
    let failEarlier: (error: Error) => void = () => {};
    const earlier = list.track(() => new Promise<string>((resolve) => (answerEarlier = resolve)), show);
    const later = list.track(async () => 'sorted descending', show);
    await later;
    expect(shown).toEqual(['sorted descending']);
    answerEarlier('sorted ascending');
    await earlier;
    expect(shown).toEqual(['sorted descending']);
    expect(list.loading.value).toBe(false);

    // A superseded load that fails neither marks the rows as stale nor ends the latest load's wait.
    const failing = list.track(() => new Promise<string>((_, reject) => (failEarlier = reject)), show);
    let answerLatest: (answer: string) => void = () => {};
    const latest = list.track(() => new Promise<string>((resolve) => (answerLatest = resolve)), show);
    failEarlier(new ApiError(503, toProblem(503, null)));
    await failing;
    expect(list.failure.value).toBeNull();
    expect(list.loading.value).toBe(true);
    answerLatest('page');
    await latest;
    expect(shown).toEqual(['sorted descending', 'page']);
    expect(list.loading.value).toBe(false);
  });
});
