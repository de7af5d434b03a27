import { randomUUID } from 'node:crypto';
import type {
  GroupChanges,
  GroupRecord,
  MemberKind,
  MemberRef,
  OtherMemberRecord,
  OtherMemberType,
} from './group-record';
import {
  type GroupSeeding,
  groupIdSeed,
  layoutLength,
  otherIdSeed,
  SEEDED_OTHER_COUNT,
  type SeededLayout,
  seededGroup,
  seededGroupLayout,
  seededOtherMember,
} from './seeded-groups';
import { indexOfSeededId, seededUserId } from './seeded-ids';
import { DirectoryChangeError, type ObjectState, SeededStore, type Stored } from './seeded-store';
import type { TenantDirectory } from './tenant-directory';

export interface StoredGroup {
  group: GroupRecord;
  state: ObjectState;
}

/** How one group's membership differs from its seeded layout. */
class MembershipChanges {
  /** Seeded members taken out. */
  readonly removed = new Set<string>();
  /** Members added since seeding: id → index in `order` (a re-added member gets a new index). */
  readonly added = new Map<string, number>();
  readonly order: MemberRef[] = [];
}

/** What happened to a group: created, deleted or restored (no `properties`), updated, or a member came or went. */
type GroupEvent =
  | { groupId: string; kind: 'group'; properties?: string[] }
  | { groupId: string; kind: 'member'; member: MemberRef; op: 'add' | 'remove' };

/** An id with the seeded index it encodes, if any, as a user, group or non-user object. */
interface SeededIndexes {
  id: string;
  user?: number;
  group?: number;
  other?: number;
}

/** Where a transitive member list goes on: the q-th group of the nesting order, member cursor c in it. */
export interface TransitiveCursor {
  q: number;
  c: number;
}

/** One entry of the groups' change log, which `/groups/delta` reads. */
export type GroupChange = GroupEvent & { seq: number };

/** What changed in one group within a window of the change log. */
export interface GroupChangeSummary {
  groupId: string;
  /** Created, deleted or restored within the window: serve the whole group. */
  whole: boolean;
  properties: Set<string>;
  /** Net membership changes, by member id, in order of first change. */
  members: Map<string, { member: MemberRef; op: 'add' | 'remove' }>;
}

/**
 * The groups of one simulated tenant, kept the way `TenantDirectory` keeps users: seeded groups and
 * their memberships are computed from (seed, index), and only what changed since is stored, plus an
 * append-only change log for delta. Positions: 0..seededCount-1 seeded, then created groups.
 */
export class GroupDirectory {
  /** The groups by position and id, as lists read them. */
  readonly groups: SeededStore<GroupRecord, GroupChanges>;
  private readonly memberships = new Map<string, MembershipChanges>();
  private readonly others = new Map<string, OtherMemberRecord>();
  /** Seeded groups' ids and layouts, computed once: walks over every group (a user's deletion) read them. */
  private readonly seededIds: string[] = [];
  private readonly layouts: SeededLayout[] = [];
  private changeLog: GroupChange[] = [];
  private seq = 0;

  constructor(
    private readonly users: TenantDirectory,
    readonly seededCount: number,
    private readonly seeding: GroupSeeding = {},
  ) {
    this.groups = new SeededStore(
      'group',
      seededCount,
      (index) => seededGroup(users.seed, index),
      (id) => indexOfSeededId(groupIdSeed(users.seed), id),
    );
  }

  private get seed(): number {
    return this.users.seed;
  }

  get positionCount(): number {
    return this.groups.positionCount;
  }

  get changeSequence(): number {
    return this.seq;
  }

  get liveCount(): number {
    return this.groups.liveCount;
  }

  atPosition(position: number): StoredGroup | undefined {
    return asStoredGroup(this.groups.atPosition(position));
  }

  seededAt(index: number): GroupRecord | undefined {
    return this.groups.seededAt(index);
  }

  find(id: string): StoredGroup | undefined {
    return asStoredGroup(this.groups.find(id));
  }

  findLive(id: string): GroupRecord | undefined {
    return this.groups.findLive(id);
  }

  softDeletedGroups(): Generator<GroupRecord> {
    return this.groups.softDeleted();
  }

