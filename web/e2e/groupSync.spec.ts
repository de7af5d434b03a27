import { expect, type Page, test } from '@playwright/test';
import { expectAccessible } from './axe';
import { signedInSession } from './session';
import type { DirectoryPerson, TenantSim } from './tenantSim';

// Synchronizing imported groups, as an administrator does it: two groups imported; in Azure AD one is
// renamed, loses a member and gains two people new to the server (one directly, one through a nested
// group), the other is deleted; the run from the groups page is held back by the threshold, confirmed,
// and its result read in the dialog and in the history.

test.describe.configure({ mode: 'serial' });

const SCREENSHOTS = 'e2e/screenshots';
const tag = `gsy${Date.now().toString(36)}`;
const viewers = { name: `${tag} Report Viewers`, renamed: `${tag} Report Readers`, id: '' };
const archive = { name: `${tag} Archive`, id: '' };
const people: Record<'ada' | 'grace' | 'alan' | 'edsger' | 'linus', DirectoryPerson> = {} as never;
let sim: TenantSim;
let page: Page;

/** The sync policy before this spec lowered its threshold, put back when the spec ends. */
let policyBefore: Record<string, unknown> | undefined;

function resultDialog() {
  return page.getByRole('dialog');
}

signedInSession(
  { viewport: { width: 1280, height: 860 } },
  async (session) => {
    ({ sim, page } = session);
    for (const nickname of ['ada', 'grace', 'alan', 'edsger', 'linus'] as const) {
      people[nickname] = await sim.createPerson(`${tag}.${nickname}`, nickname, 'Member');
    }
    viewers.id = (await sim.createGroup(viewers.name, 'Reads the reports')).id;
    for (const person of [people.ada, people.grace, people.alan]) {
      await sim.addGroupMember(viewers.id, { id: person.id });
    }
    archive.id = (await sim.createGroup(archive.name, 'Old reports')).id;
    await sim.addGroupMember(archive.id, { id: people.alan.id });
  },
  // The browser tests share one product: the next spec finds the sync policy as it was.
  async () => {
    if (policyBefore) await page.request.put('/api/settings/sync', { data: policyBefore });
  },
);

test('two Azure AD groups are imported with their members', async () => {
  const imported = await page.request.post('/api/imported-groups', {
    data: { objectIds: [viewers.id, archive.id] },
  });
  expect(imported.status(), await imported.text()).toBe(200);
  const { results } = await imported.json();
  expect(results.map((result: { outcome: string }) => result.outcome)).toEqual(['imported', 'imported']);
});

test('the groups page leads to the group synchronization, which lists the imported groups', async () => {
  await page.goto('/groups');
  await page.getByRole('link', { name: 'Synchronize' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Synchronize groups' })).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search imported groups' }).fill(tag);
  const table = page.getByRole('table', { name: 'Imported Azure AD groups' });
  await expect(table.getByRole('row', { name: new RegExp(viewers.name) })).toContainText('3');
  await expect(table.getByRole('row', { name: new RegExp(archive.name) })).toBeVisible();
  await expect(page.getByRole('checkbox', { name: new RegExp(`^Select ${tag}`) })).toHaveCount(2);
  // The listing counts its matches, and sorts by name either way.
  await expect(page.getByText('1–2 of 2 groups')).toBeVisible();
  const firstGroup = () =>
    table
      .getByRole('checkbox', { name: /^Select / })
      .nth(1)
      .getAttribute('aria-label');
  await expect.poll(firstGroup).toBe(`Select ${archive.name}`);
  await page.getByRole('button', { name: /^Name.*sorted ascending/ }).click();
  await expect(page.getByRole('button', { name: /^Name.*sorted descending/ })).toBeVisible();
  await expect.poll(firstGroup).toBe(`Select ${viewers.name}`);
  await page.getByRole('button', { name: /^Name.*sorted descending/ }).click();
  await expect.poll(firstGroup).toBe(`Select ${archive.name}`);
  await expect(page.getByRole('button', { name: 'Synchronize', exact: true })).toBeDisabled();
  await expectAccessible(page, 'group synchronization');
});

