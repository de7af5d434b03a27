import { expect, type Page, test } from '@playwright/test';
import { e2e } from './environment';
import { type DirectoryPerson, TenantSim } from './tenantSim';

// One administrator's afternoon, in order: each step builds on the one before.
test.describe.configure({ mode: 'serial' });

const SCREENSHOTS = 'e2e/screenshots';
// People made for this run, found by one search because their addresses share this prefix.
const tag = `e2e${Date.now().toString(36)}`;

let sim: TenantSim;
let page: Page;
const people: Record<'ada' | 'grace' | 'alan' | 'edsger' | 'barbara', DirectoryPerson> = {} as never;
const localUser = { username: `${tag}.local`, email: '' };

async function shoot(name: string) {
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/** Selects the `count` imported people of this test on the sync page, once the search has answered. */
async function synchronizeAll(count: number) {
  await page.getByRole('link', { name: 'Azure AD sync' }).click();
  await page.getByRole('searchbox', { name: 'Search imported users' }).fill(tag);
  await expect(page.getByRole('checkbox', { name: `Select ${people.alan.userPrincipalName}` })).toBeVisible();
  // Only this test's people: the rows shown before the search answered are gone.
  await expect(page.getByRole('checkbox', { name: /^Select .+@/ })).toHaveCount(count);
  await page.getByRole('checkbox', { name: 'Select all users on this page' }).click();
  await page.getByRole('button', { name: 'Synchronize', exact: true }).click();
}

function resultDialog() {
  return page.getByRole('dialog');
}

test.beforeAll(async ({ browser }) => {
  sim = await TenantSim.connect();
  people.ada = await sim.createPerson(`${tag}.ada`, 'Ada', 'Lovelace');
  people.grace = await sim.createPerson(`${tag}.grace`, 'Grace', 'Hopper');
  people.alan = await sim.createPerson(`${tag}.alan`, 'Alan', 'Turing');
  people.edsger = await sim.createPerson(`${tag}.edsger`, 'Edsger', 'Dijkstra');
  people.barbara = await sim.createPerson(`${tag}.barbara`, 'Barbara', 'Liskov');
  // The local user whose email Barbara already has: her import must be refused as a duplicate.
  localUser.email = people.barbara.mail!;
  page = await browser.newPage();
});

test.afterAll(async () => {
  await sim?.dispose();
});

test('an administrator signs in', async () => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
  await shoot('sign-in');
  await page.getByLabel('Username').fill(e2e.adminUsername);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();

  await page.getByLabel('Password').fill(e2e.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
});

test('creates a local user whose email a directory user already has', async () => {
  await page.getByRole('button', { name: 'New local user' }).click();
  await page.getByLabel('Username').fill(localUser.username);
  await page.getByLabel('Email').fill(localUser.email);
  await page.getByLabel('First name').fill('Barbara');
  await page.getByLabel('Last name').fill('Local');
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.getByRole('searchbox', { name: 'Search users' }).fill(tag);
  await expect(page.getByRole('cell', { name: localUser.username, exact: true })).toBeVisible();
  await shoot('users');
});

test('imports five directory users; the duplicate is refused and named', async () => {
  await page.getByRole('link', { name: 'Import users' }).click();
  await page.getByRole('searchbox', { name: 'Search Azure AD users' }).fill(tag);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const barbaraRow = page.getByRole('row', { name: new RegExp(people.barbara.userPrincipalName) });
  await expect(barbaraRow).toContainText('Duplicate');
  await expect(barbaraRow).toContainText(localUser.username);

  for (const person of Object.values(people)) {
    await page.getByRole('checkbox', { name: `Select ${person.userPrincipalName}` }).click();
  }
  await shoot('import-search');
  await page.getByRole('button', { name: /Import 5 selected/ }).click();
  await expect(page.getByTestId('import-summary')).toContainText('4 imported, 1 refused as duplicates');
  const refused = page
    .getByTestId('import-outcomes')
    .getByRole('row', { name: people.barbara.userPrincipalName });
  await expect(refused).toContainText('Duplicate');
  await expect(refused).toContainText(localUser.username);
  await shoot('import-result');
});

test('synchronizes after changes in Azure AD: 1 modified, 1 deleted, 1 duplicated', async () => {
  await sim.changePerson(people.ada.id, { givenName: 'Augusta', displayName: 'Augusta Lovelace' });
  await sim.deletePerson(people.grace.id);
  await sim.changePerson(people.alan.id, { mail: localUser.email });

  // Azure AD answers slowly, so the run is still going when the page is reloaded, however long the reload
  // takes on a busy machine (each Graph request waits this long; the client's timeout is 30 s).
  await sim.setLatency(20_000);
  await synchronizeAll(4);
  const progress = page.getByRole('region', { name: 'Synchronization in progress' });
  await expect(progress).toBeVisible();
  await shoot('sync-progress');
  await page.reload();
  await expect(progress).toBeVisible();
  await expect(progress.getByRole('progressbar')).toBeVisible();
  await sim.setLatency(0);

  await expect(resultDialog()).toBeVisible({ timeout: 120_000 });
  await expect(resultDialog().getByText('Synchronization complete')).toBeVisible();
  await expect(page.getByTestId('count-modified')).toContainText('1');
  await expect(page.getByTestId('count-deleted')).toContainText('1');
  await expect(page.getByTestId('count-duplicated')).toContainText('1');
  await expect(page.getByTestId('count-unchanged')).toContainText('1');

  // The duplicated users open first, each with the user it collides with.
  await expect(page.getByTestId('items-duplicated')).toContainText(people.alan.userPrincipalName);
  await expect(page.getByTestId('items-duplicated')).toContainText(localUser.username);
  await shoot('sync-result-duplicated');

  await page.getByTestId('count-modified').click();
  await expect(page.getByTestId('items-modified')).toContainText('Ada');
  await expect(page.getByTestId('items-modified')).toContainText('Augusta');
  await resultDialog().getByRole('button', { name: 'Close', exact: true }).click();
  await expect(resultDialog()).toHaveCount(0);
  await expect(page.getByRole('checkbox', { name: `Select ${people.grace.userPrincipalName}` })).toHaveCount(
    0,
  );
  await shoot('sync-page');
});

test('the run is in the history with its counts and items', async () => {
  await page.getByRole('link', { name: 'Sync history' }).click();
  const latest = page.getByRole('row').nth(1);
  await expect(latest).toContainText('Succeeded');
  await shoot('history');
  await latest.getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'Sync run' })).toBeVisible();
  await page.getByTestId('count-deleted').click();
  await expect(page.getByTestId('items-deleted')).toContainText(people.grace.userPrincipalName);
  await shoot('run-detail');
});

