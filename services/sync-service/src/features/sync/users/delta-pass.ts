import { type DeltaPage, DirectoryError, type UserLookup } from '../../../infra/directory';
import { chunksOf } from '../../../infra/directory/bounded-pool';
import {
  countImported,
  type PageUser,
  stageRemovedUsersAsCandidates,
  stageUnchangedPageUsers,
} from '../../users/repository';
import { followDeltaRound } from '../delta-round';
import { commitTallied } from '../runs/chunk-commit';
import { noOutcomes } from '../runs/outcomes';
import type { RunContext } from '../runs/run-context';
import {
  type DeltaPass,
  recordPass,
  recordSelectedCount,
  type StoredSelection,
} from '../runs/run-repository';
import { findDeltaLink } from './delta-link-repository';
import {
  analyzeRound,
  importedByObjectIds,
  markDecided,
  unconfirmedChunk,
} from './directory-round-repository';
import { enabledUpstream, missingUniqueField, type Upstream } from './outcomes';
import { type CommitUsers, readUsersByIdChunks, upstreamOf, upstreamOfRead } from './read-by-id';
import type { SyncedStamps } from './synced-stamps';

type WholeDirectory = Extract<StoredSelection, { kind: 'wholeDirectory' }>;

const isExpiredLink = (error: unknown) =>
  error instanceof DirectoryError && error.failure.code === 'delta_token_expired';

/**
 * Synchronizes every imported user of the tenant with one round of Graph's delta query: the whole directory
 * the first time (or when asked, or when the stored link expired), only the changes since the stored link
 * otherwise. Users the round reports are judged straight from its pages; users it announces as removed, and
 * in a full pass users it never mentions, are only candidates: they are read by id, and only Graph's 404
 * deletes (or deactivates) them. Memory stays one page whatever the tenant's size: what the round has met is
 * marked in the database.
 */
export async function readWholeDirectory(
  context: RunContext,
  commit: CommitUsers,
  selection: WholeDirectory,
  stamps: SyncedStamps,
): Promise<{ selected: number; deltaLink: string }> {
  const { db, run, log, directory } = context.execution;
  const { tenantId } = directory;
  const retry = context.retryOnLostConnection;
  // Every imported user of the tenant: the counter a trigger keeps, not a count of a million index entries.
  const selected = await retry(() => countImported(db, tenantId));
  const storedLink = selection.fullPass ? null : await retry(() => findDeltaLink(db, tenantId));

  const startPass = (pass: DeltaPass) =>
    retry(async () => {
      // An incremental pass learns its work page by page: its total grows with what it reads.
      await recordSelectedCount(db, run.id, selected, pass === 'full' ? selected : 0);
      await recordPass(db, run.id, pass);
    });
  let pass: DeltaPass = storedLink ? 'incremental' : 'full';
  await startPass(pass);
  let deltaLink: string;
  try {
    deltaLink = await followRound(context, commit, stamps, storedLink);
  } catch (error) {
    if (!storedLink || !isExpiredLink(error)) throw error;
    log.info({ runId: run.id, tenantId }, 'stored delta link expired; reading the whole directory again');
    pass = 'full';
    await startPass(pass);
    deltaLink = await followRound(context, commit, stamps, null);
  }

  await retry(() => analyzeRound(db));
  await readUsersByIdChunks(context, commit, (afterUserId, size) =>
    unconfirmedChunk(db, { runId: run.id, tenantId, pass }, afterUserId, size),
  );
  return { selected, deltaLink };
}

/** Follows one round page by page; returns its deltaLink. */
function followRound(
  context: RunContext,
  commit: CommitUsers,
  stamps: SyncedStamps,
  deltaLink: string | null,
): Promise<string> {
  const pages = context.execution.directory.client.readUsersDelta(deltaLink, context.signal);
  return followDeltaRound(context, pages, (page) => applyPage(context, commit, stamps, page));
}

/**
 * Reads by id those of these (lower-case) object ids that are imported users of the tenant: the updates a
 * delta page carried only in part. Directory users never imported cost no read.
 */
async function readImportedById(context: RunContext, objectIds: string[]): Promise<Map<string, UserLookup>> {
  if (objectIds.length === 0) return new Map();
  const imported = await context.retryOnLostConnection(() =>
    importedByObjectIds(context.execution.db, context.execution.directory.tenantId, objectIds),
  );
  const lookups = await context.execution.directory.client.readUsersByIds(
    imported.map((user) => user.objectId),
    context.signal,
  );
  context.stopIfAsked();
  return new Map([...lookups].map(([objectId, lookup]) => [objectId.toLowerCase(), lookup]));
}