test('removals beyond the threshold hold the run back until confirmed; the result itemises each group', async () => {
  // The policy holds back any removal, so this run stops before removing a member.
  const policy = await (await page.request.get('/api/settings/sync')).json();
  policyBefore = policy;
  const saved = await page.request.put('/api/settings/sync', {
    data: { ...policy, deletionThresholdPercent: 0, deletionThresholdMinCount: 0 },
  });
  expect(saved.status(), await saved.text()).toBe(200);

  await sim.changeGroup(viewers.id, { displayName: viewers.renamed });
  await sim.removeGroupMember(viewers.id, people.grace.id);
  await sim.addGroupMember(viewers.id, { id: people.edsger.id });
  const nested = await sim.createGroup(`${tag} Contractors`, 'Nested in the viewers');
  await sim.addGroupMember(nested.id, { id: people.linus.id });
  await sim.addGroupMember(viewers.id, { id: nested.id });
  await sim.deleteGroup(archive.id);

  await page.getByRole('checkbox', { name: 'Select all groups on this page' }).click();
  await expect(page.getByText('2 selected')).toBeVisible();
  await page.getByRole('button', { name: 'Synchronize', exact: true }).click();

  await expect(resultDialog().getByText('Synchronization held back its member removals')).toBeVisible({
    timeout: 60_000,
  });
  await expect(resultDialog()).toContainText('would remove 2 of the 4 memberships of the selected groups');
  await expect(resultDialog().getByTestId('group-items-deleted')).toContainText(archive.name);
  await expect(resultDialog().getByTestId('group-items-deleted')).toContainText('Not applied');
  await expectAccessible(page, 'blocked group run');
  await page.screenshot({ path: `${SCREENSHOTS}/group-sync-blocked.png`, fullPage: true });
  await resultDialog().getByRole('button', { name: 'Confirm removals' }).click();

  await expect(resultDialog().getByText('Synchronization complete')).toBeVisible({ timeout: 60_000 });
  await expect(resultDialog().getByTestId('sync-summary')).toContainText(
    'Of 2 groups: 1 modified, 1 deleted',
  );
  await expect(resultDialog().getByTestId('count-modified')).toContainText('1');
  await expect(resultDialog().getByTestId('count-deleted')).toContainText('1');
  await expect(resultDialog().getByTestId('group-count-membersAdded')).toContainText('2');
  await expect(resultDialog().getByTestId('group-count-usersCreated')).toContainText('2');

  // The deleted group opens first, with the members it had; then the renamed one with its member changes.
  await expect(resultDialog().getByTestId('group-items-deleted')).toContainText(
    people.alan.userPrincipalName,
  );
  await resultDialog().getByTestId('count-modified').click();
  const modified = resultDialog().getByTestId('group-items-modified');
  await expect(modified).toContainText(`Name: ${viewers.name} → ${viewers.renamed}`);
  await expect(modified).toContainText(`Members removed: ${people.grace.userPrincipalName}`);
  await expect(modified).toContainText(people.edsger.userPrincipalName);
  await expect(modified).toContainText(people.linus.userPrincipalName);
  await expect(modified).toContainText('Users created');
  await expectAccessible(page, 'group run result');
  await page.screenshot({ path: `${SCREENSHOTS}/group-sync-result.png`, fullPage: true });

  await resultDialog().getByRole('button', { name: 'Close', exact: true }).click();
  await expect(resultDialog()).toHaveCount(0);
  // The list follows the run: the deleted group is gone, the other is renamed.
  await expect(page.getByRole('row', { name: new RegExp(viewers.renamed) })).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(archive.name) })).toHaveCount(0);
});

test("the run's page in the history lists its groups with their member changes", async () => {
  await page.goto('/history');
  await page.getByRole('table', { name: 'Synchronization runs' }).getByRole('link').first().click();
  await expect(page.getByRole('heading', { name: 'Groups', exact: true })).toBeVisible();
  await expect(page.getByText('Of 2 groups: 1 modified, 1 deleted')).toBeVisible();
  await page.getByTestId('count-modified').click();
  await expect(page.getByTestId('group-items-modified')).toContainText(
    `Members removed: ${people.grace.userPrincipalName}`,
  );
  // The groups are searched by name: the one the run gave, or the one they had.
  const search = page.getByRole('textbox', { name: 'Search modified groups by name' });
  await search.fill('readers');
  await expect(page.getByTestId('group-items-modified')).toContainText(viewers.renamed);
  await search.fill(viewers.name.toUpperCase());
  await expect(page.getByTestId('group-items-modified')).toContainText(viewers.renamed);
  await search.fill(`${tag} archive`);
  await expect(page.getByTestId('group-items-modified')).not.toContainText(viewers.renamed);
  await expect(page.getByText('No modified groups in this run.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Download CSV' })).toHaveCount(0);
  await expectAccessible(page, 'group run in the history');
});

