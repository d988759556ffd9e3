import { expect, type Page } from '@playwright/test';
import {
  ANNA,
  a11yTest as test,
  continueToPortal,
  errorSummary,
  expectNoAxeViolations,
  expectNotHydrated,
  gotoReady,
  latestCode,
  signIn,
  waitReady,
} from './support';

// "Dane profilu": anowak changes her mobile number; the new number is proven
// by a code sent to it. (anowak, not jkowalski: Jan's sign-ins in the other
// files already use up his 5 codes an hour.)

const NEW_PASSWORD = 'rower deszcz latarnia 7';
const NEW_PHONE = '+48700800900';

/** Signs Anna in to the portal, whether or not password-change.spec ran before. */
async function annaInPortal(page: Page) {
  await signIn(page, ANNA.login, NEW_PASSWORD);
  // Wait for the outcome itself: with JavaScript the address is still
  // /logowanie right after the click.
  const refused = errorSummary(page);
  const codePage = page.getByRole('heading', { level: 1, name: 'Wpisz kod weryfikacyjny' });
  await expect(refused.or(codePage)).toBeVisible();
  if (await refused.isVisible()) {
    // Her legacy password: the code first, then the forced change.
    await signIn(page, ANNA.login, ANNA.password);
    await expect(page).toHaveURL(/\/kod-weryfikacyjny$/);
    await waitReady(page);
    await page.getByLabel('Kod weryfikacyjny', { exact: true }).fill(await latestCode(page, ANNA.codeTo));
    await page.getByRole('button', { name: 'Potwierdź', exact: true }).click();
    await expect(page).toHaveURL(/\/zmiana-hasla$/);
    await waitReady(page);
    await page.getByLabel('Nowe hasło', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Powtórz nowe hasło', { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Zmień hasło', exact: true }).click();
  }
  await continueToPortal(page, ANNA.codeTo);
}

