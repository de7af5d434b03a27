import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import type { FieldChange, SyncRunItem } from '@/api/schemas';
import { itemColumns } from './itemColumns';

const anItem = (changes: FieldChange[]): SyncRunItem => ({
  id: '1',
  userId: '00000000-0000-4000-8000-000000000001',
  objectId: '10000000-0000-4000-8000-000000000001',
  username: 'ada@contoso.example',
  email: 'ada@contoso.example',
  outcome: 'modified',
  changes,
  duplicateOf: null,
  failure: null,
  lastState: null,
  applied: true,
  action: null,
});

/** The text the Changes column shows for an item, as an administrator reads it. */
function changesText(item: SyncRunItem): string {
  const column = itemColumns('modified').find(
    (candidate) => 'key' in candidate && candidate.key === 'changes',
  );
  if (!column || !('render' in column) || !column.render) throw new Error('no Changes column');
  const render = column.render;
  return mount(defineComponent({ render: () => h('div', [render(item, 0)]) })).text();
}

describe('the Changes column', () => {
  it('shows a user disabled in Azure AD as deactivated, beside its profile changes', () => {
    const text = changesText(
      anItem([
        { field: 'lastName', before: 'Doe', after: 'Byron' },
        { field: 'isActive', before: true, after: false },
      ]),
    );
    expect(text).toContain('Doe → Byron');
    expect(text).toContain('Deactivated (disabled in Azure AD)');
    expect(text).not.toContain('true');
  });

  it('shows a user sync reactivated as reactivated', () => {
    const text = changesText(anItem([{ field: 'isActive', before: false, after: true }]));
    expect(text).toBe('Reactivated');
  });
});
