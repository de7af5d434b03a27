import { expect, type Page, test } from '@playwright/test';
import { expectAccessible } from './axe';
import { atEachWidth, signIn } from './session';

// The settings say what is wrong with a value at its field, before anything is saved, and the schedule
// shows when a cron expression will run as it is typed. Nothing here is saved: a refused save changes
// nothing, and the schedule is only previewed.
let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext()).newPage();
  await signIn(page);
});

test.afterAll(async () => {
  await page?.context().close();
});

atEachWidth(
  () => page,
  (width) => {
    test('the connection says at each field what is wrong, in plain words, before saving', async () => {
      await page.goto('/settings');
      const tenant = page.getByRole('textbox', { name: 'Directory (tenant) ID' });
      await expect(tenant).not.toHaveValue('');
      await tenant.fill('contoso/tenant');
      await expect(tenant).toHaveAttribute('aria-invalid', 'true');
      await expect(tenant).toHaveAccessibleDescription(
        'A tenant ID is a GUID or a domain such as contoso.onmicrosoft.com: letters, digits, dots and hyphens only.',
      );
      await page.getByText('National cloud or test endpoints').click();
      const authority = page.getByRole('textbox', { name: 'Authority host' });
      await authority.fill('http://login.microsoftonline.com');
      await expect(page.getByText('The authority host is an https:// address')).toBeVisible();
      await expectAccessible(page, 'settings with field errors');
      await page.screenshot({ path: `e2e/screenshots/settings-field-errors-${width}.png`, fullPage: true });

      // A save is not even sent: the focus goes to the first field to correct.
      await page.getByRole('button', { name: 'Save connection' }).click();
      await expect(tenant).toBeFocused();
      await tenant.fill('contoso.onmicrosoft.com');
      await expect(tenant).not.toHaveAttribute('aria-invalid', 'true');
      await expect(page.getByText(/must match pattern/)).toHaveCount(0);
    });

    test("the service's refusal stands at the field it is about", async () => {
      await page.goto('/settings');
      await page.getByText('National cloud or test endpoints').click();
      await page.getByRole('textbox', { name: 'Authority host' }).fill('https://login.example.net');
      // Moving the authority needs the secret again: the service says so at the secret's field.
      await page.getByRole('button', { name: 'Save connection' }).click();
      const secret = page.getByLabel('Client secret');
      await expect(secret).toBeFocused();
      await expect(secret).toHaveAccessibleDescription(/Enter the client secret again/);
      await secret.fill('not-the-real-secret');
      await page.getByRole('button', { name: 'Save connection' }).click();
      const authority = page.getByRole('textbox', { name: 'Authority host' });
      await expect(authority).toHaveAttribute('aria-invalid', 'true');
      await expect(authority).toHaveAccessibleDescription(/one of Microsoft's sign-in hosts/);
      await expect(page.getByText('Not saved: correct the fields marked below.').last()).toBeVisible();
    });

    test('a cron expression shows its next runs in the chosen time zone as it is typed', async () => {
      await page.goto('/settings');
      await page.getByRole('radio', { name: 'Cron expression' }).check({ force: true });
      const cron = page.getByRole('textbox', { name: 'Cron expression' });
      await cron.fill('30 6 * *');
      await expect(cron).toHaveAccessibleDescription(/^This is not a cron expression\. Write five fields/);
      const preview = page.getByTestId('cron-preview');
      await expect(preview.getByRole('listitem')).toHaveCount(0);

      await cron.fill('30 6 * * 1-5');
      await expect(cron).not.toHaveAttribute('aria-invalid', 'true');
      await expect(preview.getByRole('heading', { name: 'Next runs (UTC time)' })).toBeVisible();
      await expect(preview.getByRole('listitem')).toHaveCount(5);
      await expect(preview.getByRole('listitem').first()).toContainText('6:30 AM');
      await expect(preview.getByRole('listitem').first()).toContainText(/Mon|Tue|Wed|Thu|Fri/);

      // The zone picker is searched by typing.
      await page.getByRole('textbox', { name: 'Time zone' }).click();
      await page.keyboard.type('Tokyo');
      await page.getByText('Asia/Tokyo', { exact: true }).click();
      await expect(preview.getByRole('heading', { name: 'Next runs (Asia/Tokyo time)' })).toBeVisible();
      await expect(preview.getByRole('listitem').first()).toContainText('6:30 AM');
      await expect(preview.getByRole('listitem').first()).toContainText(/GMT\+9|JST/);
      await expectAccessible(page, 'settings with a cron preview');
      await page.screenshot({ path: `e2e/screenshots/settings-cron-preview-${width}.png`, fullPage: true });
    });
  },
);
