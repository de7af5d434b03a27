import { type Ref, ref } from 'vue';

/** What a search of the live tenant answers: what it found, and whether more match than it read. */
export interface DirectoryAnswer<Found> {
  items: Found[];
  moreMatches?: boolean;
}

export interface DirectoryImportOptions<Found, Result> {
  /** Reads the tenant's objects matching the search (all of them when it is empty). */
  read(search: string | undefined): Promise<DirectoryAnswer<Found>>;
  importObjects(objectIds: string[]): Promise<Result>;
  /** Shows what was read: a new search from its start, the tenant after an import where the admin was. */
  shown?(after: 'search' | 'import'): Promise<void>;
}

/**
 * Searching the live tenant, picking objects (users, groups) that are not imported yet, and importing them:
 * the body of each kind's import store. Picks stay across searches, so the admin may gather objects from
 * several; after an import the tenant is read again, since its flags changed (imported, or found to be
 * duplicates).
 */
export function useDirectoryImport<Found, Result>(options: DirectoryImportOptions<Found, Result>) {
  const search = ref('');
  const found = ref([]) as Ref<Found[]>;
  /** More objects match the search than one read lists: only the first ones are listed. */
  const moreMatches = ref(false);
  const searched = ref(false);
  const searching = ref(false);
  const importing = ref(false);
  const selectedObjectIds = ref<string[]>([]);
  const lastResult = ref(null) as Ref<Result | null>;

  async function readDirectory(): Promise<void> {
    searching.value = true;
    try {
      const answer = await options.read(search.value || undefined);
      found.value = answer.items;
      moreMatches.value = answer.moreMatches ?? false;
      searched.value = true;
    } finally {
      searching.value = false;
    }
  }

  async function searchDirectory(term: string): Promise<void> {
    search.value = term.trim();
    await readDirectory();
    await options.shown?.('search');
  }

  function setSelection(objectIds: string[]): void {
    selectedObjectIds.value = [...objectIds];
  }

  function toggle(objectId: string, picked: boolean): void {
    selectedObjectIds.value = picked
      ? [...selectedObjectIds.value, objectId]
      : selectedObjectIds.value.filter((id) => id !== objectId);
  }

  async function importSelected(): Promise<Result> {
    importing.value = true;
    try {
      const result = await options.importObjects([...selectedObjectIds.value]);
      lastResult.value = result;
      selectedObjectIds.value = [];
      await readDirectory();
      await options.shown?.('import');
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
    found,
    moreMatches,
    searched,
    searching,
    importing,
    selectedObjectIds,
    lastResult,
    searchDirectory,
    setSelection,
    toggle,
    importSelected,
    dismissResult,
  };
}
