import { defineStore } from 'pinia';
import { api, call } from '@/api/client';
import type { DirectoryGroup, GroupImportResult } from '@/api/schemas';
import { useDirectoryImport } from '@/shell/useDirectoryImport';

/** Searching the live tenant's groups, picking some, and importing them with their members. */
export const useGroupImportStore = defineStore('groupImport', () => {
  const groupImport = useDirectoryImport<DirectoryGroup, GroupImportResult>({
    read: (search) => call(api.GET('/api/directory/groups', { params: { query: { search, limit: 200 } } })),
    importObjects: (objectIds) => call(api.POST('/api/imported-groups', { body: { objectIds } })),
  });
  return { ...groupImport, directoryGroups: groupImport.found };
});
