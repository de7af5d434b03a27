import { computed, ref } from 'vue';

/**
 * What an administrator picked in a paged list: single rows (kept across pages), or every row matching a
 * search, which is sent as the search rather than as ids so that 100,000 rows never travel to the browser.
 * `pageIds` gives the ids of the rows shown; `search` the list's search now.
 */
export function usePagedSelection(pageIds: () => string[], search: () => string) {
  const selectedIds = ref<string[]>([]);
  const allMatching = ref<{ search: string } | null>(null);

  const isPageFullySelected = computed(() => {
    const ids = pageIds();
    return ids.length > 0 && ids.every(isSelected);
  });
  const isPagePartlySelected = computed(() => !isPageFullySelected.value && pageIds().some(isSelected));

  function isSelected(id: string): boolean {
    return allMatching.value !== null || selectedIds.value.includes(id);
  }

  /** The table reports which rows of the shown page are checked; picks on other pages stay. */
  function setPageSelection(checkedOnPage: string[]): void {
    const onPage = new Set(pageIds());
    // Unticking a row while "all matching" is on narrows it down to explicit picks of this page.
    allMatching.value = null;
    const elsewhere = selectedIds.value.filter((id) => !onPage.has(id));
    selectedIds.value = [...elsewhere, ...checkedOnPage.filter((id) => onPage.has(id))];
  }

  function toggle(id: string, selected: boolean): void {
    setPageSelection(pageIds().filter((shown) => (shown === id ? selected : isSelected(shown))));
  }

  function togglePage(selected: boolean): void {
    setPageSelection(selected ? pageIds() : []);
  }

  function selectAllMatching(): void {
    allMatching.value = { search: search() };
    selectedIds.value = [];
  }

  /** A new search: "all matching" meant the old one; single picks stay, they are still the same rows. */
  function searchChanged(): void {
    allMatching.value = null;
  }

  function clearSelection(): void {
    allMatching.value = null;
    selectedIds.value = [];
  }

  return {
    selectedIds,
    allMatching,
    isPageFullySelected,
    isPagePartlySelected,
    isSelected,
    setPageSelection,
    toggle,
    togglePage,
    selectAllMatching,
    searchChanged,
    clearSelection,
  };
}

export type PagedSelection = ReturnType<typeof usePagedSelection>;
