import { randomBytes } from 'node:crypto';
import { DirectoryChangeError, type StoredUser } from '../directory/tenant-directory';
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
}

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

  softDeleteUser(id: string): void {
    this.tenant.directory.softDelete(id);
  }

  hardDeleteUser(id: string): void {
    this.tenant.directory.hardDelete(id);
  }

  restoreUser(id: string): UserRecord {
    return this.tenant.directory.restore(id);
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
