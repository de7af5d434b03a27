import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, call } from '@/api/client';
import type { LocalUserInput, LocalUserPatch, User, UserSource } from '@/api/schemas';
import { usePagedList } from '@/shell/usePagedList';

/** Every user of the reporting server, local and imported; only local ones are edited here. */
export const useUsersStore = defineStore('users', () => {
  const search = ref('');
  const source = ref<UserSource | null>(null);
  const limit = ref(50);
  const list = usePagedList<User>(
    (cursor) =>
      call(
        api.GET('/api/users', {
          params: {
            query: {
              search: search.value || undefined,
              source: source.value ?? undefined,
              limit: limit.value,
              cursor,
            },
          },
        }),
      ),
    () => limit.value,
  );

  function setFilter(filter: { search?: string; source?: UserSource | null }): Promise<void> {
    if (filter.search !== undefined) search.value = filter.search.trim();
    if (filter.source !== undefined) source.value = filter.source;
    return list.firstPage();
  }

  async function createLocalUser(input: LocalUserInput): Promise<User> {
    const user = await call(api.POST('/api/users', { body: input }));
    await list.load();
    return user;
  }

  async function updateLocalUser(id: string, patch: LocalUserPatch): Promise<User> {
    const user = await call(api.PATCH('/api/users/{id}', { params: { path: { id } }, body: patch }));
    list.replaceRow((shown) => shown.id === id, user);
    return user;
  }

  async function deleteLocalUser(id: string): Promise<void> {
    await call(api.DELETE('/api/users/{id}', { params: { path: { id } } }));
    await list.load();
  }

  return { list, search, source, limit, setFilter, createLocalUser, updateLocalUser, deleteLocalUser };
});
