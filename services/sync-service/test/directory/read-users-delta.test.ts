import type { Simulator } from '@adsync/tenant-sim';
import { type DeltaPage, type DirectoryClient, DirectoryError } from '../../src/infra/directory';
import { clientFor, startDirectorySimulator } from './directory-harness';

let sim: Simulator;
let client: DirectoryClient;

beforeAll(async () => {
  sim = await startDirectorySimulator({ userCount: 1500, emptyPageRate: 0.2 });
  client = clientFor(sim);
});
afterAll(() => sim.close());

async function readRound(deltaLink: string | null) {
  const pages: DeltaPage[] = [];
  for await (const page of client.readUsersDelta(deltaLink)) pages.push(page);
  return {
    pages: pages.length,
    users: pages.flatMap((page) => page.users),
    removed: pages.flatMap((page) => page.removed),
    partial: pages.flatMap((page) => page.partial),
    deltaLink: pages.at(-1)?.deltaLink ?? null,
  };
}

describe('readUsersDelta', () => {
  it('enumerates the whole tenant in pages of up to 999, through empty pages, and ends with a deltaLink', async () => {
    const first = await readRound(null);
    expect(new Set(first.users.map((user) => user.id)).size).toBe(1500);
    expect(first.pages).toBeGreaterThanOrEqual(2);
    expect(first.removed).toEqual([]);
    expect(first.deltaLink).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\/delta\?/);

    const unchanged = await readRound(first.deltaLink);
    expect(unchanged.users).toEqual([]);
    expect(unchanged.deltaLink).toEqual(expect.any(String));
  });

  it('then reads only the changes: changed users, soft-deleted and hard-deleted ones', async () => {
    const start = await readRound(null);
    const tenant = sim.tenant();
    const renamed = tenant.userId(1);
    const softDeleted = tenant.userId(2);
    const hardDeleted = tenant.userId(3);
    tenant.updateUser(renamed, { givenName: 'Renamed' });
    tenant.softDeleteUser(softDeleted);
    tenant.hardDeleteUser(hardDeleted);

    const changes = await readRound(start.deltaLink);
    expect(changes.users.map((user) => [user.id, user.givenName])).toEqual([[renamed, 'Renamed']]);
    expect(changes.removed).toEqual(
      expect.arrayContaining([
        { id: softDeleted, reason: 'changed' },
        { id: hardDeleted, reason: 'deleted' },
      ]),
    );

    tenant.restoreUser(softDeleted);
    const restored = await readRound(changes.deltaLink);
    expect(restored.users.map((user) => user.id)).toContain(softDeleted);
  });

  it('reports an update that carries only what changed as partial, never as a user with blanks', async () => {
    const start = await readRound(null);
    const tenant = sim.tenant();
    tenant.configure({ partialDeltaUpdates: true });
    const renamed = tenant.userId(4);
    tenant.updateUser(renamed, { surname: 'OnlyThis' });
    const created = tenant.createUser({ userPrincipalName: 'whole.new@contoso.example', surname: 'Whole' });

    const changes = await readRound(start.deltaLink);

    tenant.configure({ partialDeltaUpdates: false });
    expect(changes.partial).toEqual([renamed]);
    expect(changes.users.map((user) => [user.id, user.surname])).toEqual([[created.id, 'Whole']]);
  });

  it('says the token expired, so the caller can start a full pass', async () => {
    const start = await readRound(null);
    sim.tenant().expireDeltaTokens();
    const failure = await readRound(start.deltaLink).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DirectoryError);
    expect((failure as DirectoryError).failure).toMatchObject({ code: 'delta_token_expired', status: 410 });
  });
});
