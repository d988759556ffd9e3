import { expect, test } from '@playwright/test';
import { ANNA, JAN, gotoReady } from './support';

// The "Pokaż hasło" toggle exists only when JavaScript runs.

test('"Pokaż hasło" shows and hides the password and says whether it is pressed', { tag: '@js' }, async ({ page }) => {
  await gotoReady(page, '/logowanie');
  const field = page.getByLabel('Hasło', { exact: true });
  // Named after its field, and after what pressing it will do.
  await expect(page.getByRole('button', { name: 'Pokaż hasło', exact: true })).toBeVisible();
  const toggle = page.locator('button[aria-controls="password"]');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(toggle).toHaveAttribute('aria-controls', 'password');
  await expect(toggle).toHaveAttribute('type', 'button');
  await expect(field).toHaveAttribute('type', 'password');

  await field.fill(JAN.password);
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(toggle).toHaveText('Ukryj hasło');
  await expect(field).toHaveAttribute('type', 'text');
  await expect(field).toHaveValue(JAN.password);

  // By keyboard, too.
  await toggle.focus();
  await page.keyboard.press('Space');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(field).toHaveAttribute('type', 'password');
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(field).toHaveAttribute('type', 'text');

  // The toggle does not submit the form…
  await expect(page).toHaveURL(/\/logowanie$/);
  await expect(page.locator('div.error-summary')).toHaveCount(0);
  // …and what is sent with the password shown is the password: Jan's is
  // accepted (the next step, the code, is asked for).
  await page.getByLabel('Login', { exact: true }).fill(JAN.login);
  await page.getByRole('button', { name: 'Zaloguj się', exact: true }).click();
  await expect(page).toHaveURL(/\/kod-weryfikacyjny$/);
});

test('without JavaScript there is no "Pokaż hasło" button, and the field stays a password field', async ({
  browser,
  baseURL,
}) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/logowanie');
  await expect(page.getByLabel('Hasło', { exact: true })).toHaveAttribute('type', 'password');
  await expect(page.getByRole('button', { name: 'Pokaż hasło' })).toHaveCount(0);
  await context.close();
});

test('the error summary takes the focus by script after a submission in the page', { tag: '@js' }, async ({ page }) => {
  await gotoReady(page, '/logowanie');
  await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));
  await page.getByLabel('Login', { exact: true }).fill(ANNA.login);
  await page.getByLabel('Hasło', { exact: true }).fill('zle-haslo');
  await page.getByRole('button', { name: 'Zaloguj się', exact: true }).click();
  const summary = page.locator('div.error-summary[role="alert"]');
  await expect(summary).toBeFocused();
  // The page was updated in place, not reloaded.
  expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
  // The password is not left in the field (soft: the checks below still run).
  await expect.soft(page.getByLabel('Hasło', { exact: true }), 'the password field is emptied').toHaveValue('', { timeout: 2_000 });
  await expect(page.getByLabel('Login', { exact: true })).toHaveValue(ANNA.login);
});
