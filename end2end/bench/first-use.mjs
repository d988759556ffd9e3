#!/usr/bin/env node
// The first use of the sign-in page on a slow mobile network: how long until
// the form can be submitted, in headless Chromium (Debian's), with the
// network throttled through the DevTools protocol. Called by scripts/bench
// against the release server it started; prints one table and writes it into
// docs/benchmarks.md between the "bench:first-use" markers.
//
//   node bench/first-use.mjs <base-url> [runs]
//
// Network: Chrome DevTools' preset "Fast 3G" (so named up to Chrome 118,
// "Slow 4G" since; the values of its NetworkManager): 562.5 ms latency per
// request (150 ms RTT × 3.75), 1.44 Mbit/s down (1.6 × 0.9), 675 kbit/s up.
// Each run is a new browser context: an empty cache, a first visit.
//
// Three ways in, each `runs` times (median, and the slowest):
//   - JavaScript off: the baseline — the HTML and the stylesheet only;
//   - WASM blocked (/pkg/*.wasm refused): the form works as a plain HTML form;
//   - JavaScript on: the form hydrated (<body data-hydrated="true">), with
//     the "Pokaż hasło" toggle and focus handling.
// "usable" is the first contentful paint: the page is rendered on the
// server, so the form is there, with its stylesheet, in the first paint, and
// posts as an HTML form from then on. "ready" is the hydration mark for
// JavaScript on; the load event otherwise (nothing more will come).
import { chromium } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: (1.6 * 1e6 / 8) * 0.9, uploadThroughput: (750 * 1e3 / 8) * 0.9 };

const [base, runsArg] = process.argv.slice(2);
if (!base) {
  console.error('usage: node bench/first-use.mjs <base-url> [runs]');
  process.exit(2);
}
const runs = Number(runsArg ?? 5);
const url = new URL('/logowanie', base).toString();

// Recorded inside the page (injected by the protocol, so the page's CSP does
// not apply): when the hydration mark appears.
const initScript = () => {
  const mark = () => {
    if (document.body?.dataset.hydrated === 'true' && window.__hydratedAt === undefined) {
      window.__hydratedAt = performance.now();
    }
  };
  new MutationObserver(mark).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'] });
};

async function once(browser, mode) {
  const context = await browser.newContext({ javaScriptEnabled: mode !== 'no-js' });
  const page = await context.newPage();
  if (mode === 'no-wasm') {
    await page.route(/\/pkg\/[^?]*\.wasm(\?.*)?$/, (route) => route.abort('blockedbyclient'));
  }
  await page.addInitScript(initScript);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', FAST_3G);
  let bytes = 0;
  let requests = 0;
  cdp.on('Network.responseReceived', (e) => {
    const encoding = Object.entries(e.response.headers).find(([k]) => k.toLowerCase() === 'content-encoding');
    if (encoding) encodings.add(encoding[1]);
  });
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    requests += 1;
  });

  await page.goto(url, { waitUntil: 'load' });
  if (mode === 'js') {
    await page.waitForSelector('body[data-hydrated="true"]', { timeout: 120_000 });
  }
  // The submit button is there and visible: the form can be sent.
  const button = page.getByRole('button', { name: 'Zaloguj się' });
  if (!(await button.isVisible())) throw new Error(`${mode}: no visible "Zaloguj się" button`);
  const hydrated = await page.evaluate(() => document.body.dataset.hydrated === 'true');
  if (hydrated !== (mode === 'js')) throw new Error(`${mode}: hydrated=${hydrated}`);
  // A moment for the last loadingFinished events of the blocked or late files.
  await page.waitForTimeout(200);
  const timing = await page.evaluate(() => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      usable: paint ? paint.startTime : NaN,
      load: nav.loadEventEnd,
      hydrated: window.__hydratedAt,
    };
  });
  await context.close();
  return { usable: timing.usable, ready: mode === 'js' ? timing.hydrated : timing.load, bytes, requests };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${Math.round(x)}`;

const encodings = new Set();
const browser = await chromium.launch({
  executablePath: process.env.EZUS_E2E_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const chromiumVersion = browser.version();
const modes = [
  ['no-js', 'JavaScript off — baseline'],
  ['no-wasm', 'WASM blocked'],
  ['js', 'JavaScript on'],
];
const results = {};
try {
  // Warm the server (not the browser: each run has its own empty cache).
  await once(browser, 'no-js');
  for (let i = 0; i < runs; i++) {
    for (const [mode] of modes) {
      (results[mode] ??= []).push(await once(browser, mode));
    }
  }
} finally {
  await browser.close();
}

const baseline = median(results['no-js'].map((r) => r.usable));
const rows = modes.map(([mode, label]) => {
  const r = results[mode];
  const usable = median(r.map((x) => x.usable));
  const ready = median(r.map((x) => x.ready));
  const slowest = Math.max(...r.map((x) => x.ready));
  const kb = median(r.map((x) => x.bytes)) / 1000;
  const ratio = (ready / baseline).toFixed(2);
  return `| ${label} | ${median(r.map((x) => x.requests))} | ${kb.toFixed(1)} | ${ms(usable)} | ${ms(ready)} | ${ms(slowest)} | ${ratio} |`;
});

const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} by \`end2end/bench/first-use.mjs\` (run by \`./scripts/bench\`) on ${os.cpus().length} cores; ` +
    `headless Chromium ${chromiumVersion}, ${process.env.FIRST_USE_SERVER ?? 'release server'} on loopback, throttled by the DevTools protocol to Chrome's "Fast 3G" preset ` +
    `(562.5 ms latency per request, 1.44 Mbit/s down, 675 kbit/s up); ${runs} runs each, every run a first visit (empty cache).`,
  '',
  '| /logowanie, first visit | requests | kB on the wire | form usable (first paint), ms | ready, ms (median) | ready, slowest | ready / baseline |',
  '|---|---|---|---|---|---|---|',
  ...rows,
  '',
  '"usable": the first contentful paint — the server-rendered form with its stylesheet, which posts as a plain HTML form. ' +
    '"ready": with JavaScript on, the form hydrated (`<body data-hydrated="true">`: "Pokaż hasło", focus handling); otherwise the load event. ' +
    `"kB on the wire": what Chromium received, headers included, encoded as it asked (${[...encodings].sort().join(', ') || 'none'}).`,
].join('\n');
console.log(table);

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const doc = path.join(repo, 'docs', 'benchmarks.md');
const start = '<!-- bench:first-use:start -->';
const end = '<!-- bench:first-use:end -->';
let text = readFileSync(doc, 'utf8');
const block = `${start}\n${table}\n${end}`;
if (text.includes(start) && text.includes(end)) {
  text = text.slice(0, text.indexOf(start)) + block + text.slice(text.indexOf(end) + end.length);
} else {
  const anchor = '<!-- bench:http:end -->';
  const at = text.indexOf(anchor);
  const section = `\n\n### First use on a slow network\n\n${block}`;
  text = at >= 0 ? text.slice(0, at + anchor.length) + section + text.slice(at + anchor.length) : `${text}\n${section}\n`;
}
writeFileSync(doc, text);
console.error(`written to ${path.relative(process.cwd(), doc)}`);
