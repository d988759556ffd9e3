import { expect } from '@playwright/test';
import {
  EWA,
  a11yTest as test,
  continueToPortal,
  errorSummary,
  expectHeadingFocused,
  expectNoAxeViolations,
  gotoReady,
  latestCode,
  signIn,
} from './support';

// "Nie pamiętasz hasła?": Ewa (codes by SMS) sets a new password with a
// code and signs in with it as usual. (Ewa: the other files keep using
// Jan's and Anna's passwords; code-page.spec.ts runs before this one.)

const NEW_PASSWORD = 'kasztan prom herbata 12';

test('Ewa sets a new password with a code and then signs in with it', async ({ page }) => {
  await gotoReady(page, '/logowanie');
  await page.getByRole('link', { name: 'Nie pamiętasz hasła?' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nie pamiętasz hasła?');
  await expectHeadingFocused(page, 'Nie pamiętasz hasła?');
  await expectNoAxeViolations(page, '/nie-pamietam-hasla');

  await page.getByRole('button', { name: 'Dalej', exact: true }).click();
  await expect(errorSummary(page).getByRole('listitem')).toHaveText(['Wpisz login.', 'Wpisz PESEL.']);
  await expect(page).toHaveTitle('Błąd: Nie pamiętasz hasła? – eZUS');
  await expectNoAxeViolations(page, '/nie-pamietam-hasla, empty');

  await page.getByLabel('Login', { exact: true }).fill(EWA.login);
  await page.getByLabel('PESEL', { exact: true }).fill(EWA.pesel);
  await page.getByRole('button', { name: 'Dalej', exact: true }).click();
  await expect(page).toHaveURL(/\/nie-pamietam-hasla\/kod$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Wpisz kod weryfikacyjny');
  // The page cannot say where the code went: it reads the same for data that match nothing.
  await expect(page.getByRole('main')).toContainText('Jeśli login i PESEL są zgodne z Twoim profilem');
  await expectNoAxeViolations(page, '/nie-pamietam-hasla/kod');

  await page.getByLabel('Kod weryfikacyjny', { exact: true }).fill('000000' === (await latestCode(page, EWA.codeTo)) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Potwierdź', exact: true }).click();
  await expect(errorSummary(page)).toContainText('Nieprawidłowy kod weryfikacyjny. Możesz spróbować jeszcze 4 razy.');
  await expectNoAxeViolations(page, '/nie-pamietam-hasla/kod, wrong code');
  await page.getByLabel('Kod weryfikacyjny', { exact: true }).fill(await latestCode(page, EWA.codeTo));
  await page.getByRole('button', { name: 'Potwierdź', exact: true }).click();

  await expect(page).toHaveURL(/\/nie-pamietam-hasla\/nowe-haslo$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ustaw nowe hasło');
  await expect(page.locator('input[autocomplete="username"]')).toHaveValue(EWA.login);
  await expectNoAxeViolations(page, '/nie-pamietam-hasla/nowe-haslo');
  await page.getByLabel('Nowe hasło', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Powtórz nowe hasło', { exact: true }).fill('inne haslo zupelnie 12');
  await page.getByRole('button', { name: 'Zapisz hasło', exact: true }).click();
  await expect(errorSummary(page)).toContainText('Hasła nie są takie same');
  await expectNoAxeViolations(page, '/nie-pamietam-hasla/nowe-haslo, mismatch');
  await page.getByLabel('Nowe hasło', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Powtórz nowe hasło', { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Zapisz hasło', exact: true }).click();

  await expect(page).toHaveURL(/\/nie-pamietam-hasla\/gotowe$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hasło zostało zmienione');
  await expectNoAxeViolations(page, '/nie-pamietam-hasla/gotowe');
  await page.getByRole('link', { name: 'Zaloguj się' }).click();

  // The old password no longer works; the new one does, with the code.
  await signIn(page, EWA.login, EWA.password);
  await expect(errorSummary(page)).toContainText('Nieprawidłowy login lub hasło.');
  await signIn(page, EWA.login, NEW_PASSWORD);
  await continueToPortal(page, EWA.codeTo);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Witaj, ${EWA.name}`);
});
