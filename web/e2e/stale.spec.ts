import { expect, type Page, test } from '@playwright/test';
import { importPeople, signIn } from './session';
import { TenantSim } from './tenantSim';

// When the service stops answering, a list never passes its last rows off as the answer to a new request.
const tag = `stale${Date.now().toString(36)}`;
let sim: TenantSim;
let page: Page;

test.beforeAll(async ({ browser }) => {
  sim = await TenantSim.connect();
  page = await browser.newPage();
  await signIn(page);
  await importPeople(page, sim, tag, ['ada', 'grace']);
});

test.afterAll(async () => {
  await sim?.dispose();
});

/** The service, as the browser sees it, answers 503 to every list request until `restore` is called. */
async function serviceDown() {
  const down = (route: Parameters<Parameters<Page['route']>[1]>[0]) =>
    route.fulfill({ status: 503, contentType: 'text/plain', body: 'Service Unavailable' });
  const listing = (url: URL) => url.pathname === '/api/imported-users';
  await page.route(listing, down);
  return () => page.unroute(listing, down);
}

for (const width of [1280, 390]) {
  test(`at ${width} px the sync list marks its rows as not up to date when a search fails`, async () => {
    await page.setViewportSize({ width, height: 860 });
    await page.goto('/users/azure-ad-sync');
    const search = page.getByRole('searchbox', { name: 'Search imported users' });
    await search.fill(tag);
    const ada = page.getByRole('checkbox', { name: `Select ${tag}.ada@${sim.domain}` });
    await expect(ada).toBeVisible();
    const notice = page.getByRole('alert').filter({ hasText: 'Not up to date' });
    await expect(notice).toHaveCount(0);

    const restore = await serviceDown();
    await search.fill(`${tag}.grace`);
    await expect(notice).toBeVisible();
    await expect(notice).toContainText('The service is not answering properly');
    await expect(notice).toContainText('may no longer be current');
    // The earlier rows stay, described by the notice as out of date.
    await expect(ada).toBeVisible();
    const list = page.getByRole(width > 640 ? 'table' : 'list', { name: 'Imported Azure AD users' });
    const describedBy = await list.getAttribute('aria-describedby');
    expect(describedBy).toBeTruthy();
    expect(await notice.getAttribute('id')).toBe(describedBy);
    await page.screenshot({ path: `e2e/screenshots/sync-stale-${width}.png`, fullPage: true });

    await restore();
    await notice.getByRole('button', { name: 'Try again' }).click();
    await expect(notice).toHaveCount(0);
    await expect(ada).toHaveCount(0);
    await expect(page.getByRole('checkbox', { name: `Select ${tag}.grace@${sim.domain}` })).toBeVisible();
  });
}
