import { computed, ref } from 'vue';

/**
 * Paging back and forth over a list whose pages only name the next page's cursor: the cursors of the
 * pages seen so far are kept, so "previous" goes back to them.
 */
export function useCursorTrail() {
  const cursors = ref<(string | undefined)[]>([undefined]);
  const pageIndex = ref(0);
  /** The next page's cursor, as the last answer gave it. */
  const nextCursor = ref<string | null>(null);
  const cursor = computed(() => cursors.value[pageIndex.value]);

  function restart(): void {
    cursors.value = [undefined];
    pageIndex.value = 0;
  }

  /** Moves to the next page; false when there is none. */
  function forward(): boolean {
    if (!nextCursor.value) return false;
    cursors.value = [...cursors.value.slice(0, pageIndex.value + 1), nextCursor.value];
    pageIndex.value += 1;
    return true;
  }

  /** Moves to the previous page; false on the first. */
  function back(): boolean {
    if (pageIndex.value === 0) return false;
    pageIndex.value -= 1;
    return true;
  }

  return { pageIndex, nextCursor, cursor, restart, forward, back };
}

/** The first, next and previous page of a list that `load` reads at the trail's cursor. */
export function cursorPages(trail: ReturnType<typeof useCursorTrail>, load: () => Promise<void>) {
  return {
    firstPage(): Promise<void> {
      trail.restart();
      return load();
    },
    nextPage: (): Promise<void> => (trail.forward() ? load() : Promise.resolve()),
    previousPage: (): Promise<void> => (trail.back() ? load() : Promise.resolve()),
  };
}
