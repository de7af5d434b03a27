import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, call } from '@/api/client';
import type { DirectoryUser, ImportResult } from '@/api/schemas';
import { usePagedList } from '@/shell/usePagedList';

/** How many users one search reads from Azure AD at most. */
export const SEARCH_LIMIT = 1000;
const ROWS_PER_PAGE = 50;

/**
 * Searching the live tenant, picking users that are not imported yet, and importing them. A search reads
 * up to SEARCH_LIMIT users at once (Graph answers them in one or two pages) and says when more match; the
 * list pages through them here, so the picks of every page are one selection.
 */
export const useDirectoryImportStore = defineStore('directoryImport', () => {
  const search = ref('');
  const directoryUsers = ref<DirectoryUser[]>([]);
  /** More users than SEARCH_LIMIT match the search: only the first ones are listed. */
  const moreMatches = ref(false);
  // The cursor of a page of the results is where it starts.
  const list = usePagedList<DirectoryUser>(
    async (cursor) => {
      const start = Number(cursor ?? 0);
      const end = start + ROWS_PER_PAGE;
      return {
        items: directoryUsers.value.slice(start, end),
        nextCursor: end < directoryUsers.value.length ? String(end) : null,
      };
    },
    () => ROWS_PER_PAGE,
  );
  const searched = ref(false);
  const searching = ref(false);
  const importing = ref(false);
  const selectedObjectIds = ref<string[]>([]);
  const lastResult = ref<ImportResult | null>(null);

  const availableUsers = computed(() => directoryUsers.value.filter((user) => user.status === 'available'));

  async function searchDirectory(term: string): Promise<void> {
    search.value = term.trim();
    await readDirectory();
    await list.firstPage();
  }

  async function readDirectory(): Promise<void> {
    searching.value = true;
    try {
      const answer = await call(
        api.GET('/api/directory/users', {
          params: { query: { search: search.value || undefined, limit: SEARCH_LIMIT } },
        }),
      );
      directoryUsers.value = answer.items;
      moreMatches.value = answer.moreMatches;
      // Picks from earlier searches stay: the admin may gather users from several searches.
      searched.value = true;
    } finally {
      searching.value = false;
    }
  }

  function setSelection(objectIds: string[]): void {
    selectedObjectIds.value = [...objectIds];
  }

  async function importSelected(): Promise<ImportResult> {
    importing.value = true;
    try {
      const result = await call(
        api.POST('/api/imported-users', { body: { objectIds: [...selectedObjectIds.value] } }),
      );
      lastResult.value = result;
      selectedObjectIds.value = [];
      // The flags changed (imported, or found to be duplicates): show the tenant as it is now, on the
      // page the administrator was on.
      await readDirectory();
      await list.load();
      return result;
    } finally {
      importing.value = false;
    }
  }

  function dismissResult(): void {
    lastResult.value = null;
  }

  return {
    search,
    directoryUsers,
    moreMatches,
    list,
    searched,
    searching,
    importing,
    selectedObjectIds,
    lastResult,
    availableUsers,
    searchDirectory,
    setSelection,
    importSelected,
    dismissResult,
  };
});
