import { expect } from '@playwright/test';
import {
  EWA,
  a11yTest as test,
  errorSummary,
  expectNoAxeViolations,
  jsOn,
  latestCode,
  signIn,
} from './support';

// The code page as Ewa (codes by SMS) meets it: where the code went in
// words, help for SMS, the wait before another code shown before she
// presses, and after 5 wrong codes one thing to do: "Wyślij nowy kod".

test('the code page: the wait before a new code, and after 5 wrong codes "Wyślij nowy kod"', async ({ page }) => {
  await signIn(page, EWA.login, EWA.password);
  await expect(page).toHaveURL(/\/kod-weryfikacyjny$/);
  await expect(page).toHaveTitle('Wpisz kod weryfikacyjny – eZUS');
  const main = page.getByRole('main');

  // Said in words, never as bullets; help that fits SMS.
  const spoken = await main.ariaSnapshot();
  expect(spoken, 'no bullet in the accessibility tree').not.toContain('•');
  expect(spoken).toContain('numer telefonu kończący się na 500');
  await expect(main).toContainText('Sprawdź, czy telefon ma zasięg');
  await expect(main).not.toContainText('spam');

  // The wait is shown before pressing; with JavaScript it counts down,
  // and a screen reader hears it in 10-second steps.
  const wait = page.locator('#resend-wait');
  // With JavaScript: what is shown (the spoken form stands beside it).
  const shown = jsOn() ? wait.locator('[aria-hidden="true"]') : wait;
  await expect(shown).toHaveText(/^Nowy kod możesz wysłać za (\d+) sekund(y|ę)?\.$/);
  await expect(page.getByRole('button', { name: 'Wyślij kod ponownie' })).toHaveAccessibleDescription(
    /Nowy kod możesz wysłać za \d+ sekund/,
  );
  if (jsOn()) {
    const first = await shown.textContent();
    await expect(shown).not.toHaveText(first!, { timeout: 3_000 });
    await expect(wait.getByRole('status')).toHaveText(/^Nowy kod możesz wysłać za (30|20) sekund\.$/);
  }
  await expectNoAxeViolations(page, '/kod-weryfikacyjny (SMS)');

  // Five wrong codes.
  const right = await latestCode(page, EWA.codeTo);
  const wrong = right === '000000' ? '111111' : '000000';
  for (const left of ['4 razy', '3 razy', '2 razy', '1 raz']) {
    await page.getByLabel('Kod weryfikacyjny', { exact: true }).fill(wrong);
    await page.getByRole('button', { name: 'Potwierdź', exact: true }).click();
    await expect(errorSummary(page)).toContainText(`Możesz spróbować jeszcze ${left}.`);
    await expect(page).toHaveTitle('Błąd: Wpisz kod weryfikacyjny – eZUS');
  }
  await page.getByLabel('Kod weryfikacyjny', { exact: true }).fill(wrong);
  await page.getByRole('button', { name: 'Potwierdź', exact: true }).click();
  await expect(errorSummary(page)).toContainText('Wpisano nieprawidłowy kod zbyt wiele razy');
  await expect(errorSummary(page)).toBeFocused();
  // Only a new code helps now: no field for the dead one.
  await expect(page.getByLabel('Kod weryfikacyjny', { exact: true })).toHaveCount(0);
  await expectNoAxeViolations(page, '/kod-weryfikacyjny after 5 wrong codes');

  await page.getByRole('button', { name: 'Wyślij nowy kod', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Wysłaliśmy nowy kod' })).toBeVisible();
  await expect(page).toHaveTitle('Wpisz kod weryfikacyjny – eZUS');
  const fresh = await latestCode(page, EWA.codeTo);
  await page.getByLabel('Kod weryfikacyjny', { exact: true }).fill(fresh);
  await page.getByRole('button', { name: 'Potwierdź', exact: true }).click();
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Witaj, ${EWA.name}`);
});
