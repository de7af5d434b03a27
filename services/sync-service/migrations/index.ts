import type { Knex } from 'knex';
import * as users from './001_users';
import * as access from './002_access';
import * as settings from './003_settings';
import * as syncRuns from './004_sync_runs';
import * as syncStaging from './005_sync_staging';
import * as directoryDelta from './006_directory_delta';
import * as syncSchedule from './007_sync_schedule';
import * as userSyncStamps from './008_user_sync_stamps';
import * as dryRunKeys from './009_dry_run_keys';
import * as signInBackoff from './011_sign_in_backoff';
import * as partialRuns from './012_partial_runs';
import * as scheduleWaitAnnounced from './013_schedule_wait_announced';
import * as runCommitMarks from './014_run_commit_marks';
import * as accountStatePolicy from './016_account_state_policy';
import * as groups from './017_groups';
import * as directoryGroupsRound from './018_directory_groups_round';
import * as listingByTenant from './021_listing_by_tenant';
import * as groupSync from './023_group_sync';
import * as groupSyncStaging from './025_group_sync_staging';
import * as runsCoveringGroups from './026_runs_covering_groups';
import * as groupMemberStaging from './027_group_member_staging';
import * as groupNesting from './028_group_nesting';
import * as uncheckedRunStaging from './029_unchecked_run_staging';
import * as searchByTenant from './030_search_by_tenant';
import * as listingRevisions from './031_listing_revisions';
import * as countsByStatement from './032_counts_by_statement';

export interface Migration extends Knex.Migration {
  name: string;
}

/** Applied in this order; each in its own transaction, so a migration is never half-applied. */
export const migrations: Migration[] = [
  users,
  access,
  settings,
  syncRuns,
  syncStaging,
  directoryDelta,
  syncSchedule,
  userSyncStamps,
  dryRunKeys,
  signInBackoff,
  partialRuns,
  scheduleWaitAnnounced,
  runCommitMarks,
  accountStatePolicy,
  groups,
  groupSync,
  listingByTenant,
  groupSyncStaging,
  // Numbered before 025, 023 and 021 but written after them: it runs last on a database that has them.
  directoryGroupsRound,
  runsCoveringGroups,
  groupNesting,
  // Numbered before 028 but written after it: it runs last on a database that has 028.
  groupMemberStaging,
  uncheckedRunStaging,
  searchByTenant,
  listingRevisions,
  countsByStatement,
];
