import { defineConfig, devices } from '@playwright/test';
import os from 'node:os';
import path from 'node:path';

/**
 * Two projects against two servers, each with its own fresh SQLite database
 * (the tests change data: anowak's password):
 *  - "js":    JavaScript on, the page hydrates (WASM);
 *  - "no-js": JavaScript off, every form is a plain HTML form post.
 * Tests tagged @js run only in "js".
 */
const JS_PORT = Number(process.env.EZUS_E2E_JS_PORT ?? 3101);
const NO_JS_PORT = Number(process.env.EZUS_E2E_NO_JS_PORT ?? 3102);
/** The login.gov.pl simulator of each project (node-simulator/): its portal's port + 10. */
const NODE_PORTS: Record<number, number> = { [JS_PORT]: JS_PORT + 10, [NO_JS_PORT]: NO_JS_PORT + 10 };

const chromium = {
  ...devices['Desktop Chrome'],
  // Debian's chromium: Playwright's own browser download cannot work offline.
  launchOptions: {
    executablePath: process.env.EZUS_E2E_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-gpu',
      '--no-first-run',
      '--disable-sync',
    ],
  },
};

function nodeSimulator(portalPort: number) {
  return {
    command: `node start-node-simulator.mjs ${NODE_PORTS[portalPort]} ${portalPort}`,
    cwd: __dirname,
    port: NODE_PORTS[portalPort],
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
  };
}

function server(port: number, name: string) {
  // One file per port: start-server.mjs deletes it before the server starts
  // (Playwright stops the server with SIGKILL, so it may outlive a run).
  const db = path.join(os.tmpdir(), `ezus-e2e-${name}-${port}.sqlite`);
  return {
    command: `node start-server.mjs ${port} ${JSON.stringify(db)} ${NODE_PORTS[port]}`,
    cwd: __dirname,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
  };
}

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    locale: 'pl-PL',
  },
  projects: [
    {
      name: 'js',
      use: { ...chromium, baseURL: `http://127.0.0.1:${JS_PORT}`, javaScriptEnabled: true },
    },
    {
      name: 'no-js',
      grepInvert: /@js\b/,
      use: { ...chromium, baseURL: `http://127.0.0.1:${NO_JS_PORT}`, javaScriptEnabled: false },
    },
  ],
  webServer: [
    nodeSimulator(JS_PORT),
    nodeSimulator(NO_JS_PORT),
    server(JS_PORT, 'js'),
    server(NO_JS_PORT, 'no-js'),
  ],
});
