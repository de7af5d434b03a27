import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import type { SyncOutcome, SyncRunGroupItem } from '@/api/schemas';
import { groupItemColumns } from './groupItemColumns';

const member = (name: string) => ({ userId: null, objectId: null, username: name, email: name });

const anItem = (overrides: Partial<SyncRunGroupItem>): SyncRunGroupItem => ({
  id: '1',
  groupId: '00000000-0000-4000-8000-000000000001',
  objectId: '10000000-0000-4000-8000-000000000001',
  name: 'Viewers',
  outcome: 'modified',
  changes: [],
  members: { added: [], removed: [], created: [], notAdded: [] },
  duplicateOf: null,
  failure: null,
  applied: true,
  ...overrides,
});

/** The text a column shows for an item, as an administrator reads it. */
function columnText(outcome: SyncOutcome, key: string, item: SyncRunGroupItem): string {
  const column = groupItemColumns(outcome).find((candidate) => 'key' in candidate && candidate.key === key);
  if (!column || !('render' in column) || !column.render) throw new Error(`no ${key} column`);
  const render = column.render;
  return mount(defineComponent({ render: () => h('div', [render(item, 0)]) })).text();
}

describe('groupItemColumns', () => {
  it('itemises a modified group: renamed, description, members added, removed and created, not added', () => {
    const item = anItem({
      changes: [
        { field: 'name', before: 'Viewers', after: 'Report viewers' },
        { field: 'description', before: null, after: 'Reads reports' },
      ],
      members: {
        added: [member('ada@x'), member('alan@x')],
        removed: [member('grace@x')],
        created: [member('alan@x')],
        notAdded: [
          {
            objectId: 'o1',
            userPrincipalName: 'barbara@x',
            reason: 'Email taken',
            duplicateOf: {
              userId: '00000000-0000-4000-8000-000000000003',
              username: 'barbara.local',
              email: 'b@x',
              field: 'email',
            },
          },
        ],
      },
    });
    const text = columnText('modified', 'changes', item);
    expect(text).toContain('Name: Viewers → Report viewers');
    expect(text).toContain('Description: (empty) → Reads reports');
    expect(text).toContain('Members added: ada@x, alan@x');
    expect(text).toContain('Members removed: grace@x');
    expect(text).toContain('Users created: alan@x');
    expect(text).toContain('Members not added: barbara@x: Email taken (held by barbara.local)');
  });

  it('names what a duplicated group collides with, the members a deleted group lost and why one failed', () => {
    const duplicated = anItem({
      outcome: 'duplicated',
      duplicateOf: { groupId: '00000000-0000-4000-8000-000000000002', name: 'Finance' },
      changes: [{ field: 'name', before: 'Viewers', after: 'Finance' }],
      applied: false,
    });
    expect(columnText('duplicated', 'duplicateOf', duplicated)).toBe('Finance');
    expect(columnText('duplicated', 'changesNotMade', duplicated)).toContain('Name: Viewers → Finance');
    // A duplicated group is never applied, and is not marked as a mere report for it.
    expect(columnText('duplicated', 'group', duplicated)).toBe('Viewers');

    const deleted = anItem({
      outcome: 'deleted',
      members: { ...anItem({}).members, removed: [member('ada@x')] },
    });
    expect(columnText('deleted', 'removed', deleted)).toBe('ada@x');

    const failed = anItem({
      outcome: 'failed',
      failure: { code: 'throttled', message: 'Azure AD throttled.' },
    });
    expect(columnText('failed', 'failure', failed)).toBe('Azure AD throttled.throttled');
  });

  it('marks a dry run or held-back group as not applied', () => {
    expect(columnText('modified', 'group', anItem({ applied: false }))).toBe('Viewers Not applied');
  });
});
