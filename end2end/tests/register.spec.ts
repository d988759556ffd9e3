import { expect } from '@playwright/test';
import {
  a11yTest as test,
  continueToPortal,
  errorSummary,
  expectHeadingFocused,
  expectNoAxeViolations,
  gotoReady,
  latestCode,
  operatorCommand,
  signIn,
} from './support';

// "Zarejestruj się": Marta (the README's demo PESEL with no profile)
// registers, proves her e-mail with a code, cannot sign in until her
// profile is confirmed, is confirmed at the office (the operator command),
// and then signs in as anyone does.

const MARTA = {
  pesel: '90010112318',
  email: 'marta.lis@example.pl',
  login: 'mlis',
  password: 'sosna jezioro latarnia 9',
  name: 'Marta Lis',
};

test('Marta registers, is refused until confirmed, is confirmed at the office, and signs in', async ({ page }) => {
  await gotoReady(page, '/logowanie');
  await page.getByRole('link', { name: 'Zarejestruj się' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Zarejestruj się');
  await expectHeadingFocused(page, 'Zarejestruj się');
  await expectNoAxeViolations(page, '/rejestracja');

  // Every problem at once; what she typed stays, the password never.
  await page.getByLabel('Imię', { exact: true }).fill('Marta');
  await page.getByLabel('PESEL', { exact: true }).fill('90010112319');
  await page.getByLabel('Hasło', { exact: true }).fill('krotkie');
  await page.getByRole('button', { name: 'Załóż profil', exact: true }).click();
  const summary = errorSummary(page);
  await expect(summary).toContainText('Wybierz, czy zakładasz profil jako osoba fizyczna, czy jako przedsiębiorca.');
  await expect(summary).toContainText('PESEL ma 11 cyfr');
  await expect(summary).toContainText('Hasło musi mieć co najmniej 12 znaków.');
  await expect(page).toHaveTitle('Błąd: Zarejestruj się – eZUS');
  await expect(page.getByLabel('Imię', { exact: true })).toHaveValue('Marta');
  await expect(page.getByLabel('Hasło', { exact: true })).toHaveValue('');
  await expectNoAxeViolations(page, '/rejestracja with errors');

  const group = (name: string) => page.getByRole('group', { name });
  await group('Zakładasz profil jako').getByLabel('Osoba fizyczna', { exact: true }).check();
  await page.getByLabel('Imię', { exact: true }).fill('Marta');
  await page.getByLabel('Nazwisko', { exact: true }).fill('Lis');
  await page.getByLabel('PESEL', { exact: true }).fill(MARTA.pesel);
  await page.getByLabel('Adres e-mail', { exact: true }).fill(MARTA.email);
  await page.getByLabel('Telefon komórkowy', { exact: true }).fill('600 700 800');
  await group('Kanał odzyskiwania dostępu').getByLabel('E-mail', { exact: true }).check();
  await page.getByLabel('Login', { exact: true }).fill(MARTA.login);
  await page.getByLabel('Hasło', { exact: true }).fill(MARTA.password);
  await page.getByLabel('Powtórz hasło', { exact: true }).fill(MARTA.password);
  await page.getByRole('button', { name: 'Załóż profil', exact: true }).click();

  await expect(page).toHaveURL(/\/rejestracja\/kod$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Wpisz kod weryfikacyjny');
  expect(await page.getByRole('main').ariaSnapshot()).toContain('adres e-mail zaczynający się na m, w domenie example.pl');
  await expectNoAxeViolations(page, '/rejestracja/kod');
  await page.getByLabel('Kod weryfikacyjny', { exact: true }).fill(await latestCode(page, MARTA.email));
  await page.getByRole('button', { name: 'Potwierdź', exact: true }).click();

  await expect(page).toHaveURL(/\/rejestracja\/gotowe$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Profil założony');
  await expect(page.getByRole('main')).toContainText('nie jest jeszcze potwierdzony');
  await expect(page.getByRole('link', { name: 'Zaloguj przez login.gov.pl' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'dowolnej placówki ZUS' })).toBeVisible();
  await expectNoAxeViolations(page, '/rejestracja/gotowe');

  // Not confirmed yet: refused, with the trust message, and no code sent.
  await signIn(page, MARTA.login, MARTA.password);
  await expect(page.getByRole('region', { name: 'Profil niepotwierdzony' })).toBeVisible();

  // At the office.
  const confirmed = operatorCommand(['confirm-profile', '--pesel', MARTA.pesel]);
  expect(confirmed.status, confirmed.stderr).toBe(0);
  expect(confirmed.stdout).toContain(`login ${MARTA.login}`);

  await signIn(page, MARTA.login, MARTA.password);
  await continueToPortal(page, MARTA.email);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Witaj, ${MARTA.name}`);
});

test('a login taken meanwhile is asked for again after the code, with a free one suggested', async ({ page }) => {
  await gotoReady(page, '/rejestracja');
  const group = (name: string) => page.getByRole('group', { name });
  await group('Zakładasz profil jako').getByLabel('Osoba fizyczna', { exact: true }).check();
  await page.getByLabel('Imię', { exact: true }).fill('Tomasz');
  await page.getByLabel('Nazwisko', { exact: true }).fill('Kowalski');
  await page.getByLabel('PESEL', { exact: true }).fill('85071512348');
  await page.getByLabel('Adres e-mail', { exact: true }).fill('tomasz.kowalski@example.pl');
  await page.getByLabel('Telefon komórkowy', { exact: true }).fill('600 700 900');
  await group('Kanał odzyskiwania dostępu').getByLabel('E-mail', { exact: true }).check();
  // Jan's login: nobody is told it is taken before the code.
  await page.getByLabel('Login', { exact: true }).fill('jkowalski');
  await page.getByLabel('Hasło', { exact: true }).fill('modrzew kajak herbata 4');
  await page.getByLabel('Powtórz hasło', { exact: true }).fill('modrzew kajak herbata 4');
  await page.getByRole('button', { name: 'Załóż profil', exact: true }).click();
  await expect(page).toHaveURL(/\/rejestracja\/kod$/);
  await page.getByLabel('Kod weryfikacyjny', { exact: true }).fill(await latestCode(page, 'tomasz.kowalski@example.pl'));
  await page.getByRole('button', { name: 'Potwierdź', exact: true }).click();

  await expect(page).toHaveURL(/\/rejestracja\/login$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Wybierz inny login');
  await expect(page.getByLabel('Login', { exact: true })).toHaveValue('jkowalski2');
  await expectNoAxeViolations(page, '/rejestracja/login');
  await page.getByLabel('Login', { exact: true }).fill('jkowalski');
  await page.getByRole('button', { name: 'Załóż profil', exact: true }).click();
  await expect(errorSummary(page)).toContainText('Ten login jest już zajęty. Wybierz inny.');
  await expect(page).toHaveTitle('Błąd: Wybierz inny login – eZUS');
  await expectNoAxeViolations(page, '/rejestracja/login, taken');
  await page.getByLabel('Login', { exact: true }).fill('tomasz.kowalski');
  await page.getByRole('button', { name: 'Załóż profil', exact: true }).click();
  await expect(page).toHaveURL(/\/rejestracja\/gotowe$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Profil założony');
});
