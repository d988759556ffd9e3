import { expect, type Page, test } from '@playwright/test';
import {
  a11yTest,
  expectNoAxeViolations,
  gotoReady,
  jsOn,
  latestCode,
  signIn,
  signOut,
  waitReady,
} from './support';

// "Zaloguj przez login.gov.pl" against the node simulator (node-simulator/),
// one per project on its portal's port + 10. Each means end to end, the
// e-dowód with a phone and a computer, the registration offer, single
// logout, and Piotr's profile confirmed (last: it changes his profile).
// Without JavaScript every page that carries a SAML message has a button to
// press; with it the page goes on by itself.

const PZ_PASSWORD = 'Symulator-PZ-2024';

function nodeOrigin(): string {
  const portal = new URL(test.info().project.use.baseURL!);
  return `http://127.0.0.1:${Number(portal.port) + 10}`;
}

/**
 * A page that posts a SAML message on: by itself when scripts run, by its
 * button without. (The accessibility fixture runs the pages' own inline
 * scripts in both projects: `scripts` says which it is.)
 */
async function goOn(page: Page, button: string, next: RegExp, scripts = jsOn()) {
  if (!scripts) await page.getByRole('button', { name: button, exact: true }).click();
  await page.waitForURL(next);
}

/** From the portal's sign-in page to the simulator's choice of means. */
async function toTheNode(page: Page, scripts = jsOn()) {
  await gotoReady(page, '/logowanie');
  const section = page.getByRole('region', { name: 'Zaloguj przez login.gov.pl' });
  await expect(section).toContainText('Profilu Zaufanego, e-dowodu albo bankowości elektronicznej');
  await section.getByRole('button', { name: 'Zaloguj przez login.gov.pl', exact: true }).click();
  await goOn(page, 'Przejdź do login.gov.pl', new RegExp(`^${nodeOrigin()}/logowanie/`), scripts);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Wybierz sposób logowania');
  await expect(page.getByRole('banner')).toContainText('login.gov.pl (symulator)');
}

async function profilZaufany(page: Page, login: string) {
  await page.getByRole('link', { name: 'Profil Zaufany', exact: true }).click();
  await page.getByLabel('Nazwa użytkownika lub adres e-mail', { exact: true }).fill(login);
  await page.getByLabel('Hasło', { exact: true }).fill(PZ_PASSWORD);
  await page.getByRole('button', { name: 'Zaloguj się', exact: true }).click();
}

/** Back at the portal, on one of its pages. */
async function backAtThePortal(page: Page, path: RegExp) {
  await goOn(page, 'Kontynuuj', path);
  await waitReady(page);
}

