import { computed, type Ref, ref } from 'vue';
import type { SortOrder, SyncSelection } from '@/api/schemas';
import { type CursorPage, usePagedList } from './usePagedList';
import { usePagedSelection } from './usePagedSelection';

/** A page of an imported objects' listing: its rows, and how many match the search. */
export interface CountedPage<Row> extends CursorPage<Row> {
  total: number;
  /** False when the listing stopped counting (users: beyond 10,000 matches of a search). */
  totalIsExact?: boolean;
}

export interface ImportedObjectsQuery<Sort> {
  search?: string;
  sort: Sort;
  order: SortOrder;
  limit: number;
  cursor?: string;
}

export interface ImportedObjectsOptions<Sort, Page> {
  fetchPage(query: ImportedObjectsQuery<Sort>): Promise<Page>;
  sort: Sort;
  /** The sync request's selection: picked rows as ids, or all matching a search. */
  selection(picked: { ids: string[] } | { search: string }): SyncSelection;
}

/**
 * The imported objects (users, groups) of the configured tenant, one server page at a time, sorted, with
 * how many match and the administrator's selection (see usePagedSelection): what a sync page lists and picks.
 * Each kind's store is this body with its own listing and selection.
 */
export function useImportedObjects<
  Row extends { id: string },
  Sort extends string,
  Page extends CountedPage<Row>,
>(options: ImportedObjectsOptions<Sort, Page>) {
  const search = ref('');
  // A generic ref: Vue's UnwrapRef cannot see through a type parameter.
  const sort = ref(options.sort) as Ref<Sort>;
  const order = ref<SortOrder>('asc');
  const limit = ref<number>(50);
  const list = usePagedList<Row, Page>(
    (cursor) =>
      options.fetchPage({
        search: search.value || undefined,
        sort: sort.value,
        order: order.value,
        limit: limit.value,
        cursor,
      }),
    () => limit.value,
  );

  const rows = computed(() => list.rows);
  const picks = usePagedSelection(
    () => rows.value.map((row) => row.id),
    () => search.value,
  );
  const { selectedIds, allMatching } = picks;
  const total = computed(() => list.page?.total ?? 0);
  const totalIsExact = computed(() => list.page?.totalIsExact ?? true);

  const selectedCount = computed(() => (allMatching.value ? total.value : selectedIds.value.length));
  const hasSelection = computed(() => selectedCount.value > 0);
  const morePages = computed(() => total.value > rows.value.length);
  /** What the sync request selects, or null when nothing is selected. */
  const selection = computed<SyncSelection | null>(() => {
    if (allMatching.value) return options.selection({ search: allMatching.value.search });
    if (selectedIds.value.length) return options.selection({ ids: [...selectedIds.value] });
    return null;
  });

  function setSearch(term: string): Promise<void> {
    search.value = term.trim();
    picks.searchChanged();
    return list.firstPage();
  }

  function setSort(field: Sort, direction: SortOrder): Promise<void> {
    sort.value = field;
    order.value = direction;
    return list.firstPage();
  }

  function setLimit(size: number): Promise<void> {
    limit.value = size;
    return list.firstPage();
  }

  return {
    list,
    search,
    sort,
    order,
    limit,
    rows,
    total,
    totalIsExact,
    ...picks,
    selectedCount,
    hasSelection,
    morePages,
    selection,
    setSearch,
    setSort,
    setLimit,
  };
}
