import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

/**
 * The demo people loaded by the server in dev mode; `codeTo` is where their
 * verification codes go (their recovery channel).
 *
 * A person gets at most 5 verification codes an hour (the server's rule), and
 * every accepted password asks for one: within one project (one database) at
 * most 5 tests may take Jan through the whole sign-in (`signInToPortal`,
 * `continueToPortal`). Tests that only need the form to be submitted use
 * Piotr (his right password is refused for his unconfirmed profile, with no
 * code) or stop on /kod-weryfikacyjny.
 */
export const JAN = {
  login: 'jkowalski',
  pesel: '75031412355',
  password: 'Kowalski-Haslo-2024',
  name: 'Jan Kowalski',
  codeTo: 'jan.kowalski@example.pl',
};
export const ANNA = { login: 'anowak', password: 'Haslo123', name: 'Anna Nowak', codeTo: '+48601200300' };
export const PIOTR = { login: 'pzielinski', password: 'Zielinski-Haslo-2024' };
/** Codes by SMS; kept for the code page's own tests (code-page.spec.ts). */
export const EWA = {
  login: 'ewojcik',
  password: 'Wojcik-Haslo-2024',
  pesel: '82041708464',
  name: 'Ewa Wójcik',
  codeTo: '+48603400500',
};

export const MSG_INVALID = 'Nieprawidłowy login lub hasło.';
export const MSG_UNCONFIRMED =
  'Twój profil w eZUS nie jest jeszcze potwierdzony, dlatego nie możesz się zalogować.';
export const MSG_TOO_SHORT = 'Hasło musi mieć co najmniej 12 znaków.';
export const MSG_COMMON =
  'To hasło jest zbyt popularne i łatwe do odgadnięcia. Wybierz inne – na przykład kilka niepowiązanych słów.';
export const MSG_MISMATCH = 'Hasła nie są takie same. Wpisz nowe hasło dwa razy tak samo.';

export const SESSION_COOKIE = /^(__Host-)?ezus_session$/;

/** Whether the running test's project has JavaScript on. */
export function jsOn(testInfo: TestInfo = test.info()): boolean {
  return testInfo.project.use.javaScriptEnabled !== false;
}

/**
 * Waits until the page can be used: with JavaScript, until the WASM has
 * hydrated it (`<body data-hydrated="true">`); without, the HTML is all.
 */
export async function waitReady(page: Page): Promise<void> {
  if (jsOn()) {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 15_000 });
  }
}

/** Goes to `path` and waits until the page is ready to be used. */
export async function gotoReady(page: Page, path: string) {
  const response = await page.goto(path);
  await waitReady(page);
  return response;
}

/** Runs axe (WCAG 2.0/2.1 A+AA, 2.2 AA) and fails listing every violation. */
export async function expectNoAxeViolations(page: Page, label = page.url()): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const report = results.violations.map(
    (v) =>
      `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
      v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`).join('\n'),
  );
  expect(report, `axe violations on ${label}`).toEqual([]);
}

/**
 * The portal's origin, which every POST must name (the server refuses
 * cross-site requests); the browser adds it to its own form posts, but
 * Playwright's request API does not.
 */
export function siteOrigin(page: Page): string {
  return new URL(test.info().project.use.baseURL ?? page.url()).origin;
}

