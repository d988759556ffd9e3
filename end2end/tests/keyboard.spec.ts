import { expect, test, type Page } from '@playwright/test';
import { JAN, MSG_UNCONFIRMED, PIOTR, gotoReady, jsOn, latestCode, waitReady } from './support';

// A keyboard-only sign-in (issue point 9), with a visible focus indicator at
// every stop (issue point 4, WCAG 2.4.7).

/** What has the focus: tag, id, text, and whether it shows a focus indicator. */
async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: 'BODY', id: '', type: '', text: '', indicator: 'none' };
    const style = getComputedStyle(el);
    const outline =
      style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
        ? `outline ${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}`
        : '';
    const shadow = style.boxShadow !== 'none' ? `box-shadow ${style.boxShadow}` : '';
    return {
      tag: el.tagName,
      id: el.id,
      type: el.getAttribute('type') ?? '',
      text: (el.textContent ?? '').trim(),
      indicator: outline || shadow || 'none',
    };
  });
}

async function expectFocusOn(page: Page, expected: { tag: string; id?: string; text?: string }) {
  const now = await focused(page);
  expect(now.tag, JSON.stringify(now)).toBe(expected.tag);
  if (expected.id !== undefined) expect(now.id, JSON.stringify(now)).toBe(expected.id);
  if (expected.text !== undefined) expect(now.text, JSON.stringify(now)).toBe(expected.text);
  return now;
}

type Focused = Awaited<ReturnType<typeof focused>>;

/** Presses Tab until the focus is on what `wanted` accepts (20 presses at most). */
async function tabUntil(page: Page, wanted: (f: Focused) => boolean, what: string) {
  const seen: string[] = [];
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (wanted(now)) return now;
    seen.push(`${now.tag}#${now.id} "${now.text.slice(0, 30)}"`);
  }
  throw new Error(`${what} not reached by Tab; the focus went through: ${seen.join(', ')}`);
}

async function expectVisibleIndicator(page: Page) {
  const now = await focused(page);
  expect(now.indicator, `focus indicator of ${JSON.stringify(now)}`).not.toBe('none');
}

test('the skip link is the first Tab stop and Enter on it moves the focus to the main content', async ({ page }) => {
  await gotoReady(page, '/logowanie');

  // First Tab stop: the skip link, visible when focused.
  await page.keyboard.press('Tab');
  await expectFocusOn(page, { tag: 'A', text: 'Przejdź do treści' });
  await expect(page.getByRole('link', { name: 'Przejdź do treści' })).toBeInViewport();
  await expectVisibleIndicator(page);

  // Enter follows it: the focus is in <main id="tresc">…
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#tresc$/);
  await expect
    .poll(async () => (await focused(page)).tag + '#' + (await focused(page)).id, {
      message: 'the focus after Enter on the skip link',
    })
    .toBe('MAIN#tresc');

  // …so the next Tab reaches the first field of the form, past the header.
  await page.keyboard.press('Tab');
  await expectFocusOn(page, { tag: 'INPUT', id: 'login' });
});

test('keyboard only: from the top of the page through the form to the portal', async ({ page }) => {
  await gotoReady(page, '/logowanie');

  await page.keyboard.press('Tab');
  await expectFocusOn(page, { tag: 'A', text: 'Przejdź do treści' });
  await expectVisibleIndicator(page);

  // The header's link to the home page.
  await page.keyboard.press('Tab');
  await expectFocusOn(page, { tag: 'A', text: 'eZUSeZUS – strona główna' });
  await expectVisibleIndicator(page);

  await page.keyboard.press('Tab');
  await expectFocusOn(page, { tag: 'INPUT', id: 'login' });
  await expectVisibleIndicator(page);
  await page.keyboard.type(JAN.login);

  await page.keyboard.press('Tab');
  await expectFocusOn(page, { tag: 'INPUT', id: 'password' });
  await expectVisibleIndicator(page);
  await page.keyboard.type(JAN.password);

  if (jsOn()) {
    await page.keyboard.press('Tab');
    await expectFocusOn(page, { tag: 'BUTTON', text: 'Pokaż hasło' });
    await expectVisibleIndicator(page);
  }

  await page.keyboard.press('Tab');
  await expectFocusOn(page, { tag: 'BUTTON', text: 'Zaloguj się' });
  await expectVisibleIndicator(page);

  await page.keyboard.press('Enter');

  // The verification code (from the dev inbox), typed and confirmed.
  await expect(page).toHaveURL(/\/kod-weryfikacyjny$/);
  await waitReady(page);
  const code = await latestCode(page, JAN.codeTo);
  await tabUntil(page, (f) => f.tag === 'INPUT' && f.id === 'code', 'the code field');
  await expectVisibleIndicator(page);
  await page.keyboard.type(code);
  await tabUntil(page, (f) => f.tag === 'BUTTON' && f.text === 'Potwierdź', '"Potwierdź"');
  await expectVisibleIndicator(page);
  await page.keyboard.press('Enter');

  // Jan has several accounts and roles: each choice by keyboard too. Tab to
  // the first option, Space picks it, Tab to "Dalej", Enter.
  for (const [path, heading] of [
    ['/wybierz-konto', 'Wybierz konto'],
    ['/wybierz-role', 'Wybierz rolę'],
  ]) {
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    await waitReady(page);
    await tabUntil(page, (f) => f.tag === 'INPUT' && f.type === 'radio', `a choice on ${path}`);
    await expectVisibleIndicator(page);
    await page.keyboard.press('Space');
    await tabUntil(page, (f) => f.tag === 'BUTTON' && f.text === 'Dalej', `"Dalej" on ${path}`);
    await expectVisibleIndicator(page);
    await page.keyboard.press('Enter');
  }
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Witaj, ${JAN.name}`);

  // Signing out by keyboard too.
  await waitReady(page);
  await tabUntil(page, (f) => f.tag === 'BUTTON' && f.text === 'Wyloguj się', '"Wyloguj się"');
  await expectVisibleIndicator(page);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/wylogowano$/);
});

test('keyboard only: Enter in the password field submits the form', async ({ page }) => {
  await gotoReady(page, '/logowanie');
  await page.getByLabel('Login', { exact: true }).focus();
  await page.keyboard.type(PIOTR.login);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PIOTR.password);
  await page.keyboard.press('Enter');
  // The server checked exactly what was typed: the right password of an
  // unconfirmed profile.
  await expect(page.locator('div.error-summary[role="alert"]')).toContainText(MSG_UNCONFIRMED);
});

test('keyboard only: the links and buttons after the sign-in form each show a focus indicator', async ({ page }) => {
  await gotoReady(page, '/logowanie');
  await page.getByRole('button', { name: 'Zaloguj się', exact: true }).focus();
  for (const [tag, text] of [
    ['A', 'Nie pamiętasz hasła?'],
    ['A', 'Nie pamiętasz loginu?'],
    ['BUTTON', 'Zaloguj przez login.gov.pl'],
    ['A', 'Zarejestruj się'],
    ['A', 'Deklaracja dostępności'],
  ]) {
    await page.keyboard.press('Tab');
    await expectFocusOn(page, { tag, text });
    await expectVisibleIndicator(page);
  }
});
