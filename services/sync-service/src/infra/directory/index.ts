import { DirectoryError } from './directory-error';
import type { DirectoryClient, DirectoryClientOptions, DirectoryConnection } from './directory-types';
import { GraphSession } from './graph-session';
import { readGroup, readGroupMembers } from './read-group-members';
import { readGroupsDelta } from './read-groups-delta';
import { readGroupsWhole } from './read-groups-whole';
import { readUsersByIds } from './read-users-by-ids';
import { readUsersDelta } from './read-users-delta';
import { searchGroups } from './search-groups';
import { searchUsers } from './search-users';
import { testConnection } from './test-connection';

export type { DirectoryGroup } from './directory-group';
export { unstorableGroup } from './directory-group';
export type {
  ConnectionTest,
  DeltaPage,
  DirectoryClient,
  DirectoryClientOptions,
  DirectoryConnection,
  DirectoryFailure,
  DirectoryFailureCode,
  DirectoryLogger,
  DirectoryStats,
  DirectoryUser,
  UserLookup,
} from './directory-types';
export { isAccessFailure, PUBLIC_CLOUD } from './directory-types';
export type { DirectoryUserEntry } from './directory-user';
export type { GroupLookup, GroupMembers, OtherMemberKind } from './read-group-members';
export type { GroupDeltaEntry, GroupDeltaMember, GroupDeltaPage } from './read-groups-delta';
export type { WholeGroupRead, WholeGroupsOptions } from './read-groups-whole';
export { DirectoryError };

/** The directory of one tenant through Microsoft Graph, authenticated with a client secret. */
export function createGraphDirectoryClient(
  connection: DirectoryConnection,
  options: DirectoryClientOptions = {},
): DirectoryClient {
  const session = new GraphSession(connection, options);
  return {
    testConnection: () => testConnection(session),
    searchUsers: (term, limit) => searchUsers(session, term, limit),
    readUsersByIds: (ids, signal, seed) => readUsersByIds(session, ids, signal, seed),
    readUsersDelta: (deltaLink, signal) => readUsersDelta(session, deltaLink, signal),
    searchGroups: (term, limit) => searchGroups(session, term, limit),
    readGroup: (id) => readGroup(session, id),
    readGroupMembers: (id, options) => readGroupMembers(session, id, options),
    readGroupsWhole: (ids, options) => readGroupsWhole(session, ids, options),
    readGroupsDelta: (deltaLink, signal) => readGroupsDelta(session, deltaLink, signal),
    stats: () => ({ ...session.counters }),
  };
}
