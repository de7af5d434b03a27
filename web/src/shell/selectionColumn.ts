import { type DataTableColumns, NCheckbox } from 'naive-ui';
import { h } from 'vue';
import type { PagedSelection } from './usePagedSelection';

interface SelectionLabels<Row> {
  /** Names the header's checkbox, e.g. "Select all users on this page". */
  page: string;
  /** Names a row's checkbox after the row it selects. */
  row(row: Row): string;
}

// Naive UI's own selection column has unlabelled checkboxes; these name what they select.
export function selectionColumn<Row extends { id: string }>(
  selection: Pick<PagedSelection, 'isSelected' | 'toggle' | 'togglePage'> & {
    isPageFullySelected: boolean;
    isPagePartlySelected: boolean;
  },
  labels: SelectionLabels<Row>,
): DataTableColumns<Row>[number] {
  return {
    key: 'selected',
    width: 48,
    title: () =>
      h(NCheckbox, {
        checked: selection.isPageFullySelected,
        indeterminate: selection.isPagePartlySelected,
        'aria-label': labels.page,
        onUpdateChecked: (checked: boolean) => selection.togglePage(checked),
      }),
    render: (row) =>
      h(NCheckbox, {
        checked: selection.isSelected(row.id),
        'aria-label': labels.row(row),
        onUpdateChecked: (checked: boolean) => selection.toggle(row.id, checked),
      }),
  };
}
