import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DirectoryGroup } from '@/api/schemas';
import { SEARCH_LIMIT } from '@/shell/useDirectoryImport';
import { fakeApi } from '@/test-support/fakeApi';
import { useGroupImportStore } from './groupImportStore';

function aDirectoryGroup(objectId: string, status: DirectoryGroup['status']): DirectoryGroup {
  return {
    objectId,
    displayName: objectId,
    description: null,
    status,
    importedGroupId: null,
    duplicateOfGroup: null,
    reason: null,
  };
}

// Picks and the page kept after an import are useDirectoryImport's, tested through the users' import store.
describe('useGroupImportStore', () => {
  let server: ReturnType<typeof fakeApi>;

  beforeEach(() => {
    setActivePinia(createPinia());
    server = fakeApi();
    server.on('GET', '/api/directory/groups', (request) => {
      const search = request.query.get('search') ?? '';
      // "Region" matches a large tenant: more groups than the limit asked for.
      const names =
        search === 'Region'
          ? Array.from({ length: Number(request.query.get('limit')) }, (_, index) => `Region ${index}`)
          : ['Region 10', 'Region 100'].filter((name) => name.startsWith(search));
      return {
        status: 200,
        body: {
          items: names.map((name) => aDirectoryGroup(name, 'available')),
          moreMatches: search === 'Region',
        },
      };
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('reads up to 1,000 groups a search, pages through them 50 at a time and says when more match', async () => {
    const store = useGroupImportStore();
    await store.searchDirectory('Region');
    expect(server.requests[0].query.get('limit')).toBe(String(SEARCH_LIMIT));
    expect(store.directoryGroups).toHaveLength(1000);
    expect(store.moreMatches).toBe(true);
    expect(store.list.range).toBe('1–50');
    expect(store.summary).toBe('1–50 of the first 1,000');
    for (let page = 1; page < 20; page++) await store.list.nextPage();
    expect(store.summary).toBe('951–1,000 of the first 1,000');
    expect(store.list.hasNext).toBe(false);
    // Paging is local: Azure AD was read once.
    expect(server.requests).toHaveLength(1);

    await store.searchDirectory('Region 10');
    expect(store.moreMatches).toBe(false);
    expect(store.summary).toBe('1–2 of 2');
  });
});
