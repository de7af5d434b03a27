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
 * Who seeded group #index holds, as ranges rather than lists, so 1,000,000 memberships cost no memory:
 * `userCount` users from seeded user #userStart on (wrapping), then seeded groups, then seeded non-user
 * objects. #0 "All Staff" holds every seeded user (the large group); #1 holds #2 (the nested group);
 * #3 holds a device, a service principal and an org contact; the others `groupSize` users each.
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
  groupSize: number,
): SeededLayout {
  if (index === 0) return { userStart: 0, userCount: users, groups: [], others: [] };
  return {
    userStart: users === 0 ? 0 : hashOf(seed, index, 21) % users,
    userCount: Math.min(groupSize, users),
    groups: index === 1 && groupCount > 2 ? [2] : [],
    others: index === 3 ? SEEDED_OTHER_MEMBERS.map((_, other) => other) : [],
  };
}

export function layoutLength(layout: SeededLayout): number {
  return layout.userCount + layout.groups.length + layout.others.length;
}
