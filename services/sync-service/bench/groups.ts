/**
 * npm run bench:groups — a sync of every imported group of a large group tenant against the simulator (in a
 * child process) with Graph's per-request latency and large-tenant throttle, end to end through POST /api/sync
 * on the built service in a process of its own. The tenant: 100,000 users and 5,000 groups holding 1,000,000
 * memberships (All Staff holds every user, the rest spread, a few nested groups), all imported; before the run
 * 1 % of the memberships change upstream (half removed, half added) and a few groups are renamed. Prints the
 * run's time, Graph requests, resource units beside the floor of the reads chosen, the service's peak RSS,
 * the load average, and the per-group read (GET /groups/{id}, then every member page, 4 groups in flight)
 * measured on a sample in the same run and extrapolated.
 *   --users N         directory users, all imported (default 100000)
 *   --groups N        imported groups (default 5000)
 *   --memberships N   user memberships over the groups (default 1000000)
 *   --nested N        groups holding another group (default 5)
 *   --changed P       percent of the memberships changed upstream (default 1)
 *   --latency MS      simulator latency per request (default 50)
 *   --throttle RU     resource units per 10 s (default 8000, Graph's limit for tenants over 500 users)
 *   --sample N        groups read the per-group way (default 100)
 *   --round           instead: the whole-directory round over the same tenant, a full pass and then an
 *                     incremental pass after the changes (time, requests, resource units, peak RSS), after
 *                     both full rounds read with Graph alone (the full pass's floor)
 * With DATABASE_URL the service uses a fresh database on that server, else the embedded one.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { seededTenant, type TenantControl } from '@adsync/tenant-sim';
import { defaultMapping, mapProfile, mappableProperties } from '../src/features/users/profile-fields';
import { profileColumns } from '../src/features/users/user';
import { GROUP_SELECT } from '../src/infra/directory/directory-group';
import { userReading } from '../src/infra/directory/directory-user';
import { GROUPS_DELTA_ROUND } from '../src/infra/directory/read-groups-delta';
import { insertUnnested, type Seeder } from './bench-database';
import { type Benchmark, loadAverage, measuredRoundRun, runBenchmark } from './benchmark';
import { mb, processorTimeMeter } from './service-process';
import {
  graphAloneRounds,
  graphLimitOptions,
  graphLimitsOf,
  graphToken,
  inParallel,
  type SimEndpoint,
  type SimProcess,
  simAdmin,
  simGraphStats,
  useGraphLimits,
  usersDeltaPath,
} from './simulator-process';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    groups: { type: 'string', default: '5000' },
    memberships: { type: 'string', default: '1000000' },
    nested: { type: 'string', default: '5' },
    changed: { type: 'string', default: '1' },
    ...graphLimitOptions,
    sample: { type: 'string', default: '100' },
    round: { type: 'boolean', default: false },
  },
});
const userCount = Number(values.users);
const groupCount = Number(values.groups);
const membershipCount = Number(values.memberships);
const nestedGroups = Number(values.nested);
const changedPercent = Number(values.changed);
const { latencyMs, throttle } = graphLimitsOf(values);
const sampleSize = Number(values.sample);
/** Graph's largest member page, which the service asks for. */
const memberPage = 999;

const simulatorArgs = [
  ...['--groups', String(groupCount), '--group-memberships', String(membershipCount)],
  ...['--nested-groups', String(nestedGroups)],
];

/** The simulator's tenant as the seeding child rebuilds it, without a server (same tenant id, same seed). */
const seededDirectory = (sim: SimEndpoint): TenantControl =>
  seededTenant({
    ...sim,
    domain: 'contoso.example',
    userCount,
    groupCount,
    groupMemberships: membershipCount,
    nestedGroups,
  });

interface MembershipChange {
  groupObjectId: string;
  userObjectId: string;
  op: 'add' | 'remove';
}

interface Seeded {
  /** Member pages of the transitive reads of every group, at Graph's largest page. */
  memberPages: number;
  memberships: number;
  changes: MembershipChange[];
  renamed: string[];
}

