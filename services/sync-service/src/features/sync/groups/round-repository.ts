import type { Knex } from 'knex';
import type { Queryable } from '../../../infra/db/queryable';
import type { GroupDeltaPage } from '../../../infra/directory';
import { membershipsRemovedByRound, roundMembersNotMembersHere } from '../../users/repository';
import type { DeltaPass } from '../runs/run-repository';

/**
 * Every query on `sync_run_round_groups` and `sync_run_round_members` (migration 018): the imported groups a
 * run's `/groups/delta` round met, and their members, merged across pages by group id; and on the group
 * nesting (migration 028): `sync_run_round_nesting`, `sync_run_round_seen` and `directory_group_nesting`.
 */

interface RoundScope {
  runId: string;
  tenantId: string;
}

/** The round's pass, and whether members count transitively (the sync policy's `groupMembers`). */
interface RoundPass {
  runId: string;
  tenantId: string;
  pass: DeltaPass;
  transitive: boolean;
}

/**
 * The groups the round met that it is trusted for. When members count transitively, a group holding nested
 * groups is not: its delta lists direct members only (a member it lost may still come through a nested
 * group), so it is read whole by id. A full round lists every member entry, so its own entries say whether a
 * group holds groups; an incremental round only the changed ones, so the stored nesting says it too.
 */
function trustedMet(db: Queryable, round: RoundPass): Knex.QueryBuilder {
  return db('sync_run_round_groups as t')
    .select('t.group_id')
    .where({ 't.run_id': round.runId, 't.state': 'met' })
    .modify((query) => {
      if (!round.transitive) return;
      query.where('t.members_nested', 0);
      if (round.pass === 'incremental')
        query.whereNotExists(
          db('directory_group_nesting as n')
            .join('groups as tg', (on) =>
              on.on('tg.object_id', 'n.group_object_id').andOn('tg.tenant_id', 'n.tenant_id'),
            )
            .whereRaw('tg.id = t.group_id')
            .where('n.tenant_id', round.tenantId),
        );
    });
}

/**
 * Object ids of the groups above the groups an incremental round carried, at any depth, by the stored
 * nesting: their members changed through a nested group although their own entries did not come.
 */
function aboveChanged(db: Queryable, round: RoundPass): Knex.Raw {
  return db.raw(
    `(with recursive above(object_id) as (
        select n.group_object_id from directory_group_nesting n
        join sync_run_round_seen s on s.run_id = ? and s.object_id = n.member_object_id
        where n.tenant_id = ?
        union
        select n.group_object_id from directory_group_nesting n
        join above a on a.object_id = n.member_object_id
        where n.tenant_id = ?
      ) select object_id from above)`,
    [round.runId, round.tenantId, round.tenantId],
  );
}

/**
 * Stages one page of the round in one statement: the page's groups that are imported groups of the tenant,
 * their names and descriptions, their members listed or removed, and how many members were not users; and of
 * every group of the page (imported or not) that the round carried it, and its nested-group entries. A group's later entries add to what its earlier ones staged (a member's
 * latest entry wins); a group announced as removed is only a candidate. Answers the imported groups staged.
 */
