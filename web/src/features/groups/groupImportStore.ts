import { defineStore } from 'pinia';
import { api, call } from '@/api/client';
import type { DirectoryGroup, GroupImportResult } from '@/api/schemas';
import { useDirectoryImport } from '@/shell/useDirectoryImport';

/**
 * Searching the live tenant's groups, picking some, and importing them with their members (see
 * useDirectoryImport: up to SEARCH_LIMIT groups a search, paged here).
 */
export const useGroupImportStore = defineStore('groupImport', () => {
  const groupImport = useDirectoryImport<DirectoryGroup, GroupImportResult>({
    read: (search, limit) => call(api.GET('/api/directory/groups', { params: { query: { search, limit } } })),
    importObjects: (objectIds) => call(api.POST('/api/imported-groups', { body: { objectIds } })),
  });
  return { ...groupImport, directoryGroups: groupImport.found };
});