test('a run that would delete too much is blocked until confirmed', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Share of the selection (%)').fill('0');
  await page.getByLabel('Number of users').fill('0');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByText('Sync policy saved')).toBeVisible();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('connection-test')).toContainText('Connection works');
  await shoot('settings');

  await sim.deletePerson(people.ada.id);
  await sim.deletePerson(people.edsger.id);
  // Grace was deleted by the run before: ada, alan and edsger are left.
  await synchronizeAll(3);

  await expect(resultDialog().getByText('Synchronization held back its deletions')).toBeVisible({
    timeout: 60_000,
  });
  await expect(resultDialog()).toContainText('would delete 2 of the 3 selected users');
  const heldBack = page.getByTestId('items-deleted');
  await expect(heldBack).toContainText(people.ada.userPrincipalName);
  await expect(heldBack).toContainText(people.edsger.userPrincipalName);
  await expect(heldBack).toContainText('Not applied');
  await shoot('sync-blocked');
  await resultDialog().getByRole('button', { name: 'Confirm deletions' }).click();

  await expect(resultDialog().getByText('Synchronization complete')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('count-deleted')).toContainText('2');
  await expect(page.getByTestId('count-duplicated')).toContainText('1');
  await resultDialog().getByRole('button', { name: 'Close', exact: true }).click();
});

test('the schedule card shows when the next scheduled sync runs', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  const scheduleCard = page.locator('.n-card', { has: page.getByRole('heading', { name: 'Schedule' }) });
  await expect(page.getByTestId('next-run')).toHaveText('Not scheduled');
  await expect(page.getByTestId('last-run')).toHaveText('Never');
  await scheduleCard.getByRole('switch').click();
  await page.getByLabel('Minutes between runs').fill('120');
  await page.getByLabel(/Webhook URL/).fill('https://hooks.example.com/adsync');
  await page.getByRole('button', { name: 'Save schedule' }).click();
  await expect(page.getByText('Schedule saved')).toBeVisible();
  const expected = new Date(Date.now() + 120 * 60_000);
  await expect(page.getByTestId('next-run')).toContainText(String(expected.getFullYear()));
  await shoot('settings-schedule');

  await scheduleCard.getByRole('switch').click();
  await page.getByRole('button', { name: 'Save schedule' }).click();
  await expect(page.getByTestId('next-run')).toHaveText('Not scheduled');
});

test('API keys are shown once and can be revoked', async () => {
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('button', { name: 'New API key' }).click();
  await page.getByLabel('Name').fill('Report scheduler');
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByRole('textbox', { name: 'New API key' })).not.toHaveValue('');
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('cell', { name: 'Report scheduler', exact: true })).toBeVisible();
  await shoot('api-keys');
  await page.getByRole('button', { name: 'Revoke Report scheduler' }).click();
  await page.getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(page.getByText(/Revoked/).first()).toBeVisible();
});

test('the sync page stays usable in a narrow window', async () => {
  await page.setViewportSize({ width: 420, height: 860 });
  // The side menu folds into a drawer opened from the header.
  await page.getByRole('button', { name: 'Menu', exact: true }).click();
  await page.getByRole('link', { name: 'Azure AD sync' }).click();
  await expect(page.getByRole('button', { name: 'Synchronize', exact: true })).toBeInViewport();
  await expect(page.getByRole('searchbox', { name: 'Search imported users' })).toBeInViewport();
  await shoot('sync-narrow');
  await page.setViewportSize({ width: 1366, height: 860 });
});

test('a session that ends returns to sign-in, which says so and leads back', async () => {
  // Start from another page, so that opening the history is a navigation that calls the API.
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await page.context().clearCookies();
  await page.getByRole('link', { name: 'Sync history' }).click();
  await expect(page).toHaveURL(/\/sign-in\?redirect=/);
  await expect(page.getByText('Your session has expired, please sign in again')).toBeVisible();

  await page.getByLabel('Username').fill(e2e.adminUsername);
  await page.getByLabel('Password').fill(e2e.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sync history' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/sign-in\?redirect=(%2F|\/)settings$/);
});
