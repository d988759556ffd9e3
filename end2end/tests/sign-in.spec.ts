import { expect, test } from '@playwright/test';
import {
  JAN,
  MSG_INVALID,
  MSG_UNCONFIRMED,
  PIOTR,
  SESSION_COOKIE,
  errorSummary,
  gotoReady,
  jsOn,
  newProjectContext,
  signIn,
  signInToPortal,
  signOut,
  waitReady,
} from './support';

// Password sign-in and sign-out (issue points 5 and 6), run with and
// without JavaScript.

test('Jan signs in, sees his name, signs out, and the session is over on the server', async ({
  page,
  browser,
  baseURL,
}) => {
  await signInToPortal(page, JAN);
  await expect(page).toHaveTitle('Twoje konto – eZUS');

  // The session cookie: HttpOnly, SameSite=Lax, path /.
  const cookies = await page.context().cookies(baseURL);
  const session = cookies.find((c) => SESSION_COOKIE.test(c.name));
  expect(session, `session cookie among ${cookies.map((c) => c.name).join(', ')}`).toBeDefined();
  expect(session!.httpOnly).toBe(true);
  expect(session!.sameSite).toBe('Lax');
  expect(session!.path).toBe('/');
  // Not readable by page script (only where script runs at all).
  if (jsOn()) {
    expect(await page.evaluate(() => document.cookie)).not.toContain(session!.value);
  }

  // The same cookie value, carried to another browser, is the same session…
  const other = await newProjectContext(browser, test.info());
  await other.addCookies([session!]);
  const otherPage = await other.newPage();
  await gotoReady(otherPage, '/portal');
  await expect(otherPage).toHaveURL(/\/portal$/);
  await expect(otherPage.getByRole('heading', { level: 1 })).toHaveText(`Witaj, ${JAN.name}`);

  // A signed-in person who opens the sign-in page is taken to the portal.
  await gotoReady(page, '/logowanie');
  await expect(page).toHaveURL(/\/portal$/);

  await signOut(page);
  await expect(page).toHaveTitle('Wylogowano – eZUS');

  // Back to the portal: signed out.
  await gotoReady(page, '/portal');
  await expect(page).toHaveURL(/\/logowanie$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Zaloguj się do eZUS');

  // …and the old cookie value no longer opens anything: ended on the server,
  // not only removed from this browser. Whoever still holds it is told the
  // session is over, and the dead cookie is dropped.
  await gotoReady(otherPage, '/portal');
  await expect(otherPage).toHaveURL(/\/logowanie\?sesja=wygasla$/);
  await expect(otherPage.getByRole('status')).toContainText('Twoja sesja wygasła albo została zakończona');
  expect(await other.cookies()).toHaveLength(0);
  const fresh = await newProjectContext(browser, test.info());
  await fresh.addCookies([session!]);
  const freshPage = await fresh.newPage();
  const response = await freshPage.goto('/portal');
  await waitReady(freshPage);
  await expect(freshPage).toHaveURL(/\/logowanie\?sesja=wygasla$/);
  expect(response?.status()).toBe(200);
  await expect(freshPage.getByText(JAN.name)).toHaveCount(0);
  await other.close();
  await fresh.close();
});

test('a live session token planted before sign-in is not taken over (no session fixation)', async ({
  page,
  browser,
  baseURL,
}) => {
  // The attacker's browser holds a live session (here at the code step: any
  // live token would do) and knows its cookie value. Jan gets one code in
  // this test: the victim signs in within 30 s, so it is not re-sent.
  const attacker = await newProjectContext(browser, test.info());
  const attackerPage = await attacker.newPage();
  await signIn(attackerPage, JAN.login, JAN.password);
  await expect(attackerPage).toHaveURL(/\/kod-weryfikacyjny$/);
  const planted = (await attacker.cookies(baseURL)).find((c) => SESSION_COOKIE.test(c.name));
  expect(planted, 'the attacker has a session cookie').toBeDefined();

  // The victim has the sign-in form open when the attacker's value is
  // planted in the victim's browser; then the victim signs in.
  await gotoReady(page, '/logowanie');
  await page.context().addCookies([{ name: planted!.name, value: planted!.value, url: baseURL! }]);
  await page.getByLabel('Login', { exact: true }).fill(JAN.login);
  await page.getByLabel('Hasło', { exact: true }).fill(JAN.password);
  await page.getByRole('button', { name: 'Zaloguj się', exact: true }).click();
  await expect(page).toHaveURL(/\/kod-weryfikacyjny$/);

  // The victim's session runs under a fresh token…
  const victim = (await page.context().cookies(baseURL)).filter((c) => SESSION_COOKIE.test(c.name));
  expect(victim).toHaveLength(1);
  expect(victim[0].value, 'a new token, not the planted one').not.toBe(planted!.value);
  await gotoReady(page, '/kod-weryfikacyjny');
  await expect(page).toHaveURL(/\/kod-weryfikacyjny$/);

  // …and the planted value opens nothing: the attacker is signed out, and
  // the value carried to yet another browser finds no session either.
  await gotoReady(attackerPage, '/kod-weryfikacyjny');
  await expect(attackerPage).toHaveURL(/\/logowanie\?sesja=wygasla$/);
  const fresh = await newProjectContext(browser, test.info());
  await fresh.addCookies([{ name: planted!.name, value: planted!.value, url: baseURL! }]);
  const api = await fresh.request.post('/api/wyslij-kod', {
    headers: { Accept: 'application/json', Origin: new URL(baseURL!).origin },
    form: {},
  });
  expect(api.status(), 'no session behind the planted value').toBe(401);
  const freshPage = await fresh.newPage();
  await gotoReady(freshPage, '/kod-weryfikacyjny');
  await expect(freshPage).toHaveURL(/\/logowanie\?sesja=wygasla$/);
  await attacker.close();
  await fresh.close();
});

for (const [what, login, password] of [
  ['a wrong password', JAN.login, 'Zle-Haslo-2024'],
  ['an unknown login', 'ktos-nieznany', JAN.password],
] as const) {
  test(`${what} gives the one message, focused, with the login kept and the password emptied`, async ({ page }) => {
    await signIn(page, login, password);
    await expect(page).toHaveURL(/\/logowanie(\?.*)?$/);

    const summary = errorSummary(page);
    await expect(summary).toBeVisible();
    await expect(summary.getByRole('heading')).toHaveText('Wystąpił problem');
    await expect(summary.getByRole('listitem')).toHaveText([MSG_INVALID]);
    // The title says there is an error first.
    await expect(page).toHaveTitle('Błąd: Zaloguj się – eZUS');
    // The summary has taken the focus, so it is read out at once.
    await expect(summary).toBeFocused();
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);

    // Nothing tells whether the login exists: the message is exactly the same.
    await expect(page.locator('#login-error')).toHaveText(`Błąd: ${MSG_INVALID}`);

    const loginField = page.getByLabel('Login', { exact: true });
    const passwordField = page.getByLabel('Hasło', { exact: true });
    await expect(loginField).toHaveValue(login);
    // The password is not left in the field (soft: the checks below still run).
    await expect.soft(passwordField, 'the password field is emptied').toHaveValue('', { timeout: 2_000 });
    await expect(loginField).toHaveAttribute('aria-invalid', 'true');
    await expect(passwordField).toHaveAttribute('aria-invalid', 'true');
    await expect(loginField).toHaveAttribute('aria-describedby', 'login-error');

    // The password never travels back in the address.
    expect(page.url()).not.toContain(password);
    expect(decodeURIComponent(page.url())).not.toContain(password);

    // The summary's link leads to the login field: with JavaScript the
    // field itself takes the focus (GOV.UK), without it the address jumps there.
    await summary.getByRole('link', { name: MSG_INVALID }).click();
    if (jsOn()) {
      await expect(loginField).toBeFocused();
    } else {
      await expect(page).toHaveURL(/#login$/);
    }

    // And the form still works: the right password is now accepted (the
    // next step, the code, is asked for).
    if (login === JAN.login) {
      await passwordField.fill(JAN.password);
      await page.getByRole('button', { name: 'Zaloguj się', exact: true }).click();
      await expect(page).toHaveURL(/\/kod-weryfikacyjny$/);
    }
  });
}

test('empty fields are named in the summary and at each field', async ({ page }) => {
  await signIn(page, '', '');
  const summary = errorSummary(page);
  await expect(summary.getByRole('listitem')).toHaveText(['Wpisz login.', 'Wpisz hasło.']);
  await expect(summary).toBeFocused();
  await expect(page.locator('#login-error')).toHaveText('Błąd: Wpisz login.');
  await expect(page.locator('#password-error')).toHaveText('Błąd: Wpisz hasło.');
  await expect(page.getByLabel('Login', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Hasło', { exact: true })).toHaveAttribute('aria-invalid', 'true');

  // Only the password missing: the login stays, only the password is marked.
  await page.getByLabel('Login', { exact: true }).fill(JAN.login);
  await page.getByRole('button', { name: 'Zaloguj się', exact: true }).click();
  await expect(summary.getByRole('listitem')).toHaveText(['Wpisz hasło.']);
  await expect(page.getByLabel('Login', { exact: true })).toHaveValue(JAN.login);
  await expect(page.getByLabel('Login', { exact: true })).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Hasło', { exact: true })).toHaveAttribute('aria-invalid', 'true');
});

test('an unconfirmed profile is refused with an explanation of how to confirm it', async ({ page }) => {
  await signIn(page, PIOTR.login, PIOTR.password);
  await expect(page).toHaveURL(/\/logowanie(\?.*)?$/);
  const summary = errorSummary(page);
  await expect(summary.getByRole('listitem')).toHaveText([MSG_UNCONFIRMED]);
  await expect(summary).toBeFocused();
  const help = page.getByRole('region', { name: 'Profil niepotwierdzony' });
  await expect(help).toBeVisible();
  await expect(help.getByRole('link', { name: 'dowolnej placówki ZUS' })).toBeVisible();
  await expect(help).toContainText('niepotwierdzony (inaczej: niezaufany)');
  await expect(page.getByLabel('Login', { exact: true })).toHaveValue(PIOTR.login);
  await expect.soft(page.getByLabel('Hasło', { exact: true }), 'the password field is emptied').toHaveValue('', { timeout: 2_000 });

  // The way to fix it: the national node.
  await help.getByRole('link', { name: 'Zaloguj przez login.gov.pl' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Zaloguj przez login.gov.pl' })).toBeVisible();

  // Not signed in.
  await gotoReady(page, '/portal');
  await expect(page).toHaveURL(/\/logowanie$/);
});

test('an unconfirmed profile with a wrong password learns nothing about the profile', async ({ page }) => {
  await signIn(page, PIOTR.login, 'Zle-Haslo-2024');
  await expect(errorSummary(page).getByRole('listitem')).toHaveText([MSG_INVALID]);
  await expect(page.getByRole('region', { name: 'Profil niepotwierdzony' })).toHaveCount(0);
});

test('"Anuluj logowanie" on the code page ends the sign-in there', async ({ page }) => {
  await signIn(page, JAN.login, JAN.password);
  await expect(page).toHaveURL(/\/kod-weryfikacyjny$/);
  await waitReady(page);
  await page.getByRole('button', { name: 'Anuluj logowanie', exact: true }).click();
  await expect(page).toHaveURL(/\/wylogowano$/);
  await gotoReady(page, '/kod-weryfikacyjny');
  await expect(page).toHaveURL(/\/logowanie/);
});
