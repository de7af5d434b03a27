import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DirectoryUser } from '@/api/schemas';
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
      const people = ['ada', 'alan', 'grace'].filter((name) => name.startsWith(search));
      return {
        status: 200,
        body: {
          items: people.map((name) =>
            aDirectoryUser(name, imported.includes(name) ? 'imported' : 'available'),
          ),
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
});
