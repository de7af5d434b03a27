import { defineStore } from 'pinia';
import { computed } from 'vue';
import { api, call } from '@/api/client';
import type { DirectoryUser, ImportResult } from '@/api/schemas';
import { useDirectoryImport } from '@/shell/useDirectoryImport';

/**
 * Searching the live tenant's users, picking those that are not imported yet, and importing them (see
 * useDirectoryImport: up to SEARCH_LIMIT users a search, paged here).
 */
export const useDirectoryImportStore = defineStore('directoryImport', () => {
  const userImport = useDirectoryImport<DirectoryUser, ImportResult>({
    read: (search, limit) => call(api.GET('/api/directory/users', { params: { query: { search, limit } } })),
    importObjects: (objectIds) => call(api.POST('/api/imported-users', { body: { objectIds } })),
  });
  const directoryUsers = userImport.found;
  const availableUsers = computed(() => directoryUsers.value.filter((user) => user.status === 'available'));

  return { ...userImport, directoryUsers, availableUsers };
});
