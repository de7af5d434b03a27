import type { DataTableColumn, DataTableSortState } from 'naive-ui';
import { h, type VNodeChild } from 'vue';
import { t } from '@/i18n';

type Column<Row> = DataTableColumn<Row> & {
  key?: string | number;
  title?: string | (() => VNodeChild);
  sorter?: unknown;
  sortOrder?: 'ascend' | 'descend' | false;
  render?: (row: Row, index: number) => VNodeChild;
};

export type ListColumn<Row> = Column<Row>;

/** A column the server sorts (a remote table): the column only shows which way, when it is the sort. */
export function serverSorted<Sort extends string>(key: Sort, sort: Sort, order: 'asc' | 'desc') {
  const sortOrder: 'ascend' | 'descend' | false =
    key === sort ? (order === 'asc' ? 'ascend' : 'descend') : false;
  return { key, sorter: true as const, sortOrder };
}

/** A remote table's sorter event as the listing's sort and order; null when it went back to no sort. */
export function sortRequested<Sort extends string>(
  state: DataTableSortState | null,
): { sort: Sort; order: 'asc' | 'desc' } | null {
  if (!state || state.order === false) return null;
  return { sort: state.columnKey as Sort, order: state.order === 'ascend' ? 'asc' : 'desc' };
}

const SORT_WORDS = { ascend: 'shell.list.sortedAscending', descend: 'shell.list.sortedDescending' } as const;

/** The column's header as text, or '' for a header that is a control (the select-all checkbox). */
export function columnLabel<Row>(column: ListColumn<Row>): string {
  return typeof column.title === 'string' ? column.title : '';
}

export function isSortable<Row>(column: ListColumn<Row>): boolean {
  return Boolean(column.sorter);
}

/**
 * Naive UI sorts when a header cell is clicked, but the cell cannot take focus. A sortable header gets a
 * button that Tab reaches and Enter or Space press; it asks for the other order (ascending first).
 */
export function withKeyboardSorting<Row>(
  columns: ListColumn<Row>[],
  sort: (state: DataTableSortState) => void,
): ListColumn<Row>[] {
  return columns.map((column) => {
    if (!isSortable(column) || typeof column.title !== 'string') return column;
    const label = column.title;
    const state = t(column.sortOrder ? SORT_WORDS[column.sortOrder] : 'shell.list.notSorted');
    const next = column.sortOrder === 'ascend' ? 'descend' : 'ascend';
    return {
      ...column,
      title: () =>
        h(
          'button',
          {
            type: 'button',
            class: 'sort-button',
            onClick: (event: MouseEvent) => {
              // The cell would sort again on the same click.
              event.stopPropagation();
              sort(sortState(column, next));
            },
          },
          [label, h('span', { class: 'visually-hidden' }, ` (${state})`)],
        ),
    } as ListColumn<Row>;
  });
}

/** What one cell shows: the column's rendering, or the row's value under the column's key. */
export function cellContent<Row>(column: ListColumn<Row>, row: Row, index: number): VNodeChild {
  if (column.render) return column.render(row, index);
  const value = column.key === undefined ? undefined : (row as Record<string, unknown>)[String(column.key)];
  return value === null || value === undefined || value === '' ? '—' : String(value);
}

/** The next sort a sort control asks for, in the table's own terms. */
export function sortState<Row>(column: ListColumn<Row>, order: 'ascend' | 'descend'): DataTableSortState {
  return { columnKey: column.key as string | number, sorter: column.sorter as never, order };
}