// Runs before the phone change below: her code still goes to her old number.
test('two minutes before the idle timeout a dialog warns and lets her stay signed in @js', async ({ page }) => {
  await annaInPortal(page);
  // The page's timers run on a fake clock from here on.
  await page.clock.install();
  // The clock is armed when the page's keep-alive call is answered: wait
  // for it, or a slow answer would arm it after the fast-forward below.
  const armed = page.waitForResponse((r) => r.url().includes('/api/przedluz-sesje') && r.ok());
  await gotoReady(page, '/portal');
  await armed;
  const dialog = page.getByRole('alertdialog', { name: 'Czy chcesz kontynuować?' });
  const stay = page.getByRole('button', { name: 'Przedłuż sesję', exact: true });
  await page.clock.fastForward('12:30');
  await expect(dialog).toHaveCount(0);
  // Where she was when the warning came: the "Dane profilu" link.
  const profileLink = page.getByRole('link', { name: 'Dane profilu' });
  await profileLink.focus();
  await page.clock.fastForward('00:40');
  await expect(dialog).toBeVisible();
  await expect(stay).toBeFocused();
  await expectNoAxeViolations(page, '/portal with the idle warning');
  // A real modal: Tab stays inside it.
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('dialog')), `Tab ${i + 1} stays in the dialog`).toBe(true);
  }
  await page.keyboard.press('Shift+Tab');
  expect(await page.evaluate(() => !!document.activeElement?.closest('dialog'))).toBe(true);
  // Escape means "stay signed in", and the focus goes back where she was.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(profileLink).toBeFocused();

  // At 320 × 256 CSS px (400 % zoom) the dialog scrolls within itself: its
  // top and both buttons can be reached.
  await page.setViewportSize({ width: 320, height: 256 });
  await page.clock.fastForward('13:10');
  await expect(dialog).toBeVisible();
  const box = (await dialog.boundingBox())!;
  expect(box.y, 'the top of the dialog is on screen').toBeGreaterThanOrEqual(0);
  expect(box.y + box.height, 'the dialog ends within the viewport').toBeLessThanOrEqual(256);
  expect(box.x + box.width).toBeLessThanOrEqual(320);
  const title = page.getByRole('heading', { level: 2, name: 'Czy chcesz kontynuować?' });
  await title.scrollIntoViewIfNeeded();
  await expect(title).toBeInViewport();
  const leave = dialog.getByRole('button', { name: 'Wyloguj się', exact: true });
  await leave.scrollIntoViewIfNeeded();
  await expect(leave).toBeInViewport();
  await page.setViewportSize({ width: 1280, height: 720 });
  await stay.click();
  await expect(dialog).toHaveCount(0);
  // Still signed in, on the server too.
  await gotoReady(page, '/portal');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Witaj, ${ANNA.name}`);
});

test('Anna changes her phone number: a code to the new number confirms it', async ({ page }) => {
  await annaInPortal(page);
  await page.getByRole('link', { name: 'Dane profilu' }).click();
  await expect(page).toHaveURL(/\/profil$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dane profilu');
  await expect(
    page.getByRole('heading', { name: 'Dane kontaktowe i kanał odzyskiwania dostępu do Twojego profilu' }),
  ).toBeVisible();
  await expectNotHydrated(page);
  await expectNoAxeViolations(page, '/profil');

  // Her number as people write it.
  await expect(page.locator('dd', { hasText: '+48 601 200 300' })).toBeVisible();

  // Every problem at once, each at its field; what she typed stays.
  await page.getByLabel('Adres e-mail', { exact: true }).fill('anna@');
  await page.getByLabel('Telefon komórkowy', { exact: true }).fill('600 100');
  await page.getByRole('button', { name: 'Zapisz zmiany', exact: true }).click();
  await expect(errorSummary(page).getByRole('listitem')).toHaveText([
    'Wpisz adres e-mail w formacie nazwa@domena.pl.',
    /^Wpisz numer telefonu komórkowego/,
    'Wpisz obecne hasło.',
  ]);
  await expect(page).toHaveTitle('Błąd: Dane profilu – eZUS');
  for (const id of ['email', 'phone', 'current_password']) {
    await expect(page.locator(`#${id}`), id).toHaveAttribute('aria-invalid', 'true');
  }
  await expect(page.locator('#email')).toHaveValue('anna@');
  await expectNoAxeViolations(page, '/profil with three errors');
  await page.getByLabel('Adres e-mail', { exact: true }).fill('anna.nowak@example.pl');

  // A number that is no phone number: named at its field, nothing typed lost.
  await page.getByLabel('Telefon komórkowy', { exact: true }).fill('600 100');
  await page.getByLabel('Obecne hasło', { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Zapisz zmiany', exact: true }).click();
  const summary = errorSummary(page);
  await expect(summary).toContainText('Wpisz numer telefonu komórkowego');
  await expect(page.locator('#phone')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#phone')).toHaveValue('600 100');
  await expect(page.getByLabel('Obecne hasło', { exact: true })).toHaveValue('');
  expect(decodeURIComponent(page.url())).not.toContain('latarnia');
  await expectNoAxeViolations(page, '/profil with an invalid phone');

  // A valid new number and the password: a code goes to that number.
  await page.getByLabel('Telefon komórkowy', { exact: true }).fill('700 800 900');
  await page.getByLabel('Obecne hasło', { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Zapisz zmiany', exact: true }).click();
  await expect(page).toHaveURL(/\/profil\/potwierdz$/);
  await expect(page.getByText('nowy numer ••• ••• 900')).toBeVisible();
  const spoken = await page.getByRole('main').ariaSnapshot();
  expect(spoken, 'no bullet in the accessibility tree').not.toContain('•');
  expect(spoken).toContain('nowy numer telefonu kończący się na 900');
  await expectNoAxeViolations(page, '/profil/potwierdz');
  // "Kod nie dotarł?": a new code without the profile's form again — not
  // within 30 seconds of the last one, which the page says before she presses.
  await expect(page.locator('#resend-wait')).toHaveText(/^Nowy kod możesz wysłać za \d+ sekund/);
  await page.getByRole('button', { name: 'Wyślij kod ponownie', exact: true }).click();
  await expect(errorSummary(page)).toContainText(/Nowy kod możesz wysłać za \d+ sekund/);
  await expect(page).toHaveURL(/\/profil\/potwierdz(\?.*)?$/);
  await expect(page).toHaveTitle('Błąd: Potwierdź nowe dane kontaktowe – eZUS');
  await expectNoAxeViolations(page, '/profil/potwierdz, too soon for a new code');
  await page.getByLabel('Kod weryfikacyjny', { exact: true }).fill(await latestCode(page, NEW_PHONE));
  await page.getByRole('button', { name: 'Potwierdź', exact: true }).click();

  await expect(page).toHaveURL(/\/profil\?zmieniono=1$/);
  await expect(page.getByRole('status')).toContainText('Zapisaliśmy nowe dane kontaktowe');
  await expect(page.locator('dd', { hasText: '+48 700 800 900' })).toBeVisible();
  await expectNoAxeViolations(page, '/profil after the change');
});
