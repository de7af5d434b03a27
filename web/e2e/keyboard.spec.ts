import { expect, type Page, test } from '@playwright/test';
import { e2e } from './environment';
import { atEachWidth, importPeople, signIn } from './session';
import { TenantSim } from './tenantSim';

// The administrator's tasks with the keyboard alone, at a laptop's width and a phone's.
const tag = `kbd${Date.now().toString(36)}`;
let sim: TenantSim;
let page: Page;

/** Presses Tab until `target` has focus, as a keyboard user would; fails after `limit` presses. */
async function tabTo(target: ReturnType<Page['getByRole']>, limit = 60) {
  await expect(target).toBeVisible();
  for (let presses = 0; presses < limit; presses++) {
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

/**
 * Waits until a dialog's entrance has ended. Naive UI moves focus into the dialog (to its close button)
 * when it does; on a loaded machine that can come after the test has tabbed to a button, and Enter then
 * closes the dialog instead of pressing that button.
 */
async function entranceEnded(dialog: ReturnType<Page['getByRole']>) {
  await dialog.evaluate((element) =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => {
          const target = (animation.effect as KeyframeEffect | null)?.target;
          const finite = animation.effect?.getTiming().iterations !== Number.POSITIVE_INFINITY;
          return (
            finite && target instanceof Element && (target.contains(element) || element.contains(target))
          );
        })
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
  await dialog.page().evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
}

async function focusRingOf(target: ReturnType<Page['getByRole']>) {
  return target.evaluate((element) => {
    const style = getComputedStyle(element);
    return { style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth) };
  });
}

test.beforeAll(async ({ browser }) => {
  sim = await TenantSim.connect();
  page = await browser.newPage();
  await signIn(page);
  await importPeople(page, sim, tag, ['ada', 'grace', 'alan']);
});

test.afterAll(async () => {
  await sim?.dispose();
});

atEachWidth(
  () => page,
  (width) => {
    test('signs in with the keyboard alone', async () => {
      await page.context().clearCookies();
      await page.goto('/sign-in');
      await expect(page.getByLabel('Username')).toBeFocused(); // the username box has focus on arrival
      await page.keyboard.type(e2e.adminUsername);
      await page.keyboard.press('Tab');
      await page.keyboard.type(e2e.adminPassword);
      await page.keyboard.press('Enter');
      await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
    });

    test('a skip link leads past the navigation to the page', async () => {
      await page.goto('/users/azure-ad-sync');
      await expect(page.getByRole('heading', { level: 1, name: 'Azure AD synchronization' })).toBeVisible();
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: 'Skip to main content' });
      await expect(skip).toBeFocused();
      await expect(skip).toBeInViewport();
      await page.keyboard.press('Enter');
      await expect(page.locator('#main-content')).toBeFocused();
      // The next stop is the page's own first control, not the menu.
      await page.keyboard.press('Tab');
      await expect(page.getByRole('navigation', { name: 'Main' }).locator(':focus')).toHaveCount(0);
    });

    test('sorts the imported users by keyboard', async () => {
      await page.goto('/users/azure-ad-sync');
      await page.getByRole('searchbox', { name: 'Search imported users' }).fill(tag);
      await expect(page.getByText(`${tag}.ada`).first()).toBeVisible();
      const firstUser = () =>
        page
          .getByRole('checkbox', { name: new RegExp(`^Select ${tag}\\.`) })
          .first()
          .getAttribute('aria-label');
      await expect.poll(firstUser).toBe(`Select ${tag}.ada@${sim.domain}`);
      if (width > 640) {
        const header = page.getByRole('button', { name: /^Username.*sorted ascending/ });
        await tabTo(header);
        await page.keyboard.press('Enter');
        await expect(page.getByRole('button', { name: /^Username.*sorted descending/ })).toBeFocused();
        await expect.poll(firstUser).toBe(`Select ${tag}.grace@${sim.domain}`);
        await page.keyboard.press(' ');
        await expect.poll(firstUser).not.toBe(`Select ${tag}.grace@${sim.domain}`);
      } else {
        // On a phone the records are cards: a native select chooses the order.
        const sortBy = page.getByRole('combobox', { name: 'Sort by' });
        await tabTo(sortBy);
        await page.keyboard.press('ArrowDown');
        await expect(sortBy).toHaveValue('username:descend');
        await expect.poll(firstUser).toBe(`Select ${tag}.grace@${sim.domain}`);
      }
    });

    test('synchronizes by keyboard, hears the result, and gets focus back', async () => {
      await page.goto('/users/azure-ad-sync');
      await page.getByRole('searchbox', { name: 'Search imported users' }).fill(tag);
      const ada = page.getByRole('checkbox', { name: `Select ${tag}.ada@${sim.domain}` });
      await tabTo(ada);
      await page.keyboard.press(' ');
      await expect(ada).toBeChecked();
      const synchronize = page.getByRole('button', { name: 'Synchronize', exact: true });
      await tabTo(synchronize);
      // A ring, not only a change of colour, marks the focused button.
      expect(await focusRingOf(synchronize)).toEqual({ style: 'solid', width: 2 });
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Synchronization complete' });
      await expect(dialog).toBeVisible({ timeout: 60_000 });
      await expect(page.getByRole('status').filter({ hasText: 'Synchronization complete' })).toHaveText(
        /Synchronization complete\. Of 1 user: /,
      );
      await page.keyboard.press('Escape');
      await expect(dialog).toHaveCount(0);
      // The run cleared the selection, so Synchronize is disabled: focus goes to the search it started from.
      await expect(page.getByRole('searchbox', { name: 'Search imported users' })).toBeFocused();
    });

    test('imports a directory user with the keyboard alone', async () => {
      const betty = await sim.createPerson(`${tag}.betty${width}`, 'Betty', 'Holberton');
      await page.goto('/users/import');
      const search = page.getByRole('searchbox', { name: 'Search Azure AD users' });
      await tabTo(search);
      await page.keyboard.type(betty.userPrincipalName);
      await page.keyboard.press('Enter');
      const pick = page.getByRole('checkbox', { name: `Select ${betty.userPrincipalName}` });
      await tabTo(pick);
      await page.keyboard.press(' ');
      await expect(pick).toBeChecked();
      await tabTo(page.getByRole('button', { name: 'Import 1 selected' }));
      await page.keyboard.press('Enter');
      await expect(page.getByText('Import finished')).toBeVisible();
      await expect(page.getByText('1 imported, 0 refused as duplicates')).toBeVisible();
    });

    test('changes a setting with the keyboard alone, told what is wrong before it is saved', async () => {
      await page.goto('/settings');
      const retained = page.getByRole('textbox', { name: 'Finished runs kept in history' });
      await tabTo(retained, 120);
      const before = await retained.inputValue();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('0');
      await page.keyboard.press('Tab');
      // The refusal stands at the field, in words, and the field says it is invalid.
      await expect(retained).toHaveAttribute('aria-invalid', 'true');
      await retained.focus();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(String(Number(before) + 1));
      const save = page.getByRole('button', { name: 'Save policy' });
      await tabTo(save);
      await page.keyboard.press('Enter');
      await expect(page.getByText('Sync policy saved')).toBeVisible();
      const policy = await (await page.request.get('/api/settings/sync')).json();
      expect(policy.retainRuns).toBe(Number(before) + 1);
      // Put it back, the same way.
      await retained.focus();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(before);
      await tabTo(save);
      await page.keyboard.press('Enter');
      await expect
        .poll(async () => (await (await page.request.get('/api/settings/sync')).json()).retainRuns)
        .toBe(Number(before));
    });

    test('a dialog hands focus back to the button that opened it', async () => {
      await page.goto('/users');
      const opener = page.getByRole('button', { name: 'New local user' });
      await tabTo(opener);
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'New local user' });
      await expect(dialog).toBeVisible();
      await expect(dialog.locator(':focus')).toHaveCount(1);
      await page.keyboard.press('Escape');
      await expect(dialog).toHaveCount(0);
      await expect(opener).toBeFocused();

      await page.goto('/api-keys');
      const newKey = page.getByRole('button', { name: 'New API key' });
      await tabTo(newKey);
      await page.keyboard.press('Enter');
      await expect(page.getByRole('dialog', { name: 'New API key' })).toBeVisible();
      await page.keyboard.type(`${tag} ${width}`); // the name box has focus
      await page.keyboard.press('Enter');
      await expect(page.getByRole('dialog', { name: 'API key created' })).toBeVisible();
      await tabTo(page.getByRole('button', { name: 'Done' }));
      await page.keyboard.press('Enter');
      await expect(newKey).toBeFocused();
      // Naive UI's focus trap hands focus back to the opener again when the closed dialog unmounts, after its
      // leave transition; a dialog opened before then loses focus to its first button (Cancel). Wait for it.
      await expect(page.getByRole('dialog')).toHaveCount(0);

      // Revoking removes the button that asked: focus goes to the page, not to nowhere.
      const revoke = page.getByRole('button', { name: `Revoke ${tag} ${width}`, exact: true });
      await tabTo(revoke);
      await page.keyboard.press('Enter');
      const confirmation = page.getByRole('dialog', { name: `Revoke “${tag} ${width}”?` });
      await expect(confirmation).toBeVisible();
      await entranceEnded(confirmation);
      await expect(confirmation.locator(':focus')).toHaveCount(1);
      await tabTo(confirmation.getByRole('button', { name: 'Revoke', exact: true }));
      await page.keyboard.press('Enter');
      await expect(confirmation).toHaveCount(0);
      await expect(revoke).toHaveCount(0);
      await expect(page.locator('#main-content')).toBeFocused();
    });
  },
);
