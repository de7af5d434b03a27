import type { DataTableColumns } from 'naive-ui';
import type { SyncOutcome, SyncRunGroupItem, SyncRunItem } from '@/api/schemas';
import type { MessageKey } from '@/i18n';
import { groupItemColumns } from './groupItemColumns';
import { itemColumns } from './itemColumns';
import type { RunObjects } from './runLabels';

export type RunItem = SyncRunItem | SyncRunGroupItem;

/** What the items list of one kind shows: its columns, its words, and whether it searches and exports. */
export interface RunItemKind {
  columns(outcome: SyncOutcome): DataTableColumns<RunItem>;
  /** The list's name, its pager's and what it says when empty, for an outcome. */
  label(outcome: SyncOutcome): MessageKey;
  pagerLabel(outcome: SyncOutcome): MessageKey;
  empty(outcome: SyncOutcome): MessageKey;
  /** Users' items search by username or email, groups' items by name; the search box's label. */
  searchLabel(outcome: SyncOutcome): MessageKey;
  searchPlaceholder: MessageKey;
  /** Users' items download as CSV (the items listed, with their search). */
  csv: boolean;
  testId: string;
}

export const RUN_ITEM_KINDS: Record<RunObjects, RunItemKind> = {
  users: {
    columns: (outcome) => itemColumns(outcome) as DataTableColumns<RunItem>,
    label: (outcome) => `syncRuns.outcomeUsers.${outcome}`,
    pagerLabel: (outcome) => `syncRuns.outcomePages.${outcome}`,
    empty: (outcome) => `syncRuns.noOutcomeUsers.${outcome}`,
    searchLabel: (outcome) => `syncRuns.searchOutcomeUsers.${outcome}`,
    searchPlaceholder: 'syncRuns.item.searchPlaceholder',
    csv: true,
    testId: 'items',
  },
  groups: {
    columns: (outcome) => groupItemColumns(outcome) as DataTableColumns<RunItem>,
    label: (outcome) => `groupSync.outcomeGroups.${outcome}`,
    pagerLabel: (outcome) => `groupSync.outcomePages.${outcome}`,
    empty: (outcome) => `groupSync.noOutcomeGroups.${outcome}`,
    searchLabel: (outcome) => `groupSync.searchOutcomeGroups.${outcome}`,
    searchPlaceholder: 'groupSync.searchItemsPlaceholder',
    csv: false,
    testId: 'group-items',
  },
};
