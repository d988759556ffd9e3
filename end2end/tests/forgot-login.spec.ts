import { expect } from '@playwright/test';
import { JAN, a11yTest as test, errorSummary, expectNoAxeViolations, gotoReady, inbox } from './support';

// "Nie pamiętasz loginu?": the login goes to the profile's own contact, and
// the page says the same whether or not the data matched.

const SENT = 'Jeśli podane dane są zgodne z profilem, wysłaliśmy login';

test('Jan gets his login by e-mail; data that match nothing get the same answer', async ({ page }) => {
  await gotoReady(page, '/nie-pamietam-loginu');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nie pamiętasz loginu?');
  await expect(page).toHaveTitle('Nie pamiętasz loginu? – eZUS');
  await expectNoAxeViolations(page, '/nie-pamietam-loginu');

  // Every problem at once.
  await page.getByRole('button', { name: 'Wyślij login', exact: true }).click();
  await expect(errorSummary(page).getByRole('listitem')).toHaveText([
    'Wpisz PESEL.',
    'Wpisz adres e-mail albo numer telefonu komórkowego z Twojego profilu.',
  ]);
  await expect(page).toHaveTitle('Błąd: Nie pamiętasz loginu? – eZUS');
  await expect(page.getByLabel('PESEL', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(page, '/nie-pamietam-loginu, empty');

  await page.getByLabel('PESEL', { exact: true }).fill(JAN.pesel);
  await page.getByLabel('Adres e-mail lub telefon komórkowy', { exact: true }).fill(JAN.codeTo);
  await page.getByRole('button', { name: 'Wyślij login', exact: true }).click();
  await expect(page.getByRole('status')).toContainText(SENT);
  await expect(page).toHaveTitle('Nie pamiętasz loginu? – eZUS');
  await expectNoAxeViolations(page, '/nie-pamietam-loginu, sent');
  const toJan = (await inbox(page)).find((m) => m.recipient === JAN.codeTo);
  expect(toJan?.body).toContain(`Twój login: ${JAN.login}`);

  // An address that is not his: the same words, and nothing sent to it.
  await gotoReady(page, '/nie-pamietam-loginu');
  await page.getByLabel('PESEL', { exact: true }).fill(JAN.pesel);
  await page.getByLabel('Adres e-mail lub telefon komórkowy', { exact: true }).fill('ktos.obcy@example.pl');
  await page.getByRole('button', { name: 'Wyślij login', exact: true }).click();
  await expect(page.getByRole('status')).toContainText(SENT);
  expect((await inbox(page)).filter((m) => m.recipient === 'ktos.obcy@example.pl')).toEqual([]);
});
