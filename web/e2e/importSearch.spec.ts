import { expect, type Page, test } from '@playwright/test';
import { expectAccessible } from './axe';
import { atEachWidth, signedInSession } from './session';
import type { TenantSim } from './tenantSim';

// The import searches read up to 1,000 Azure AD users, or groups, and page through them; when more match,
// they say so and ask for a narrower search rather than pretending the list is whole.
const tag = `many${Date.now().toString(36)}`;
const MATCHING = 1001;
const nameOf = (index: number) => `${tag}.p${String(index).padStart(4, '0')}`;
let sim: TenantSim;
let page: Page;

/** What each kind's import search shows, and how the simulator makes one more of it. */
const KINDS = [
  {
    kind: 'users',
    path: '/users/import',
    create: (index: number) => sim.createPerson(nameOf(index), tag, `P${index}`),
    // A user's row shows the username.
    rowText: (index: number) => `${nameOf(index)}@`,
  },
  {
    kind: 'groups',
    path: '/groups/import',
    create: (index: number) => sim.createGroup(nameOf(index), 'One of many regions'),
    rowText: nameOf,
  },
] as const;

signedInSession({}, async (session) => {
  ({ sim, page } = session);
  test.setTimeout(600_000);
  // 1,001 people and 1,001 groups whose names start with the tag: one more than a search lists.
  for (const { create } of KINDS) {
    for (let start = 0; start < MATCHING; start += 50) {
      const batch = Array.from({ length: Math.min(50, MATCHING - start) }, (_, offset) => start + offset);
      await Promise.all(batch.map(create));
    }
  }
});

atEachWidth(
  () => page,
  () => {
    for (const { kind, path, rowText } of KINDS) {
      async function searchFor(term: string) {
        await page.goto(path);
        await page.getByRole('searchbox', { name: `Search Azure AD ${kind}` }).fill(term);
        await page.getByRole('button', { name: 'Search', exact: true }).click();
      }

      test(`${kind}: more than 1,000 matches, the first 1,000 are paged through, and the search is to be refined`, async () => {
        await searchFor(tag);
        const hint = page.getByTestId('more-matches');
        await expect(hint).toHaveText(
          new RegExp(
            `More than 1,000 Azure AD ${kind} match this search, and only the first 1,000 are listed: refine the search to find the others\\.`,
          ),
        );
        const pager = page.getByRole('navigation', { name: `Azure AD ${kind} pages` });
        await expect(pager).toContainText('1–50 of the first 1,000');
        if (kind === 'users') {
          await expect(page.getByRole('button', { name: 'Select all 1,000 available' })).toBeVisible();
        }
        await expectAccessible(page, `${kind} import search with more matches`);

        await pager.getByRole('button', { name: 'Next page' }).click();
        await expect(pager).toContainText('51–100 of the first 1,000');
        await expect(page.getByRole('main').getByText(rowText(50)).first()).toBeVisible();
      });

      test(`${kind}: a refined search lists every match, with no hint`, async () => {
        await searchFor(`${tag}.p099`);
        // p0990 to p0999: ten of them, one page.
        await expect(page.getByRole('main').getByText(rowText(999)).first()).toBeVisible();
        await expect(page.getByTestId('more-matches')).toHaveCount(0);
        await expect(page.getByRole('navigation', { name: `Azure AD ${kind} pages` })).toHaveCount(0);
      });
    }
  },
);
