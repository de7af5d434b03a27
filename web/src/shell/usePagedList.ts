import { computed, reactive, shallowRef } from 'vue';
import { cursorPages, useCursorTrail } from './cursorTrail';
import { formatCount } from './format';
import { useListLoad } from './useListLoad';

/** A page of a list as every listing of the API answers it. */
export interface CursorPage<Row> {
  items: Row[];
  nextCursor: string | null;
}

/**
 * One list read a server page at a time, as every list of the app reads it: the page shown and how its
 * load went (see useListLoad), and paging back and forth over cursors (see useCursorTrail). `fetchPage`
 * asks for the page at a cursor with the list's current filters; a change of filters calls `firstPage`,
 * since a cursor belongs to the filters it was given with. Reactive, so a store can hand it to a view whole
 * and PagedList.vue can show it.
 */
export function usePagedList<Row, Page extends CursorPage<Row> = CursorPage<Row>>(
  fetchPage: (cursor: string | undefined) => Promise<Page>,
  pageSize: () => number,
) {
  const { loading, failure, loadedAt, track } = useListLoad();
  const trail = useCursorTrail();
  const page = shallowRef<Page | null>(null);
  const rows = computed<Row[]>(() => page.value?.items ?? []);
  const firstRowNumber = computed(() => (rows.value.length ? trail.pageIndex.value * pageSize() + 1 : 0));
  const lastRowNumber = computed(() => trail.pageIndex.value * pageSize() + rows.value.length);

  async function load(): Promise<void> {
    await track(
      () => fetchPage(trail.cursor.value),
      (answer) => {
        page.value = answer;
        trail.nextCursor.value = answer.nextCursor;
      },
    );
  }

  const { firstPage, nextPage, previousPage } = cursorPages(trail, load);

  /** Shows a row as the server answered it after an edit, without loading the page again. */
  function replaceRow(matches: (row: Row) => boolean, row: Row): void {
    if (!page.value) return;
    page.value = {
      ...page.value,
      items: page.value.items.map((shown: Row) => (matches(shown) ? row : shown)),
    };
  }

  return reactive({
    page,
    rows,
    loading,
    failure,
    loadedAt,
    pageIndex: trail.pageIndex,
    hasPrevious: computed(() => trail.pageIndex.value > 0),
    hasNext: computed(() => Boolean(trail.nextCursor.value)),
    firstRowNumber,
    lastRowNumber,
    /** "51–100": the rows shown, counted from the first page; empty when there are none. */
    range: computed(() =>
      rows.value.length ? `${formatCount(firstRowNumber.value)}–${formatCount(lastRowNumber.value)}` : '',
    ),
    load,
    firstPage,
    nextPage,
    previousPage,
    replaceRow,
  });
}

export type PagedList<Row, Page extends CursorPage<Row> = CursorPage<Row>> = ReturnType<
  typeof usePagedList<Row, Page>
>;
