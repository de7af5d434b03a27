import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { User } from '@/api/schemas';
import { fakeApi } from '@/test-support/fakeApi';
import { useImportedUsersStore } from './importedUsersStore';

function aUser(id: string): User {
  return {
    id,
    username: `${id}@contoso.com`,
    firstName: id,
    lastName: 'Doe',
    email: `${id}@contoso.com`,
    contactNumber: null,
    isActive: true,
    source: 'azure_ad',
    objectId: null,
    tenantId: 'contoso',
    lastSyncedAt: null,
    createdAt: '2026-11-26T08:00:00.000Z',
    updatedAt: '2026-11-26T08:00:00.000Z',
  };
}

const pages: Record<string, { items: User[]; nextCursor: string | null; prevCursor: string | null }> = {
  first: { items: [aUser('a'), aUser('b')], nextCursor: 'c2', prevCursor: null },
  c2: { items: [aUser('c'), aUser('d')], nextCursor: null, prevCursor: 'c1' },
  c1: { items: [aUser('a'), aUser('b')], nextCursor: 'c2', prevCursor: null },
};

describe('useImportedUsersStore', () => {
  let server: ReturnType<typeof fakeApi>;

  beforeEach(() => {
    setActivePinia(createPinia());
    server = fakeApi();
    server.on('GET', '/api/imported-users', (request) => ({
      status: 200,
      body: {
        ...pages[request.query.get('cursor') ?? 'first'],
        total: 4,
        totalIsExact: true,
        tenantId: 'contoso',
      },
    }));
  });
  afterEach(() => vi.unstubAllGlobals());

  it('asks the server for one page with the search, sort and cursor', async () => {
    const store = useImportedUsersStore();
    await store.setSearch('  doe ');
    await store.setSort('email', 'desc');
    await store.list.nextPage();
    const last = server.requests.at(-1)!;
    expect(Object.fromEntries(last.query)).toEqual({
      search: 'doe',
      sort: 'email',
      order: 'desc',
      limit: '50',
      cursor: 'c2',
    });
    expect(store.list.firstRowNumber).toBe(51);
  });

  it('keeps picks from other pages and sends them as ids', async () => {
    const store = useImportedUsersStore();
    await store.list.firstPage();
    store.toggle('a', true);
    await store.list.nextPage();
    store.setPageSelection(['c', 'd']);
    expect(store.isPageFullySelected).toBe(true);
    await store.list.previousPage();
    expect(store.isSelected('a')).toBe(true);
    expect(store.isSelected('b')).toBe(false);
    expect(store.selection).toEqual({ userIds: ['a', 'c', 'd'] });
    expect(store.selectedCount).toBe(3);
  });

  it('selects all users matching the search as a search, never as ids', async () => {
    const store = useImportedUsersStore();
    await store.setSearch('doe');
    store.setPageSelection(['a', 'b']);
    store.selectAllMatching();
    expect(store.selection).toEqual({ allMatching: { search: 'doe' } });
    expect(store.selectedCount).toBe(4);

    // Another search means other users: "all matching" must not silently carry over.
    await store.setSearch('ada');
    expect(store.selection).toBeNull();
    expect(store.hasSelection).toBe(false);
  });

  it('turns "all matching" into explicit picks when one row is unticked', async () => {
    const store = useImportedUsersStore();
    await store.list.firstPage();
    store.selectAllMatching();
    store.toggle('a', false);
    expect(store.selection).toEqual({ userIds: ['b'] });
  });
});
