// What the screen-by-screen specs share: signing in, and a few imported people to fill the lists.
import { expect, type Page } from '@playwright/test';
import { e2e } from './environment';
import type { TenantSim } from './tenantSim';

export async function signIn(page: Page): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Username').fill(e2e.adminUsername);
  await page.getByLabel('Password').fill(e2e.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
}

/** Creates directory people named after `tag` and imports them through the API, as the signed-in admin. */
export async function importPeople(
  page: Page,
  sim: TenantSim,
  tag: string,
  nicknames: string[],
): Promise<void> {
  const people = [];
  for (const nickname of nicknames) {
    people.push(await sim.createPerson(`${tag}.${nickname}`, nickname, 'Tester'));
  }
  const imported = await page.request.post('/api/imported-users', {
    data: { objectIds: people.map((person) => person.id) },
  });
  expect(imported.status(), await imported.text()).toBe(200);
}
