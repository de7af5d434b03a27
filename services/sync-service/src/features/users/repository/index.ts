/**
 * Every query on `users` and on the stamps beside it (`user_sync_stamps`, `tenant_user_counts`), by concern:
 * the users API and collisions (users.ts), imported users (imported-users.ts) and their listing
 * (imported-listing.ts), what a sync run's chunk reads and writes (sync-writes.ts), and the set-based
 * statements whole-directory rounds (directory-rounds.ts) and group syncs (group-members.ts) run against users.
 */

export * from './directory-rounds';
export * from './group-members';
export * from './imported-listing';
export * from './imported-users';
export * from './sync-writes';
export * from './users';
