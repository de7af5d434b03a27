import { apiKeys } from './apiKeys';
import { auth } from './auth';
import { common } from './common';
import { directoryImport } from './import';
import { problem } from './problems';
import { shell } from './shell';
import { sync } from './sync';
import { syncRuns } from './syncRuns';

/** The English catalogue: every word the app shows. Other locales follow its shape. */
export const en = {
  ...common,
  shell,
  auth,
  apiKeys,
  problem,
  sync,
  directoryImport,
  syncRuns,
};

export type MessageSchema = typeof en;