/** A small deterministic generator, so two runs of the bench change the same memberships. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Imports every user and every group with its transitive members as they are upstream (what an import under
 * the default policy stores), and picks the memberships that change upstream before the run. Set-based: the
 * groups and the memberships go in a few `unnest` statements.
 */
const seed: Seeder<Seeded> = async (db, sim) => {
  const directory = seededDirectory(sim);
  process.stdout.write(
    `seeding ${userCount} users, ${groupCount} groups and their memberships (about ${membershipCount})...\n`,
  );
  const userIds = new Map<string, string>();
  const userRows = [];
  for (let index = 0; index < userCount; index += 1) {
    const user = directory.user(index)?.user;
    if (!user) continue;
    userRows.push({
      ...profileColumns(mapProfile(user, defaultMapping)),
      source: 'azure_ad',
      object_id: user.id,
      tenant_id: sim.tenantId,
    });
  }
  for (let start = 0; start < userRows.length; start += 2000) {
    const inserted: Array<{ id: string; object_id: string }> = await db('users')
      .insert(userRows.slice(start, start + 2000))
      .returning(['id', 'object_id']);
    for (const row of inserted) userIds.set(row.object_id, row.id);
  }

  const upstreamGroups = Array.from(
    { length: groupCount },
    (_, index) => directory.group(index)?.group,
  ).filter((group) => group !== undefined);
  const groupRows = await insertUnnested<{ id: string; object_id: string }>(
    db,
    'groups',
    {
      name: { type: 'text', values: upstreamGroups.map((group) => group.displayName) },
      description: { type: 'text', values: upstreamGroups.map((group) => group.description ?? null) },
      source: { type: 'text', values: upstreamGroups.map(() => 'azure_ad') },
      object_id: { type: 'text', values: upstreamGroups.map((group) => group.id) },
      tenant_id: { type: 'text', values: upstreamGroups.map(() => sim.tenantId) },
    },
    { returning: ['id', 'object_id'] },
  );
  const groupIds = new Map(groupRows.map((row) => [row.object_id, row.id]));

  const random = generator(20_260_000 + groupCount);
  const removeShare = changedPercent / 200;
  const changes: MembershipChange[] = [];
  const renamed: string[] = [];
  let memberPages = 0;
  let memberships = 0;
  let pending = { groups: [] as string[], users: [] as string[] };
  const flush = async () => {
    await insertUnnested(db, 'group_members', {
      group_id: { type: 'uuid', values: pending.groups },
      user_id: { type: 'uuid', values: pending.users },
    });
    pending = { groups: [], users: [] };
  };
  for (const [index, upstream] of upstreamGroups.entries()) {
    const members = directory.groupMembers(upstream.id, true);
    memberPages += Math.max(1, Math.ceil(members.length / memberPage));
    const users = members.filter((member) => member.kind === 'user');
    memberships += users.length;
    const groupId = groupIds.get(upstream.id) as string;
    for (const member of users) {
      pending.groups.push(groupId);
      pending.users.push(userIds.get(member.id) as string);
    }
    if (pending.users.length >= 100_000) await flush();
    // Removals and additions of direct members only: a nested group's members change in that group.
    const direct = new Set(directory.groupMembers(upstream.id).map((member) => member.id));
    for (const member of users)
      if (direct.has(member.id) && random() < removeShare)
        changes.push({ groupObjectId: upstream.id, userObjectId: member.id, op: 'remove' });
    const additions = Math.min(
      userCount - direct.size,
      Math.round(users.length * removeShare + random() - 0.5),
    );
    for (let added = 0; added < additions; ) {
      const candidate = directory.userId(Math.floor(random() * userCount));
      if (direct.has(candidate)) continue;
      direct.add(candidate);
      changes.push({ groupObjectId: upstream.id, userObjectId: candidate, op: 'add' });
      added += 1;
    }
    if (index % 1000 === 7) renamed.push(upstream.id);
  }
  await flush();
  // A database that has held its memberships a while has statistics of them (autovacuum's); a seeded one not yet.
  await db.raw('analyze');
  return { memberPages, memberships, changes, renamed };
};

