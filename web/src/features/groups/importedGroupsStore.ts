import { defineStore } from 'pinia';
import { api, call } from '@/api/client';
import type { Group, ImportedGroupPage, ImportedGroupSort } from '@/api/schemas';
import { useImportedObjects } from '@/shell/useImportedObjects';

export const GROUP_PAGE_SIZES = [25, 50, 100, 200] as const;

/**
 * The groups imported from the configured tenant, one server page at a time, and the selection to
 * synchronize (see useImportedObjects): picked groups travel as ids, "all matching" as the search.
 */
export const useImportedGroupsStore = defineStore('importedGroups', () => {
  const importedGroups = useImportedObjects<Group, ImportedGroupSort, ImportedGroupPage>({
    fetchPage: (query) => call(api.GET('/api/imported-groups', { params: { query } })),
    sort: 'name',
    selection: (picked) =>
      'ids' in picked ? { groupIds: picked.ids } : { allMatchingGroups: { search: picked.search } },
  });
  return { ...importedGroups, groups: importedGroups.rows };
});
