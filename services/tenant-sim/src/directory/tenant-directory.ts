import { randomUUID } from 'node:crypto';
import { indexOfSeededId } from './seeded-ids';
import { seededUser } from './seeded-people';
import type { UserChanges, UserRecord } from './user-record';

export type UserState = 'live' | 'softDeleted' | 'hardDeleted';

export interface StoredUser {
  user: UserRecord;
  state: UserState;
}

/** Raised by directory mutations; the admin API turns it into a JSON error with `status`. */
export class DirectoryChangeError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Deletion {
  state: 'softDeleted' | 'hardDeleted';
  at: string;
}

/**
 * The users of one simulated tenant. Seeded users are computed on demand from (seed, index);
 * only what changed since seeding (field overrides, created users, deletions) is kept in maps,
 * plus an append-only change log that delta queries read.
 *
 * Positions: 0..seededCount-1 are seeded users, then created users in creation order. Lists iterate
 * positions, so paging a million users is a counter, not a scan of stored objects.
 */
export class TenantDirectory {
  private readonly overrides = new Map<string, UserChanges>();
  private readonly created = new Map<string, UserRecord>();
  private createdOrder: string[] = [];
  private readonly deletions = new Map<string, Deletion>();
  /** `properties`: what an update changed; absent for creations, deletions and restores. */
  private changeLog: { seq: number; id: string; properties?: string[] }[] = [];
  private seq = 0;

  constructor(
    readonly seed: number,
    readonly domain: string,
    readonly seededCount: number,
  ) {}

  get positionCount(): number {
    return this.seededCount + this.createdOrder.length;
  }

  get changeSequence(): number {
    return this.seq;
  }

  /** Deleted users keep their position (delta must still report them), so live = positions - deletions. */
  get liveCount(): number {
    return this.positionCount - this.deletions.size;
  }

  /** The user at a list position, whatever its state; undefined past the end. */
  atPosition(position: number): StoredUser | undefined {
    if (position < 0 || position >= this.positionCount) return undefined;
    if (position < this.seededCount) return this.stored(this.seeded(position));
    const id = this.createdOrder[position - this.seededCount];
    const user = this.created.get(id);
    return user ? this.stored(user) : undefined;
  }

  /** Seeded user #index as currently stored (with overrides), or undefined if out of range. */
  seededAt(index: number): UserRecord | undefined {
    return index >= 0 && index < this.seededCount ? this.seeded(index) : undefined;
  }

  find(id: string): StoredUser | undefined {
    const key = id.toLowerCase();
    const createdUser = this.created.get(key);
    if (createdUser) return this.stored(createdUser);
    const index = indexOfSeededId(this.seed, key);
    if (index === undefined || index >= this.seededCount) return undefined;
    return this.stored(this.seeded(index));
  }

  findLive(id: string): UserRecord | undefined {
    const found = this.find(id);
    return found?.state === 'live' ? found.user : undefined;
  }

  *softDeletedUsers(): Generator<UserRecord> {
    for (const [id, deletion] of this.deletions) {
      if (deletion.state !== 'softDeleted') continue;
      const found = this.find(id);
      if (found) yield found.user;
    }
  }

  create(changes: UserChanges & { userPrincipalName: string }): UserRecord {
    const id = randomUUID();
    const nickname = changes.userPrincipalName.split('@')[0];
    const user: UserRecord = {
      id,
      mailNickname: nickname,
      displayName: null,
      givenName: null,
      surname: null,
      mail: null,
      otherMails: [],
      mobilePhone: null,
      businessPhones: [],
      accountEnabled: true,
      jobTitle: null,
      officeLocation: null,
      preferredLanguage: null,
      ...changes,
      createdDateTime: `${new Date().toISOString().slice(0, 19)}Z`,
      deletedDateTime: null,
    };
    this.created.set(id, user);
    this.createdOrder.push(id);
    this.logChange(id);
    return user;
  }

  update(id: string, changes: UserChanges): UserRecord {
    const found = this.requireState(id, 'live');
    const key = found.user.id;
    if (this.created.has(key)) {
      this.created.set(key, { ...found.user, ...changes });
    } else {
      this.overrides.set(key, { ...this.overrides.get(key), ...changes });
    }
    this.logChange(key, Object.keys(changes));
    return this.requireState(key, 'live').user;
  }

  softDelete(id: string): void {
    const found = this.requireState(id, 'live');
    this.deletions.set(found.user.id, { state: 'softDeleted', at: new Date().toISOString() });
    this.logChange(found.user.id);
  }

  /** Permanently deletes a live or soft-deleted user (Entra purges from the recycle bin too). */
  hardDelete(id: string): void {
    const found = this.find(id);
    if (!found || found.state === 'hardDeleted') throw new DirectoryChangeError(404, `No user ${id}`);
    this.deletions.set(found.user.id, { state: 'hardDeleted', at: new Date().toISOString() });
    this.logChange(found.user.id);
  }

  restore(id: string): UserRecord {
    const found = this.requireState(id, 'softDeleted');
    this.deletions.delete(found.user.id);
    this.logChange(found.user.id);
    return this.requireState(found.user.id, 'live').user;
  }

  /**
   * Users changed after `sinceSeq`, each once with its latest change, oldest change first. `properties`:
   * every property updates changed since then, or absent when the user was also created, deleted or restored.
   */
  changedSince(sinceSeq: number): { id: string; seq: number; properties?: string[] }[] {
    const latest = new Map<string, { seq: number; properties?: Set<string> }>();
    for (const change of this.changeLog) {
      if (change.seq <= sinceSeq) continue;
      const before = latest.get(change.id);
      const properties =
        change.properties && (!before || before.properties)
          ? new Set([...(before?.properties ?? []), ...change.properties])
          : undefined;
      latest.delete(change.id);
      latest.set(change.id, { seq: change.seq, properties });
    }
    return [...latest].map(([id, { seq, properties }]) =>
      properties ? { id, seq, properties: [...properties] } : { id, seq },
    );
  }

  reset(): void {
    this.overrides.clear();
    this.created.clear();
    this.createdOrder = [];
    this.deletions.clear();
    this.changeLog = [];
    this.seq = 0;
  }

  private seeded(index: number): UserRecord {
    const user = seededUser(this.seed, index, this.domain);
    const override = this.overrides.get(user.id);
    return override ? { ...user, ...override } : user;
  }

  private stored(user: UserRecord): StoredUser {
    const deletion = this.deletions.get(user.id);
    if (!deletion) return { user, state: 'live' };
    return { user: { ...user, deletedDateTime: deletion.at }, state: deletion.state };
  }

  private requireState(id: string, state: UserState): StoredUser {
    const found = this.find(id);
    if (!found || found.state !== state) {
      throw new DirectoryChangeError(404, `No ${state === 'live' ? '' : 'soft-deleted '}user ${id}`);
    }
    return found;
  }

  private logChange(id: string, properties?: string[]): void {
    this.seq += 1;
    this.changeLog.push(properties ? { seq: this.seq, id, properties } : { seq: this.seq, id });
  }
}
