import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, call } from '@/api/client';
import type { DirectoryUser, ImportResult } from '@/api/schemas';

/** Searching the live tenant, picking users that are not imported yet, and importing them. */
export const useDirectoryImportStore = defineStore('directoryImport', () => {
  const search = ref('');
  const directoryUsers = ref<DirectoryUser[]>([]);
  const searched = ref(false);
  const searching = ref(false);
  const importing = ref(false);
  const selectedObjectIds = ref<string[]>([]);
  const lastResult = ref<ImportResult | null>(null);

  const availableUsers = computed(() => directoryUsers.value.filter((user) => user.status === 'available'));

  async function searchDirectory(term: string): Promise<void> {
    search.value = term.trim();
    searching.value = true;
    try {
      const answer = await call(
        api.GET('/api/directory/users', {
          params: { query: { search: search.value || undefined, limit: 200 } },
        }),
      );
      directoryUsers.value = answer.items;
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
      // The flags changed (imported, or found to be duplicates): show the tenant as it is now.
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
    directoryUsers,
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
