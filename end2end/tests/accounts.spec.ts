import { expect, type Page } from '@playwright/test';
import {
  JAN,
  a11yTest as test,
  errorSummary,
  expectHeadingFocused,
  expectNoAxeViolations,
  gotoReady,
  jsOn,
  latestCode,
  signIn,
  waitReady,
} from './support';

// Jan's whole journey: no step can be skipped by typing its address; then
// every account and role he has, switched without signing in again.
// (One sign-in, so one of Jan's 5 codes an hour.)

async function choose(page: Page, radio: RegExp | string) {
  await waitReady(page);
  await page.getByRole('radio', { name: radio }).check();
  await page.getByRole('button', { name: 'Dalej', exact: true }).click();
}

async function switchAccount(page: Page, radio: RegExp | string) {
  await page.getByRole('link', { name: 'Zmień konto' }).click();
  await expect(page).toHaveURL(/\/wybierz-konto$/);
  // A switch can be called off, and signing out is at hand.
  await expect(page.getByRole('link', { name: 'Anuluj', exact: true })).toHaveAttribute('href', '/portal');
  await expect(page.getByRole('button', { name: 'Wyloguj się', exact: true })).toBeVisible();
  await choose(page, radio);
}

test('Jan cannot skip a step, then works in each of his accounts and roles', async ({ page }) => {
  await signIn(page, JAN.login, JAN.password);
  await expect(page).toHaveURL(/\/kod-weryfikacyjny$/);
  await expectHeadingFocused(page, 'Wpisz kod weryfikacyjny');
  // Typed addresses lead back to the step he is at.
  for (const path of ['/portal', '/wybierz-konto', '/wybierz-role', '/logowanie', '/']) {
    await gotoReady(page, path);
    await expect(page, `typing ${path}`).toHaveURL(/\/kod-weryfikacyjny$/);
  }
  await page.getByLabel('Kod weryfikacyjny', { exact: true }).fill(await latestCode(page, JAN.codeTo));
  await page.getByRole('button', { name: 'Potwierdź', exact: true }).click();

  // Three accounts on offer; the revoked proxy is not among them.
  await expect(page).toHaveURL(/\/wybierz-konto$/);
  await expectHeadingFocused(page, 'Wybierz konto');
  await gotoReady(page, '/portal');
  await expect(page, 'no portal before an account is chosen').toHaveURL(/\/wybierz-konto$/);
  await expect(page.getByRole('link', { name: 'Anuluj', exact: true }), 'nothing to call off at the first choice').toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Wyloguj się', exact: true })).toBeVisible();
  const accounts = page.getByRole('group', { name: 'Wybierz konto' }).getByRole('radio');
  await expect(accounts).toHaveCount(3);
  await expect(page.getByText('Transport Zieliński')).toHaveCount(0);

  // The individual account: his roles, each with its own start page.
  await choose(page, /^Konto indywidualne – /);
  await expect(page).toHaveURL(/\/wybierz-role$/);
  await expectHeadingFocused(page, 'Wybierz rolę');
  await expect(page.getByRole('group', { name: 'Wybierz rolę' }).getByRole('radio')).toHaveCount(3);
  await page.getByRole('button', { name: 'Dalej', exact: true }).click();
  await expect(errorSummary(page)).toContainText('Wybierz rolę.');
  await expectNoAxeViolations(page, '/wybierz-role, nothing chosen');
  if (jsOn()) {
    // The summary's link puts the focus in the field itself, not just near it.
    await errorSummary(page).getByRole('link', { name: 'Wybierz rolę.' }).click();
    await expect(page.getByRole('group', { name: 'Wybierz rolę' }).getByRole('radio').first()).toBeFocused();
  }
  await choose(page, 'Ubezpieczony');
  await expect(page).toHaveURL(/\/portal$/);
  await expectHeadingFocused(page, `Witaj, ${JAN.name}`);
  await expect(page.getByRole('heading', { level: 2, name: 'Twoje ubezpieczenia' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Umowa o pracę' })).toBeVisible();
  await expectNoAxeViolations(page, '/portal as Ubezpieczony');

  await page.getByRole('link', { name: 'Zmień rolę' }).click();
  await expect(page).toHaveURL(/\/wybierz-role$/);
  await expectHeadingFocused(page, 'Wybierz rolę');
  // "Anuluj" goes back to the portal in the role he had.
  await page.getByRole('link', { name: 'Anuluj', exact: true }).click();
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByRole('heading', { level: 2, name: 'Twoje ubezpieczenia' })).toBeVisible();
  await page.getByRole('link', { name: 'Zmień rolę' }).click();
  await expect(page).toHaveURL(/\/wybierz-role$/);
  await choose(page, 'Świadczeniobiorca');
  await expect(page.getByRole('heading', { level: 2, name: 'Twoje świadczenia' })).toBeVisible();
  await expect(page.getByText('ENM/08/124301')).toBeVisible();
  await expectNoAxeViolations(page, '/portal as Świadczeniobiorca');

  // His firm's payer account: no roles there.
  await switchAccount(page, /^Konto płatnika – Kowalski Usługi Remontowe/);
  await expect(page).toHaveURL(/\/portal$/);
  await expectHeadingFocused(page, `Witaj, ${JAN.name}`);
  await expect(page.getByRole('heading', { level: 2, name: 'Twoja firma' })).toBeVisible();
  await expect(page.getByText('777-123-45-67')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Zmień rolę' })).toHaveCount(0);
  await expectNoAxeViolations(page, '/portal as payer');

  // The bakery, as its proxy.
  // The proxy's end date, in words inside <time datetime>, is part of its option's description.
  await page.getByRole('link', { name: 'Zmień konto' }).click();
  await expect(page).toHaveURL(/\/wybierz-konto$/);
  const proxyOption = page.getByRole('radio', { name: /^Konto pełnomocnika – Piekarnia/ });
  await expect(proxyOption).toHaveAccessibleDescription(/Ważne do \d{1,2} [a-ząćęłńóśźż]+ \d{4}\.$/);
  await expect(page.locator('.choice__hint time[datetime]').first()).toHaveAttribute('datetime', /^\d{4}-\d{2}-\d{2}$/);
  await choose(page, /^Konto pełnomocnika – Piekarnia Wiśniewscy sp\. z o\.o\./);
  await expect(page.getByRole('heading', { level: 2, name: 'Działasz jako pełnomocnik' })).toBeVisible();
  await expect(page.getByText('Maria Wiśniewska, prezes zarządu')).toBeVisible();
  // "udzieliła": the verb agrees with the grantor; the date sits in <time datetime>.
  await expect(page.locator('dt', { hasText: 'Pełnomocnictwa udzieliła' })).toBeVisible();
  await expect(page.locator('time[datetime]').first()).toHaveText(/^\d{1,2} (stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|listopada|grudnia) \d{4}$/);
  await expectNoAxeViolations(page, '/portal as proxy');
});
