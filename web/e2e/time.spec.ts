import { expect, type Page, test } from '@playwright/test';
import { expectAccessible } from './axe';
import { atEachWidth, importPeople, signedInSession } from './session';
import type { TenantSim } from './tenantSim';

// Timestamps in the browser's time zone, named, with the UTC time on hover and in a run's detail; counts in
// the right plural. The browser is put in New York so its zone differs from UTC.
const tag = `time${Date.now().toString(36)}`;
const TIME_ZONE = 'America/New_York';
let sim: TenantSim;
let page: Page;

/** The date and time of an instant in a zone, as Intl writes it: what the page shows before the zone's name. */
function dateAndTime(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleString('en-US', { timeZone, dateStyle: 'medium', timeStyle: 'short' });
}

/** New York's zone on that day: EST in winter, EDT in summer. */
function zoneName(iso: string): string {
  const named = new Date(iso).toLocaleString('en-US', { timeZone: TIME_ZONE, timeZoneName: 'short' });
  return named.endsWith('EDT') ? 'EDT' : 'EST';
}

signedInSession({ timezoneId: TIME_ZONE, locale: 'en-US' }, async (session) => {
  ({ sim, page } = session);
  await importPeople(page, sim, tag, ['ada']);
  const started = await page.request.post('/api/sync', {
    data: { selection: { allMatching: { search: tag } } },
    headers: { Prefer: 'wait=30' },
  });
  expect([200, 202], await started.text()).toContain(started.status());
});

atEachWidth(
  () => page,
  (width) => {
    test("a run's start shows the browser's time zone, and the UTC time on hover", async () => {
      await page.goto('/history');
      const run = page
        .getByRole(width === 390 ? 'listitem' : 'row')
        .filter({ hasText: tag })
        .first();
      const started = run.locator('time').first();
      await expect(started).toBeVisible();
      const iso = await started.getAttribute('datetime');
      expect(iso).toBeTruthy();
      await expect(started).toHaveText(`${dateAndTime(iso!, TIME_ZONE)} ${zoneName(iso!)}`);
      await expect(started).toHaveAttribute('title', `${dateAndTime(iso!, 'UTC')} UTC`);
      // One user: the singular, never "1 users".
      await expect(run).toContainText(`All matching “${tag}” (1 user)`);
      await expectAccessible(page, `history (time zone) ${width}`);
    });

    test("a run's detail gives its times in the browser's zone and in UTC", async () => {
      await page.goto('/history');
      await page
        .getByRole(width === 390 ? 'listitem' : 'row')
        .filter({ hasText: tag })
        .first()
        .getByRole('link')
        .first()
        .click();
      const created = page.locator('time').first();
      const iso = await created.getAttribute('datetime');
      await expect(created).toHaveText(`${dateAndTime(iso!, TIME_ZONE)} ${zoneName(iso!)}`);
      await expect(page.getByTestId('run-times-utc')).toContainText(`${dateAndTime(iso!, 'UTC')} UTC`);
      await expect(page.getByTestId('run-times-utc')).not.toContainText('1 users');
      await expect(page).toHaveTitle('Sync run · Azure AD sync · Bold Reports');
      await expectAccessible(page, `run detail (time zone) ${width}`);
    });
  },
);
