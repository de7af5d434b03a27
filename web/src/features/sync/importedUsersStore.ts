import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, call } from '@/api/client';
import type { ImportedUserPage, ImportedUserSort, SortOrder, SyncSelection, User } from '@/api/schemas';
import { usePagedList } from '@/shell/usePagedList';
import { usePagedSelection } from '@/shell/usePagedSelection';

export const PAGE_SIZES = [25, 50, 100, 200] as const;

/**
 * The imported users of the configured tenant, one server page at a time, and the administrator's
 * selection (see usePagedSelection).
 */
export const useImportedUsersStore = defineStore('importedUsers', () => {
  const search = ref('');
  const sort = ref<ImportedUserSort>('username');
  const order = ref<SortOrder>('asc');
  const limit = ref<number>(50);
  const list = usePagedList<User, ImportedUserPage>(
    (cursor) =>
      call(
        api.GET('/api/imported-users', {
          params: {
            query: {
              search: search.value || undefined,
              sort: sort.value,
              order: order.value,
              limit: limit.value,
              cursor,
            },
          },
        }),
      ),
    () => limit.value,
  );

  const users = computed(() => list.rows);
  const picks = usePagedSelection(
    () => users.value.map((user) => user.id),
    () => search.value,
  );
  const { selectedIds, allMatching } = picks;
  const total = computed(() => list.page?.total ?? 0);
  const totalIsExact = computed(() => list.page?.totalIsExact ?? true);
  const tenantId = computed(() => list.page?.tenantId ?? null);

  const selectedCount = computed(() => (allMatching.value ? total.value : selectedIds.value.length));
  const hasSelection = computed(() => selectedCount.value > 0);
  const morePages = computed(() => total.value > users.value.length);
  /** What the sync request selects, or null when nothing is selected. */
  const selection = computed<SyncSelection | null>(() => {
    if (allMatching.value) return { allMatching: { search: allMatching.value.search } };
    if (selectedIds.value.length) return { userIds: [...selectedIds.value] };
    return null;
  });

  function setSearch(term: string): Promise<void> {
    search.value = term.trim();
    picks.searchChanged();
    return list.firstPage();
  }

  function setSort(field: ImportedUserSort, direction: SortOrder): Promise<void> {
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
    users,
    total,
    totalIsExact,
    tenantId,
    ...picks,
    selectedCount,
    hasSelection,
    morePages,
    selection,
    setSearch,
    setSort,
    setLimit,
  };
});