/**
 * The per-group read the service did before (and the import does): `GET /groups/{id}`, then every page of the
 * group's transitive members, 4 groups in flight; on `groupIds` (a sample), in seconds.
 */
async function perGroupSeconds(sim: SimProcess, groupIds: string[]): Promise<number> {
  const token = await graphToken(sim);
  const get = async (url: string) => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    return (await response.json()) as { '@odata.nextLink'?: string };
  };
  const select = userReading(mappableProperties).select;
  const started = performance.now();
  const queue = [...groupIds];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      await get(`${sim.url}/v1.0/groups/${id}?$select=${GROUP_SELECT}`);
      let next: string | undefined =
        `${sim.url}/v1.0/groups/${id}/transitiveMembers?$select=${select}&$top=${memberPage}`;
      while (next) next = (await get(next))['@odata.nextLink'];
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return (performance.now() - started) / 1000;
}

/** The upstream changes of the seeding, made through the simulator's admin API, unthrottled, without latency. */
async function changeUpstream(sim: SimProcess, { changes, renamed }: Seeded): Promise<void> {
  await useGraphLimits(sim, { latencyMs: 0, throttle: 10_000_000, fresh: false });
  await inParallel(changes, 16, (change) =>
    change.op === 'add'
      ? simAdmin(sim, 'POST', `/tenants/${sim.tenantId}/groups/${change.groupObjectId}/members`, {
          id: change.userObjectId,
        })
      : simAdmin(
          sim,
          'DELETE',
          `/tenants/${sim.tenantId}/groups/${change.groupObjectId}/members/${change.userObjectId}`,
        ),
  );
  await inParallel(renamed, 16, (objectId) =>
    simAdmin(sim, 'PATCH', `/tenants/${sim.tenantId}/groups/${objectId}`, {
      displayName: `Renamed ${objectId.slice(0, 8)}`,
    }),
  );
}

const upstreamChangesLine = ({ changes, renamed }: Seeded) => {
  const adds = changes.filter((change) => change.op === 'add').length;
  return `  upstream changes:  ${adds} members added, ${changes.length - adds} removed, ${renamed.length} groups renamed`;
};

/**
 * The floor of a full pass: the users' round, then the groups' round with members, read as the service asks
 * for them (one page after another, pages of up to 999), each page parsed and nothing else done.
 */
async function graphOnlyRound(sim: SimProcess): Promise<string[]> {
  const [users, groups] = await graphAloneRounds(sim, { latencyMs, throttle }, [
    usersDeltaPath(),
    GROUPS_DELTA_ROUND,
  ]);
  return [
    `  Graph alone (the same full rounds, pages read and parsed, nothing written): ${(users.seconds + groups.seconds).toFixed(1)} s: users ${users.seconds.toFixed(1)} s (${users.pages} pages), groups ${groups.seconds.toFixed(1)} s (${groups.pages} pages, ${groups.items} entries)  [${loadAverage()}]`,
  ];
}