async function applyPage(
  context: RunContext,
  commit: CommitUsers,
  stamps: SyncedStamps,
  page: DeltaPage,
): Promise<void> {
  const { db, run, directory, chunkSize } = context.execution;
  const { tenantId } = directory;
  const round = { runId: run.id, tenantId };
  const retry = context.retryOnLostConnection;
  const removedIds = new Set(page.removed.map((entry) => entry.id.toLowerCase()));
  // A user twice in a page: the later entry is the newer state. A user both present and removed in one page
  // is left to the confirmation by id, which reads the truth.
  const present = new Map<string, UserLookup>();
  for (const user of page.users) {
    const id = user.id.toLowerCase();
    if (!removedIds.has(id)) present.set(id, { kind: 'found', user });
  }
  for (const { id, failure } of page.refused) {
    if (!removedIds.has(id.toLowerCase())) present.set(id.toLowerCase(), { kind: 'failed', failure });
  }
  const partial = page.partial
    .map((id) => id.toLowerCase())
    .filter((id) => !removedIds.has(id) && !present.has(id));
  for (const [id, lookup] of await readImportedById(context, partial)) {
    if (lookup.kind === 'notFound') removedIds.add(id);
    else present.set(id, lookup);
  }

  const unchanged = await judgeUnchanged(context, present);
  // Their stamps land while the rest of the page and the next one are written; once add() returns, no
  // earlier page's stamp is in flight, so the replays this page commits never wait on one.
  await stamps.add(run.dry_run ? [] : [...unchanged.values()]);
  // The others are judged chunk by chunk as the page orders them, so the users a chunk judges together (an
  // exchange of emails, for one) are the same whether or not unchanged users sat between them.
  const rest = [...present.keys()].filter((id) => !unchanged.has(id));
  const imported = await retry(() => importedByObjectIds(db, tenantId, rest));
  // If the connection drops while the server commits this one statement, the users it marked are taken
  // for replays when it is repeated: their outcomes are applied, but unchanged ones go uncounted.
  const { fresh, replayed } = await retry(() =>
    markDecided(
      db,
      run.id,
      imported.map((user) => user.id),
    ),
  );
  const importedByObjectId = new Map(imported.map((user) => [user.objectId.toLowerCase(), user]));
  for (const objectIds of chunksOf([...present.keys()], chunkSize)) {
    const upstream = new Map<string, Upstream>();
    const replays = new Map<string, Upstream>();
    for (const objectId of objectIds) {
      const user = importedByObjectId.get(objectId);
      if (!user) continue;
      const judged = fresh.has(user.id) ? upstream : replayed.has(user.id) ? replays : null;
      judged?.set(user.id, upstreamOfRead(present.get(objectId), directory));
    }
    if (upstream.size > 0) await commit({ phase: 'read', upstream });
    if (replays.size > 0) await commit({ phase: 'replay', upstream: replays });
  }
  await retry(() => stageRemovedUsersAsCandidates(db, round, [...removedIds]));
}

/**
 * Judges, in one transaction, the page's users that are imported, met for the first time in the round and
 * equal to Azure AD: `unchanged` (counted) without a statement of their own. Answers their ids by
 * (lower-case) object id; the caller stamps them. A run keeping unchanged users' items judges every user one
 * by one. If the commit landed as the connection dropped, no user is taken for judged here: those it marked
 * are then judged as replays, which finds them unchanged again, counts them no second time and stamps them.
 */
async function judgeUnchanged(
  context: RunContext,
  present: ReadonlyMap<string, UserLookup>,
): Promise<Map<string, string>> {
  const { run, directory, policy } = context.execution;
  if (policy.keepUnchangedItems || present.size === 0) return new Map();
  const users: PageUser[] = [];
  for (const [objectId, lookup] of present) {
    const upstream = lookup.kind === 'found' ? upstreamOf(lookup, directory) : null;
    if (upstream?.kind !== 'found' || missingUniqueField(upstream.profile)) continue;
    users.push({
      objectId,
      profile: upstream.profile,
      enabled: enabledUpstream(upstream, policy.accountState),
    });
  }
  if (users.length === 0) return new Map();
  const marked = await commitTallied(context, async (trx) => {
    const judged = await stageUnchangedPageUsers(trx, { runId: run.id, tenantId: directory.tenantId }, users);
    const tally = { outcomes: { ...noOutcomes(), unchanged: judged.length }, processed: judged.length };
    return { tally, result: judged };
  });
  return new Map((marked ?? []).map((user) => [user.objectId, user.userId]));
}
