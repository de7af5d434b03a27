import { computed, type Ref, ref } from 'vue';
import { t } from '@/i18n';
import { formatCount } from './format';
import { usePagedList } from './usePagedList';

/** How many objects one search reads from Azure AD at most (Graph answers them in one or two pages). */
export const SEARCH_LIMIT = 1000;
const ROWS_PER_PAGE = 50;

/** What a search of the live tenant answers: what it found, and whether more match than it read. */
export interface DirectoryAnswer<Found> {
  items: Found[];
  moreMatches: boolean;
}

export interface DirectoryImportOptions<Found, Result> {
  /** Reads up to `limit` of the tenant's objects matching the search (all of them when it is empty). */
  read(search: string | undefined, limit: number): Promise<DirectoryAnswer<Found>>;
  importObjects(objectIds: string[]): Promise<Result>;
}

/**
 * Searching the live tenant, picking objects (users, groups) that are not imported yet, and importing them:
 * the body of each kind's import store. A search reads up to SEARCH_LIMIT objects at once and says when more
 * match; the list pages through them here, so the picks of every page are one selection. Picks stay across
 * searches, so the admin may gather objects from several; after an import the tenant is read again, since
 * its flags changed (imported, or found to be duplicates), and the page the admin was on is shown.
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
  // The cursor of a page of the results is where it starts.
  const list = usePagedList<Found>(
    async (cursor) => {
      const start = Number(cursor ?? 0);
      const end = start + ROWS_PER_PAGE;
      return {
        items: found.value.slice(start, end),
        nextCursor: end < found.value.length ? String(end) : null,
      };
    },
    () => ROWS_PER_PAGE,
  );
  /** Which rows of how many are shown, "of the first" when more match than were read. */
  const summary = computed(() => {
    if (!found.value.length) return '';
    const named = { range: list.range, total: formatCount(found.value.length) };
    return t(moreMatches.value ? 'shell.pager.rangeOfFirst' : 'shell.pager.range', named);
  });

  async function readDirectory(): Promise<void> {
    searching.value = true;
    try {
      const answer = await options.read(search.value || undefined, SEARCH_LIMIT);
      found.value = answer.items;
      moreMatches.value = answer.moreMatches;
      searched.value = true;
    } finally {
      searching.value = false;
    }
  }

  async function searchDirectory(term: string): Promise<void> {
    search.value = term.trim();
    await readDirectory();
    await list.firstPage();
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
    found,
    moreMatches,
    searched,
    searching,
    importing,
    selectedObjectIds,
    lastResult,
    list,
    summary,
    searchDirectory,
    setSelection,
    toggle,
    importSelected,
    dismissResult,
  };
}
