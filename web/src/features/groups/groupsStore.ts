import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, call } from '@/api/client';
import type { Group, LocalGroupInput, User } from '@/api/schemas';
import { cursorPages, useCursorTrail } from '@/shell/cursorTrail';
import { useListLoad } from '@/shell/useListLoad';

/** Every group of the reporting server, local and imported, and the members of the one opened. */
export const useGroupsStore = defineStore('groups', () => {
  const groups = ref<Group[]>([]);
  const search = ref('');
  const limit = ref(50);
  const { loading, failure, loadedAt, track } = useListLoad();
  const trail = useCursorTrail();

  const openGroup = ref<Group | null>(null);
  const members = ref<User[]>([]);
  const membersLoading = ref(false);
  const memberTrail = useCursorTrail();

  async function load(): Promise<void> {
    const page = await track(() =>
      call(
        api.GET('/api/groups', {
          params: {
            query: { search: search.value || undefined, limit: limit.value, cursor: trail.cursor.value },
          },
        }),
      ),
    );
    groups.value = page.items;
    trail.nextCursor.value = page.nextCursor;
  }

  const { firstPage, nextPage, previousPage } = cursorPages(trail, load);

  function setSearch(text: string): Promise<void> {
    search.value = text.trim();
    return firstPage();
  }

  async function createLocalGroup(input: LocalGroupInput): Promise<Group> {
    const group = await call(api.POST('/api/groups', { body: input }));
    await load();
    return group;
  }

  async function updateLocalGroup(id: string, input: LocalGroupInput): Promise<Group> {
    const group = await call(api.PATCH('/api/groups/{id}', { params: { path: { id } }, body: input }));
    groups.value = groups.value.map((shown) => (shown.id === id ? group : shown));
    return group;
  }

  async function deleteLocalGroup(id: string): Promise<void> {
    await call(api.DELETE('/api/groups/{id}', { params: { path: { id } } }));
    if (openGroup.value?.id === id) closeMembers();
    await load();
  }

  async function loadMembers(): Promise<void> {
    if (!openGroup.value) return;
    membersLoading.value = true;
    try {
      const page = await call(
        api.GET('/api/groups/{id}/members', {
          params: {
            path: { id: openGroup.value.id },
            query: { limit: 20, cursor: memberTrail.cursor.value },
          },
        }),
      );
      members.value = page.items;
      memberTrail.nextCursor.value = page.nextCursor;
    } finally {
      membersLoading.value = false;
    }
  }

  const memberPages = cursorPages(memberTrail, loadMembers);

  function showMembers(group: Group): Promise<void> {
    openGroup.value = group;
    return memberPages.firstPage();
  }

  function closeMembers(): void {
    openGroup.value = null;
    members.value = [];
  }

  return {
    groups,
    search,
    limit,
    loading,
    failure,
    loadedAt,
    pageIndex: trail.pageIndex,
    nextCursor: trail.nextCursor,
    openGroup,
    members,
    membersLoading,
    memberPageIndex: memberTrail.pageIndex,
    memberNextCursor: memberTrail.nextCursor,
    load,
    firstPage,
    nextPage,
    previousPage,
    setSearch,
    createLocalGroup,
    updateLocalGroup,
    deleteLocalGroup,
    showMembers,
    closeMembers,
    nextMembers: memberPages.nextPage,
    previousMembers: memberPages.previousPage,
  };
});
