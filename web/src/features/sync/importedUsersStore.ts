import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, call } from '@/api/client';
import type { ImportedUserPage, ImportedUserSort, SortOrder, SyncSelection, User } from '@/api/schemas';
import { usePagedList } from '@/shell/usePagedList';

export const PAGE_SIZES = [25, 50, 100, 200] as const;

/**
 * The imported users of the configured tenant, one server page at a time, and the administrator's
 * selection: single users (kept across pages) or every user matching a search, which is sent as a
 * search rather than as ids so that 100,000 users never travel to the browser.
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

  const selectedIds = ref<string[]>([]);
  const allMatching = ref<{ search: string } | null>(null);

  const users = computed(() => list.rows);
  const total = computed(() => list.page?.total ?? 0);
  const totalIsExact = computed(() => list.page?.totalIsExact ?? true);
  const tenantId = computed(() => list.page?.tenantId ?? null);

  const selectedCount = computed(() => (allMatching.value ? total.value : selectedIds.value.length));
  const hasSelection = computed(() => selectedCount.value > 0);
  const isPageFullySelected = computed(
    () => users.value.length > 0 && users.value.every((user) => isSelected(user.id)),
  );
  /** What the sync request selects, or null when nothing is selected. */
  const selection = computed<SyncSelection | null>(() => {
    if (allMatching.value) return { allMatching: { search: allMatching.value.search } };
    if (selectedIds.value.length) return { userIds: [...selectedIds.value] };
    return null;
  });

  function setSearch(term: string): Promise<void> {
    search.value = term.trim();
    // "All matching" meant the old search; single picks stay, they are still the same users.
    allMatching.value = null;
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

  /** The table reports which rows of the shown page are checked; picks on other pages stay. */
  function setPageSelection(checkedOnPage: string[]): void {
    const onPage = new Set(users.value.map((user) => user.id));
    if (allMatching.value) {
      // Unticking a row while "all matching" is on narrows it down to explicit picks of this page.
      allMatching.value = null;
    }
    const elsewhere = selectedIds.value.filter((id) => !onPage.has(id));
    selectedIds.value = [...elsewhere, ...checkedOnPage.filter((id) => onPage.has(id))];
  }

  function isSelected(userId: string): boolean {
    return allMatching.value !== null || selectedIds.value.includes(userId);
  }

  function toggleUser(userId: string, selected: boolean): void {
    const checkedOnPage = users.value
      .map((user) => user.id)
      .filter((id) => (id === userId ? selected : isSelected(id)));
    setPageSelection(checkedOnPage);
  }

  function selectAllMatching(): void {
    allMatching.value = { search: search.value };
    selectedIds.value = [];
  }

  function clearSelection(): void {
    allMatching.value = null;
    selectedIds.value = [];
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
    selectedIds,
    allMatching,
    selectedCount,
    hasSelection,
    isPageFullySelected,
    selection,
    setSearch,
    setSort,
    setLimit,
    setPageSelection,
    isSelected,
    toggleUser,
    selectAllMatching,
    clearSelection,
  };
});
