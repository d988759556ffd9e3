import { expect, test, type Page } from '@playwright/test';
import { JAN, MSG_UNCONFIRMED, PIOTR, continueToPortal, gotoReady, signIn, signOut } from './support';

// Reflow (WCAG 1.4.10) at 320 CSS px and text resized to 200% (WCAG 1.4.4).

async function expectNoHorizontalScroll(page: Page, label: string) {
  const size = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(size.scrollWidth, `${label}: ${JSON.stringify(size)}`).toBeLessThanOrEqual(size.clientWidth);
}

/** Every element fits within the viewport horizontally (none cut off). */
async function expectAllWithinViewport(page: Page, label: string) {
  const outside = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return Array.from(document.querySelectorAll('main *, header *, footer *'))
      .filter((el) => {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) return false;
        // Visually hidden helpers are 1px boxes clipped on purpose.
        if (getComputedStyle(el).position === 'absolute' && r.width <= 1) return false;
        return r.right > width + 0.5 || r.left < -0.5;
      })
      .map((el) => `${el.tagName.toLowerCase()}.${(el as HTMLElement).className}`);
  });
  expect(outside, `${label}: elements outside the viewport`).toEqual([]);
}

test.describe('at 320 px wide', () => {
  test.use({ viewport: { width: 320, height: 640 } });

  test('the sign-in page and the portal need no horizontal scrolling', async ({ page }) => {
    await gotoReady(page, '/logowanie');
    await expectNoHorizontalScroll(page, '/logowanie');
    await expectAllWithinViewport(page, '/logowanie');

    // With the error summary shown, too.
    await signIn(page, JAN.login, 'Zle-Haslo-2024');
    await expect(page.locator('div.error-summary')).toBeVisible();
    await expectNoHorizontalScroll(page, '/logowanie with an error');
    await expectAllWithinViewport(page, '/logowanie with an error');

    await signIn(page, JAN.login, JAN.password);
    await continueToPortal(page, JAN.codeTo);
    await expectNoHorizontalScroll(page, '/portal');
    await expectAllWithinViewport(page, '/portal');
    // The insurance titles: stacked cells, each with its own label (1.3.1).
    await page.getByRole('link', { name: 'Zmień rolę' }).click();
    await page.getByRole('radio', { name: 'Ubezpieczony' }).check();
    await page.getByRole('button', { name: 'Dalej', exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Twoje ubezpieczenia' })).toBeVisible();
    const row = page.getByRole('row').filter({ hasText: 'Umowa o pracę' });
    for (const label of ['Tytuł ubezpieczenia', 'Kod', 'Płatnik', 'Od']) {
      await expect(row.locator('.table__label', { hasText: new RegExp(`^${label}$`) }), `the stacked cell says "${label}"`).toBeVisible();
    }
    await expect(page.getByRole('columnheader', { name: 'Kod' }), 'the table keeps its headers for screen readers').toHaveCount(1);
    await expectNoHorizontalScroll(page, '/portal as Ubezpieczony');
    await signOut(page);
    await expectNoHorizontalScroll(page, '/wylogowano');
  });
});

test.describe('at 200% text size', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('the sign-in form still fits and works', async ({ page }) => {
    await gotoReady(page, '/logowanie');
    const before = await page.getByLabel('Login', { exact: true }).evaluate((el) => getComputedStyle(el).fontSize);
    // Like the browser's text-size setting: the root font size doubles.
    await page.evaluate(() => {
      document.documentElement.style.fontSize = '200%';
    });
    const after = await page.getByLabel('Login', { exact: true }).evaluate((el) => getComputedStyle(el).fontSize);
    expect(parseFloat(after), `font size ${before} → ${after}: text must scale with the user's setting`).toBeGreaterThanOrEqual(
      2 * parseFloat(before) - 0.5,
    );

    await expectNoHorizontalScroll(page, '/logowanie at 200%');
    await expectAllWithinViewport(page, '/logowanie at 200%');
    for (const name of ['Login', 'Hasło']) {
      await expect(page.getByLabel(name, { exact: true })).toBeVisible();
    }
    await expect(page.getByRole('button', { name: 'Zaloguj się', exact: true })).toBeVisible();

    // Usable: fill it in and submit it (the text size stays while the page
    // is updated in place; without JavaScript the answer is a new page).
    await page.getByLabel('Login', { exact: true }).fill(PIOTR.login);
    await page.getByLabel('Hasło', { exact: true }).fill(PIOTR.password);
    await page.getByRole('button', { name: 'Zaloguj się', exact: true }).click();
    await expect(page.locator('div.error-summary')).toContainText(MSG_UNCONFIRMED);
    await page.evaluate(() => {
      document.documentElement.style.fontSize = '200%';
    });
    await expectNoHorizontalScroll(page, '/logowanie at 200% with the explanation');
    await expectAllWithinViewport(page, '/logowanie at 200% with the explanation');
  });
});