  create(changes: GroupChanges & { displayName: string }): GroupRecord {
    const group: GroupRecord = {
      id: randomUUID(),
      description: null,
      mailNickname: changes.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      mailEnabled: false,
      securityEnabled: true,
      ...changes,
      createdDateTime: `${new Date().toISOString().slice(0, 19)}Z`,
      deletedDateTime: null,
    };
    this.groups.add(group);
    this.log({ groupId: group.id, kind: 'group' });
    return group;
  }

  update(id: string, changes: GroupChanges): GroupRecord {
    const key = this.groups.update(id, changes);
    this.log({ groupId: key, kind: 'group', properties: Object.keys(changes) });
    return this.groups.require(key, 'live').record;
  }

  /** A deleted group leaves the groups that held it (and comes back to them when restored). */
  softDelete(id: string): void {
    const key = this.groups.softDelete(id);
    this.log({ groupId: key, kind: 'group' });
    this.memberLeft(key);
  }

  hardDelete(id: string): void {
    const { id: key, wasLive } = this.groups.hardDelete(id);
    this.log({ groupId: key, kind: 'group' });
    if (wasLive) this.memberLeft(key);
  }

  restore(id: string): GroupRecord {
    const key = this.groups.restore(id);
    this.log({ groupId: key, kind: 'group' });
    this.memberReturned(key);
    return this.groups.require(key, 'live').record;
  }

  /** A user, group or non-user object by id, with its kind; undefined when unknown. */
  resolveMember(id: string): MemberRef | undefined {
    const key = id.toLowerCase();
    if (this.users.find(key)) return { id: key, kind: 'user' };
    if (this.find(key)) return { id: key, kind: 'group' };
    const other = this.otherMember(key);
    return other ? { id: key, kind: other.type } : undefined;
  }

  otherMember(id: string): OtherMemberRecord | undefined {
    const key = id.toLowerCase();
    const createdOther = this.others.get(key);
    if (createdOther) return createdOther;
    const index = indexOfSeededId(otherIdSeed(this.seed), key);
    return index !== undefined && index < SEEDED_OTHER_COUNT
      ? seededOtherMember(this.seed, index)
      : undefined;
  }

  /** A device, service principal or org contact that groups may hold (it lives outside users and groups). */
  createOtherMember(type: OtherMemberType, displayName: string): OtherMemberRecord {
    const other: OtherMemberRecord = { id: randomUUID(), type, displayName };
    this.others.set(other.id, other);
    return other;
  }

  /** Whether the object is live: deleted users and groups drop out of every member list until restored. */
  isLive(member: MemberRef): boolean {
    if (member.kind === 'user') return !this.users.users.isDeleted(member.id);
    if (member.kind === 'group') return !this.groups.isDeleted(member.id);
    return true;
  }

  /**
   * Direct members of a group from a cursor on, whatever their state (callers filter on `isLive`):
   * the cursor is an index over the seeded layout then the added members, so pages stay stable while
   * members are added or removed.
   */
  *membersFrom(groupId: string, cursor = 0): Generator<{ member: MemberRef; next: number }> {
    const key = groupId.toLowerCase();
    const layout = this.layoutOf(key);
    const changes = this.memberships.get(key);
    const seededLength = layout ? layoutLength(layout) : 0;
    for (let index = cursor; index < seededLength; index++) {
      const member = this.seededMember(layout as SeededLayout, index);
      if (!changes?.removed.has(member.id)) yield { member, next: index + 1 };
    }
    if (!changes) return;
    for (let index = Math.max(0, cursor - seededLength); index < changes.order.length; index++) {
      const member = changes.order[index];
      if (changes.added.get(member.id) === index) yield { member, next: seededLength + index + 1 };
    }
  }

  /** Live direct members, in order. */
  *liveMembers(groupId: string): Generator<MemberRef> {
    for (const { member } of this.membersFrom(groupId)) if (this.isLive(member)) yield member;
  }