export async function stageRoundPage(
  db: Queryable,
  round: RoundScope,
  page: GroupDeltaPage,
): Promise<number> {
  const groups = new Map<
    string,
    { removed: boolean; head: GroupDeltaPage['groups'][number]['head']; ignored: number; nested: number }
  >();
  const members = new Map<string, { groupId: string; memberId: string; removed: boolean }>();
  const nesting = new Map<string, { groupId: string; memberId: string; removed: boolean }>();
  for (const entry of page.groups) {
    const earlier = groups.get(entry.id);
    let ignored = earlier && !earlier.removed ? earlier.ignored : 0;
    let nested = earlier && !earlier.removed ? earlier.nested : 0;
    for (const member of entry.members) {
      if (member.kind === 'group') {
        nested += 1;
        nesting.set(`${entry.id} ${member.id}`, {
          groupId: entry.id,
          memberId: member.id,
          removed: member.removed,
        });
      }
      if (member.kind !== 'user') ignored += 1;
      else
        members.set(`${entry.id} ${member.id}`, {
          groupId: entry.id,
          memberId: member.id,
          removed: member.removed,
        });
    }
    groups.set(entry.id, { removed: false, head: entry.head ?? earlier?.head ?? null, ignored, nested });
  }
  for (const { id } of page.removed) groups.set(id, { removed: true, head: null, ignored: 0, nested: 0 });
  if (groups.size === 0) return 0;
  const heads = [...groups];
  const listed = [...members.values()];
  const nests = [...nesting.values()];
  const result = await db.raw(
    `with entry as (
       select * from unnest(?::text[], ?::text[], ?::boolean[], ?::text[], ?::text[], ?::integer[], ?::integer[])
         as e(object_id, state, has_head, display_name, description, ignored, nested)
     ), imported as (
       select g.id as group_id, e.* from entry e
       join groups g on g.tenant_id = ? and g.source = 'azure_ad' and g.object_id = e.object_id
     ), staged as (
       insert into sync_run_round_groups as r
         (run_id, group_id, state, has_head, display_name, description, members_ignored, members_nested)
       select ?, group_id, state, has_head, display_name, description, ignored, nested from imported
       on conflict (run_id, group_id) do update set
         state = excluded.state,
         has_head = r.has_head or excluded.has_head,
         display_name = case when excluded.has_head then excluded.display_name else r.display_name end,
         description = case when excluded.has_head then excluded.description else r.description end,
         members_ignored = r.members_ignored + excluded.members_ignored,
         members_nested = r.members_nested + excluded.members_nested
       returning 1
     ), listed as (
       insert into sync_run_round_members as m (run_id, group_id, member_id, removed)
       select ?, i.group_id, l.member_id, l.removed
       from unnest(?::text[], ?::text[], ?::boolean[]) as l(object_id, member_id, removed)
       join imported i on i.object_id = l.object_id
       on conflict (run_id, group_id, member_id) do update set removed = excluded.removed
       returning 1
     ), seen as (
       insert into sync_run_round_seen (run_id, object_id)
       select ?, object_id from entry
       on conflict (run_id, object_id) do nothing
     ), nesting as (
       insert into sync_run_round_nesting as n (run_id, group_object_id, member_object_id, removed)
       select ?, * from unnest(?::text[], ?::text[], ?::boolean[])
       on conflict (run_id, group_object_id, member_object_id) do update set removed = excluded.removed
     )
     select (select count(*) from staged)::integer as groups, (select count(*) from listed)::integer as members`,
    [
      heads.map(([id]) => id),
      heads.map(([, group]) => (group.removed ? 'removed' : 'met')),
      heads.map(([, group]) => group.head !== null),
      heads.map(([, group]) => group.head?.displayName ?? null),
      heads.map(([, group]) => group.head?.description ?? null),
      heads.map(([, group]) => group.ignored),
      heads.map(([, group]) => group.nested),
      round.tenantId,
      round.runId,
      round.runId,
      listed.map((member) => member.groupId),
      listed.map((member) => member.memberId),
      listed.map((member) => member.removed),
      round.runId,
      round.runId,
      nests.map((nest) => nest.groupId),
      nests.map((nest) => nest.memberId),
      nests.map((nest) => nest.removed),
      // Arrays with nulls (a description may be null) are bound as they are; Knex's types only know uniform ones.
    ] as Knex.RawBinding[],
  );
  return Number(result.rows[0]?.groups ?? 0);
}

/** Drops what a round staged: an expired link makes the run read a full round instead; the run's end too. */
export async function forgetRounds(db: Queryable, runIds: string[]): Promise<void> {
  for (const table of roundTables) await db(table).whereIn('run_id', runIds).delete();
}

