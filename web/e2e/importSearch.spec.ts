import { expect, type Page, test } from '@playwright/test';
import { expectAccessible } from './axe';
import { atEachWidth, signIn } from './session';
import { TenantSim } from './tenantSim';

// The import search reads up to 1,000 Azure AD users and pages through them; when more match, it says so
// and asks for a narrower search rather than pretending the list is whole.
const tag = `many${Date.now().toString(36)}`;
const PEOPLE = 1001;
let sim: TenantSim;
let page: Page;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  sim = await TenantSim.connect();
  page = await (await browser.newContext()).newPage();
  await signIn(page);
  // 1,001 people whose names start with the tag: one more than a search lists.
  for (let start = 0; start < PEOPLE; start += 50) {
    const batch = Array.from({ length: Math.min(50, PEOPLE - start) }, (_, offset) => start + offset);
    await Promise.all(
      batch.map((index) => sim.createPerson(`${tag}.p${String(index).padStart(4, '0')}`, tag, `P${index}`)),
    );
  }
});

test.afterAll(async () => {
  await page?.context().close();
  await sim?.dispose();
});

async function searchFor(term: string) {
  await page.goto('/users/import');
  await page.getByRole('searchbox', { name: 'Search Azure AD users' }).fill(term);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
}

atEachWidth(
  () => page,
  () => {
    test('more than 1,000 matches: the first 1,000 are paged through, and the search is to be refined', async () => {
      await searchFor(tag);
      const hint = page.getByTestId('more-matches');
      await expect(hint).toHaveText(
        /More than 1,000 Azure AD users match this search, and only the first 1,000 are listed: refine the search to find the others\./,
      );
      const pager = page.getByRole('navigation', { name: 'Azure AD users pages' });
      await expect(pager).toContainText('1–50 of the first 1,000');
      await expect(page.getByRole('button', { name: 'Select all 1,000 available' })).toBeVisible();
      await expectAccessible(page, 'import search with more matches');

      await pager.getByRole('button', { name: 'Next page' }).click();
      await expect(pager).toContainText('51–100 of the first 1,000');
      await expect(page.getByRole('main').getByText(`${tag}.p0050@`).first()).toBeVisible();
    });

    test('a refined search lists every match, with no hint', async () => {
      await searchFor(`${tag}.p099`);
      // p0990 to p0999: ten people, one page.
      await expect(page.getByRole('main').getByText(`${tag}.p0999@`).first()).toBeVisible();
      await expect(page.getByTestId('more-matches')).toHaveCount(0);
      await expect(page.getByRole('navigation', { name: 'Azure AD users pages' })).toHaveCount(0);
    });
  },
);
