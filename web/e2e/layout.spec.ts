import { expect, type Page, test } from '@playwright/test';
import { expectAccessible } from './axe';
import { importPeople, signedInSession } from './session';
import type { TenantSim } from './tenantSim';

// Every list at a laptop's width shows all its columns; on a phone each record is a card, the navigation
// keeps its labels, and the page titles are whole. Screenshots of both go into e2e/screenshots.
const SCREENSHOTS = 'e2e/screenshots';
const tag = `lay${Date.now().toString(36)}`;
let sim: TenantSim;
let page: Page;

const lists = [
  { path: '/users', name: 'Users', title: 'Users', shot: 'users', search: 'Search users' },
  {
    path: '/users/azure-ad-sync',
    name: 'Imported Azure AD users',
    title: 'Azure AD synchronization',
    shot: 'sync-page',
    search: 'Search imported users',
  },
  { path: '/history', name: 'Synchronization runs', title: 'Sync history', shot: 'history' },
  { path: '/api-keys', name: 'API keys', title: 'API keys', shot: 'api-keys' },
];

async function open(list: (typeof lists)[number]) {
  await page.goto(list.path);
  if (list.search) await page.getByRole('searchbox', { name: list.search }).fill(tag);
}

signedInSession({}, async (session) => {
  ({ sim, page } = session);
  await importPeople(page, sim, tag, ['ada', 'grace']);
  const started = await page.request.post('/api/sync', {
    data: { selection: { allMatching: { search: tag } } },
    headers: { Prefer: 'wait=30' },
  });
  // 200 when the run ended within the wait, 202 when it goes on: the history lists it either way.
  expect([200, 202], await started.text()).toContain(started.status());
  const key = await page.request.post('/api/api-keys', {
    data: { name: `${tag} reports`, scopes: ['users:read'] },
  });
  expect(key.status(), await key.text()).toBe(201);
});

test.describe('at 1280 px', () => {
  test.beforeAll(async () => {
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  for (const list of lists) {
    test(`${list.title}: every column is in view, none behind a horizontal scroll`, async () => {
      await open(list);
      const table = page.getByRole('table', { name: list.name });
      await expect(table.getByRole('row').nth(1)).toBeVisible();
      const headers = table.getByRole('columnheader');
      for (const header of await headers.all()) await expect(header).toBeInViewport({ ratio: 1 });
      // The table ends inside its card: no column is clipped at the right edge.
      const clipped = await table.evaluate((element) => {
        const card = element.closest('.list')?.getBoundingClientRect();
        return card ? element.getBoundingClientRect().right - card.right : 0;
      });
      expect(clipped).toBeLessThanOrEqual(1);
      const cells = table.getByRole('row').nth(1).getByRole('cell');
      for (const cell of await cells.all()) await expect(cell).toBeInViewport({ ratio: 1 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    });
  }
});

test.describe('at 390 px', () => {
  test.beforeAll(async () => {
    await page.setViewportSize({ width: 390, height: 860 });
  });

  for (const list of lists) {
    test(`${list.title}: each record is a readable card and the title is whole`, async () => {
      await open(list);
      const cards = page.getByRole('list', { name: list.name }).getByRole('listitem');
      await expect(cards.first()).toBeVisible();
      await expect(cards.first()).toBeInViewport({ ratio: 1 });
      // Every value of the card is in the window: nothing to scroll sideways for.
      for (const value of await cards.first().locator('dd').all())
        await expect(value).toBeInViewport({ ratio: 1 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const title = page.getByRole('heading', { level: 1, name: list.title });
      await expect(title).toBeInViewport({ ratio: 1 });
      expect(await title.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
      await page.screenshot({ path: `${SCREENSHOTS}/${list.shot}-390.png`, fullPage: true });
    });
  }

  test('the navigation is a menu whose entries keep their names', async () => {
    await page.goto('/users');
    const menuButton = page.getByRole('button', { name: 'Menu' });
    await expect(menuButton).toHaveAttribute('aria-expanded', 'false');
    await menuButton.click();
    await expect(menuButton).toHaveAttribute('aria-expanded', 'true');
    const navigation = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Users', 'Azure AD sync', 'Import users', 'Sync history', 'Settings', 'API keys']) {
      await expect(navigation.getByRole('link', { name, exact: true })).toBeVisible();
    }
    await page.screenshot({ path: `${SCREENSHOTS}/menu-390.png` });
    await expectAccessible(page, 'menu drawer');
    await navigation.getByRole('link', { name: 'Sync history', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Sync history' })).toBeVisible();
    await expect(navigation).toBeHidden();
  });
});
