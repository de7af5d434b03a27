import { expect, type Page, test } from '@playwright/test';
import { expectAccessible } from './axe';
import { signedInSession } from './session';
import type { TenantSim } from './tenantSim';

// Groups: an Azure AD group imported with its members (one a device, not imported), its members paged on
// the groups page, and a local group created and deleted; each screen checked by axe-core.

test.describe.configure({ mode: 'serial' });

const tag = `grp${Date.now().toString(36)}`;
const groupName = `${tag} Report Viewers`;
let sim: TenantSim;
let page: Page;

signedInSession({ viewport: { width: 1280, height: 860 } }, async (session) => {
  ({ sim, page } = session);
  const group = await sim.createGroup(groupName, 'Reads the quarterly reports');
  for (const nickname of ['ada', 'grace', 'alan']) {
    const person = await sim.createPerson(`${tag}.${nickname}`, nickname, 'Viewer');
    await sim.addGroupMember(group.id, { id: person.id });
  }
  await sim.addGroupMember(group.id, { type: 'device', displayName: `${tag} kiosk` });
});

test('an Azure AD group is imported with its members', async () => {
  await page.goto('/groups/import');
  await page.getByRole('searchbox', { name: 'Search Azure AD groups' }).fill(tag);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByText(groupName)).toBeVisible();
  await expectAccessible(page, 'group import');

  await page.getByRole('checkbox', { name: `Select ${groupName}` }).check();
  await page.getByRole('button', { name: 'Import 1 selected' }).click();
  const result = page.getByTestId('group-import-result');
  await expect(result).toContainText(`${groupName}: Imported.`);
  await expect(result).toContainText(
    '3 users imported, 0 already imported users added, 0 not imported, 1 members',
  );
  await expect(page.getByRole('row', { name: new RegExp(groupName) })).toContainText('Already imported');
  await expectAccessible(page, 'group import with its result');
  await page.screenshot({ path: 'e2e/screenshots/group-import-result.png', fullPage: true });
});

test('the groups page lists it and pages its members', async () => {
  await page.goto('/groups');
  await page.getByRole('searchbox', { name: 'Search groups' }).fill(tag);
  const row = page.getByRole('row', { name: new RegExp(groupName) });
  await expect(row).toContainText('Azure AD');
  await expect(row).toContainText('Follows Azure AD');
  await row.getByRole('button', { name: `Members of ${groupName}` }).click();
  await expect(page.getByRole('heading', { name: `Members of ${groupName}` })).toBeVisible();
  for (const nickname of ['ada', 'grace', 'alan']) {
    await expect(page.getByText(`${tag}.${nickname}@`).first()).toBeVisible();
  }
  await expectAccessible(page, 'groups with members');
  await page.screenshot({ path: 'e2e/screenshots/group-members.png', fullPage: true });
});

test('a local group is created and deleted', async () => {
  await page.getByRole('button', { name: 'New local group' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expectAccessible(page, 'new local group dialog');
  await dialog.getByLabel('Name').fill(`${tag} finance`);
  await dialog.getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  const row = page.getByRole('row', { name: new RegExp(`${tag} finance`) });
  await expect(row).toContainText('Local');

  // Its name is taken in any case: the service says so.
  await page.getByRole('button', { name: 'New local group' }).click();
  await page.getByRole('dialog').getByLabel('Name').fill(`${tag} FINANCE`);
  await page.getByRole('dialog').getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByText('Another group already has this name.')).toBeVisible();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

  await row.getByRole('button', { name: `Delete ${tag} finance` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('row', { name: new RegExp(`${tag} finance`) })).toHaveCount(0);
});
