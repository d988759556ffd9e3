import { expect } from '@playwright/test';
import {
  JAN,
  MSG_INVALID,
  MSG_UNCONFIRMED,
  PIOTR,
  a11yTest as test,
  errorSummary,
  expectNoAxeViolations,
  expectNotHydrated,
  gotoReady,
  latestCode,
  continueToPortal,
  signIn,
  signOut,
} from './support';

// axe (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA) finds nothing on every page and
// in every state. The forced password change is checked in
// password-change.spec.ts (it needs anowak before her password changes).
// In the "no-js" project the pages are checked as the server sends them
// (see a11yTest in support.ts).

const OPEN_PAGES = [
  '/logowanie',
  '/wylogowano',
  '/rejestracja',
  '/nie-pamietam-hasla',
  '/nie-pamietam-loginu',
  '/login-gov-pl',
  '/login-gov-pl/blad?powod=zaufanie',
  '/login-gov-pl/blad?powod=niedostepny',
  '/deklaracja-dostepnosci',
  '/nie-ma-takiej-strony',
  '/dev/skrzynka',
];

for (const path of OPEN_PAGES) {
  test(`axe: ${path}`, async ({ page }) => {
    await gotoReady(page, path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expectNoAxeViolations(page, path);
    await expectNotHydrated(page);
  });
}

test('axe: sign-in with the wrong-password error', async ({ page }) => {
  await signIn(page, JAN.login, 'Zle-Haslo-2024');
  await expect(errorSummary(page).getByRole('listitem')).toHaveText([MSG_INVALID]);
  await expectNoAxeViolations(page, '/logowanie, wrong password');
});

test('axe: sign-in with the empty-field errors', async ({ page }) => {
  await signIn(page, '', '');
  await expect(errorSummary(page).getByRole('listitem')).toHaveText(['Wpisz login.', 'Wpisz hasło.']);
  await expectNoAxeViolations(page, '/logowanie, empty fields');
});

test('axe: sign-in with the unconfirmed-profile explanation', async ({ page }) => {
  await signIn(page, PIOTR.login, PIOTR.password);
  await expect(errorSummary(page).getByRole('listitem')).toHaveText([MSG_UNCONFIRMED]);
  await expect(page.getByRole('region', { name: 'Profil niepotwierdzony' })).toBeVisible();
  await expectNoAxeViolations(page, '/logowanie, unconfirmed profile');
});

test('axe: the verification code, the account and role choices, and the portal', async ({ page }) => {
  await signIn(page, JAN.login, JAN.password);
  // The verification code, then Jan's several accounts and, in his own,
  // several roles: each page is checked, clean and with an error, on the way.
  await expect(page).toHaveURL(/\/kod-weryfikacyjny$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Wpisz kod weryfikacyjny');
  await expectNoAxeViolations(page, '/kod-weryfikacyjny');
  // Where the code went is said in words, never as a string of bullets.
  const spoken = await page.getByRole('main').ariaSnapshot();
  expect(spoken, 'no bullet in the accessibility tree').not.toContain('•');
  expect(spoken).toContain('adres e-mail zaczynający się na j, w domenie example.pl');
  await expect(page.getByText('j•••@example.pl')).toBeVisible();
  await page.getByRole('button', { name: 'Potwierdź', exact: true }).click();
  await expect(errorSummary(page)).toBeVisible();
  await expect(page).toHaveTitle('Błąd: Wpisz kod weryfikacyjny – eZUS');
  await expectNoAxeViolations(page, '/kod-weryfikacyjny, no code typed');
  await page.getByLabel('Kod weryfikacyjny', { exact: true }).fill(await latestCode(page, JAN.codeTo));
  await page.getByRole('button', { name: 'Potwierdź', exact: true }).click();
  await expect(page).toHaveURL(/\/wybierz-konto$/);
  await expect(page).toHaveTitle('Wybierz konto – eZUS');
  await expectNoAxeViolations(page, '/wybierz-konto');
  await page.getByRole('button', { name: 'Dalej', exact: true }).click();
  await expect(errorSummary(page).getByRole('listitem')).toHaveText(['Wybierz konto.']);
  await expect(page).toHaveTitle('Błąd: Wybierz konto – eZUS');
  await expectNoAxeViolations(page, '/wybierz-konto, nothing chosen');
  await page.getByRole('radio', { name: /^Konto indywidualne – / }).check();
  await page.getByRole('button', { name: 'Dalej', exact: true }).click();
  await expect(page).toHaveURL(/\/wybierz-role$/);
  await expectNoAxeViolations(page, '/wybierz-role');
  await page.getByRole('button', { name: 'Dalej', exact: true }).click();
  await expect(errorSummary(page)).toBeVisible();
  await expect(page).toHaveTitle('Błąd: Wybierz rolę – eZUS');
  // "Ogólna" is explained where it is offered.
  await expect(page.getByRole('radio', { name: 'Ogólna', exact: true })).toHaveAccessibleDescription(
    /^Sprawy, które nie wymagają roli ubezpieczonego ani świadczeniobiorcy/,
  );
  await expectNoAxeViolations(page, '/wybierz-role, nothing chosen');
  await continueToPortal(page, JAN.codeTo);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Witaj, ${JAN.name}`);
  await expectNoAxeViolations(page, '/portal');
  await signOut(page);
  await expectNoAxeViolations(page, '/wylogowano, after signing out');
});

test('the axe check itself fails on a page with a violation', async ({ page }) => {
  await gotoReady(page, '/logowanie');
  // An unlabelled field and an image without a text alternative.
  await page.evaluate(() => {
    const main = document.querySelector('main')!;
    main.insertAdjacentHTML('beforeend', '<input id="bez-etykiety" type="text"><img src="/favicon.svg">');
  });
  let failure = '';
  await expectNoAxeViolations(page).catch((e: Error) => (failure = e.message));
  expect(failure).toContain('label');
  expect(failure).toContain('image-alt');
});
