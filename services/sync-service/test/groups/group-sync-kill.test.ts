import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Simulator, startSimulator } from '@adsync/tenant-sim';
import { SecretBox } from '../../src/infra/crypto/secret-box';
import { openDatabase } from '../../src/infra/db/database';
import { migrateToLatest } from '../../src/infra/db/migrate';
import { createServerDatabase, type ServerDatabase } from '../support/databases';
import { testTenant } from '../support/fixtures';
import {
  api,
  killTestEnv,
  type RunBody,
  type RunningService,
  restartService,
  signIn,
  startService,
} from '../support/service-child';
import { importSeededUsers, storeConnection } from '../sync/sync-testbed';

/**
 * A service process is killed with SIGKILL in the middle of a run of groups, while it reads: another instance
 * over the same database declares the run interrupted, with counts equal to what was committed, and no member
 * Azure AD still has was removed (the removals wait for the threshold, staged); its own run then ends the sync.
 */
const password = 'group-kill-password-123';
const userCount = 400;
/** Seeded groups #1..#30 are imported (#0 holds everyone; #1 holds #2, so its members are transitive). */
const groupIndexes = Array.from({ length: 30 }, (_, index) => index + 1);

// Another instance over the same database: a PostgreSQL server (an embedded database has one process).
const onServer = process.env.DATABASE_URL ? describe : describe.skip;
if (!process.env.DATABASE_URL)
  console.info('group-sync-kill.test.ts: another instance needs DATABASE_URL (a PostgreSQL server); skipped');

onServer('a run of groups killed mid-way', () => {
  let sim: Simulator;
  let dataDir: string;
  let serverDatabase: ServerDatabase | undefined;
  const services: RunningService[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ tenants: [testTenant({ userCount, groupCount: 31, groupSize: 10 })] });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'adsync-group-kill-'));
    if (process.env.DATABASE_URL)
      serverDatabase = await createServerDatabase(process.env.DATABASE_URL, 'adsync_group_kill');
  });

  afterAll(async () => {
    for (const service of services) service.child.kill('SIGKILL');
    await sim.close();
    await serverDatabase?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const openHere = async () =>
    openDatabase({ url: serverDatabase?.url, dataDir: path.join(dataDir, 'database') });
  const tenant = () => sim.tenant();
  /** Each imported group's members as the service lists them, by the group's object id, as object ids. */
  async function membersHere(service: RunningService, cookie: string): Promise<Map<string, Set<string>>> {
    type Page<Item> = { items: Item[] };
    const groups = await api<Page<{ id: string; objectId: string | null }>>(
      service,
      cookie,
      '/api/groups?source=azure_ad&limit=500',
    );
    const members = new Map<string, Set<string>>();
    for (const group of groups.body.items) {
      const page = await api<Page<{ objectId: string }>>(
        service,
        cookie,
        `/api/groups/${group.id}/members?limit=500`,
      );
      members.set(group.objectId as string, new Set(page.body.items.map((member) => member.objectId)));
    }
    return members;
  }
  const upstreamUsers = (objectId: string) =>
    new Set(
      tenant()
        .groupMembers(objectId, true)
        .filter((member) => member.kind === 'user')
        .map((member) => member.id),
    );

  it('is declared interrupted by another instance, counts true, no member Azure AD still has removed', async () => {
    const key = randomBytes(32);
    const database = await openHere();
    await migrateToLatest(database);
    await storeConnection(database.knex, new SecretBox(key), sim);
    const userIds = await importSeededUsers(
      database.knex,
      sim,
      Array.from({ length: userCount }, (_, index) => ({ index, position: index + 1 })),
    );
    const userIdOf = new Map(userIds.map((id, index) => [tenant().userId(index), id]));
    const before = new Map<string, Set<string>>();
    for (const index of groupIndexes) {
      const objectId = tenant().groupId(index);
      const upstream = tenant().group(objectId)!.group;
      const [group] = await database
        .knex('groups')
        .insert({
          name: upstream.displayName,
          source: 'azure_ad',
          object_id: objectId,
          tenant_id: tenant().tenantId,
        })
        .returning('id');
      const members = upstreamUsers(objectId);
      before.set(objectId, members);
      await database
        .knex('group_members')
        .insert([...members].map((member) => ({ group_id: group.id, user_id: userIdOf.get(member) })));
    }
    await database.close();

    // Every group gains a member; every other one also loses one (a removal, staged until the threshold).
    for (const index of groupIndexes) {
      const objectId = tenant().groupId(index);
      const direct = tenant()
        .groupMembers(objectId)
        .filter((member) => member.kind === 'user');
      if (index % 2 === 0) tenant().removeGroupMember(objectId, direct[0].id);
      const newcomer = [...userIdOf.keys()].find(
        (id) => !before.get(objectId)!.has(id) && id !== direct[0].id,
      );
      tenant().addGroupMember(objectId, { id: newcomer as string });
    }
    sim.setLatency(200);

    const env = killTestEnv({
      dataDir,
      databaseUrl: serverDatabase?.url,
      key,
      password,
      chunkSize: 7,
    });
    const first = await startService(env);
    services.push(first);
    const firstCookie = await signIn(first, password);
    const started = await api(first, firstCookie, '/api/sync', {
      method: 'POST',
      body: JSON.stringify({ selection: { allMatchingGroups: { search: '' } } }),
    });
    expect(started.status).toBe(202);
    const runId = started.body.id as string;
    for (;;) {
      const { body } = await api(first, firstCookie, `/api/sync/runs/${runId}`);
      expect(body.status).toBe('running');
      if (body.progress.processed > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await restartService(env);
    services.push(second);
    const cookie = await signIn(second, password);
    const { body: run } = await api<RunBody & { groupCounts: Record<string, number> }>(
      second,
      cookie,
      `/api/sync/runs/${runId}`,
    );
    expect(run.status).toBe('interrupted');
    expect(run.progress.processed).toBeGreaterThan(0);
    expect(run.progress.processed).toBeLessThan(groupIndexes.length);
    const counted = Object.values(run.counts).reduce((sum, count) => sum + count, 0);
    expect(counted).toBe(run.progress.processed);
    const items = await api<{ items: unknown[] }>(
      second,
      cookie,
      `/api/sync/runs/${runId}/group-items?limit=100`,
    );
    expect(items.body.items).toHaveLength(run.progress.processed);

    const here = await membersHere(second, cookie);
    let removed = 0;
    for (const [objectId, members] of before) {
      const upstream = upstreamUsers(objectId);
      for (const member of members) {
        if (here.get(objectId)?.has(member)) continue;
        // Gone here: only a member Azure AD no longer has may be, and only as the run counted it.
        expect(upstream.has(member)).toBe(false);
        removed += 1;
      }
    }
    expect(removed).toBe(run.groupCounts.membersRemoved);
    // The other instance's own run ends the sync: every group as Azure AD has it.
    const again = await api(second, cookie, '/api/sync', {
      method: 'POST',
      body: JSON.stringify({ selection: { allMatchingGroups: { search: '' } } }),
    });
    expect(again.status).toBe(202);
    for (;;) {
      const { body } = await api(second, cookie, `/api/sync/runs/${again.body.id}`);
      if (body.status !== 'running' && body.status !== 'queued') {
        expect(body.status).toBe('succeeded');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ended = await membersHere(second, cookie);
    for (const objectId of before.keys()) expect(ended.get(objectId)).toEqual(upstreamUsers(objectId));
    second.child.kill('SIGTERM');
    await second.exited;
  }, 300_000);
});
