import { defineStore } from 'pinia';
import { computed } from 'vue';
import { api, call } from '@/api/client';
import type { DirectoryUser, ImportResult } from '@/api/schemas';
import { useDirectoryImport } from '@/shell/useDirectoryImport';
import { usePagedList } from '@/shell/usePagedList';

/** How many users one search reads from Azure AD at most. */
export const SEARCH_LIMIT = 1000;
const ROWS_PER_PAGE = 50;

/**
 * Searching the live tenant, picking users that are not imported yet, and importing them (see
 * useDirectoryImport). A search reads up to SEARCH_LIMIT users at once (Graph answers them in one or two
 * pages) and says when more match; the list pages through them here, so the picks of every page are one
 * selection.
 */
export const useDirectoryImportStore = defineStore('directoryImport', () => {
  const userImport = useDirectoryImport<DirectoryUser, ImportResult>({
    read: (search) =>
      call(api.GET('/api/directory/users', { params: { query: { search, limit: SEARCH_LIMIT } } })),
    importObjects: (objectIds) => call(api.POST('/api/imported-users', { body: { objectIds } })),
    // After an import, the page the administrator was on.
    shown: (after): Promise<void> => (after === 'search' ? list.firstPage() : list.load()),
  });
  const directoryUsers = userImport.found;
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
  const availableUsers = computed(() => directoryUsers.value.filter((user) => user.status === 'available'));

  return { ...userImport, directoryUsers, list, availableUsers };
});
