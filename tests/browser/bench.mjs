// Benchmark (not a test): the page in headless Chromium, served by `qarcade serve`.
//   node tests/browser/bench.mjs        (same environment as the tests: see harness.mjs)
// Prints ms per greedy decision on each backend and per saliency map, the page's frames/s
// (with saliency off and on), and the bundle's size, against the targets: ≤5 ms/decision on
// the CPU, a steady 60 frames/s, ≤0.5 MB gzipped for the CPU page and ≤3 MB for the WebGPU one.
//
// Headless Chromium's WebGPU here is SwiftShader (a CPU emulation of a GPU): its figure says
// that the path works, not how fast a real GPU is.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { DIST, checkPrerequisites, launchBrowser, openPage, sleep, startServe, stats, waitForReady, waitForStats } from './harness.mjs';

checkPrerequisites();
const serve = await startServe();
const browser = await launchBrowser();
const rows = [];
try {
  const page = await openPage(browser.context, `${serve.url}?backend=cpu`);
  await waitForReady(page);
  for (const [backend, runs, saliency] of [['cpu', 200, false], ['cpu', 50, true], ['webgpu', 20, false]]) {
    const ms = await page.evaluate(decisionTimes, { backend, runs, saliency });
    const median = ms.sort((a, b) => a - b)[ms.length >> 1];
    const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
    const what = saliency ? `saliency map (occlusion, 50 forwards in one batch), ${backend}` : `decision, ${backend}`;
    rows.push([what, `${median.toFixed(2)} ms median, ${mean.toFixed(2)} mean (${runs} runs)`, backend === 'cpu' && !saliency ? '≤ 5 ms' : '–']);
  }
  await page.close();

  const downloads = {};
  for (const [backend, saliency] of [['cpu', false], ['cpu', true], ['webgpu', false]]) {
    const { fps, requests } = await pageFps(backend, saliency);
    const what = `page, ${backend} inference${saliency ? ', saliency on' : ''}`;
    rows.push([what, `${fps.mean.toFixed(1)} frames/s (slowest second ${fps.min.toFixed(1)})`, backend === 'cpu' ? '60' : '–']);
    downloads[backend] = requests;
  }
  for (const backend of ['cpu', 'webgpu']) {
    const size = downloadSize(downloads[backend], serve.url);
    rows.push([`download, page with ${backend} inference`, `${mb(size.raw)} raw, ${mb(size.gzip)} gzipped (${size.files} files)`, backend === 'cpu' ? '≤ 0.5 MB gzipped' : '≤ 3 MB gzipped']);
    rows.push(['  of which wasm', `${mb(size.wasmRaw)} raw, ${mb(size.wasmGzip)} gzipped`, '']);
  }
  const weights = path.join(DIST, 'weights/pong.qnet');
  if (fs.existsSync(weights)) {
    const bytes = fs.readFileSync(weights);
    rows.push(['default weights (weights/pong.qnet, static hosts only)', `${mb(bytes.length)} raw, ${mb(zlib.gzipSync(bytes, { level: 9 }).length)} gzipped`, '–']);
  }
} finally {
  await browser.close();
  await serve.close();
}

printTable(['measure', 'result', 'target'], rows);

/**
 * In the page: `runs` timed greedy decisions on real observations, after a warm-up; with
 * `saliency`, the timed part is the occlusion map of the chosen action (the page's cell size).
 */
async function decisionTimes({ backend, runs, saliency }) {
  // The page loaded the CPU-only build; the WebGPU one holds both backends.
  const { loadBundle, SALIENCY_CELL } = await import('./qarcade.js');
  const { Game, Agent, argmax } = await loadBundle(backend === 'cpu' ? 'cpu' : 'webgpu');
  const config = await (await fetch('config.json')).json();
  const get = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
  const [rom, weights] = await Promise.all([get(config.rom), get(config.weights)]);
  const game = new Game(rom, false);
  const agent = backend === 'cpu' ? Agent.cpu(weights) : await Agent.webgpu(weights);
  const decide = async () => {
    do game.advance(18); while (!game.decision_due());
    const t0 = performance.now();
    const action = argmax(await agent.q_values(game.observation()));
    let ms = performance.now() - t0;
    if (saliency) {
      const t1 = performance.now();
      await agent.occlusion(game.observation(), action, SALIENCY_CELL);
      ms = performance.now() - t1;
    }
    game.set_agent_action(agent.action_set()[action]);
    return ms;
  };
  for (let i = 0; i < 3; i++) await decide(); // shader compilation, allocations
  const ms = [];
  for (let i = 0; i < runs; i++) ms.push(await decide());
  agent.free();
  game.free();
  return ms;
}

/**
 * Frames per second of the playing page over 5 one-second windows, after 2 s to settle; and
 * the URLs the page fetched.
 */
async function pageFps(backend, saliency) {
  const page = await openPage(browser.context, `${serve.url}?backend=${backend}&autostart=1${saliency ? '&saliency=1' : ''}`);
  await waitForReady(page);
  await waitForStats(page, (s) => s.decisions > 0, { timeout: 120_000 });
  await sleep(2000);
  const perSecond = [];
  let last = await stats(page);
  let t = Date.now();
  for (let i = 0; i < 5; i++) {
    await sleep(1000);
    const now = await stats(page);
    const t2 = Date.now();
    perSecond.push(((now.frame - last.frame) * 1000) / (t2 - t));
    [last, t] = [now, t2];
  }
  await page.close();
  const fps = { mean: perSecond.reduce((a, b) => a + b, 0) / perSecond.length, min: Math.min(...perSecond) };
  return { fps, requests: page.requests };
}

/**
 * What the page downloaded of the bundle: the files under web/dist among `urls` (the ROM and
 * weights are the user's, not the bundle), raw and gzipped (-9) one by one.
 */
function downloadSize(urls, base) {
  const size = { raw: 0, gzip: 0, wasmRaw: 0, wasmGzip: 0, files: 0 };
  const seen = new Set();
  for (const url of urls) {
    // The bundled default weights are the agent, not the code: reported apart.
    if (!url.startsWith(base) || url.endsWith('.qnet')) continue;
    let rel = new URL(url).pathname.replace(/^\/+/, '');
    if (rel === '') rel = 'index.html';
    const file = path.join(DIST, rel);
    if (seen.has(file) || !fs.existsSync(file) || !fs.statSync(file).isFile()) continue;
    seen.add(file);
    const bytes = fs.readFileSync(file);
    const gz = zlib.gzipSync(bytes, { level: 9 }).length;
    size.raw += bytes.length;
    size.gzip += gz;
    size.files++;
    if (file.endsWith('.wasm')) { size.wasmRaw += bytes.length; size.wasmGzip += gz; }
  }
  return size;
}

function mb(bytes) {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

function printTable(header, body) {
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of body) console.log(line(r));
}
