import { randomBytes } from 'node:crypto';
import { GroupDirectory } from '../directory/group-directory';
import { seedFromString } from '../directory/hashing';
import { TenantDirectory } from '../directory/tenant-directory';
import { limitForTenantSize, ResourceUnitBucket } from './resource-unit-bucket';

export interface TenantOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Verified domain used in UPNs and mails. */
  domain: string;
  userCount: number;
  /**
   * Seeded groups (default 0): #0 "All Staff" holds every seeded user, #1 holds #2 (nested), #3 holds a
   * device, a service principal and an org contact, every other group `groupSize` users.
   */
  groupCount?: number;
  /** Users in each seeded group but "All Staff" (default 20). */
  groupSize?: number;
  /**
   * A large group tenant: user memberships over all seeded groups, e.g. 1,000,000 over 5,000 groups;
   * "All Staff" holds `largeGroupSize` of them, the others are spread with sizes varying around the average.
   * Overrides `groupSize`. Costs no memory, like every seeded membership.
   */
  groupMemberships?: number;
  /** Users in "All Staff", the one huge group (default every seeded user). */
  largeGroupSize?: number;
  /** Seeded groups holding another seeded group, spread over the groups (default 1: #1 holds #2). */
  nestedGroups?: number;
  /** Seed of the generated people (default: derived from tenantId). */
  seed?: number;
  /** Whether the app has admin consent for User.Read.All (default true); without it Graph answers 403. */
  consented?: boolean;
  /**
   * Whether the app has consent for GroupMember.Read.All (default true); without it group routes answer 403
   * while users still work.
   */
  groupsConsented?: boolean;
  /** Access token lifetime (default 3599 s, as Entra). */
  tokenLifetimeSeconds?: number;
  /** Resource units per 10 s (default: Graph's limit for the tenant's size). */
  throttleLimit?: number;
  /** Probability that a list or delta page is served empty but with a nextLink (default 0). */
  emptyPageRate?: number;
  /** Delta tokens older than this answer 410 (default 7 days). */
  deltaTokenLifetimeSeconds?: number;
  /**
   * At most this many users per delta page, whatever `odata.maxpagesize` asks (default 999): Graph treats
   * the preference as an upper bound and may serve less.
   */
  maxDeltaPageSize?: number;
  /**
   * Delta entries of updated users carry the id and only the selected properties that changed, as Graph may
   * ("at least the properties that have been updated"); default false: every selected property.
   */
  partialDeltaUpdates?: boolean;
  /**
   * At most this many `members@delta` entries per `/groups/delta` page (default 500, about what Graph was
   * seen to serve); a larger group's members continue on later pages.
   */
  maxDeltaMembersPerPage?: number;
}

interface IssuedToken {
  tenantId: string;
  expiresAt: number;
}

/** The mutable state of one simulated tenant: directory, credentials, consent, throttle, tokens. */
export class SimTenant {
  readonly tenantId: string;
  readonly clientId: string;
  readonly domain: string;
  readonly directory: TenantDirectory;
  readonly groups: GroupDirectory;
  readonly bucket: ResourceUnitBucket;
  clientSecret: string;
  consented: boolean;
  groupsConsented: boolean;
  tokenLifetimeSeconds: number;
  emptyPageRate: number;
  deltaTokenLifetimeSeconds: number;
  maxDeltaPageSize: number;
  partialDeltaUpdates: boolean;
  maxDeltaMembersPerPage: number;
  /** Delta tokens issued before this instant are expired (moved by expireDeltaTokens). */
  deltaTokensValidAfter = 0;
  private readonly initial: TenantOptions;

  constructor(options: TenantOptions) {
    this.initial = { ...options };
    this.tenantId = options.tenantId.toLowerCase();
    this.clientId = options.clientId.toLowerCase();
    this.domain = options.domain.toLowerCase();
    this.directory = new TenantDirectory(
      options.seed ?? seedFromString(this.tenantId),
      this.domain,
      options.userCount,
    );
    this.groups = new GroupDirectory(this.directory, options.groupCount ?? 0, {
      groupSize: options.groupSize,
      memberships: options.groupMemberships,
      largeGroupSize: options.largeGroupSize,
      nestedGroups: options.nestedGroups,
    });
    this.bucket = new ResourceUnitBucket(options.throttleLimit ?? limitForTenantSize(options.userCount));
    this.clientSecret = options.clientSecret;
    this.consented = options.consented ?? true;
    this.groupsConsented = options.groupsConsented ?? true;
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3599;
    this.emptyPageRate = options.emptyPageRate ?? 0;
    this.deltaTokenLifetimeSeconds = options.deltaTokenLifetimeSeconds ?? 7 * 24 * 3600;
    this.maxDeltaPageSize = options.maxDeltaPageSize ?? 999;
    this.partialDeltaUpdates = options.partialDeltaUpdates ?? false;
    this.maxDeltaMembersPerPage = options.maxDeltaMembersPerPage ?? 500;
  }

  /** Back to the seeded state and the options it was started with. */
  reset(): void {
    this.directory.reset();
    this.groups.reset();
    this.clientSecret = this.initial.clientSecret;
    this.consented = this.initial.consented ?? true;
    this.groupsConsented = this.initial.groupsConsented ?? true;
    this.tokenLifetimeSeconds = this.initial.tokenLifetimeSeconds ?? 3599;
    this.emptyPageRate = this.initial.emptyPageRate ?? 0;
    this.maxDeltaPageSize = this.initial.maxDeltaPageSize ?? 999;
    this.partialDeltaUpdates = this.initial.partialDeltaUpdates ?? false;
    this.maxDeltaMembersPerPage = this.initial.maxDeltaMembersPerPage ?? 500;
    this.bucket.setLimit(this.initial.throttleLimit ?? limitForTenantSize(this.initial.userCount));
    this.deltaTokensValidAfter = 0;
  }
}

/** Access tokens of all tenants; opaque random strings, so the only way to forge one is to guess. */
export class TokenRegistry {
  private readonly tokens = new Map<string, IssuedToken>();

  issue(tenant: SimTenant): { accessToken: string; expiresIn: number } {
    this.prune();
    const accessToken = `sim.${randomBytes(32).toString('base64url')}`;
    this.tokens.set(accessToken, {
      tenantId: tenant.tenantId,
      expiresAt: Date.now() + tenant.tokenLifetimeSeconds * 1000,
    });
    return { accessToken, expiresIn: tenant.tokenLifetimeSeconds };
  }

  resolve(accessToken: string): { tenantId: string } | 'expired' | undefined {
    const token = this.tokens.get(accessToken);
    if (!token) return undefined;
    return token.expiresAt <= Date.now() ? 'expired' : { tenantId: token.tenantId };
  }

  revokeTenant(tenantId: string): void {
    for (const [value, token] of this.tokens) if (token.tenantId === tenantId) this.tokens.delete(value);
  }

  clear(): void {
    this.tokens.clear();
  }

  private prune(): void {
    const now = Date.now();
    // Expired tokens linger an hour so Graph can still say "expired" rather than "unknown".
    for (const [value, token] of this.tokens)
      if (token.expiresAt + 3_600_000 <= now) this.tokens.delete(value);
  }
}
