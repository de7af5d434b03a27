/**
 * Runs `work` over the items of `source` with at most `concurrency` in flight. Workers pull from
 * the iterator, so a generator source is consumed lazily instead of being materialised up front.
 */
export async function forEachBounded<T>(
  source: Iterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = source[Symbol.iterator]();
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) await work(next.value);
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

/** Consecutive slices of at most `size` items. */
export function* chunksOf<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
