import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, call } from '@/api/client';
import type { Group, SyncSelection } from '@/api/schemas';
import { usePagedList } from '@/shell/usePagedList';
import { usePagedSelection } from '@/shell/usePagedSelection';

export const GROUP_PAGE_SIZES = [25, 50, 100, 200] as const;

/**
 * The groups imported from the configured tenant, one server page at a time, and the selection to
 * synchronize (see usePagedSelection): picked groups travel as ids, "all matching" as the search.
 */
export const useImportedGroupsStore = defineStore('importedGroups', () => {
  const search = ref('');
  const limit = ref<number>(50);
  const list = usePagedList<Group>(
    (cursor) =>
      call(
        api.GET('/api/imported-groups', {
          params: { query: { search: search.value || undefined, limit: limit.value, cursor } },
        }),
      ),
    () => limit.value,
  );
  const groups = computed(() => list.rows);
  const picks = usePagedSelection(
    () => groups.value.map((group) => group.id),
    () => search.value,
  );
  const { selectedIds, allMatching } = picks;

  /** Whether groups matching the search lie beyond the page shown (the listing gives no total). */
  const morePages = computed(() => list.hasNext || list.hasPrevious);
  const hasSelection = computed(() => allMatching.value !== null || selectedIds.value.length > 0);
  /** What the sync request selects, or null when nothing is selected. */
  const selection = computed<SyncSelection | null>(() => {
    if (allMatching.value) return { allMatchingGroups: { search: allMatching.value.search } };
    if (selectedIds.value.length) return { groupIds: [...selectedIds.value] };
    return null;
  });

  function setSearch(text: string): Promise<void> {
    search.value = text.trim();
    picks.searchChanged();
    return list.firstPage();
  }

  function setLimit(size: number): Promise<void> {
    limit.value = size;
    return list.firstPage();
  }

  return {
    list,
    search,
    limit,
    groups,
    ...picks,
    morePages,
    hasSelection,
    selection,
    setSearch,
    setLimit,
  };
});
