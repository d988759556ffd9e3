import { expect, test } from '@playwright/test';
import { gotoReady } from './support';

// The site shell every page shares (issue point 4).

const PAGES: Array<{ path: string; title: string; h1: string }> = [
  { path: '/logowanie', title: 'Zaloguj się – eZUS', h1: 'Zaloguj się do eZUS' },
  { path: '/rejestracja', title: 'Zarejestruj się – eZUS', h1: 'Zarejestruj się' },
  { path: '/nie-pamietam-hasla', title: 'Nie pamiętasz hasła? – eZUS', h1: 'Nie pamiętasz hasła?' },
  { path: '/nie-pamietam-loginu', title: 'Nie pamiętasz loginu? – eZUS', h1: 'Nie pamiętasz loginu?' },
  { path: '/deklaracja-dostepnosci', title: 'Deklaracja dostępności – eZUS', h1: 'Deklaracja dostępności eZUS' },
  { path: '/wylogowano', title: 'Wylogowano – eZUS', h1: 'Wylogowano' },
  { path: '/nie-ma-takiej-strony', title: 'Nie znaleziono strony – eZUS', h1: 'Nie znaleziono strony' },
];

for (const p of PAGES) {
  test(`shell of ${p.path}: lang, title, skip link, main, footer link`, async ({ page }) => {
    await gotoReady(page, p.path);
    await expect(page.locator('html')).toHaveAttribute('lang', 'pl');
    await expect(page).toHaveTitle(p.title);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(p.h1);
    await expect(page.locator('h1')).toHaveCount(1);

    const skip = page.getByRole('link', { name: 'Przejdź do treści' });
    await expect(skip).toHaveAttribute('href', '#tresc');
    await expect(page.locator('main#tresc')).toHaveCount(1);
    await expect(page.locator('main')).toHaveCount(1);

    const footerLink = page.getByRole('contentinfo').getByRole('link', { name: 'Deklaracja dostępności' });
    await expect(footerLink).toHaveAttribute('href', '/deklaracja-dostepnosci');
  });
}

test('the footer link leads to the accessibility statement', async ({ page }) => {
  await gotoReady(page, '/logowanie');
  await page.getByRole('contentinfo').getByRole('link', { name: 'Deklaracja dostępności' }).click();
  await expect(page).toHaveURL(/\/deklaracja-dostepnosci$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Deklaracja dostępności eZUS');
  await expect(page).toHaveTitle('Deklaracja dostępności – eZUS');
  // The statutory template: the compliance status with what is not yet
  // accessible, and a named person to contact.
  await expect(page.locator('#compliance')).toContainText('Ta strona internetowa jest częściowo zgodna');
  await expect(page.getByRole('heading', { level: 3, name: 'Treści niedostępne' })).toBeVisible();
  await expect(page.locator('#contact')).toContainText('Katarzyna Lewandowska, koordynatorka do spraw dostępności');
  await expect(page.locator('#contact').getByRole('link', { name: 'dostepnosc@zus.pl' })).toHaveAttribute('href', 'mailto:dostepnosc@zus.pl');
});

test('the title follows the page when moving between pages', async ({ page }) => {
  await gotoReady(page, '/logowanie');
  await expect(page).toHaveTitle('Zaloguj się – eZUS');
  await page.getByRole('link', { name: 'Zarejestruj się' }).click();
  await expect(page).toHaveURL(/\/rejestracja$/);
  await expect(page).toHaveTitle('Zarejestruj się – eZUS');
  await page.getByRole('link', { name: 'Wróć do logowania' }).click();
  await expect(page).toHaveURL(/\/logowanie$/);
  await expect(page).toHaveTitle('Zaloguj się – eZUS');
  await page.getByRole('link', { name: 'Nie pamiętasz hasła?' }).click();
  await expect(page).toHaveTitle('Nie pamiętasz hasła? – eZUS');
  await page.goBack();
  await page.getByRole('link', { name: 'Nie pamiętasz loginu?' }).click();
  await expect(page).toHaveTitle('Nie pamiętasz loginu? – eZUS');
});

test('an unknown address answers 404 with an accessible page', async ({ page, request }) => {
  const response = await page.goto('/to-nie-istnieje/wcale');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nie znaleziono strony');
  await expect(page.getByRole('link', { name: 'Przejdź do strony głównej eZUS' })).toBeVisible();
  // The same for a plain HTTP client.
  const plain = await request.get('/portalx');
  expect(plain.status()).toBe(404);
});

test('the root address leads a signed-out person to the sign-in page', async ({ page }) => {
  await gotoReady(page, '/');
  await expect(page).toHaveURL(/\/logowanie$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Zaloguj się do eZUS');
});

test('pages a signed-out person may not see lead to the sign-in page', async ({ page }) => {
  for (const path of ['/portal', '/zmiana-hasla']) {
    await gotoReady(page, path);
    await expect(page, path).toHaveURL(/\/logowanie$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Zaloguj się do eZUS');
  }
});

test('the page names its stylesheet, script and WASM by a hash of their content, and they may be kept a year', async ({ page, request }) => {
  // Every response the first visit loads, whatever the project (without
  // JavaScript only the stylesheet is fetched; the links name all three).
  const assets = new Map<string, string | undefined>();
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.startsWith('/pkg/')) assets.set(new URL(r.url()).pathname, r.headers()['cache-control']);
  });
  await gotoReady(page, '/logowanie');
  const hrefs = await page.locator('head link[href^="/pkg/"]').evaluateAll((links) => links.map((l) => l.getAttribute('href')!));
  const hashed = /^\/pkg\/ezus\.[A-Za-z0-9_-]{22}\.(css|js|wasm)$/;
  for (const kind of ['css', 'js', 'wasm']) {
    expect(hrefs.filter((h) => hashed.test(h) && h.endsWith(`.${kind}`)), `one hashed .${kind} in ${hrefs}`).toHaveLength(1);
  }
  for (const href of hrefs) {
    const response = await request.get(href);
    expect(response.status(), href).toBe(200);
    expect(response.headers()['cache-control'], href).toBe('public, max-age=31536000, immutable');
  }
  expect(assets.size).toBeGreaterThan(0);
  for (const [path, cacheControl] of assets) expect(cacheControl, path).toBe('public, max-age=31536000, immutable');
  // The old, unhashed names are gone: nothing can be cached under them.
  expect((await request.get('/pkg/ezus.wasm')).status()).toBe(404);
});
