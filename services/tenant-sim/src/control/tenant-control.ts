import { randomBytes } from 'node:crypto';
import type { StoredGroup } from '../directory/group-directory';
import {
  type GroupChanges,
  type GroupRecord,
  type MemberRef,
  OTHER_MEMBER_TYPES,
  type OtherMemberType,
} from '../directory/group-record';
import { DirectoryChangeError } from '../directory/seeded-store';
import type { StoredUser } from '../directory/tenant-directory';
import type { UserChanges, UserRecord } from '../directory/user-record';
import type { SimTenant, TokenRegistry } from './sim-tenant';

export interface TenantSettings {
  consented?: boolean;
  tokenLifetimeSeconds?: number;
  emptyPageRate?: number;
  throttleLimit?: number;
  deltaTokenLifetimeSeconds?: number;
  maxDeltaPageSize?: number;
  partialDeltaUpdates?: boolean;
  groupsConsented?: boolean;
  maxDeltaMembersPerPage?: number;
}

/** A member to add: an existing user, group or other object by id, or a new device, service principal or contact. */
export type NewMember = { id: string } | { type: OtherMemberType; displayName: string };

/** Test-side control of one simulated tenant; the admin API maps onto these same operations. */
export class TenantControl {
  constructor(
    private readonly tenant: SimTenant,
    private readonly tokens: TokenRegistry,
  ) {}

  get tenantId(): string {
    return this.tenant.tenantId;
  }

  get clientId(): string {
    return this.tenant.clientId;
  }

  get clientSecret(): string {
    return this.tenant.clientSecret;
  }

  get domain(): string {
    return this.tenant.domain;
  }

  get userCount(): number {
    return this.tenant.directory.seededCount;
  }

  /** Object id of seeded user #index. */
  userId(index: number): string {
    const user = this.tenant.directory.seededAt(index);
    if (!user) throw new DirectoryChangeError(404, `No seeded user #${index}`);
    return user.id;
  }

  /** A user in any state (live, soft- or hard-deleted), by object id or seeded index. */
  user(idOrIndex: string | number): StoredUser | undefined {
    if (typeof idOrIndex === 'number') {
      const seeded = this.tenant.directory.seededAt(idOrIndex);
      return seeded ? this.tenant.directory.find(seeded.id) : undefined;
    }
    return this.tenant.directory.find(idOrIndex);
  }

  createUser(changes: UserChanges & { userPrincipalName: string }): UserRecord {
    if (typeof changes.userPrincipalName !== 'string' || !changes.userPrincipalName.includes('@')) {
      throw new DirectoryChangeError(400, 'userPrincipalName (name@domain) is required');
    }
    return this.tenant.directory.create(changes);
  }

  updateUser(id: string, changes: UserChanges): UserRecord {
    return this.tenant.directory.update(id, changes);
  }

  /** Deleted users leave every group they were in (members@delta reports them removed) until restored. */
  softDeleteUser(id: string): void {
    this.tenant.directory.softDelete(id);
    this.tenant.groups.memberLeft(id);
  }

  hardDeleteUser(id: string): void {
    const wasLive = this.tenant.directory.find(id)?.state === 'live';
    this.tenant.directory.hardDelete(id);
    if (wasLive) this.tenant.groups.memberLeft(id);
  }

  restoreUser(id: string): UserRecord {
    const user = this.tenant.directory.restore(id);
    this.tenant.groups.memberReturned(id);
    return user;
  }

  get groupCount(): number {
    return this.tenant.groups.seededCount;
  }

  /** Object id of seeded group #index. */
  groupId(index: number): string {
    const group = this.tenant.groups.seededAt(index);
    if (!group) throw new DirectoryChangeError(404, `No seeded group #${index}`);
    return group.id;
  }

  /** A group in any state, by object id or seeded index. */
  group(idOrIndex: string | number): StoredGroup | undefined {
    if (typeof idOrIndex === 'number') {
      const seeded = this.tenant.groups.seededAt(idOrIndex);
      return seeded ? this.tenant.groups.find(seeded.id) : undefined;
    }
    return this.tenant.groups.find(idOrIndex);
  }

