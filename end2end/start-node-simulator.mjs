#!/usr/bin/env node
// Starts the login.gov.pl simulator for one Playwright project, answering
// to that project's portal.
//
//   node start-node-simulator.mjs <port> <portal-port>
//
// The binary is <CARGO_TARGET_DIR or <repo>/target>/debug/node-simulator
// (override with EZUS_E2E_NODE_BIN); build it with `cargo build -p node-simulator`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [port, portalPort] = process.argv.slice(2);
if (!port || !portalPort) {
  console.error('usage: node start-node-simulator.mjs <port> <portal-port>');
  process.exit(2);
}

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const targetDir = path.resolve(repo, process.env.CARGO_TARGET_DIR || 'target');
const binary = process.env.EZUS_E2E_NODE_BIN
  ? path.resolve(repo, process.env.EZUS_E2E_NODE_BIN)
  : path.join(targetDir, 'debug', 'node-simulator');
if (!existsSync(binary)) {
  console.error(`start-node-simulator: no binary at ${binary}; run \`cargo build -p node-simulator\` in ${repo} first`);
  process.exit(1);
}

const child = spawn(
  binary,
  [
    '--listen', `127.0.0.1:${port}`,
    '--public-url', `http://127.0.0.1:${port}`,
    '--acs-url', `http://127.0.0.1:${portalPort}/saml/acs`,
  ],
  { cwd: repo, stdio: 'inherit' },
);

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
