import { randomUUID } from 'node:crypto';
import { indexOfSeededId } from './seeded-ids';
import { seededUser } from './seeded-people';
import { type ObjectState, SeededStore, type Stored } from './seeded-store';
import type { UserChanges, UserRecord } from './user-record';

export type UserState = ObjectState;

export interface StoredUser {
  user: UserRecord;
  state: UserState;
}

/**
 * The users of one simulated tenant (a `SeededStore`: seeded users computed from (seed, index), only
 * changes stored), plus an append-only change log that delta queries read.
 */
export class TenantDirectory {
  /** The users by position and id, as lists read them. */
  readonly users: SeededStore<UserRecord, UserChanges>;
  /** `properties`: what an update changed; absent for creations, deletions and restores. */
  private changeLog: { seq: number; id: string; properties?: string[] }[] = [];
  private seq = 0;

  constructor(
    readonly seed: number,
    readonly domain: string,
    readonly seededCount: number,
  ) {
    this.users = new SeededStore(
      'user',
      seededCount,
      (index) => seededUser(seed, index, domain),
      (id) => indexOfSeededId(seed, id),
    );
  }

  get positionCount(): number {
    return this.users.positionCount;
  }

  get changeSequence(): number {
    return this.seq;
  }

  get liveCount(): number {
    return this.users.liveCount;
  }

  /** The user at a list position, whatever its state; undefined past the end. */
  atPosition(position: number): StoredUser | undefined {
    return asStoredUser(this.users.atPosition(position));
  }

  /** Seeded user #index as currently stored (with overrides), or undefined if out of range. */
  seededAt(index: number): UserRecord | undefined {
    return this.users.seededAt(index);
  }

  find(id: string): StoredUser | undefined {
    return asStoredUser(this.users.find(id));
  }

  findLive(id: string): UserRecord | undefined {
    return this.users.findLive(id);
  }

  softDeletedUsers(): Generator<UserRecord> {
    return this.users.softDeleted();
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
    this.users.add(user);
    this.logChange(id);
    return user;
  }

  update(id: string, changes: UserChanges): UserRecord {
    const key = this.users.update(id, changes);
    this.logChange(key, Object.keys(changes));
    return this.users.require(key, 'live').record;
  }

  softDelete(id: string): void {
    this.logChange(this.users.softDelete(id));
  }

  /** Permanently deletes a live or soft-deleted user (Entra purges from the recycle bin too). */
  hardDelete(id: string): void {
    this.logChange(this.users.hardDelete(id).id);
  }

  restore(id: string): UserRecord {
    const key = this.users.restore(id);
    this.logChange(key);
    return this.users.require(key, 'live').record;
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
    this.users.reset();
    this.changeLog = [];
    this.seq = 0;
  }

  private logChange(id: string, properties?: string[]): void {
    this.seq += 1;
    this.changeLog.push(properties ? { seq: this.seq, id, properties } : { seq: this.seq, id });
  }
}

function asStoredUser(stored: Stored<UserRecord> | undefined): StoredUser | undefined {
  return stored && { user: stored.record, state: stored.state };
}
