#!/usr/bin/env node
// Starts the eZUS server for one Playwright project, on a fresh SQLite file.
//
//   node start-server.mjs <port> <sqlite-file> <node-simulator-port>
//
// The binary is <CARGO_TARGET_DIR or <repo>/target>/debug/server (override
// with EZUS_E2E_SERVER_BIN); the site (WASM, CSS) is <repo>/target/site,
// where cargo-leptos writes it even when CARGO_TARGET_DIR points elsewhere.
// Build both first with `cargo leptos build --split` in the repository root.
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [port, dbFile, nodePort] = process.argv.slice(2);
if (!port || !dbFile || !nodePort) {
  console.error('usage: node start-server.mjs <port> <sqlite-file> <node-simulator-port>');
  process.exit(2);
}

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const targetDir = path.resolve(repo, process.env.CARGO_TARGET_DIR || 'target');
const binary = process.env.EZUS_E2E_SERVER_BIN
  ? path.resolve(repo, process.env.EZUS_E2E_SERVER_BIN)
  : path.join(targetDir, 'debug', 'server');
const siteRoot = path.join(repo, 'target', 'site');

for (const [what, p] of [['server binary', binary], ['site root', path.join(siteRoot, 'pkg')]]) {
  if (!existsSync(p)) {
    console.error(`start-server: no ${what} at ${p}; run \`cargo leptos build --split\` in ${repo} first`);
    process.exit(1);
  }
}

// A fresh database for every run: the tests change data (a password).
const db = path.resolve(dbFile);
for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(db + suffix, { force: true });

const node = `http://127.0.0.1:${nodePort}`;
const child = spawn(binary, [], {
  cwd: repo,
  stdio: 'inherit',
  env: {
    ...process.env,
    EZUS_CONFIG: path.join(repo, 'Leptos.toml'),
    LEPTOS_SITE_ROOT: siteRoot,
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    EZUS_DATABASE__URL: `sqlite://${db}?mode=rwc`,
    EZUS_SITE__DEV_MODE: 'true',
    // Two servers at once: each its own metrics port.
    EZUS_METRICS__LISTEN: '127.0.0.1:0',
    // login.gov.pl: this project's own simulator, answering to this server.
    EZUS_NATIONAL_NODE__ACS_URL: `http://127.0.0.1:${port}/saml/acs`,
    EZUS_NATIONAL_NODE__SSO_URL: `${node}/login/SingleSignOnService`,
    EZUS_NATIONAL_NODE__ARTIFACT_RESOLUTION_URL: `${node}/login-services/idpArtifactResolutionService`,
    EZUS_NATIONAL_NODE__LOGOUT_URL: `${node}/login-services/singleLogoutService`,
  },
});

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(db + suffix, { force: true });
  process.exit(code ?? (signal ? 1 : 0));
});