  /**
   * Live members of the group and of the groups nested in it, each once: the group's own members, then
   * each nested group's (breadth first) that no earlier group holds. The cursor (a group of that order,
   * and a member cursor in it) lets a page go on where the last ended without walking what came before.
   */
  *transitiveMembersFrom(
    groupId: string,
    cursor: TransitiveCursor = { q: 0, c: 0 },
  ): Generator<{ member: MemberRef; next: TransitiveCursor }> {
    const order = this.nestingOf(groupId.toLowerCase());
    for (let q = cursor.q; q < order.length; q++) {
      const earlier = order.slice(0, q).map((id) => ({ id, layout: this.layoutOf(id) }));
      for (const { member, next } of this.membersFrom(order[q], q === cursor.q ? cursor.c : 0)) {
        if (!this.isLive(member)) continue;
        if (earlier.length > 0) {
          const indexes = this.seededIndexes(member.id);
          if (earlier.some(({ id, layout }) => this.holdsIn(id, layout, indexes))) continue;
        }
        yield { member, next: { q, c: next } };
      }
    }
  }

  *transitiveMembers(groupId: string): Generator<MemberRef> {
    for (const { member } of this.transitiveMembersFrom(groupId)) yield member;
  }

  /** Whether the group holds the object directly, whatever the object's state. */
  holds(groupId: string, memberId: string): boolean {
    const key = groupId.toLowerCase();
    return this.holdsIn(key, this.layoutOf(key), this.seededIndexes(memberId.toLowerCase()));
  }

  addMember(groupId: string, memberId: string): MemberRef {
    const key = this.groups.require(groupId, 'live').record.id;
    const member = this.resolveMember(memberId);
    if (!member || !this.isLive(member))
      throw new DirectoryChangeError(404, `No directory object ${memberId}`);
    if (this.holds(key, member.id)) {
      throw new DirectoryChangeError(400, `${member.id} is already a member of group ${key}`);
    }
    if (member.kind === 'group' && (member.id === key || this.nests(member.id, key))) {
      throw new DirectoryChangeError(400, `Adding group ${member.id} to ${key} would make a cycle`);
    }
    const changes = this.changesOf(key);
    if (changes.removed.has(member.id)) changes.removed.delete(member.id);
    else {
      changes.added.set(member.id, changes.order.length);
      changes.order.push(member);
    }
    this.log({ groupId: key, kind: 'member', member, op: 'add' });
    return member;
  }

  removeMember(groupId: string, memberId: string): void {
    const key = this.groups.require(groupId, 'live').record.id;
    const member = this.resolveMember(memberId);
    if (!member || !this.holds(key, member.id)) {
      throw new DirectoryChangeError(404, `${memberId} is not a member of group ${key}`);
    }
    const changes = this.changesOf(key);
    if (changes.added.has(member.id)) changes.added.delete(member.id);
    else changes.removed.add(member.id);
    if (this.isLive(member)) this.log({ groupId: key, kind: 'member', member, op: 'remove' });
  }

  /** A user or group was deleted: every live group holding it reports it removed (Graph's members@delta). */
  memberLeft(memberId: string): void {
    this.logMembershipOf(memberId, 'remove');
  }

  /** A user or group was restored: it is a member again wherever it was. */
  memberReturned(memberId: string): void {
    this.logMembershipOf(memberId, 'add');
  }

  /** Groups changed in the window (after, upTo] of the change log, in order of first change. */
  changesBetween(after: number, upTo: number): GroupChangeSummary[] {
    const byGroup = new Map<string, GroupChangeSummary>();
    for (const change of this.changeLog) {
      if (change.seq <= after) continue;
      if (change.seq > upTo) break;
      let summary = byGroup.get(change.groupId);
      if (!summary) {
        summary = { groupId: change.groupId, whole: false, properties: new Set(), members: new Map() };
        byGroup.set(change.groupId, summary);
      }
      if (change.kind === 'group') {
        if (change.properties) for (const property of change.properties) summary.properties.add(property);
        else summary.whole = true;
      } else {
        const before = summary.members.get(change.member.id);
        if (before) before.op = change.op;
        else summary.members.set(change.member.id, { member: change.member, op: change.op });
      }
    }
    return [...byGroup.values()];
  }

  reset(): void {
    this.groups.reset();
    this.memberships.clear();
    this.others.clear();
    this.changeLog = [];
    this.seq = 0;
  }

  /** Logs the member's arrival or departure in every live group that holds it. */
  private logMembershipOf(memberId: string, op: 'add' | 'remove'): void {
    const member = this.resolveMember(memberId);
    if (!member) return;
    const indexes = this.seededIndexes(member.id);
    for (let position = 0; position < this.positionCount; position++) {
      const seeded = position < this.seededCount;
      const groupId = seeded ? this.seededGroupId(position) : this.groups.atPosition(position)?.record.id;
      if (!groupId || this.groups.isDeleted(groupId)) continue;
      const layout = seeded ? this.seededLayout(position) : undefined;
      if (this.holdsIn(groupId, layout, indexes)) this.log({ groupId, kind: 'member', member, op });
    }
  }

