export type ObjectState = 'live' | 'softDeleted' | 'hardDeleted';

export interface Stored<T> {
  record: T;
  state: ObjectState;
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
 * Objects of one kind (users, groups) as a simulated tenant keeps them: seeded objects are computed on
 * demand from their index, and only what changed since seeding (field overrides, created objects,
 * deletions) is stored. Positions: 0..seededCount-1 are seeded, then created objects in creation order,
 * so paging a million objects is a counter, not a scan of stored ones.
 */
export class SeededStore<T extends { id: string; deletedDateTime: string | null }, C extends object> {
  private readonly overrides = new Map<string, C>();
  private readonly created = new Map<string, T>();
  private createdOrder: string[] = [];
  private readonly deletions = new Map<string, Deletion>();

  constructor(
    /** `user`, `group`: how errors name the objects. */
    private readonly noun: string,
    readonly seededCount: number,
    private readonly seededRecord: (index: number) => T,
    /** The seeded index an id encodes, if it is a seeded id of this kind. */
    private readonly seededIndexOf: (id: string) => number | undefined,
  ) {}

  get positionCount(): number {
    return this.seededCount + this.createdOrder.length;
  }

  /** Deleted objects keep their position (delta must still report them), so live = positions - deletions. */
  get liveCount(): number {
    return this.positionCount - this.deletions.size;
  }

  /** The object at a list position, whatever its state; undefined past the end. */
  atPosition(position: number): Stored<T> | undefined {
    if (position < 0 || position >= this.positionCount) return undefined;
    if (position < this.seededCount) return this.stored(this.seeded(position));
    const record = this.created.get(this.createdOrder[position - this.seededCount]);
    return record ? this.stored(record) : undefined;
  }

  /** Seeded object #index as currently stored (with overrides), or undefined if out of range. */
  seededAt(index: number): T | undefined {
    return index >= 0 && index < this.seededCount ? this.seeded(index) : undefined;
  }

  find(id: string): Stored<T> | undefined {
    const key = id.toLowerCase();
    const createdRecord = this.created.get(key);
    if (createdRecord) return this.stored(createdRecord);
    const index = this.seededIndexOf(key);
    if (index === undefined || index >= this.seededCount) return undefined;
    return this.stored(this.seeded(index));
  }

  /**
   * Whether an object known to exist (a group's member) is deleted: no record is computed, which keeps
   * walking a 100,000-member group cheap.
   */
  isDeleted(id: string): boolean {
    return this.deletions.has(id.toLowerCase());
  }

  findLive(id: string): T | undefined {
    const found = this.find(id);
    return found?.state === 'live' ? found.record : undefined;
  }

  *softDeleted(): Generator<T> {
    for (const [id, deletion] of this.deletions) {
      if (deletion.state !== 'softDeleted') continue;
      const found = this.find(id);
      if (found) yield found.record;
    }
  }

  add(record: T): void {
    this.created.set(record.id, record);
    this.createdOrder.push(record.id);
  }

  /** Changes a live object; answers its id. */
  update(id: string, changes: C): string {
    const found = this.require(id, 'live');
    const key = found.record.id;
    if (this.created.has(key)) this.created.set(key, { ...found.record, ...changes });
    else this.overrides.set(key, { ...this.overrides.get(key), ...changes });
    return key;
  }

  /** Soft-deletes a live object (restorable, as Entra's recycle bin); answers its id. */
  softDelete(id: string): string {
    const key = this.require(id, 'live').record.id;
    this.deletions.set(key, { state: 'softDeleted', at: new Date().toISOString() });
    return key;
  }

  /** Permanently deletes a live or soft-deleted object (Entra purges from the recycle bin too). */
  hardDelete(id: string): { id: string; wasLive: boolean } {
    const found = this.find(id);
    if (!found || found.state === 'hardDeleted') throw new DirectoryChangeError(404, `No ${this.noun} ${id}`);
    this.deletions.set(found.record.id, { state: 'hardDeleted', at: new Date().toISOString() });
    return { id: found.record.id, wasLive: found.state === 'live' };
  }

  restore(id: string): string {
    const key = this.require(id, 'softDeleted').record.id;
    this.deletions.delete(key);
    return key;
  }

  require(id: string, state: ObjectState): Stored<T> {
    const found = this.find(id);
    if (!found || found.state !== state) {
      throw new DirectoryChangeError(404, `No ${state === 'live' ? '' : 'soft-deleted '}${this.noun} ${id}`);
    }
    return found;
  }

  reset(): void {
    this.overrides.clear();
    this.created.clear();
    this.createdOrder = [];
    this.deletions.clear();
  }

  private seeded(index: number): T {
    const record = this.seededRecord(index);
    const override = this.overrides.get(record.id);
    return override ? { ...record, ...override } : record;
  }

  private stored(record: T): Stored<T> {
    const deletion = this.deletions.get(record.id);
    if (!deletion) return { record, state: 'live' };
    return { record: { ...record, deletedDateTime: deletion.at }, state: deletion.state };
  }
}
