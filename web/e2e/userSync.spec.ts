import { expect, type Page, test } from '@playwright/test';
import { expectAccessible } from './axe';
import { atEachWidth, signedInSession } from './session';
import type { DirectoryPerson, TenantSim } from './tenantSim';

// One imported user synchronized from the Users page: the run is started for that user alone, its
// progress and result are shown there, and a run already going is said plainly instead of failing.
const tag = `one${Date.now().toString(36)}`;
let sim: TenantSim;
let page: Page;
let ada: DirectoryPerson;
let grace: DirectoryPerson;

const resultDialog = () => page.getByRole('dialog');

signedInSession(
  {},
  async (session) => {
    ({ sim, page } = session);
    ada = await sim.createPerson(`${tag}.ada`, 'Ada', 'Lovelace');
    grace = await sim.createPerson(`${tag}.grace`, 'Grace', 'Hopper');
    const imported = await page.request.post('/api/imported-users', {
      data: { objectIds: [ada.id, grace.id] },
    });
    expect(imported.status(), await imported.text()).toBe(200);
  },
  async () => {
    await sim?.setLatency(0);
  },
);

atEachWidth(
  () => page,
  (width) => {
    test('an administrator synchronizes one user from its row and sees the result', async () => {
      const givenName = `Augusta${width}`;
      await sim.changePerson(ada.id, { givenName, displayName: `${givenName} Lovelace` });
      await page.goto('/users');
      await page.getByRole('searchbox', { name: 'Search users' }).fill(tag);
      await page.getByRole('button', { name: `Synchronize ${ada.userPrincipalName}` }).click();

      await expect(resultDialog().getByText('Synchronization complete')).toBeVisible({ timeout: 60_000 });
      await expect(resultDialog().getByTestId('sync-summary')).toHaveText(
        'Of 1 user: 1 modified, 0 deleted and 0 duplicated.',
      );
      await expectAccessible(page, 'users with a sync result');
      await page.screenshot({ path: `e2e/screenshots/user-sync-result-${width}.png`, fullPage: true });
      await resultDialog().getByRole('button', { name: 'Close', exact: true }).click();
      await expect(resultDialog()).toHaveCount(0);
      // The list shows the user as the run left it.
      await expect(page.getByRole('main').getByText(`${givenName} Lovelace`)).toBeVisible();
      const runs = await (await page.request.get('/api/sync/runs?limit=1')).json();
      expect(runs.items[0].selection.count).toBe(1);
    });

    test('a run already going is said plainly, and followed to its end', async () => {
      await page.goto('/users');
      await page.getByRole('searchbox', { name: 'Search users' }).fill(tag);
      const synchronizeGrace = page.getByRole('button', { name: `Synchronize ${grace.userPrincipalName}` });
      await expect(synchronizeGrace).toBeEnabled();

      // Someone else starts a run while this page is open; Azure AD answers slowly, so it is still going.
      await sim.setLatency(5_000);
      const started = await page.request.post('/api/sync', {
        data: { selection: { allMatching: { search: tag } }, dryRun: true },
      });
      expect(started.status(), await started.text()).toBe(202);

      await synchronizeGrace.click();
      await expect(page.getByText('A synchronization is already running')).toBeVisible();
      await expect(
        page.getByText(/Its progress is shown here; synchronize .*grace.* once it ends\./),
      ).toBeVisible();
      const progress = page.getByRole('region', { name: 'Synchronization in progress' });
      await expect(progress).toBeVisible();
      await expect(synchronizeGrace).toBeDisabled();
      await expectAccessible(page, 'users with a run in progress');

      await sim.setLatency(0);
      await expect(resultDialog().getByText('Dry run complete')).toBeVisible({ timeout: 120_000 });
      await resultDialog().getByRole('button', { name: 'Close', exact: true }).click();
      await expect(progress).toHaveCount(0);
      await expect(synchronizeGrace).toBeEnabled();
    });
  },
);
