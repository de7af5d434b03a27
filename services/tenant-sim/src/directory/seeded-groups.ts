import type { GroupRecord, OtherMemberRecord } from './group-record';
import { hashOf, mix32 } from './hashing';
import { seededUserId } from './seeded-ids';

/**
 * Names of seeded groups; the first four have fixed roles (see `seededGroupLayout`). Past the pool, a
 * round number is appended, so seeded names are unique (created groups may share a name).
 */
const GROUP_NAMES = [
  'All Staff',
  'Engineering',
  'Engineering Platform',
  'IT Operations',
  'Finance',
  'Sales',
  'Sales EMEA',
  'Sales Americas',
  'Marketing',
  'Human Resources',
  'Legal',
  'Support',
  'Customer Success',
  'Operations',
  'Data Science',
  'Design',
  'Product Management',
  'Security',
  'Facilities',
  'Procurement',
  'Executive Team',
  'Report Authors',
  'Report Viewers',
  'Finance Reports',
  'Sales Reports',
  'Berlin Office',
  'London Office',
  'Seattle Office',
  'Tokyo Office',
  'Bangalore Office',
  'Toronto Office',
  'Remote Workers',
  'Interns',
  'Contractors',
  'Project Atlas',
  'Project Borealis',
  'Project Cobalt',
  'Project Delta',
];

const SEEDED_OTHER_MEMBERS: ReadonlyArray<Omit<OtherMemberRecord, 'id'>> = [
  { type: 'device', displayName: 'Meeting Room Display' },
  { type: 'servicePrincipal', displayName: 'Report Scheduler App' },
  { type: 'orgContact', displayName: 'External Auditor' },
];

/** Group and non-user ids come from seeds of their own, so they never pass for a user's id. */
export const groupIdSeed = (seed: number): number => mix32(seed ^ 0x47525053);
export const otherIdSeed = (seed: number): number => mix32(seed ^ 0x4f544852);

export const SEEDED_OTHER_COUNT = SEEDED_OTHER_MEMBERS.length;

export function seededOtherMember(seed: number, index: number): OtherMemberRecord {
  return { id: seededUserId(otherIdSeed(seed), index), ...SEEDED_OTHER_MEMBERS[index] };
}

export function seededGroup(seed: number, index: number): GroupRecord {
  const round = Math.floor(index / GROUP_NAMES.length);
  const name = GROUP_NAMES[index % GROUP_NAMES.length];
  const displayName = round > 0 ? `${name} ${round + 1}` : name;
  const created = Date.UTC(2019, 0, 1) + (hashOf(seed, index, 22) % (5 * 365)) * 86_400_000;
  return {
    id: seededUserId(groupIdSeed(seed), index),
    displayName,
    description: `${displayName} (seeded group #${index})`,
    mailNickname: displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    mailEnabled: false,
    securityEnabled: true,
    createdDateTime: `${new Date(created).toISOString().slice(0, 19)}Z`,
    deletedDateTime: null,
  };
}

/**
 * How seeded groups are filled. By default #0 "All Staff" holds every seeded user, #1 holds #2 (nested)
 * and every other group `groupSize` users. A large group tenant sets `memberships` (user memberships over
 * all seeded groups, #0's included): #0 holds `largeGroupSize` users and the rest is spread over the other
 * groups with sizes from 0.2x to 1.8x their average, in pairs that add up, so the total is exact (unless a
 * group would hold more users than the tenant has). `nestedGroups` pairs, spread over the groups, each hold
 * the next group (#1 holds #2 first).
 */
export interface GroupSeeding {
  /** Users in each seeded group but #0 when `memberships` is not given (default 20). */
  groupSize?: number;
  /** User memberships over all seeded groups; overrides `groupSize`. */
  memberships?: number;
  /** Users in #0 "All Staff" (default every seeded user). */
  largeGroupSize?: number;
  /** Seeded groups that hold another seeded group (default 1: #1 holds #2). */
  nestedGroups?: number;
}

/**
 * Who seeded group #index holds, as ranges rather than lists, so 1,000,000 memberships cost no memory:
 * `userCount` users from seeded user #userStart on (wrapping), then seeded groups, then seeded non-user
 * objects. #3 holds a device, a service principal and an org contact.
 */
export interface SeededLayout {
  userStart: number;
  userCount: number;
  groups: number[];
  others: number[];
}

export function seededGroupLayout(
  seed: number,
  index: number,
  groupCount: number,
  users: number,
  seeding: GroupSeeding = {},
): SeededLayout {
  const largeGroupSize = Math.min(seeding.largeGroupSize ?? users, users);
  if (index === 0) return { userStart: 0, userCount: largeGroupSize, groups: [], others: [] };
  return {
    userStart: users === 0 ? 0 : hashOf(seed, index, 21) % users,
    userCount: Math.min(seededGroupSize(seed, index, groupCount, largeGroupSize, seeding), users),
    groups: nestsNext(index, groupCount, seeding.nestedGroups ?? 1) ? [index + 1] : [],
    others: index === 3 ? SEEDED_OTHER_MEMBERS.map((_, other) => other) : [],
  };
}

/** Users of group #index > 0: `groupSize`, or its share of `memberships` (see `GroupSeeding`). */
function seededGroupSize(
  seed: number,
  index: number,
  groupCount: number,
  largeGroupSize: number,
  seeding: GroupSeeding,
): number {
  if (seeding.memberships === undefined) return seeding.groupSize ?? 20;
  const rest = Math.max(0, seeding.memberships - largeGroupSize);
  const spreadOver = groupCount - 1;
  const average = Math.floor(rest / spreadOver);
  const share = average + (index - 1 < rest % spreadOver ? 1 : 0);
  const slot = index - 1;
  const partnered = slot % 2 === 1 || slot + 1 < spreadOver;
  if (!partnered) return share;
  const swing = hashOf(seed, Math.floor(slot / 2), 23) % (Math.floor(average * 0.8) + 1);
  return slot % 2 === 0 ? share + swing : share - swing;
}

/** Whether group #index holds #index+1: `nestedGroups` of them, evenly apart, the first being #1. */
function nestsNext(index: number, groupCount: number, nestedGroups: number): boolean {
  if (nestedGroups <= 0 || index + 1 >= groupCount) return false;
  const step = Math.max(2, Math.floor((groupCount - 2) / nestedGroups));
  return (index - 1) % step === 0 && (index - 1) / step < nestedGroups;
}

export function layoutLength(layout: SeededLayout): number {
  return layout.userCount + layout.groups.length + layout.others.length;
}