  createGroup(changes: GroupChanges & { displayName: string }): GroupRecord {
    if (typeof changes.displayName !== 'string' || changes.displayName.trim() === '') {
      throw new DirectoryChangeError(400, 'displayName is required');
    }
    return this.tenant.groups.create(changes);
  }

  updateGroup(id: string, changes: GroupChanges): GroupRecord {
    return this.tenant.groups.update(id, changes);
  }

  softDeleteGroup(id: string): void {
    this.tenant.groups.softDelete(id);
  }

  hardDeleteGroup(id: string): void {
    this.tenant.groups.hardDelete(id);
  }

  restoreGroup(id: string): GroupRecord {
    return this.tenant.groups.restore(id);
  }

  /** Live direct members, or with `transitive` the members of nested groups too. */
  groupMembers(id: string, transitive = false): MemberRef[] {
    if (!this.tenant.groups.findLive(id)) throw new DirectoryChangeError(404, `No group ${id}`);
    return [...(transitive ? this.tenant.groups.transitiveMembers(id) : this.tenant.groups.liveMembers(id))];
  }

  addGroupMember(groupId: string, member: NewMember): MemberRef {
    if ('id' in member && typeof member.id === 'string')
      return this.tenant.groups.addMember(groupId, member.id);
    const { type, displayName } = member as { type?: OtherMemberType; displayName?: string };
    if (!type || !OTHER_MEMBER_TYPES.includes(type) || typeof displayName !== 'string') {
      throw new DirectoryChangeError(
        400,
        `A member is { "id" } of a user or group, or { "type": ${OTHER_MEMBER_TYPES.join('|')}, "displayName" }`,
      );
    }
    if (!this.tenant.groups.findLive(groupId)) throw new DirectoryChangeError(404, `No group ${groupId}`);
    const other = this.tenant.groups.createOtherMember(type, displayName);
    return this.tenant.groups.addMember(groupId, other.id);
  }

  removeGroupMember(groupId: string, memberId: string): void {
    this.tenant.groups.removeMember(groupId, memberId);
  }

  configure(settings: TenantSettings): void {
    if (settings.consented !== undefined) this.tenant.consented = settings.consented;
    if (settings.tokenLifetimeSeconds !== undefined)
      this.tenant.tokenLifetimeSeconds = settings.tokenLifetimeSeconds;
    if (settings.emptyPageRate !== undefined) this.tenant.emptyPageRate = settings.emptyPageRate;
    if (settings.throttleLimit !== undefined) this.tenant.bucket.setLimit(settings.throttleLimit);
    if (settings.deltaTokenLifetimeSeconds !== undefined) {
      this.tenant.deltaTokenLifetimeSeconds = settings.deltaTokenLifetimeSeconds;
    }
    if (settings.maxDeltaPageSize !== undefined) this.tenant.maxDeltaPageSize = settings.maxDeltaPageSize;
    if (settings.partialDeltaUpdates !== undefined) {
      this.tenant.partialDeltaUpdates = settings.partialDeltaUpdates;
    }
    if (settings.groupsConsented !== undefined) this.tenant.groupsConsented = settings.groupsConsented;
    if (settings.maxDeltaMembersPerPage !== undefined) {
      this.tenant.maxDeltaMembersPerPage = settings.maxDeltaMembersPerPage;
    }
  }

  /**
   * Replaces the client secret (as an admin rotating it in the portal) and invalidates tokens issued
   * so far, so a running client fails mid-run on its next Graph call or token request.
   */
  revokeSecret(newSecret: string = randomBytes(24).toString('base64url')): string {
    this.tenant.clientSecret = newSecret;
    this.tokens.revokeTenant(this.tenant.tenantId);
    return newSecret;
  }

  expireAccessTokens(): void {
    this.tokens.revokeTenant(this.tenant.tenantId);
  }

  /** Every delta/skip token issued until now answers 410 syncStateNotFound. */
  expireDeltaTokens(): void {
    this.tenant.deltaTokensValidAfter = Date.now();
  }

  reset(): void {
    this.tenant.reset();
  }
}
