import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, call } from '@/api/client';
import type { Group, LocalGroupInput, User } from '@/api/schemas';
import { usePagedList } from '@/shell/usePagedList';

const MEMBERS_PER_PAGE = 20;

/** Every group of the reporting server, local and imported, and the members of the one opened. */
export const useGroupsStore = defineStore('groups', () => {
  const search = ref('');
  const limit = ref(50);
  const list = usePagedList<Group>(
    (cursor) =>
      call(
        api.GET('/api/groups', {
          params: { query: { search: search.value || undefined, limit: limit.value, cursor } },
        }),
      ),
    () => limit.value,
  );

  const openGroup = ref<Group | null>(null);
  const members = usePagedList<User>(
    (cursor) => {
      const group = openGroup.value;
      if (!group) return Promise.resolve({ items: [], nextCursor: null });
      return call(
        api.GET('/api/groups/{id}/members', {
          params: { path: { id: group.id }, query: { limit: MEMBERS_PER_PAGE, cursor } },
        }),
      );
    },
    () => MEMBERS_PER_PAGE,
  );

  function setSearch(text: string): Promise<void> {
    search.value = text.trim();
    return list.firstPage();
  }

  async function createLocalGroup(input: LocalGroupInput): Promise<Group> {
    const group = await call(api.POST('/api/groups', { body: input }));
    await list.load();
    return group;
  }

  async function updateLocalGroup(id: string, input: LocalGroupInput): Promise<Group> {
    const group = await call(api.PATCH('/api/groups/{id}', { params: { path: { id } }, body: input }));
    list.replaceRow((shown) => shown.id === id, group);
    return group;
  }

  async function deleteLocalGroup(id: string): Promise<void> {
    await call(api.DELETE('/api/groups/{id}', { params: { path: { id } } }));
    if (openGroup.value?.id === id) closeMembers();
    await list.load();
  }

  function showMembers(group: Group): Promise<void> {
    openGroup.value = group;
    return members.firstPage();
  }

  function closeMembers(): void {
    openGroup.value = null;
  }

  return {
    list,
    search,
    limit,
    openGroup,
    members,
    setSearch,
    createLocalGroup,
    updateLocalGroup,
    deleteLocalGroup,
    showMembers,
    closeMembers,
  };
});
