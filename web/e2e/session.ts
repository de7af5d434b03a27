// What the screen-by-screen specs share: signing in, and a few imported people to fill the lists.
import { type BrowserContextOptions, expect, type Page, test } from '@playwright/test';
import { e2e } from './environment';
import { TenantSim } from './tenantSim';

export async function signIn(page: Page): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Username').fill(e2e.adminUsername);
  await page.getByLabel('Password').fill(e2e.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
}

/** The tenant simulator and the signed-in page that the tests of one spec share. */
export interface SignedInSession {
  sim: TenantSim;
  page: Page;
}

/**
 * Declares the hooks of a spec whose tests share one signed-in page: before them, connects to the tenant
 * simulator, opens a page in a browser context of the spec's own (axe-core needs one the test made itself),
 * signs in and hands both to `prepare`; after them, runs `tidyUp` (what the spec changed for the specs after
 * it), then closes the context and the simulator's connection.
 */
export function signedInSession(
  contextOptions: BrowserContextOptions,
  prepare: (session: SignedInSession) => Promise<void>,
  tidyUp?: () => Promise<void>,
): void {
  const session: Partial<SignedInSession> = {};
  test.beforeAll(async ({ browser }) => {
    const sim = await TenantSim.connect();
    session.sim = sim;
    const page = await (await browser.newContext(contextOptions)).newPage();
    session.page = page;
    await signIn(page);
    await prepare({ sim, page });
  });
  test.afterAll(async () => {
    await tidyUp?.();
    await session.page?.context().close();
    await session.sim?.dispose();
  });
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

/** The widths every screen is tried at: a laptop's and a phone's. */
export const WIDTHS = [1280, 390] as const;

/**
 * Declares `tests` once for each width, in a block named after it whose first step sets the spec's shared
 * page (`page()`, read when the block runs) to that width.
 */
export function atEachWidth(page: () => Page, tests: (width: number) => void): void {
  for (const width of WIDTHS) {
    test.describe(`at ${width} px`, () => {
      test.beforeAll(async () => {
        await page().setViewportSize({ width, height: 860 });
      });
      tests(width);
    });
  }
}
