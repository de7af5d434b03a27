import type { Queryable } from '../../../infra/db/queryable';

/**
 * A search's matches as read once, in its sort's order (ascending by sort key, then id), with their count and
 * the tenant and revision of that tenant's imported users they were read at (migration 031): good for as
 * long as a request finds that tenant and that revision. Past the cap only the count is kept (`matched`
 * is then the cap plus one, and `matches` empty).
 */
export interface ReadSearch {
  tenantId: string | null;
  revision: string | null;
  matched: number;
  matches: ReadonlyArray<readonly [id: string, sortKey: string]>;
}

/**
 * The searches read last, least recently used out first, holding at most `budget` matches in all (a match is
 * two short strings, about 150 bytes: 100,000 of them about 15 MB), a search with none kept counted as one.
 * A search with more matches than the budget is not kept.
 */
export class ReadSearches {
  private readonly searches = new Map<string, ReadSearch>();
  private held = 0;

  constructor(private readonly budget = 100_000) {}

  get(key: string): ReadSearch | undefined {
    const search = this.searches.get(key);
    if (search) {
      this.searches.delete(key);
      this.searches.set(key, search);
    }
    return search;
  }

  set(key: string, search: ReadSearch): void {
    this.delete(key);
    if (search.matches.length > this.budget) return;
    this.searches.set(key, search);
    this.held += weightOf(search);
    for (const [oldest] of this.searches) {
      if (this.held <= this.budget) break;
      this.delete(oldest);
    }
  }

  get size() {
    return this.searches.size;
  }

  private delete(key: string) {
    const search = this.searches.get(key);
    if (!search) return;
    this.searches.delete(key);
    this.held -= weightOf(search);
  }
}

const weightOf = (search: ReadSearch) => Math.max(1, search.matches.length);

const byDatabase = new WeakMap<object, ReadSearches>();

/**
 * The searches read on this database, shared by every request of the process. None inside a transaction:
 * what it reads may include its own writes, which nobody else may be answered from.
 */
export function readSearchesOf(db: Queryable): ReadSearches | undefined {
  if ('isTransaction' in db && db.isTransaction) return undefined;
  let searches = byDatabase.get(db);
  if (!searches) {
    searches = new ReadSearches();
    byDatabase.set(db, searches);
  }
  return searches;
}