test('Jan signs in with Profil Zaufany, straight into "Wybierz konto" without a code', async ({ page }) => {
  await toTheNode(page);
  if (jsOn()) await expectNoAxeViolations(page, 'simulator: choice of means');
  await profilZaufany(page, 'jkowalski');
  await backAtThePortal(page, /\/wybierz-konto$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Wybierz konto');
  await expect(page.getByText('Kowalski Usługi Remontowe')).toBeVisible();
  if (jsOn()) await expectNoAxeViolations(page, '/wybierz-konto after login.gov.pl');
});

test('Anna signs in through her bank and consents to passing her data', async ({ page }) => {
  await toTheNode(page);
  await page.getByRole('link', { name: 'Bankowość elektroniczna', exact: true }).click();
  if (jsOn()) await expectNoAxeViolations(page, 'simulator: choice of bank');
  await page.getByRole('radio', { name: 'Bank Demo (symulator)' }).check();
  await page.getByRole('button', { name: 'Dalej', exact: true }).click();
  if (jsOn()) await expectNoAxeViolations(page, 'simulator: bank sign-in');
  await page.getByLabel('Identyfikator', { exact: true }).fill('anowak');
  await page.getByLabel('Hasło', { exact: true }).fill('Bank-Haslo-2024');
  await page.getByRole('button', { name: 'Zaloguj się', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Zgoda na przekazanie danych');
  if (jsOn()) await expectNoAxeViolations(page, 'simulator: bank consent');
  await page.getByRole('button', { name: 'Zgadzam się', exact: true }).click();
  // Only the individual account, role "ogólna": straight to the portal.
  await backAtThePortal(page, /\/portal$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Witaj, Anna Nowak');
});

test('Ewa signs in with her e-dowód: the QR on the computer, the card read on the phone', async ({ page, context }) => {
  await toTheNode(page);
  await page.getByRole('link', { name: 'e-dowód', exact: true }).click();
  if (jsOn()) await expectNoAxeViolations(page, 'simulator: e-dowód tool');
  await page.getByRole('radio', { name: 'Telefon z NFC' }).check();
  await page.getByRole('button', { name: 'Dalej', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Odczytaj e-dowód w aplikacji eDO App');
  await expect(page.getByRole('img', { name: /kod QR/i })).toBeVisible();
  if (jsOn()) await expectNoAxeViolations(page, 'simulator: e-dowód QR');

  // The phone: the eDO App page the QR carries.
  const edoApp = await page.getByRole('link', { name: 'otwórz eDO App (symulator)' }).getAttribute('href');
  const phone = await context.newPage();
  await phone.goto(edoApp!);
  if (jsOn()) await expectNoAxeViolations(phone, 'simulator: eDO App');
  await phone.getByLabel('Karta', { exact: true }).selectOption({ label: 'Ewa Wójcik' });
  await phone.getByLabel('Numer CAN', { exact: true }).fill('123456');
  await phone.getByLabel('PIN1', { exact: true }).fill('1234');
  await phone.getByRole('button', { name: 'Odczytaj kartę', exact: true }).click();
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Karta odczytana');
  if (jsOn()) await expectNoAxeViolations(phone, 'simulator: eDO App, card read');
  const code = (await phone.locator('main').innerText()).match(/\b\d{6}\b/)![0];
  await phone.close();

  // The computer follows the status live, or is asked with "Sprawdź".
  if (!jsOn()) await page.getByRole('button', { name: 'Sprawdź', exact: true }).click();
  await expect(page.getByRole('status')).toContainText(/odczytan/i);
  await page.getByLabel('Kod z aplikacji eDO App', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Potwierdź', exact: true }).click();
  await backAtThePortal(page, /\/(wybierz-konto|wybierz-role|portal)$/);
});

test('A PESEL with no profile is offered registration with the data from login.gov.pl locked', async ({ page }) => {
  await toTheNode(page);
  await profilZaufany(page, 'nowy-obywatel');
  await backAtThePortal(page, /\/rejestracja$/);
  await expect(page.getByRole('region', { name: 'Dane z login.gov.pl' })).toBeVisible();
  await expect(page.getByLabel('PESEL', { exact: true })).toHaveValue('88062101239');
  await expect(page.getByLabel('PESEL', { exact: true })).not.toBeEditable();
  await expect(page.getByLabel('Imię', { exact: true })).toHaveValue('Tomasz');
  if (jsOn()) await expectNoAxeViolations(page, '/rejestracja with the node data');

  const email = `tomasz.${test.info().project.name}@example.pl`;
  await page.getByRole('group', { name: 'Zakładasz profil jako' }).getByLabel('Osoba fizyczna', { exact: true }).check();
  await page.getByLabel('Adres e-mail', { exact: true }).fill(email);
  await page.getByLabel('Telefon komórkowy', { exact: true }).fill('600 900 100');
  await page.getByRole('group', { name: 'Kanał odzyskiwania dostępu' }).getByLabel('E-mail', { exact: true }).check();
  await page.getByLabel('Login', { exact: true }).fill('tnowicki');
  await page.getByLabel('Hasło', { exact: true }).fill('sosna jezioro latarnia 7');
  await page.getByLabel('Powtórz hasło', { exact: true }).fill('sosna jezioro latarnia 7');
  await page.getByRole('button', { name: 'Załóż profil', exact: true }).click();
  await page.waitForURL(/\/rejestracja\/kod$/);
  await waitReady(page);
  await page.getByLabel('Kod weryfikacyjny', { exact: true }).fill(await latestCode(page, email));
  await page.getByRole('button', { name: 'Potwierdź', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Profil założony');
  await expect(page.getByRole('status')).toContainText('Twój profil jest już potwierdzony');
  if (jsOn()) await expectNoAxeViolations(page, '/rejestracja/gotowe, confirmed by the node');

  // Confirmed at once: the password sign-in goes on to the code.
  await signIn(page, 'tnowicki', 'sosna jezioro latarnia 7');
  await expect(page).toHaveURL(/\/kod-weryfikacyjny$/);
});

test('Cancelling at login.gov.pl says so and offers the way back', async ({ page }) => {
  await toTheNode(page);
  await page.getByRole('button', { name: 'Anuluj', exact: true }).click();
  await backAtThePortal(page, /\/login-gov-pl\/blad\?powod=anulowano$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Logowanie przez login.gov.pl zostało przerwane');
  await expect(page.getByRole('button', { name: 'Spróbuj ponownie przez login.gov.pl' })).toBeVisible();
  if (jsOn()) await expectNoAxeViolations(page, '/login-gov-pl/blad');
});

test('Signing out after login.gov.pl ends the session at the node too', async ({ page }) => {
  await toTheNode(page);
  await profilZaufany(page, 'jkowalski');
  await backAtThePortal(page, /\/wybierz-konto$/);
  // Jan's sessions at the node (earlier tests may have left some).
  const sessions = `${nodeOrigin()}/sesje`;
  const atTheNode = async () => (await page.request.get(sessions)).text().then((t) => t.split('<td>jkowalski</td>').length - 1);
  const before = await atTheNode();
  expect(before).toBeGreaterThan(0);
  await page.getByRole('radio', { name: /^Konto indywidualne – / }).check();
  await page.getByRole('button', { name: 'Dalej', exact: true }).click();
  await page.getByRole('radio', { name: 'Ogólna', exact: true }).check();
  await page.getByRole('button', { name: 'Dalej', exact: true }).click();
  await expect(page).toHaveURL(/\/portal$/);
  await signOut(page);
  expect(await atTheNode(), 'the LogoutRequest ended this session at the node').toBe(before - 1);
});

a11yTest('The simulator\'s Profil Zaufany pages, their links and errors pass axe as plain HTML', async ({ page }) => {
  await toTheNode(page, true);
  await expectNoAxeViolations(page, 'simulator: choice');
  await page.getByRole('link', { name: 'Profil Zaufany', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Zaloguj się przez Profil Zaufany');
  const pzPage = page.url();
  await expectNoAxeViolations(page, 'simulator: Profil Zaufany');
  await page.getByLabel('Nazwa użytkownika lub adres e-mail', { exact: true }).fill('jkowalski');
  await page.getByLabel('Hasło', { exact: true }).fill('zle-haslo');
  await page.getByRole('button', { name: 'Zaloguj się', exact: true }).click();
  await expect(page).toHaveTitle(/^Błąd: /);
  await expectNoAxeViolations(page, 'simulator: Profil Zaufany, wrong password');
  for (const link of ['Nie pamiętasz hasła?', 'Załóż Profil Zaufany']) {
    await page.getByRole('link', { name: link, exact: true }).click();
    await expect(page.getByRole('main')).toContainText('pz.gov.pl');
    await expectNoAxeViolations(page, `simulator: ${link}`);
    await page.goto(pzPage);
  }
});

a11yTest('The pages that carry a SAML message on, held still, pass axe', async ({ page }) => {
  // A 204 answer to the form post leaves the browser on the page that sent it.
  await page.route(`${nodeOrigin()}/login/SingleSignOnService`, (route) => route.fulfill({ status: 204 }));
  await gotoReady(page, '/logowanie');
  await page.getByRole('button', { name: 'Zaloguj przez login.gov.pl', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Przechodzisz do login.gov.pl');
  await expectNoAxeViolations(page, 'portal: on the way to login.gov.pl');
  await page.unroute(`${nodeOrigin()}/login/SingleSignOnService`);

  const acs = `${new URL(test.info().project.use.baseURL!).origin}/saml/acs`;
  await page.route(acs, (route) => route.fulfill({ status: 204 }));
  await toTheNode(page, true);
  await page.getByRole('button', { name: 'Anuluj', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Powrót do portalu eZUS');
  await expectNoAxeViolations(page, 'simulator: on the way back to the portal');
});

test('Piotr\'s unconfirmed profile is confirmed by login.gov.pl, and then his password works', async ({ page }) => {
  await signIn(page, 'pzielinski', 'Zielinski-Haslo-2024');
  await expect(page.getByRole('heading', { name: 'Profil niepotwierdzony' })).toBeVisible();
  await toTheNode(page);
  await profilZaufany(page, 'pzielinski');
  await backAtThePortal(page, /\/(wybierz-konto|wybierz-role|portal)$/);
  await page.context().clearCookies();
  await signIn(page, 'pzielinski', 'Zielinski-Haslo-2024');
  await expect(page).toHaveURL(/\/kod-weryfikacyjny$/);
});