/** The tables a `/groups/delta` round stages in, by run id. */
export const roundTables = [
  'sync_run_round_members',
  'sync_run_round_groups',
  'sync_run_round_nesting',
  'sync_run_round_seen',
] as const;

/**
 * Keeps the tenant's nesting in step with the round, in the transaction that saves its link: a full round's
 * nested-group entries replace it, an incremental round's add to it and remove from it. A group deleted in
 * Azure AD keeps its rows: a row too many only makes a group above it read whole once more.
 */
export async function saveRoundNesting(
  db: Queryable,
  round: RoundScope & { pass: DeltaPass },
): Promise<void> {
  const { runId, tenantId } = round;
  if (round.pass === 'full') await db('directory_group_nesting').where({ tenant_id: tenantId }).delete();
  else
    await db.raw(
      `delete from directory_group_nesting n using sync_run_round_nesting r
       where r.run_id = ? and r.removed and n.tenant_id = ?
         and n.group_object_id = r.group_object_id and n.member_object_id = r.member_object_id`,
      [runId, tenantId],
    );
  await db.raw(
    `insert into directory_group_nesting (tenant_id, group_object_id, member_object_id)
     select ?, group_object_id, member_object_id from sync_run_round_nesting where run_id = ? and not removed
     on conflict do nothing`,
    [tenantId, runId],
  );
}

export interface MetGroup {
  id: string;
  objectId: string;
  /** The name and description the round carried, if any of the group's entries carried them. */
  head: { displayName: string; description: string | null } | null;
}

/** The next groups the round met that it is trusted for (still stored), by keyset on the group id. */
export async function metGroupsAfter(
  db: Queryable,
  round: RoundPass,
  afterGroupId: string | null,
  size: number,
): Promise<MetGroup[]> {
  const rows: Array<{
    id: string;
    object_id: string;
    has_head: boolean;
    display_name: string | null;
    description: string | null;
  }> = await db('sync_run_round_groups as r')
    .join('groups as g', 'g.id', 'r.group_id')
    .where({ 'r.run_id': round.runId })
    .whereIn('r.group_id', trustedMet(db, round))
    .modify((query) => {
      if (afterGroupId) query.where('r.group_id', '>', afterGroupId);
    })
    .orderBy('r.group_id')
    .limit(size)
    .select('r.group_id as id', 'g.object_id', 'r.has_head', 'r.display_name', 'r.description');
  return rows.map((row) => ({
    id: row.id,
    objectId: row.object_id,
    head:
      row.has_head && row.display_name !== null
        ? { displayName: row.display_name, description: row.description }
        : null,
  }));
}

/**
 * Memberships here the round removes: members a group's member list lacks (full pass: the round listed every
 * member of the groups it met) or members the round announced as removed (incremental pass). Of all the
 * groups the round met, or of `groupIds`.
 */
function removalsQuery(db: Queryable, round: RoundPass, groupIds?: string[]): Knex.QueryBuilder {
  const { runId, pass } = round;
  const met = trustedMet(db, round).modify((query) => {
    if (groupIds) query.whereRaw('group_id = any(?::uuid[])', [groupIds]);
  });
  return membershipsRemovedByRound(db, { runId, pass }, met);
}

/**
 * Refreshes the planner's statistics of the round's tables once a round is read, as the users' round does
 * (analyzeRound): filled in minutes, faster than autovacuum looks, they were planned as nearly empty, and the
 * count of a full round's removals then matched each membership of a large group against every member the
 * round staged for it (10^10 comparisons for a group of 100,000).
 */
export async function analyzeRoundGroups(db: Queryable): Promise<void> {
  await db.raw('analyze sync_run_round_members, sync_run_round_groups');
}

export async function countRoundRemovals(db: Queryable, round: RoundPass): Promise<number> {
  const row = await removalsQuery(db, round).count<{ count: string | number }[]>({ count: '*' }).first();
  return Number(row?.count ?? 0);
}

