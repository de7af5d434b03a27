import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DirectoryUser } from '@/api/schemas';
import { SEARCH_LIMIT } from '@/shell/useDirectoryImport';
import { fakeApi } from '@/test-support/fakeApi';
import { useDirectoryImportStore } from './directoryImportStore';

function aDirectoryUser(objectId: string, status: DirectoryUser['status']): DirectoryUser {
  const username = `${objectId}@contoso.example`;
  return {
    objectId,
    displayName: objectId,
    userPrincipalName: username,
    mapped: { username, firstName: objectId, lastName: 'Doe', email: username, contactNumber: null },
    status,
    duplicateOf: null,
    importedUserId: null,
  };
}

describe('useDirectoryImportStore', () => {
  let server: ReturnType<typeof fakeApi>;
  let imported: string[];

  beforeEach(() => {
    setActivePinia(createPinia());
    server = fakeApi();
    imported = [];
    server.on('GET', '/api/directory/users', (request) => {
      const search = request.query.get('search') ?? '';
      // An empty search matches a large tenant: more than the limit asked for.
      const people = search
        ? ['ada', 'alan', 'grace'].filter((name) => name.startsWith(search))
        : Array.from({ length: Number(request.query.get('limit')) }, (_, index) => `user${index}`);
      return {
        status: 200,
        body: {
          items: people.map((name) =>
            aDirectoryUser(name, imported.includes(name) ? 'imported' : 'available'),
          ),
          moreMatches: !search,
        },
      };
    });
    server.on('POST', '/api/imported-users', (request) => {
      const { objectIds } = request.body as { objectIds: string[] };
      imported.push(...objectIds);
      return {
        status: 200,
        body: {
          counts: { imported: objectIds.length, already_imported: 0, duplicate: 0, not_found: 0, failed: 0 },
          results: objectIds.map((objectId) => ({ objectId, outcome: 'imported' })),
        },
      };
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('keeps picks from earlier searches and imports them all at once', async () => {
    const store = useDirectoryImportStore();
    await store.searchDirectory('ad');
    store.setSelection(['ada']);
    await store.searchDirectory('g');
    store.setSelection([...store.selectedObjectIds, 'grace']);

    const result = await store.importSelected();
    expect(server.requests.find((request) => request.method === 'POST')?.body).toEqual({
      objectIds: ['ada', 'grace'],
    });
    expect(result.counts.imported).toBe(2);
    expect(store.selectedObjectIds).toEqual([]);
    // The search is asked again, so the flags say what is imported now.
    expect(store.directoryUsers.map((user) => user.status)).toEqual(['imported']);
  });

  it('reads up to 1,000 users a search, pages through them 50 at a time and says when more match', async () => {
    const store = useDirectoryImportStore();
    await store.searchDirectory('');
    expect(server.requests[0].query.get('limit')).toBe(String(SEARCH_LIMIT));
    expect(store.directoryUsers).toHaveLength(1000);
    expect(store.moreMatches).toBe(true);
    expect(store.list.rows.map((user) => user.objectId).slice(0, 2)).toEqual(['user0', 'user1']);
    expect(store.list.range).toBe('1–50');
    for (let page = 1; page < 20; page++) await store.list.nextPage();
    expect(store.list.range).toBe('951–1,000');
    expect(store.list.hasNext).toBe(false);
    // Paging is local: Azure AD was read once.
    expect(server.requests).toHaveLength(1);

    await store.searchDirectory('a');
    expect(store.moreMatches).toBe(false);
    expect(store.list.range).toBe('1–2');
  });

  it('stays on the page shown after an import', async () => {
    const store = useDirectoryImportStore();
    await store.searchDirectory('');
    await store.list.nextPage();
    store.setSelection(['user50']);
    await store.importSelected();
    expect(store.list.range).toBe('51–100');
    expect(store.list.rows[0]).toMatchObject({ objectId: 'user50', status: 'imported' });
  });
});