/** Fills the sign-in form on /logowanie and submits it with the button. */
export async function signIn(page: Page, login: string, password: string): Promise<void> {
  await gotoReady(page, '/logowanie');
  await page.getByLabel('Login', { exact: true }).fill(login);
  await page.getByLabel('Hasło', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Zaloguj się', exact: true }).click();
}

/** Every message in the dev inbox (dev mode only), newest first. */
export async function inbox(page: Page): Promise<Array<{ body: string; recipient: string }>> {
  const response = await page.request.post('/api/dev-skrzynka', {
    headers: { Accept: 'application/json', Origin: siteOrigin(page) },
    form: {},
  });
  expect(response.status(), 'the dev inbox answers').toBe(200);
  return (await response.json()) as Array<{ body: string; recipient: string }>;
}

/**
 * The verification code most recently "sent", read from the dev inbox
 * (dev mode only; the newest message comes first).
 */
export async function latestCode(page: Page, recipient?: string): Promise<string> {
  const messages = await inbox(page);
  const code = messages
    .filter((m) => recipient === undefined || m.recipient === recipient)
    .map((m) => m.body.match(/\b(\d{6})\b/)?.[1])
    .find(Boolean);
  expect(code, `a 6-digit code for ${recipient ?? 'anyone'} in the dev inbox (${messages.length} messages)`).toBeTruthy();
  return code!;
}

const FLOW_PAGE = /\/(portal|kod-weryfikacyjny|wybierz-konto|wybierz-role)(\?.*)?$/;

/**
 * After the password was accepted, goes through the steps that come before
 * the portal, as a person would: the verification code (read from the dev
 * inbox), "Wybierz konto" (the individual account) and "Wybierz rolę"
 * ("Ogólna"), each when it is asked. Ends on /portal.
 */
export async function continueToPortal(page: Page, codeTo?: string): Promise<void> {
  for (let step = 0; step < 5; step++) {
    await page.waitForURL(FLOW_PAGE);
    await waitReady(page);
    const path = new URL(page.url()).pathname;
    if (path === '/portal') break;
    if (path === '/kod-weryfikacyjny') {
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Wpisz kod weryfikacyjny');
      await page.getByLabel('Kod weryfikacyjny', { exact: true }).fill(await latestCode(page, codeTo));
      await page.getByRole('button', { name: 'Potwierdź', exact: true }).click();
    } else {
      if (path === '/wybierz-konto') {
        await expect(page.getByRole('heading', { level: 1 })).toHaveText('Wybierz konto');
        await page.getByRole('radio', { name: /^Konto indywidualne – / }).check();
      } else {
        await expect(page.getByRole('heading', { level: 1 })).toHaveText('Wybierz rolę');
        await page.getByRole('radio', { name: 'Ogólna', exact: true }).check();
      }
      await page.getByRole('button', { name: 'Dalej', exact: true }).click();
    }
    await page.waitForURL((url) => url.pathname !== path);
  }
  // After a password change the address says so (?haslo=zmienione).
  await expect(page).toHaveURL(/\/portal(\?haslo=zmienione)?$/);
}

/** Signs in with a password and goes on to the portal. */
export async function signInToPortal(
  page: Page,
  person: { login: string; password: string; name: string; codeTo: string },
) {
  await signIn(page, person.login, person.password);
  await continueToPortal(page, person.codeTo);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Witaj, ${person.name}`);
}

/** Signs out from the portal with its button; ends on /wylogowano. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Wyloguj się' }).click();
  await expect(page).toHaveURL(/\/wylogowano$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Wylogowano');
}

/**
 * With JavaScript a step is a navigation inside the page: the new page's
 * `h1` must then hold the focus (WCAG 2.4.3). Without JavaScript each step
 * is a fresh page, starting at the top: nothing to check.
 */
export async function expectHeadingFocused(page: Page, name: string | RegExp): Promise<void> {
  if (jsOn()) {
    await expect(page.getByRole('heading', { level: 1, name }), `focus on the heading "${name}"`).toBeFocused();
  }
}

/** The error summary of a form. */
export function errorSummary(page: Page) {
  return page.locator('div.error-summary[role="alert"]');
}

/** A new context like the project's (same baseURL, JavaScript setting). */
export async function newProjectContext(browser: Browser, testInfo: TestInfo) {
  const use = testInfo.project.use;
  return browser.newContext({ baseURL: use.baseURL, javaScriptEnabled: use.javaScriptEnabled });
}

/**
 * For accessibility checks. axe runs as script inside the page, which a
 * context with JavaScript disabled refuses. So in the "no-js" project these
 * tests get a context with JavaScript on but the app's own script and WASM
 * (/pkg/*.js, /pkg/*.wasm) refused: the page stays exactly the HTML the
 * server sent, and forms post as plain HTML forms, as without JavaScript.
 * In the "js" project nothing changes.
 */
export const a11yTest = base.extend<{ serverHtmlOnly: boolean }>({
  serverHtmlOnly: async ({}, use, testInfo) => use(!jsOn(testInfo)),
  javaScriptEnabled: async ({}, use) => use(true),
  context: async ({ context, serverHtmlOnly }, use) => {
    if (serverHtmlOnly) {
      await context.route(/\/pkg\/[^?]*\.(js|wasm)(\?.*)?$/, (route) => route.abort('blockedbyclient'));
    }
    await use(context);
  },
});

/** In a11yTest's server-HTML mode: checks that the app's script never ran. */
export async function expectNotHydrated(page: Page): Promise<void> {
  if (!jsOn()) {
    await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
  }
}

/**
 * Runs an operator command of the server binary (`server confirm-profile
 * --pesel …`) against the running project's database, as an operator at a
 * ZUS office would (see start-server.mjs for where that database is).
 */
export function operatorCommand(args: string[]): { status: number; stdout: string; stderr: string } {
  const info = test.info();
  const port = new URL(info.project.use.baseURL!).port;
  const db = path.join(os.tmpdir(), `ezus-e2e-${info.project.name}-${port}.sqlite`);
  const repo = path.resolve(__dirname, '..', '..');
  const target = path.resolve(repo, process.env.CARGO_TARGET_DIR || 'target');
  const binary = process.env.EZUS_E2E_SERVER_BIN ? path.resolve(repo, process.env.EZUS_E2E_SERVER_BIN) : path.join(target, 'debug', 'server');
  const run = spawnSync(binary, args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...process.env,
      EZUS_CONFIG: path.join(repo, 'Leptos.toml'),
      EZUS_DATABASE__URL: `sqlite://${db}?mode=rwc`,
      EZUS_SITE__DEV_MODE: 'true',
    },
  });
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}