/** The whole-directory round over the same tenant: a full pass, then an incremental one after the changes. */
async function wholeDirectoryRound(bench: Benchmark<Seeded>): Promise<void> {
  const { sim, database, seeded } = bench;
  const lines = [
    `whole-directory round: ${userCount.toLocaleString('en')} users, ${groupCount.toLocaleString('en')} groups (${seeded.memberships.toLocaleString('en')} memberships), all imported, ${database.kind} database, latency ${latencyMs} ms, throttle ${throttle} RU / 10 s`,
    ...(await graphOnlyRound(sim)),
    ...(await measuredRoundRun(bench, { latencyMs, throttle }, 'first run')),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await changeUpstream(sim, seeded);
  const incremental = [
    upstreamChangesLine(seeded),
    ...(await measuredRoundRun(bench, { latencyMs, throttle }, 'after the changes')),
  ];
  process.stdout.write(`${incremental.join('\n')}\n`);
}

runBenchmark(
  __filename,
  userCount,
  seed,
  async (bench) => {
    if (values.round) return wholeDirectoryRound(bench);
    const { sim, database, service, seeded } = bench;
    const { memberPages, memberships } = seeded;
    await changeUpstream(sim, seeded);
    await useGraphLimits(sim, { latencyMs, throttle });

    const loadBefore = loadAverage();
    const rssBefore = service.rss();
    service.resetPeakRss();
    const processorTime = processorTimeMeter(service, sim.child.pid as number);
    const progress: number[] = [];
    const { run, seconds } = await service.sync(
      { allMatchingGroups: { search: '' } },
      {
        onProgress: (processed) => progress.push(processed),
      },
    );
    const peakRss = service.peakRss();
    const cpu = processorTime();
    const loadAfter = loadAverage();
    const graph = await simGraphStats(sim);
    const groupRu = memberPages * 4 + Math.ceil(groupCount / 15);

    // The per-group read, on groups spread over the tenant but All Staff (whose pages are added apart).
    await useGraphLimits(sim, { latencyMs, throttle: 10_000_000, fresh: false });
    const every = Math.max(1, Math.floor((groupCount - 1) / sampleSize));
    const sample = Array.from({ length: sampleSize }, (_, index) =>
      seededDirectory(sim).groupId(1 + ((index * every) % (groupCount - 1))),
    );
    const sampleSeconds = await perGroupSeconds(sim, sample);
    const sampleLoad = loadAverage();
    const allStaffPages = Math.ceil(userCount / memberPage);
    const perGroupTotal =
      (sampleSeconds / sampleSize) * (groupCount - 1) + ((allStaffPages + 1) * latencyMs) / 1000;
    const perGroupRu = groupCount + memberPages * 4;
    const throttleFloor = (ru: number) => Math.max(0, (ru - throttle) / (throttle / 10));

    const lines = [
      `sync of ${groupCount.toLocaleString('en')} groups (${memberships.toLocaleString('en')} memberships, ${userCount.toLocaleString('en')} users), ${database.kind} database, latency ${latencyMs} ms, throttle ${throttle} RU / 10 s`,
      upstreamChangesLine(seeded),
      `  status:            ${run.status}${run.error ? ` (${run.error})` : ''}  ${JSON.stringify(run.counts)} ${JSON.stringify(run.groupCounts ?? {})}`,
      `  total time:        ${seconds.toFixed(1)} s (POST /api/sync to the run's end; target 30 s)`,
      `  progress:          ${progressLine(progress)}`,
      `  Graph requests:    ${graph.requests} HTTP (${JSON.stringify(graph.byRoute)}), batch items ${JSON.stringify(graph.batchItems)}`,
      `  resource units:    ${graph.resourceUnits} (${graph.throttled} throttled); floor of these reads ${groupRu} (groups 15 per $filter at 1, ${memberPages} transitive member pages at 4), at least ${throttleFloor(groupRu).toFixed(1)} s of throttle`,
      `  peak RSS:          ${mb(peakRss)} during the run, ${mb(rssBefore)} before it (the service process${database.kind === 'embedded' ? ' with its embedded database' : ''}; target 300 MB)`,
      `  processor time:    ${cpu} (during the run)`,
      `  load:              before the run: ${loadBefore}; after it: ${loadAfter} (1, 5, 15 min; ${os.cpus().length} cores)`,
      `  per-group read:    ${sampleSize} groups in ${sampleSeconds.toFixed(1)} s unthrottled -> ${perGroupTotal.toFixed(0)} s for ${groupCount.toLocaleString('en')} groups; ${perGroupRu} RU, at least ${throttleFloor(perGroupRu).toFixed(1)} s of throttle  [${sampleLoad}]`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  },
  simulatorArgs,
);

/** Where the run's progress stood at each quarter of the polls: it moves during the read, or only at its end. */
function progressLine(progress: number[]): string {
  if (progress.length === 0) return 'not seen';
  const marks = [0.25, 0.5, 0.75, 1].map(
    (share) => progress[Math.min(progress.length - 1, Math.floor(progress.length * share))],
  );
  return `processed ${marks.join(', ')} at 25/50/75/100 % of the run's time (${progress.length} polls)`;
}