test("a duplicated group is re-run from its run's page once Azure AD frees its name", async () => {
  const finance = { name: `${tag} Finance`, freed: `${tag} Finance Team` };
  const upstream = await sim.createGroup(finance.name, 'Reads the ledgers');
  await sim.addGroupMember(upstream.id, { id: people.ada.id });
  const imported = await page.request.post('/api/imported-groups', { data: { objectIds: [upstream.id] } });
  expect(imported.status(), await imported.text()).toBe(200);
  // Azure AD gives it the name the reporting server's other group holds: it is duplicated, left as it is.
  await sim.changeGroup(upstream.id, { displayName: viewers.renamed });

  await page.goto('/groups/azure-ad-sync');
  await page.getByRole('searchbox', { name: 'Search imported groups' }).fill(tag);
  await page.getByRole('checkbox', { name: `Select ${finance.name}` }).click();
  await page.getByRole('button', { name: 'Synchronize', exact: true }).click();
  await expect(resultDialog().getByTestId('sync-summary')).toContainText('Of 1 group: 0 modified', {
    timeout: 60_000,
  });
  const duplicated = resultDialog().getByTestId('group-items-duplicated');
  await expect(duplicated).toContainText(finance.name);
  await expect(duplicated).toContainText(viewers.renamed);
  await resultDialog().getByRole('button', { name: 'Close', exact: true }).click();

  // The history names the kind and the member changes of each run of groups.
  await page.goto('/history');
  const runs = page.getByRole('table', { name: 'Synchronization runs' });
  await expect(runs.getByRole('row').nth(1)).toContainText('Groups 1 group picked');
  await expect(runs.getByRole('row').nth(2)).toContainText(
    '2 members added, 2 members removed, 2 users created',
  );
  await expectAccessible(page, 'history with runs of groups');

  await sim.changeGroup(upstream.id, { displayName: finance.freed });
  await runs.getByRole('row').nth(1).getByRole('link').click();
  await page.getByRole('button', { name: 'Re-run failed and duplicated groups' }).click();
  await expect(page).toHaveURL(/\/groups\/azure-ad-sync$/);
  await expect(resultDialog().getByTestId('sync-summary')).toContainText('Of 1 group: 1 modified', {
    timeout: 60_000,
  });
  await expect(resultDialog().getByTestId('group-items-modified')).toContainText(
    `Name: ${finance.name} → ${finance.freed}`,
  );
  await resultDialog().getByRole('link', { name: 'Open in history' }).click();
  await expect(page.getByText('Re-runs groups of an earlier run.')).toBeVisible();
});

test('at 390 px the group synchronization is a list of cards with its toolbar in reach', async () => {
  await page.setViewportSize({ width: 390, height: 860 });
  await page.goto('/groups/azure-ad-sync');
  await page.getByRole('searchbox', { name: 'Search imported groups' }).fill(tag);
  const cards = page.getByRole('list', { name: 'Imported Azure AD groups' }).getByRole('listitem');
  await expect(cards.first()).toContainText(tag);
  await expect(cards.first()).toBeInViewport({ ratio: 1 });
  await expect(page.getByRole('button', { name: 'Synchronize', exact: true })).toBeInViewport();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expectAccessible(page, 'group synchronization at 390 px');
  await page.screenshot({ path: `${SCREENSHOTS}/group-sync-390.png`, fullPage: true });
});

test("a whole-directory run's page shows its users' items and the groups it covered, at 1280 and 390 px", async () => {
  await page.setViewportSize({ width: 1280, height: 860 });
  // Alan leaves the renamed viewers in Azure AD; a dry run of the whole directory reports it, changing nothing.
  await sim.removeGroupMember(viewers.id, people.alan.id);
  const started = await page.request.post('/api/sync', {
    headers: { prefer: 'wait=90' },
    data: { selection: { wholeDirectory: {} }, dryRun: true, confirmDeletions: false },
  });
  expect([200, 202], await started.text()).toContain(started.status());
  let run = await started.json();
  // A run longer than the wait answers 202: it is followed until it ends.
  await expect
    .poll(
      async () => {
        run = await (await page.request.get(`/api/sync/runs/${run.id}`)).json();
        return run.status;
      },
      { timeout: 120_000 },
    )
    .not.toMatch(/^(queued|running)$/);
  expect(run.groupCounts.groups.modified).toBeGreaterThanOrEqual(1);

  await page.goto(`/history/${run.id}`);
  await expect(page.getByRole('heading', { name: 'Users', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Groups', exact: true })).toBeVisible();
  await expect(page.getByText(/Of its imported groups: \d+ modified/)).toBeVisible();
  await expect(page.getByRole('list', { name: 'Outcomes of users' })).toBeVisible();
  await page.getByRole('list', { name: 'Outcomes of groups' }).getByTestId('group-count-modified').click();
  const modified = page.getByTestId('group-items-modified');
  await expect(modified).toContainText(viewers.renamed);
  await expect(modified).toContainText(`Members removed: ${people.alan.userPrincipalName}`);
  await expect(modified).toContainText('Not applied');
  await expect(page.getByTestId('group-count-membersRemoved')).toContainText(/[1-9]/);
  // The users' outcomes open the users' items, beside the groups'.
  await page.getByTestId('count-unchanged').click();
  await expect(page.getByLabel('Search unchanged users by username or email')).toBeVisible();
  await expectAccessible(page, 'whole-directory run with groups');
  await page.screenshot({ path: `${SCREENSHOTS}/directory-run-groups.png`, fullPage: true });

  await page.setViewportSize({ width: 390, height: 860 });
  await expect(modified).toContainText(viewers.renamed);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expectAccessible(page, 'whole-directory run with groups at 390 px');
  await page.screenshot({ path: `${SCREENSHOTS}/directory-run-groups-390.png`, fullPage: true });
});
