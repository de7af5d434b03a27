import { defineStore } from 'pinia';
import { computed } from 'vue';
import { api, call } from '@/api/client';
import type { ImportedUserPage, ImportedUserSort, User } from '@/api/schemas';
import { useImportedObjects } from '@/shell/useImportedObjects';

export const PAGE_SIZES = [25, 50, 100, 200] as const;

/**
 * The imported users of the configured tenant, one server page at a time, and the administrator's
 * selection (see useImportedObjects).
 */
export const useImportedUsersStore = defineStore('importedUsers', () => {
  const importedUsers = useImportedObjects<User, ImportedUserSort, ImportedUserPage>({
    fetchPage: (query) => call(api.GET('/api/imported-users', { params: { query } })),
    sort: 'username',
    selection: (picked) =>
      'ids' in picked ? { userIds: picked.ids } : { allMatching: { search: picked.search } },
  });
  const tenantId = computed(() => importedUsers.list.page?.tenantId ?? null);
  return { ...importedUsers, users: importedUsers.rows, tenantId };
});
