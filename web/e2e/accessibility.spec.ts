import { expect, type Page, test } from '@playwright/test';
import { expectAccessible } from './axe';
import { atEachWidth, importPeople, signedInSession, signIn } from './session';
import type { TenantSim } from './tenantSim';

// Every page and dialog, at a laptop's width and a phone's, checked by axe-core with real data shown.
// Not serial: one page failing its check must not hide the figures of the pages after it.

const tag = `a11y${Date.now().toString(36)}`;
let sim: TenantSim;
let page: Page;

signedInSession({ viewport: { width: 1280, height: 860 } }, async (session) => {
  ({ sim, page } = session);
  await importPeople(page, sim, tag, ['ada', 'grace', 'alan']);
});

atEachWidth(
  () => page,
  (width) => {
    test('sign-in', async () => {
      await page.context().clearCookies();
      await page.goto('/sign-in');
      await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
      await expectAccessible(page, 'sign-in');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('alert')).toBeVisible();
      await expectAccessible(page, 'sign-in with an error');
      await signIn(page);
    });

    test('users and the local user dialog', async () => {
      await page.goto('/users');
      await page.getByRole('searchbox', { name: 'Search users' }).fill(tag);
      await expect(page.getByText(`${tag}.ada`).first()).toBeVisible();
      await expectAccessible(page, 'users');
      await page.getByRole('button', { name: 'New local user' }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
      await expectAccessible(page, 'new local user dialog');
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toHaveCount(0);
    });

    test('synchronization page and its result dialog', async () => {
      await page.goto('/users/azure-ad-sync');
      await page.getByRole('searchbox', { name: 'Search imported users' }).fill(tag);
      await expect(page.getByText(`${tag}.ada`).first()).toBeVisible();
      await expectAccessible(page, 'azure-ad-sync');
      await page.getByRole('checkbox', { name: 'Select all users on this page' }).click();
      await page.getByRole('button', { name: 'Synchronize', exact: true }).click();
      await expect(page.getByRole('dialog')).toBeVisible({ timeout: 60_000 });
      await expect(page.getByRole('dialog').getByText('Synchronization complete')).toBeVisible();
      await expectAccessible(page, 'sync result dialog');
      await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();
      await expect(page.getByRole('dialog')).toHaveCount(0);
    });

    test('import search', async () => {
      await page.goto('/users/import');
      await expectAccessible(page, 'import');
      await page.getByRole('searchbox', { name: 'Search Azure AD users' }).fill(tag);
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await expect(page.getByText(`${tag}.ada`).first()).toBeVisible();
      await expectAccessible(page, 'import search results');
    });

    test('history and a run', async () => {
      await page.goto('/history');
      await expect(page.getByRole('link', { name: /\d/ }).first()).toBeVisible();
      await expectAccessible(page, 'history');
      await page.getByRole('main').getByRole('link', { name: /\d/ }).first().click();
      await expect(page.getByRole('heading', { name: 'Sync run' })).toBeVisible();
      await expect(page.getByTestId('count-unchanged')).toBeVisible();
      await expectAccessible(page, 'run detail');
    });

    test('settings', async () => {
      await page.goto('/settings');
      await expect(page.getByRole('button', { name: 'Save policy' })).toBeVisible();
      await expectAccessible(page, 'settings');
    });

    test('API keys and the new key dialog', async () => {
      await page.goto('/api-keys');
      await expect(page.getByRole('button', { name: 'New API key' })).toBeVisible();
      await page.getByRole('button', { name: 'New API key' }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
      await expectAccessible(page, 'new API key dialog');
      await page.getByLabel('Name').fill(`key ${tag} ${width}`);
      await page.getByRole('button', { name: 'Create key' }).click();
      await expect(page.getByRole('textbox', { name: 'New API key' })).not.toHaveValue('');
      await expectAccessible(page, 'new API key shown');
      await page.getByRole('button', { name: 'Done' }).click();
      await expect(page.getByText(`key ${tag} ${width}`, { exact: true })).toBeVisible();
      await expectAccessible(page, 'api-keys');
      await page.getByRole('button', { name: `Revoke key ${tag} ${width}` }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
      await expectAccessible(page, 'revoke confirmation');
      await page.getByRole('button', { name: 'Revoke', exact: true }).click();
      await expect(page.getByRole('dialog')).toHaveCount(0);
    });

    test('page not found', async () => {
      await page.goto('/no-such-page');
      await expect(page.getByRole('heading', { name: 'Page not found' }).first()).toBeVisible();
      await expectAccessible(page, 'not found');
    });
  },
);