/**
 * What the round changes in these groups, from the database alone: the members it listed that are not members
 * here yet (to add), and the members here it removes (see removalsQuery), as object ids by group.
 */
export async function memberChangesOf(
  db: Queryable,
  round: RoundPass,
  groupIds: string[],
): Promise<Map<string, { added: string[]; removed: string[] }>> {
  const changes = new Map(groupIds.map((id) => [id, { added: [] as string[], removed: [] as string[] }]));
  if (groupIds.length === 0) return changes;
  const added = await roundMembersNotMembersHere(db, round.runId, groupIds);
  const removed: Array<{ group_id: string; object_id: string }> = await removalsQuery(db, round, groupIds)
    .orderBy(['gm.group_id', 'u.object_id'])
    .select('gm.group_id', 'u.object_id');
  for (const row of added) changes.get(row.group_id)?.added.push(row.member_id);
  for (const row of removed) changes.get(row.group_id)?.removed.push(row.object_id);
  return changes;
}

/**
 * The next imported groups of the tenant the round leaves to be read by id, by keyset on the group id.
 * Incremental pass: those it announced as removed, those it met but is not trusted for, and those above a
 * group it carried. Full pass: those it did not meet (absent, or removed) or is not trusted for.
 */
export async function unconfirmedGroupsAfter(
  db: Queryable,
  round: RoundPass,
  afterGroupId: string | null,
  size: number,
): Promise<Array<{ id: string; objectId: string }>> {
  const trusted = trustedMet(db, round).whereRaw('t.group_id = g.id');
  const removed = db('sync_run_round_groups as r')
    .whereRaw('r.group_id = g.id')
    .where({ 'r.run_id': round.runId, 'r.state': 'removed' });
  const untrusted = db('sync_run_round_groups as r')
    .whereRaw('r.group_id = g.id')
    .where({ 'r.run_id': round.runId, 'r.state': 'met' })
    .whereNotExists(trusted);
  return db('groups as g')
    .where({ 'g.tenant_id': round.tenantId, 'g.source': 'azure_ad' })
    .modify((query) => {
      // Full pass: every group not met or not trusted. Incremental: those announced as removed or not trusted,
      // and, when members count transitively, those above a group the round carried.
      if (round.pass === 'full') query.whereNotExists(trusted);
      else
        query.where((either) => {
          either.whereExists(removed).orWhereExists(untrusted);
          if (round.transitive) either.orWhereRaw('g.object_id in ?', [aboveChanged(db, round)]);
        });
      if (afterGroupId) query.where('g.id', '>', afterGroupId);
    })
    .orderBy('g.id')
    .limit(size)
    .select('g.id', 'g.object_id as objectId');
}

/** How many groups the round met, and how many of their members were not users (ignored). */
export async function roundTally(db: Queryable, runId: string): Promise<{ met: number; ignored: number }> {
  const row = await db('sync_run_round_groups')
    .where({ run_id: runId, state: 'met' })
    .first(
      db.raw('count(*)::integer as met'),
      db.raw('coalesce(sum(members_ignored), 0)::integer as ignored'),
    );
  return { met: Number(row?.met ?? 0), ignored: Number(row?.ignored ?? 0) };
}

/** The imported groups of the tenant and their memberships: what the groups round covers. */
export async function importedGroupsTally(
  db: Queryable,
  tenantId: string,
): Promise<{ groups: number; memberships: number }> {
  const row = await db('groups as g')
    .where({ 'g.tenant_id': tenantId, 'g.source': 'azure_ad' })
    .first(
      db.raw('count(*)::integer as groups'),
      db.raw(
        '(select count(*) from group_members gm where gm.group_id in (select id from groups where tenant_id = ? and source = ?))::integer as memberships',
        [tenantId, 'azure_ad'],
      ),
    );
  return { groups: Number(row?.groups ?? 0), memberships: Number(row?.memberships ?? 0) };
}
