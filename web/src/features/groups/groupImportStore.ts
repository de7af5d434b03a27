import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, call } from '@/api/client';
import type { DirectoryGroup, GroupImportResult } from '@/api/schemas';

/** Searching the live tenant's groups, picking some, and importing them with their members. */
export const useGroupImportStore = defineStore('groupImport', () => {
  const search = ref('');
  const directoryGroups = ref<DirectoryGroup[]>([]);
  const searched = ref(false);
  const searching = ref(false);
  const importing = ref(false);
  const selectedObjectIds = ref<string[]>([]);
  const lastResult = ref<GroupImportResult | null>(null);

  async function searchDirectory(term: string): Promise<void> {
    search.value = term.trim();
    searching.value = true;
    try {
      const answer = await call(
        api.GET('/api/directory/groups', {
          params: { query: { search: search.value || undefined, limit: 200 } },
        }),
      );
      directoryGroups.value = answer.items;
      searched.value = true;
    } finally {
      searching.value = false;
    }
  }

  function toggle(objectId: string, picked: boolean): void {
    selectedObjectIds.value = picked
      ? [...selectedObjectIds.value, objectId]
      : selectedObjectIds.value.filter((id) => id !== objectId);
  }

  async function importSelected(): Promise<GroupImportResult> {
    importing.value = true;
    try {
      const result = await call(
        api.POST('/api/imported-groups', { body: { objectIds: [...selectedObjectIds.value] } }),
      );
      lastResult.value = result;
      selectedObjectIds.value = [];
      await searchDirectory(search.value);
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
    directoryGroups,
    searched,
    searching,
    importing,
    selectedObjectIds,
    lastResult,
    searchDirectory,
    toggle,
    importSelected,
    dismissResult,
  };
});
