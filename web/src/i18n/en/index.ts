import { common } from './common';
import { problem } from './problems';
import { shell } from './shell';
import { sync } from './sync';

/** The English catalogue: every word the app shows. Other locales follow its shape. */
export const en = {
  ...common,
  shell,
  problem,
  sync,
};

export type MessageSchema = typeof en;