  private holdsIn(groupId: string, layout: SeededLayout | undefined, member: SeededIndexes): boolean {
    const changes = this.memberships.get(groupId);
    if (changes?.added.has(member.id)) return true;
    if (changes?.removed.has(member.id)) return false;
    if (!layout) return false;
    if (member.user !== undefined) {
      const users = this.users.seededCount;
      return (member.user - layout.userStart + users) % users < layout.userCount;
    }
    if (member.group !== undefined) return layout.groups.includes(member.group);
    return member.other !== undefined && layout.others.includes(member.other);
  }

  /** Which seeded user, group or non-user object an id is, worked out once for many groups. */
  private seededIndexes(id: string): SeededIndexes {
    const user = indexOfSeededId(this.seed, id);
    if (user !== undefined && user < this.users.seededCount) return { id, user };
    const group = indexOfSeededId(groupIdSeed(this.seed), id);
    if (group !== undefined && group < this.seededCount) return { id, group };
    const other = indexOfSeededId(otherIdSeed(this.seed), id);
    return other !== undefined && other < SEEDED_OTHER_COUNT ? { id, other } : { id };
  }

  private seededGroupId(index: number): string {
    this.seededIds[index] ??= seededUserId(groupIdSeed(this.seed), index);
    return this.seededIds[index];
  }

  private seededLayout(index: number): SeededLayout {
    this.layouts[index] ??= seededGroupLayout(
      this.seed,
      index,
      this.seededCount,
      this.users.seededCount,
      this.seeding,
    );
    return this.layouts[index];
  }

  /** Whether `outer` holds `inner` through any depth of nesting. */
  private nests(outer: string, inner: string): boolean {
    return this.nestingOf(outer).includes(inner);
  }

  /** The group and the live groups nested in it at any depth, breadth first. */
  private nestingOf(groupId: string): string[] {
    const order = [groupId];
    for (let head = 0; head < order.length; head++) {
      for (const nested of this.nestedGroups(order[head])) if (!order.includes(nested)) order.push(nested);
    }
    return order;
  }

  /** The live groups a group holds directly (found without walking its user members). */
  private *nestedGroups(groupId: string): Generator<string> {
    const changes = this.memberships.get(groupId);
    for (const index of this.layoutOf(groupId)?.groups ?? []) {
      const id = this.seededGroupId(index);
      if (!changes?.removed.has(id) && !this.groups.isDeleted(id)) yield id;
    }
    if (!changes) return;
    for (const [index, member] of changes.order.entries()) {
      const current = member.kind === 'group' && changes.added.get(member.id) === index;
      if (current && !this.groups.isDeleted(member.id)) yield member.id;
    }
  }

  private layoutOf(groupId: string): SeededLayout | undefined {
    const index = indexOfSeededId(groupIdSeed(this.seed), groupId);
    return index !== undefined && index < this.seededCount ? this.seededLayout(index) : undefined;
  }

  private seededMember(layout: SeededLayout, index: number): MemberRef {
    if (index < layout.userCount) {
      const userIndex = (layout.userStart + index) % this.users.seededCount;
      return { id: seededUserId(this.seed, userIndex), kind: 'user' };
    }
    const groupSlot = index - layout.userCount;
    if (groupSlot < layout.groups.length) {
      return { id: seededUserId(groupIdSeed(this.seed), layout.groups[groupSlot]), kind: 'group' };
    }
    const other = seededOtherMember(this.seed, layout.others[groupSlot - layout.groups.length]);
    return { id: other.id, kind: other.type as MemberKind };
  }

  private changesOf(groupId: string): MembershipChanges {
    let changes = this.memberships.get(groupId);
    if (!changes) {
      changes = new MembershipChanges();
      this.memberships.set(groupId, changes);
    }
    return changes;
  }

  private log(event: GroupEvent): void {
    this.seq += 1;
    this.changeLog.push({ ...event, seq: this.seq });
  }
}

function asStoredGroup(stored: Stored<GroupRecord> | undefined): StoredGroup | undefined {
  return stored && { group: stored.record, state: stored.state };
}
