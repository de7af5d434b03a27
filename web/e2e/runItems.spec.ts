import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { expectAccessible } from './axe';
import { atEachWidth, signedInSession } from './session';
import type { DirectoryPerson, TenantSim } from './tenantSim';

// What an administrator does with a run once it has ended: its users filtered by outcome and searched, the
// list downloaded as CSV, the history narrowed down to it, and its failed and duplicated users run again.
const tag = `items${Date.now().toString(36)}`;
let sim: TenantSim;
let page: Page;
let runId: string;
const people: Record<'ada' | 'alan' | 'edsger' | 'katherine', DirectoryPerson> = {} as never;

interface RunBody {
  id: string;
  status: string;
  counts: Record<string, number>;
  selection: { count: number; fromRun?: { runId: string } | null };
}

/** Starts a run of this test's people as the signed-in administrator, and waits for its end. */
async function synchronizeTaggedPeople(): Promise<RunBody> {
  const started = await page.request.post('/api/sync', {
    data: { selection: { allMatching: { search: tag } } },
  });
  expect(started.status(), await started.text()).toBe(202);
  return runEnded((await started.json()).id);
}

async function runEnded(id: string): Promise<RunBody> {
  let run: RunBody | undefined;
  await expect
    .poll(
      async () => {
        run = await (await page.request.get(`/api/sync/runs/${id}`)).json();
        return run?.status;
      },
      { timeout: 120_000 },
    )
    .not.toMatch(/^(queued|running)$/);
  return run as RunBody;
}

signedInSession({ acceptDownloads: true }, async (session) => {
  ({ sim, page } = session);
  people.ada = await sim.createPerson(`${tag}.ada`, 'Ada', 'Lovelace');
  people.alan = await sim.createPerson(`${tag}.alan`, 'Alan', 'Turing');
  people.edsger = await sim.createPerson(`${tag}.edsger`, 'Edsger', 'Dijkstra');
  people.katherine = await sim.createPerson(`${tag}.katherine`, 'Katherine', 'Johnson');
  const imported = await page.request.post('/api/imported-users', {
    data: { objectIds: Object.values(people).map((person) => person.id) },
  });
  expect(imported.status(), await imported.text()).toBe(200);
  // A local user whose email Alan takes in Azure AD: his sync is a duplicate.
  const localEmail = `${tag}.local@example.com`;
  const local = await page.request.post('/api/users', {
    data: { username: `${tag}.local`, email: localEmail },
  });
  expect(local.status(), await local.text()).toBe(201);

  await sim.changePerson(people.ada.id, { surname: 'Byron', displayName: 'Ada Byron' });
  await sim.changePerson(people.alan.id, { mail: localEmail });
  await sim.changePerson(people.edsger.id, { accountEnabled: false });
  const run = await synchronizeTaggedPeople();
  expect(run.counts).toMatchObject({ modified: 2, duplicated: 1, unchanged: 1, deleted: 0, failed: 0 });
  runId = run.id;
});

atEachWidth(
  () => page,
  (width) => {
    test("a run's users are filtered by outcome, searched, and downloaded as CSV", async () => {
      await page.goto(`/history/${runId}`);
      await expect(page.getByRole('heading', { name: 'Sync run' })).toBeVisible();
      // The duplicated users open first: they need a decision.
      await expect(page.getByTestId('items-duplicated')).toContainText(people.alan.userPrincipalName);

      await page.getByTestId('count-modified').click();
      const modified = page.getByTestId('items-modified');
      await expect(modified).toContainText(people.ada.userPrincipalName);
      await expect(modified).toContainText(people.edsger.userPrincipalName);
      // A user disabled in Azure AD is deactivated here, and the run says so.
      await expect(modified).toContainText('Deactivated (disabled in Azure AD)');

      await page.getByRole('textbox', { name: 'Search modified users by username or email' }).fill('edsger');
      await expect(modified).not.toContainText(people.ada.userPrincipalName);
      await expect(modified).toContainText(people.edsger.userPrincipalName);
      await expectAccessible(page, `run items searched @${width}`);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download CSV' }).click(),
      ]);
      const csv = readFileSync((await download.path()) as string, 'utf8')
        .trimEnd()
        .split('\r\n');
      // The header, then the one user the page shows: the file is what the list is.
      expect(csv).toHaveLength(2);
      expect(csv[0]).toBe(
        '"username","email","objectId","outcome","action","changes","duplicateOf","failureCode","failureMessage","applied"',
      );
      expect(csv[1]).toContain(`"${people.edsger.userPrincipalName}"`);
      expect(csv[1]).toContain('"modified"');
      expect(csv[1]).toContain('isActive: true → false');
    });

    test('the history is narrowed down by trigger and by who asked', async () => {
      await page.goto('/history');
      const thisRun = page.locator(`a[href$="/history/${runId}"]`);
      await expect(thisRun).toHaveCount(1);

      const requestedBy = page.getByRole('textbox', { name: 'Requested by' });
      await requestedBy.fill('nobody-asked-this');
      await expect(thisRun).toHaveCount(0);
      // An empty list says it is the filters, not that nothing ever ran.
      await expect(page.getByText('No run matches these filters.')).toBeVisible();
      await expect(page.getByText('No synchronization has run yet.')).toHaveCount(0);
      await requestedBy.fill('admin');
      await expect(thisRun).toHaveCount(1);

      // The choice box takes focus on its named text box: the trigger is typed and chosen from the keyboard.
      await page.locator('.history-filters__select').nth(1).click();
      await expect(page.getByLabel('Trigger', { exact: true })).toBeFocused();
      await page.keyboard.type('Sched');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Escape');
      await expect(thisRun).toHaveCount(0);
      await expectAccessible(page, `history filtered @${width}`);
    });

    test("a run's failed and duplicated users are run again in one click", async () => {
      // Alan's address is his own again in Azure AD: run again, he is no longer a duplicate.
      await sim.changePerson(people.alan.id, { mail: `${tag}.alan.${width}@example.com` });
      await page.goto(`/history/${runId}`);
      await page.getByRole('button', { name: 'Re-run failed and duplicated users' }).click();
      await expect(page).toHaveURL(/\/users\/azure-ad-sync$/);
      const dialog = page.getByRole('dialog');
      await expect(dialog.getByText('Synchronization complete')).toBeVisible({ timeout: 120_000 });
      await expect(dialog.getByTestId('sync-summary')).toHaveText(
        'Of 1 user: 1 modified, 0 deleted and 0 duplicated.',
      );
      await expectAccessible(page, `re-run result @${width}`);
      await dialog.getByRole('button', { name: 'Close', exact: true }).click();

      const runs = await (await page.request.get('/api/sync/runs?limit=1')).json();
      expect(runs.items[0].selection.fromRun.runId).toBe(runId);
      expect(runs.items[0].selection.count).toBe(1);
    });
  },
);
