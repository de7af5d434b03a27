import { apiKeys } from './apiKeys';
import { auth } from './auth';
import { common } from './common';
import { groupSync } from './groupSync';
import { groups } from './groups';
import { directoryImport } from './import';
import { problem } from './problems';
import { settings } from './settings';
import { shell } from './shell';
import { sync } from './sync';
import { syncRuns } from './syncRuns';
import { users } from './users';

/**
 * The English catalogue: every word the app shows. A second locale is a module beside this folder typed
 * `MessageSchema` (so it fails the type-check while it lacks a message), listed in `../index.ts` with its
 * Naive UI locale.
 */
export const en = {
  ...common,
  shell,
  auth,
  apiKeys,
  groups,
  groupSync,
  problem,
  settings,
  sync,
  directoryImport,
  syncRuns,
  users,
};

/** The catalogue's shape: the same keys, any words. */
type Shape<T> = { readonly [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export type MessageSchema = Shape<typeof en>;
