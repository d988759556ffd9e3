import { expect } from '@playwright/test';
import { JAN, a11yTest as test, expectNoAxeViolations } from './support';

// A page on another origin cannot post the portal's forms (CSRF, and login
// CSRF: signing the victim in to the attacker's profile). The "other site"
// is a page Playwright serves as http://evil.example; Chromium itself
// writes its Origin on the post, as for any page elsewhere.
test('a form posted from another site is refused with an explanation, and signs nobody in', async ({ page }, testInfo) => {
  const portal = new URL(testInfo.project.use.baseURL!);
  const action = new URL('/api/zaloguj', portal).toString();
  await page.route('http://evil.example/**', (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body:
        `<!DOCTYPE html><html lang="en"><title>Win a prize</title><form method="post" action="${action}">` +
        `<input name="login" value="${JAN.login}"><input name="password" value="${JAN.password}">` +
        `<button>Claim</button></form></html>`,
    }),
  );
  await page.goto('http://evil.example/prize');
  await page.getByRole('button', { name: 'Claim' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nie przyjęliśmy formularza');
  await expect(page.locator('html')).toHaveAttribute('lang', 'pl');
  await expect(page.getByRole('main')).toContainText('nie został wysłany ze strony eZUS');
  await expectNoAxeViolations(page, 'the cross-site refusal page');
  // No session was opened: the portal still asks for a sign-in.
  const cookies = await page.context().cookies(portal.toString());
  expect(cookies.filter((c) => /ezus_session$/.test(c.name))).toEqual([]);
});
