import { expect, test, type Page } from '@playwright/test';
import {
  ANNA,
  MSG_COMMON,
  MSG_INVALID,
  MSG_MISMATCH,
  MSG_TOO_SHORT,
  a11yTest,
  continueToPortal,
  errorSummary,
  expectNoAxeViolations,
  gotoReady,
  signIn,
  waitReady,
  signOut,
} from './support';

// anowak has a legacy 8-character password: after signing in she must set a
// new one before anything else. Each project has its own database, so each
// runs this once. The tests of this file run in order: the first leaves her
// password as it was, the second changes it.

const NEW_PASSWORD = 'rower deszcz latarnia 7';

async function submitNewPassword(page: Page, password: string, repeated = password) {
  await page.getByLabel('Nowe hasło', { exact: true }).fill(password);
  await page.getByLabel('Powtórz nowe hasło', { exact: true }).fill(repeated);
  await page.getByRole('button', { name: 'Zmień hasło', exact: true }).click();
}

async function expectRefused(page: Page, message: string, field: 'new_password' | 'repeated') {
  const summary = errorSummary(page);
  await expect(summary.getByRole('listitem')).toHaveText([message]);
  await expect(summary).toBeFocused();
  await expect(page.locator(`#${field}-error`)).toHaveText(`Błąd: ${message}`);
  await expect(page.locator(`#${field}`)).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator(`#${field}`)).toHaveAttribute('aria-describedby', `${field}-error`);
  await expect(page).toHaveURL(/\/zmiana-hasla(\?.*)?$/);
  // Nothing typed travels back in the address.
  expect(decodeURIComponent(page.url())).not.toMatch(/rower|Polska123456|krotkie/);
}

a11yTest('the forced password change page has no axe violations, clean and with each error', async ({ page }) => {
  await signIn(page, ANNA.login, ANNA.password);
  await expect(page).toHaveURL(/\/zmiana-hasla$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Zmień hasło');
  await expect(page).toHaveTitle('Zmień hasło – eZUS');
  await expectNoAxeViolations(page, '/zmiana-hasla');

  await submitNewPassword(page, 'krotkie');
  await expectRefused(page, MSG_TOO_SHORT, 'new_password');
  await expectNoAxeViolations(page, '/zmiana-hasla, too short');

  await submitNewPassword(page, 'Polska123456');
  await expectRefused(page, MSG_COMMON, 'new_password');
  await expectNoAxeViolations(page, '/zmiana-hasla, common');

  await submitNewPassword(page, NEW_PASSWORD, 'rower deszcz latarnia 8');
  await expectRefused(page, MSG_MISMATCH, 'repeated');
  await expectNoAxeViolations(page, '/zmiana-hasla, mismatch');

  // Leave her password as it was for the journey below.
  await signOut(page);
});

test('with JavaScript the new password is checked as it is typed and the result announced politely @js', async ({ page }) => {
  // Before the journey below changes her password (tests of this file run in order).
  await signIn(page, ANNA.login, ANNA.password);
  await expect(page).toHaveURL(/\/zmiana-hasla$/);
  await waitReady(page);
  const check = page.locator('#new_password-check');
  await expect(check).toHaveAttribute('aria-live', 'polite');
  await page.getByLabel('Nowe hasło', { exact: true }).pressSequentially('Polska123456', { delay: 20 });
  await expect(check).toContainText('Siła hasła: bardzo słabe');
  await expect(check).toContainText('To hasło jest zbyt popularne');
  await page.getByLabel('Nowe hasło', { exact: true }).fill('');
  await page.getByLabel('Nowe hasło', { exact: true }).pressSequentially(NEW_PASSWORD, { delay: 20 });
  await expect(check).toHaveText('Siła hasła: bardzo dobre. Hasło spełnia wymagania.');
  await expectNoAxeViolations(page, '/zmiana-hasla with the live check');
});

test('anowak must replace her short password before anything else, and the old one stops working', async ({
  page,
}) => {
  await signIn(page, ANNA.login, ANNA.password);
  await expect(page).toHaveURL(/\/zmiana-hasla$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Zmień hasło');
  await expect(page.getByLabel('Nowe hasło', { exact: true })).toHaveAttribute('type', 'password');
  await expect(page.getByLabel('Powtórz nowe hasło', { exact: true })).toHaveAttribute('type', 'password');

  // The step cannot be skipped by typing an address.
  for (const path of ['/portal', '/', '/logowanie']) {
    await gotoReady(page, path);
    await expect(page, `after going to ${path}`).toHaveURL(/\/zmiana-hasla$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Zmień hasło');
  }
  // Nor by asking the portal's data directly.
  const portalData = await page.request.post('/api/portal', {
    headers: { Accept: 'application/json', Origin: siteOrigin(page) },
  });
  expect(await portalData.text()).not.toContain('Nowak');

  await submitNewPassword(page, 'krotkie');
  await expectRefused(page, MSG_TOO_SHORT, 'new_password');

  await submitNewPassword(page, 'Polska123456');
  await expectRefused(page, MSG_COMMON, 'new_password');

  await submitNewPassword(page, 'ANOWAK-ma-kota-od-lat');
  await expectRefused(page, 'Hasło nie może zawierać Twojego loginu.', 'new_password');

  await submitNewPassword(page, 'nowak to moje nazwisko');
  await expectRefused(page, 'Hasło nie może zawierać Twojego imienia ani nazwiska.', 'new_password');

  await submitNewPassword(page, NEW_PASSWORD, 'rower deszcz latarnia 8');
  await expectRefused(page, MSG_MISMATCH, 'repeated');
  // The error moved: the first field is no longer marked.
  await expect(page.locator('#new_password')).not.toHaveAttribute('aria-invalid', 'true');

  // Still not past the step.
  await gotoReady(page, '/portal');
  await expect(page).toHaveURL(/\/zmiana-hasla$/);

  await submitNewPassword(page, NEW_PASSWORD);
  await continueToPortal(page, ANNA.codeTo);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Witaj, ${ANNA.name}`);

  // The step is done: its page now leads to the portal.
  await gotoReady(page, '/zmiana-hasla');
  await expect(page).toHaveURL(/\/portal$/);

  await signOut(page);

  // The old password no longer works…
  await signIn(page, ANNA.login, ANNA.password);
  await expect(errorSummary(page).getByRole('listitem')).toHaveText([MSG_INVALID]);
  await gotoReady(page, '/portal');
  await expect(page).toHaveURL(/\/logowanie$/);

  // …the new one does, with no password change asked for again.
  await signIn(page, ANNA.login, NEW_PASSWORD);
  await expect(page).not.toHaveURL(/\/zmiana-hasla/);
  await continueToPortal(page, ANNA.codeTo);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Witaj, ${ANNA.name}`);
  await signOut(page);
});

