// What the browser tests and the benchmark share: `qarcade serve`, headless Chromium, pages
// that record console errors, and a plain static server (a host without `qarcade serve`).
//
// Environment:
//   QARCADE_BIN       the CLI (default target/release/qarcade)
//   QARCADE_TEST_RUN  what `qarcade serve` plays: a run folder or an exported .qnet (required)
//   CHROMIUM          the browser (default /usr/bin/chromium)

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.QARCADE_BIN ?? path.join(ROOT, 'target/release/qarcade');
export const DIST = path.join(ROOT, 'web/dist');
export const ARTIFACTS = path.join(ROOT, 'target/browser-artifacts');

// As root in a container: no sandbox; no network beyond loopback (nothing to fetch, and
// refused connections would show up as errors); WebGPU on (SwiftShader, with no GPU).
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--disable-dev-shm-usage',
  '--enable-unsafe-webgpu',
];

/** Fails early, with what to do, when something the tests need is missing. */
export function checkPrerequisites() {
  const missing = [];
  if (!fs.existsSync(path.join(DIST, 'pkg/qarcade_web.js'))) missing.push(`${DIST} (build it: web/build.sh)`);
  if (!fs.existsSync(BIN)) missing.push(`${BIN} (cargo build --release, or set QARCADE_BIN)`);
  if (!process.env.QARCADE_TEST_RUN) missing.push('QARCADE_TEST_RUN (an exported .qnet such as docs/pong-solved/pong.qnet, or a run folder)');
  if (missing.length) throw new Error(`browser tests need:\n  ${missing.join('\n  ')}`);
}

/** Starts `qarcade serve RUN` on a free loopback port; resolves to `{ url, close() }`. */
export function startServe(run = process.env.QARCADE_TEST_RUN) {
  const child = spawn(BIN, ['serve', run, '--port', '0', '--dist', DIST], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('no "serving http://…" line within 60 s')), 60_000);
    const fail = (e) => { clearTimeout(timer); child.kill(); reject(new Error(`qarcade serve: ${e.message}\n${log}`)); };
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`exited with ${code}`)));
    child.stderr.on('data', (d) => { log += d; });
    child.stdout.on('data', (d) => {
      log += d;
      const match = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(log);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ url: match[1], close: () => stop(child) });
    });
  });
}

function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.on('exit', resolve);
    child.kill();
  });
}

/**
 * A static host: web/dist and nothing else (no config.json, no ROM), plus `extra` files
 * ({ '/path': Buffer }). Resolves to `{ url, close() }`.
 */
export function startStatic(extra = {}) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.wgsl': 'text/plain' };
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (extra[urlPath]) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(extra[urlPath]);
    }
    const file = path.join(DIST, urlPath.endsWith('/') ? `${urlPath}index.html` : urlPath);
    if (!file.startsWith(DIST) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      return res.end('not found');
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** A phone as Chromium's mobile emulation has it: 360 px wide, touch, no mouse. */
export const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/**
 * Headless Chromium with a fresh profile (so IndexedDB starts empty); `device` replaces the
 * desktop viewport (e.g. PHONE).
 */
export async function launchBrowser(device = { viewport: { width: 1280, height: 900 } }) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'qarcade-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    ...device,
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens `url` in a new page that records console errors and uncaught exceptions in
 * `page.errors`, and console warnings in `page.warnings` (each a string). `allow(message)`
 * may excuse expected ones.
 */
export async function openPage(context, url, { allow = () => false } = {}) {
  const page = await context.newPage();
  page.errors = [];
  page.warnings = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && msg.type() !== 'warning') return;
    const text = `${msg.text()} (${msg.location().url})`;
    if (allow(text)) return;
    (msg.type() === 'error' ? page.errors : page.warnings).push(text);
  });
  page.on('pageerror', (e) => page.errors.push(`uncaught: ${e.message}`));
  page.requests = [];
  page.on('request', (request) => page.requests.push(request.url()));
  // 60 s: a busy 2-core machine may take long to load a fresh Chromium's first page.
  await page.goto(url, { timeout: 60_000 });
  return page;
}

/**
 * Opens `url` (see openPage) and waits until both files are loaded; fails with the page's
 * message if it shows one instead.
 */
export async function openReady(context, url, options) {
  const page = await openPage(context, url, options);
  await Promise.race([
    waitForReady(page),
    messageText(page, 60_000).then((m) => { throw new Error(`the page says: ${m}`); }),
  ]);
  return page;
}

/** Waits until the page's player exists and has both files loaded. */
export async function waitForReady(page, timeout = 60_000) {
  await page.waitForFunction(() => window.qarcadePlayer?.ready, null, { timeout, polling: 100 });
}

/** The page's player's stats(). */
export function stats(page) {
  return page.evaluate(() => window.qarcadePlayer.stats());
}

/** Waits until `predicate(stats)` holds (polled from Node); returns those stats. */
export async function waitForStats(page, predicate, { timeout = 60_000, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await stats(page);
    if (predicate(last)) return last;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what}; last stats: ${JSON.stringify(last)}`);
}

/** The text of the page's #message once it shows one. */
export async function messageText(page, timeout = 30_000) {
  const box = page.locator('#message');
  await box.waitFor({ state: 'visible', timeout });
  return box.textContent();
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
