import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Group } from '@/api/schemas';
import { fakeApi } from '@/test-support/fakeApi';
import { useImportedGroupsStore } from './importedGroupsStore';

function aGroup(id: string): Group {
  return {
    id,
    name: `${id} viewers`,
    description: null,
    source: 'azure_ad',
    objectId: `object-${id}`,
    tenantId: 'contoso',
    memberCount: 3,
    lastSyncedAt: null,
    createdAt: '2026-11-26T08:00:00.000Z',
    updatedAt: '2026-11-26T08:00:00.000Z',
  };
}

const pages: Record<string, { items: Group[]; total: number; nextCursor: string | null }> = {
  first: { items: [aGroup('a'), aGroup('b')], total: 3, nextCursor: 'c2' },
  c2: { items: [aGroup('c')], total: 3, nextCursor: null },
};

describe('useImportedGroupsStore', () => {
  let server: ReturnType<typeof fakeApi>;

  beforeEach(() => {
    setActivePinia(createPinia());
    server = fakeApi();
    server.on('GET', '/api/imported-groups', (request) => ({
      status: 200,
      body: pages[request.query.get('cursor') ?? 'first'],
    }));
  });
  afterEach(() => vi.unstubAllGlobals());

  it('asks for one page of imported groups with the trimmed search, the sort, the page size and the cursor', async () => {
    const store = useImportedGroupsStore();
    await store.setSearch('  view ');
    await store.setLimit(25);
    await store.list.nextPage();
    expect(Object.fromEntries(server.requests.at(-1)!.query)).toEqual({
      search: 'view',
      sort: 'name',
      order: 'asc',
      limit: '25',
      cursor: 'c2',
    });
    await store.setSort('name', 'desc');
    expect(Object.fromEntries(server.requests.at(-1)!.query)).toMatchObject({ order: 'desc' });
    expect(server.requests.at(-1)!.query.has('cursor')).toBe(false);
  });

  it('sends picked groups as ids, kept across pages', async () => {
    const store = useImportedGroupsStore();
    await store.list.firstPage();
    expect(store.selection).toBeNull();
    store.toggle('a', true);
    await store.list.nextPage();
    store.togglePage(true);
    expect(store.selection).toEqual({ groupIds: ['a', 'c'] });
    store.toggle('c', false);
    expect(store.selection).toEqual({ groupIds: ['a'] });
  });

  it('sends "all matching" as the search, offered only when groups lie beyond the page', async () => {
    const store = useImportedGroupsStore();
    await store.setSearch('view');
    store.togglePage(true);
    expect(store.isPageFullySelected).toBe(true);
    expect(store.morePages).toBe(true);
    expect(store.selectedCount).toBe(2);
    store.selectAllMatching();
    expect(store.selection).toEqual({ allMatchingGroups: { search: 'view' } });
    // How many groups the sync will select: every match, not the page.
    expect(store.selectedCount).toBe(3);
    expect(store.isSelected('anything on any page')).toBe(true);

    // A new search drops "all matching", which meant the old one.
    await store.setSearch('other');
    expect(store.selection).toBeNull();
    expect(store.hasSelection).toBe(false);
  });

  it('narrows "all matching" down to the page when a row is unticked', async () => {
    const store = useImportedGroupsStore();
    await store.list.firstPage();
    store.selectAllMatching();
    store.toggle('b', false);
    expect(store.selection).toEqual({ groupIds: ['a'] });
  });
});
