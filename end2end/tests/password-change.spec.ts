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
  jsOn,
  latestCode,
  signIn,
  siteOrigin,
  waitReady,
  signOut,
} from './support';

// anowak has a legacy 8-character password: after her code she must set a
// new one before anything else (the code comes first: the short password
// alone never sets a new one). Each project has its own database, so each
// runs this once.

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
  // The new password stays described by its rules (and its live check).
  const rules = field === 'new_password' ? 'password-rules new_password-check ' : '';
  await expect(page.locator(`#${field}`)).toHaveAttribute('aria-describedby', `${rules}${field}-error`);
  await expect(page).toHaveURL(/\/zmiana-hasla(\?.*)?$/);
  await expect(page).toHaveTitle('Błąd: Zmień hasło – eZUS');
  // Nothing typed travels back in the address.
  expect(decodeURIComponent(page.url())).not.toMatch(/rower|Polska123456|krotkie/);
}

/** Signs Anna in with her legacy password and types the code sent by SMS: the change comes after it. */
async function signInPastTheCode(page: Page) {
  await signIn(page, ANNA.login, ANNA.password);
  // The short password alone opens nothing but the code page.
  await expect(page).toHaveURL(/\/kod-weryfikacyjny$/);
  await waitReady(page);
  for (const path of ['/zmiana-hasla', '/portal']) {
    await gotoReady(page, path);
    await expect(page, `typing ${path} before the code`).toHaveURL(/\/kod-weryfikacyjny$/);
  }
  await page.getByLabel('Kod weryfikacyjny', { exact: true }).fill(await latestCode(page, ANNA.codeTo));
  await page.getByRole('button', { name: 'Potwierdź', exact: true }).click();
  await expect(page).toHaveURL(/\/zmiana-hasla$/);
  await waitReady(page);
}

// One journey (each sign-in costs Anna one of her 5 codes an hour), with an
// axe check of the page clean and in each error state.
a11yTest('anowak types her code, must then replace her short password before anything else, and the old one stops working', async ({
  page,
}) => {
  // The longest journey of the suite: two sign-ins, seven submissions of the
  // form, six axe checks and (with JavaScript) typing, each page a lazy route
  // fetched on first use: 15 s with JavaScript on a quiet machine, over the
  // default 30 s in a CI run. The time limit protects nothing: three times it.
  test.slow();
  await signInPastTheCode(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Zmień hasło');
  await expect(page).toHaveTitle('Zmień hasło – eZUS');
  await expect(page.getByLabel('Nowe hasło', { exact: true })).toHaveAttribute('type', 'password');
  await expect(page.getByLabel('Powtórz nowe hasło', { exact: true })).toHaveAttribute('type', 'password');
  // The rules describe the field; a password manager learns whose password it is.
  await expect(page.getByLabel('Nowe hasło', { exact: true })).toHaveAccessibleDescription(/^Nowe hasło: ma od 12 do 128 znaków/);
  const username = page.locator('input[autocomplete="username"]');
  await expect(username).toHaveValue(ANNA.login);
  await expect(username).not.toHaveAttribute('name', /.*/);
  await expect(username).toBeHidden();
  await expectNoAxeViolations(page, '/zmiana-hasla');

  if (jsOn()) {
    // With JavaScript the new password is checked as it is typed, announced politely.
    const check = page.locator('#new_password-check');
    await expect(check).toHaveAttribute('aria-live', 'polite');
    await page.getByLabel('Nowe hasło', { exact: true }).pressSequentially('Polska123456', { delay: 20 });
    await expect(check).toContainText('Siła hasła: bardzo słabe');
    await expect(check).toContainText('To hasło jest zbyt popularne');
    await page.getByLabel('Nowe hasło', { exact: true }).fill('');
    await page.getByLabel('Nowe hasło', { exact: true }).pressSequentially(NEW_PASSWORD, { delay: 20 });
    await expect(check).toHaveText('Siła hasła: bardzo dobre. Hasło spełnia wymagania.');
    // Each toggle is named after its own field.
    await expect(page.getByRole('button', { name: 'Pokaż nowe hasło', exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Pokaż powtórzone hasło', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Ukryj powtórzone hasło', exact: true })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByLabel('Powtórz nowe hasło', { exact: true })).toHaveAttribute('type', 'text');
    await page.getByRole('button', { name: 'Ukryj powtórzone hasło', exact: true }).click();
    await expectNoAxeViolations(page, '/zmiana-hasla with the live check');
  }

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

  if (jsOn()) await page.getByLabel('Nowe hasło', { exact: true }).pressSequentially('krotkie', { delay: 20 });
  await submitNewPassword(page, 'krotkie');
  await expectRefused(page, MSG_TOO_SHORT, 'new_password');
  // A rejected password: both fields emptied, the page says so, and the
  // strength of what is gone is no longer spoken of.
  await expect(page.locator('#cleared-note')).toHaveText(/oba pola z hasłem są teraz puste/);
  await expect(page.getByLabel('Nowe hasło', { exact: true })).toHaveValue('');
  await expect(page.getByLabel('Powtórz nowe hasło', { exact: true })).toHaveValue('');
  await expect(page.locator('#new_password-check')).toHaveText('');
  await expectNoAxeViolations(page, '/zmiana-hasla, too short');

  await submitNewPassword(page, 'Polska123456');
  await expectRefused(page, MSG_COMMON, 'new_password');
  await expectNoAxeViolations(page, '/zmiana-hasla, common');

  await submitNewPassword(page, 'ANOWAK-ma-kota-od-lat');
  await expectRefused(page, 'Hasło nie może zawierać Twojego loginu.', 'new_password');

  await submitNewPassword(page, 'nowak to moje nazwisko');
  await expectRefused(page, 'Hasło nie może zawierać Twojego imienia ani nazwiska.', 'new_password');

  await submitNewPassword(page, NEW_PASSWORD, 'rower deszcz latarnia 8');
  await expectRefused(page, MSG_MISMATCH, 'repeated');
  await expectNoAxeViolations(page, '/zmiana-hasla, mismatch');
  // The error moved: the first field is no longer marked.
  await expect(page.locator('#new_password')).not.toHaveAttribute('aria-invalid', 'true');
  // Only what must be retyped is emptied (without JavaScript the server sends no password back).
  await expect(page.getByLabel('Powtórz nowe hasło', { exact: true })).toHaveValue('');
  if (jsOn()) {
    await expect(page.getByLabel('Nowe hasło', { exact: true })).toHaveValue(NEW_PASSWORD);
    await expect(page.locator('#cleared-note')).toHaveText(/Pole „Powtórz nowe hasło” jest teraz puste/);
  } else {
    await expect(page.locator('#cleared-note')).toHaveText(/oba pola z hasłem są teraz puste/);
  }

  // An empty repeat is asked for, and (with JavaScript) the new password stays.
  await submitNewPassword(page, NEW_PASSWORD, '');
  await expectRefused(page, 'Powtórz nowe hasło.', 'repeated');
  if (jsOn()) {
    await expect(page.getByLabel('Nowe hasło', { exact: true })).toHaveValue(NEW_PASSWORD);
    await expect(page.locator('#cleared-note')).toHaveCount(0);
  }

  // Still not past the step.
  await gotoReady(page, '/portal');
  await expect(page).toHaveURL(/\/zmiana-hasla$/);

  // The code came first: the new password leads straight on.
  await submitNewPassword(page, NEW_PASSWORD);
  await continueToPortal(page, ANNA.codeTo);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Witaj, ${ANNA.name}`);
  // The next page says it happened.
  await expect(page.getByRole('status')).toContainText('Hasło zostało zmienione.');

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
