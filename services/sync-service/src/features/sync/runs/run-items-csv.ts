import { Readable } from 'node:stream';
import type { Queryable } from '../../../infra/db/queryable';
import type { FieldChange } from '../users/outcomes';
import { eachItem, type ItemQuery, type SyncRunItemRow } from './item-repository';

export const itemCsvColumns = [
  'username',
  'email',
  'objectId',
  'outcome',
  'action',
  'changes',
  'duplicateOf',
  'failureCode',
  'failureMessage',
  'applied',
] as const;

/**
 * A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): directory data
 * such as a display name is attacker-controlled, so such a cell is written with a leading apostrophe.
 */
const formulaStart = /^[=+\-@\t\r]/;

/** One CSV field: always quoted, quotes doubled, a formula defused. */
export function csvField(value: string | boolean | null): string {
  const text = value === null ? '' : String(value);
  const defused = formulaStart.test(text) ? `'${text}` : text;
  return `"${defused.replaceAll('"', '""')}"`;
}

const shown = (value: string | boolean | null) => (value === null ? '' : String(value));

function describeChanges(changes: FieldChange[]): string {
  return changes
    .map((change) => `${change.field}: ${shown(change.before)} → ${shown(change.after)}`)
    .join('; ');
}

function itemCsvLine(item: SyncRunItemRow): string {
  const duplicateOf = item.duplicate_of
    ? `${item.duplicate_of.field} held by ${item.duplicate_of.username} (${item.duplicate_of.userId})`
    : null;
  return `${[
    item.username,
    item.email,
    item.object_id,
    item.outcome,
    item.action,
    describeChanges(item.changes),
    duplicateOf,
    item.failure?.code ?? null,
    item.failure?.message ?? null,
    item.applied,
  ]
    .map(csvField)
    .join(',')}\r\n`;
}

/** The run's matching items as CSV (RFC 4180, CRLF lines), read from the database a page at a time. */
export function runItemsCsv(db: Queryable, runId: string, query: Omit<ItemQuery, 'limit' | 'cursor'>) {
  async function* lines() {
    yield `${itemCsvColumns.map(csvField).join(',')}\r\n`;
    for await (const item of eachItem(db, runId, query)) yield itemCsvLine(item);
  }
  return Readable.from(lines(), { objectMode: false });
}
