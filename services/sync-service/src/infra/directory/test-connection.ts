import { DirectoryError } from './directory-error';
import type { ConnectionTest, DirectoryFailure } from './directory-types';
import { reachFailure, toDirectoryFailure } from './failure-classification';
import { followPages } from './graph-pages';
import type { GraphSession } from './graph-session';
import { searchGroups } from './search-groups';

/**
 * First a token, on its own, so Entra's answer (unknown tenant, unknown client, wrong secret,
 * unreachable) is told apart from Graph's; then one user, which proves the User.Read.All consent; then
 * one page of groups, which proves the GroupMember.Read.All consent (users work without it).
 */
export async function testConnection(session: GraphSession): Promise<ConnectionTest> {
  const tokenFailure = await session.acquireToken();
  if (tokenFailure)
    return { ok: false, failure: unreachableAlike(toDirectoryFailure(tokenFailure), 'Microsoft Entra ID') };
  try {
    const sampleUser = await firstUser(session);
    const groupAccess = await groupAccessFailure(session);
    return { ok: true, sampleUser, groupAccess };
  } catch (error) {
    if (error instanceof DirectoryError)
      return { ok: false, failure: unreachableAlike(error.failure, 'Microsoft Graph') };
    throw error;
  }
}

async function firstUser(session: GraphSession) {
  // A page may be empty yet have a nextLink; a tenant may also have no user at all.
  for await (const page of followPages(session, `/users?$top=1&$select=${session.users.select}`)) {
    const sampleUser = page.value.map(session.users.toUser).find((user) => user !== undefined);
    if (sampleUser) return sampleUser;
  }
  return null;
}

/** Graph's refusal to list groups (403: the group permission is missing); other failures throw. */
async function groupAccessFailure(session: GraphSession): Promise<DirectoryFailure | null> {
  try {
    await searchGroups(session, '', 1);
    return null;
  } catch (error) {
    if (error instanceof DirectoryError && error.failure.code === 'missing_permission') return error.failure;
    throw error;
  }
}

/**
 * A host that does not answer in time reads as one that could not be reached: otherwise a silent open port
 * and a closed one would be told apart (docs/reliability.md, "Outbound requests").
 */
function unreachableAlike(failure: DirectoryFailure, peer: string): DirectoryFailure {
  if (failure.code === 'network_error') return { ...failure, code: 'unreachable' };
  if (failure.code !== 'timeout') return failure;
  return { category: 'transient', code: 'unreachable', message: reachFailure(peer) };
}
