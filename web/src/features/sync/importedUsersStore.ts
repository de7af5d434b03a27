import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, call } from '@/api/client';
import type { ImportedUserPage, ImportedUserSort, SortOrder, SyncSelection } from '@/api/schemas';
import { useListLoad } from '@/shell/useListLoad';

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
  const cursor = ref<string | undefined>(undefined);
  /** 0-based position of the page shown, to tell "51–100 of N"; cursors carry no offset. */
  const pageIndex = ref(0);
  const page = ref<ImportedUserPage | null>(null);
  const { loading, failure, loadedAt, track } = useListLoad();

  const selectedIds = ref<string[]>([]);
  const allMatching = ref<{ search: string } | null>(null);

  const users = computed(() => page.value?.items ?? []);
  const total = computed(() => page.value?.total ?? 0);
  const totalIsExact = computed(() => page.value?.totalIsExact ?? true);
  const tenantId = computed(() => page.value?.tenantId ?? null);
  const firstRowNumber = computed(() => (users.value.length ? pageIndex.value * limit.value + 1 : 0));
  const lastRowNumber = computed(() => pageIndex.value * limit.value + users.value.length);

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

  async function load(): Promise<void> {
    page.value = await track(() =>
      call(
        api.GET('/api/imported-users', {
          params: {
            query: {
              search: search.value || undefined,
              sort: sort.value,
              order: order.value,
              limit: limit.value,
              cursor: cursor.value,
            },
          },
        }),
      ),
    );
  }

  function firstPage(): Promise<void> {
    cursor.value = undefined;
    pageIndex.value = 0;
    return load();
  }

  function nextPage(): Promise<void> {
    if (!page.value?.nextCursor) return Promise.resolve();
    cursor.value = page.value.nextCursor;
    pageIndex.value += 1;
    return load();
  }

  function previousPage(): Promise<void> {
    if (!page.value?.prevCursor) return Promise.resolve();
    cursor.value = page.value.prevCursor;
    pageIndex.value = Math.max(0, pageIndex.value - 1);
    return load();
  }

  function setSearch(term: string): Promise<void> {
    search.value = term.trim();
    // "All matching" meant the old search; single picks stay, they are still the same users.
    allMatching.value = null;
    return firstPage();
  }

  function setSort(field: ImportedUserSort, direction: SortOrder): Promise<void> {
    sort.value = field;
    order.value = direction;
    return firstPage();
  }

  function setLimit(size: number): Promise<void> {
    limit.value = size;
    return firstPage();
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
    search,
    sort,
    order,
    limit,
    pageIndex,
    page,
    loading,
    failure,
    loadedAt,
    users,
    total,
    totalIsExact,
    tenantId,
    firstRowNumber,
    lastRowNumber,
    selectedIds,
    allMatching,
    selectedCount,
    hasSelection,
    isPageFullySelected,
    selection,
    load,
    firstPage,
    nextPage,
    previousPage,
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
