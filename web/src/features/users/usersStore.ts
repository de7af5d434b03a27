import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, call } from '@/api/client';
import type { LocalUserInput, LocalUserPatch, User, UserSource } from '@/api/schemas';
import { cursorPages, useCursorTrail } from '@/shell/cursorTrail';
import { useListLoad } from '@/shell/useListLoad';

/** Every user of the reporting server, local and imported; only local ones are edited here. */
export const useUsersStore = defineStore('users', () => {
  const users = ref<User[]>([]);
  const search = ref('');
  const source = ref<UserSource | null>(null);
  const limit = ref(50);
  const { loading, failure, loadedAt, track } = useListLoad();
  const trail = useCursorTrail();

  async function load(): Promise<void> {
    const page = await track(() =>
      call(
        api.GET('/api/users', {
          params: {
            query: {
              search: search.value || undefined,
              source: source.value ?? undefined,
              limit: limit.value,
              cursor: trail.cursor.value,
            },
          },
        }),
      ),
    );
    users.value = page.items;
    trail.nextCursor.value = page.nextCursor;
  }

  const { firstPage, nextPage, previousPage } = cursorPages(trail, load);

  function setFilter(filter: { search?: string; source?: UserSource | null }): Promise<void> {
    if (filter.search !== undefined) search.value = filter.search.trim();
    if (filter.source !== undefined) source.value = filter.source;
    return firstPage();
  }

  async function createLocalUser(input: LocalUserInput): Promise<User> {
    const user = await call(api.POST('/api/users', { body: input }));
    await load();
    return user;
  }

  async function updateLocalUser(id: string, patch: LocalUserPatch): Promise<User> {
    const user = await call(api.PATCH('/api/users/{id}', { params: { path: { id } }, body: patch }));
    users.value = users.value.map((shown) => (shown.id === id ? user : shown));
    return user;
  }

  async function deleteLocalUser(id: string): Promise<void> {
    await call(api.DELETE('/api/users/{id}', { params: { path: { id } } }));
    await load();
  }

  return {
    users,
    search,
    source,
    limit,
    loading,
    failure,
    loadedAt,
    pageIndex: trail.pageIndex,
    nextCursor: trail.nextCursor,
    load,
    firstPage,
    nextPage,
    previousPage,
    setFilter,
    createLocalUser,
    updateLocalUser,
    deleteLocalUser,
  };
});
