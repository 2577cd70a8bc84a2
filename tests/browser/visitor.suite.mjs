// The page as a visitor meets it, in headless Chromium (see harness.mjs for what it needs):
// it starts by itself on a game picture, shows what the network sees and where it looks,
// shows honest Q-values, ends games at 21 with a tally, never stalls on a serve in versus,
// lets a person pick their paddle's size, fits a phone and follows a finger, and plays on a
// static host with the weights the build carries. Screenshots go to target/browser-artifacts.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ARTIFACTS, PHONE, checkPrerequisites, launchBrowser, openPage, openReady as openReadyPage, sleep,
  startServe, startStatic, stats, waitForReady, waitForStats,
} from './harness.mjs';

checkPrerequisites();
const WINS = process.env.QARCADE_TEST_WINS !== '0';

let serve;
let browser;

describe('the page as a visitor meets it', () => {
  before(async () => {
    serve = await startServe();
    browser = await launchBrowser();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await serve?.close();
  });

  const openReady = (query, context = browser.context) => openReadyPage(context, `${serve.url}?${query}`);

  function assertQuiet(page) {
    assert.deepEqual(page.errors, [], 'console errors');
    assert.deepEqual(page.warnings, [], 'console warnings');
  }

  const banner = (page) => page.evaluate(() => {
    const b = document.getElementById('banner');
    return b.hidden ? '' : b.textContent;
  });

  test('watch mode starts by itself, and the first picture is a game screen', async () => {
    const page = await openReady('backend=cpu');
    await waitForStats(page, (s) => s.running && s.frame > 30, { what: 'play without a click', timeout: 20_000 });
    assertQuiet(page);
    await page.close();

    // Versus waits for Play: what it shows until then is a game screen, not the console's
    // start-up frame (which a fresh game's screen is).
    const waiting = await openReady('backend=cpu&mode=versus');
    assert.equal((await stats(waiting)).running, false);
    assert.match(await banner(waiting), /Press Play/);
    const r = await waiting.evaluate(async () => {
      const canvas = document.getElementById('screen');
      const shown = new OffscreenCanvas(160, 210).getContext('2d');
      shown.drawImage(canvas, 0, 0, 160, 210);
      const pixels = shown.getImageData(0, 0, 160, 210).data;
      const { Game } = window.qarcadePlayer.wasm;
      const config = await (await fetch('config.json')).json();
      const game = new Game(new Uint8Array(await (await fetch(config.rom)).arrayBuffer()), true);
      const startup = game.rgba();
      const colours = (p) => { const s = new Set(); for (let i = 0; i < p.length; i += 4) s.add((p[i] << 16) | (p[i + 1] << 8) | p[i + 2]); return s.size; };
      let same = 0;
      for (let i = 0; i < pixels.length; i += 4) same += pixels[i] === startup[i] && pixels[i + 1] === startup[i + 1] && pixels[i + 2] === startup[i + 2];
      return { shown: colours(pixels), startup: colours(startup), sameShare: same / (160 * 210) };
    });
    assert.ok(r.shown >= 4, `the first picture has ${r.shown} colours: not a Pong screen`);
    assert.ok(r.sameShare < 0.9, `the first picture is the start-up frame (${(100 * r.sameShare).toFixed(0)}% the same)`);
    assertQuiet(waiting);
    await waiting.close();
  });

  describe('watching, with what the network sees', () => {
    let page;
    before(async () => { page = await openReady('backend=cpu'); });
    after(() => page?.close());

    test('Q-values: each move against the mean, from one zero line, the chosen Q apart', async () => {
      await waitForStats(page, (s) => s.decisions > 20, { what: 'decisions' });
      await page.click('#play'); // pause: the figures hold still
      await sleep(300);
      const s = await stats(page);
      const shown = (await page.locator('#qbars .value').allTextContents()).map((t) => Number(t.replace('−', '-')));
      const mean = s.qValues.reduce((a, b) => a + b, 0) / s.qValues.length;
      s.qValues.forEach((q, i) => assert.ok(Math.abs(q - mean - shown[i]) < 0.0015, `bar ${i}: ${shown[i]}, Q − mean ${q - mean}`));
      const chosen = s.qValues[[0, 1, 3, 4, 11, 12].indexOf(s.action)];
      const value = Number((await page.textContent('#value')).match(/([+−])(\d+\.\d{3})/).slice(1).join('').replace('−', '-'));
      assert.ok(Math.abs(value - chosen) < 0.0015, `value line ${value}, chosen Q ${chosen}`);
      // No bar is wider than its half of the track, and the scale is at least ±0.25 points.
      const widths = await page.locator('#qbars .fill').evaluateAll((els) => els.map((e) => parseFloat(e.style.width)));
      assert.ok(widths.every((w) => w >= 0 && w <= 50), `widths ${widths}`);
      const scale = Number((await page.textContent('#qscale')).match(/spans (\d+\.\d+)/)[1]);
      assert.ok(scale >= 0.25, `scale ${scale}`);
      await page.click('#play');
    });

    test('the observation stack and the saliency map draw, and change as the game moves', async () => {
      await page.evaluate(() => {
        window.maps = [];
        window.qarcadePlayer.on('saliency', (s) => s && window.maps.push(s.map));
      });
      await page.click('#saliency');
      await waitForStats(page, (s) => s.saliency && s.saliencyMs > 0, { what: 'a saliency map' });
      const look = () => page.evaluate(() => {
        const sums = [...document.querySelectorAll('.stack canvas')].map((c) => {
          const d = c.getContext('2d').getImageData(0, 0, 84, 84).data;
          let sum = 0;
          for (let i = 0; i < d.length; i += 4) sum += d[i] * ((i >> 2) % 97 + 1);
          return sum;
        });
        const overlay = document.getElementById('saliency-map');
        const d = overlay.getContext('2d').getImageData(0, 0, overlay.width, overlay.height).data;
        let alpha = 0;
        for (let i = 3; i < d.length; i += 4) alpha += d[i];
        return { sums, alpha, hidden: overlay.hidden, cells: overlay.width };
      });
      const a = await look();
      await sleep(1500);
      const b = await look();
      assert.equal(a.hidden, false, 'the saliency overlay is shown');
      assert.equal(a.cells, 7);
      assert.ok(a.alpha > 0 && b.alpha > 0, 'the overlay has red in it');
      assert.ok(a.sums.every((x) => x > 0), 'every frame of the stack is drawn');
      assert.notDeepEqual(a.sums, b.sums, 'the stack changed as the game moved');
      const maps = await page.evaluate(() => window.maps);
      assert.ok(maps.length >= 3, `${maps.length} maps in ~2 s`);
      assert.ok(maps.some((m) => m.some((v, i) => v !== maps[0][i])), 'the maps change');
      // The page keeps its pace with saliency on (lenient, as in page.suite.mjs).
      const s0 = await stats(page);
      await sleep(3000);
      const fps = ((await stats(page)).frame - s0.frame) / 3;
      assert.ok(fps > 30, `${fps.toFixed(1)} frames/s with saliency on`);
      await page.screenshot({ path: path.join(ARTIFACTS, 'watch-saliency.png') });
      // And off again.
      await page.click('#saliency');
      assert.equal(await page.evaluate(() => document.getElementById('saliency-map').hidden), true);
      assert.equal((await stats(page)).saliency, false);
    });

    test('the plain-language panel says what the agent is and how it was trained', async () => {
      const text = await page.textContent('#about-agent');
      assert.match(text, /deep Q-network/);
      assert.match(text, /for [\d,]+ decisions/);
      assert.match(await page.textContent('#network'), /convolution layers/);
    });

    test('no console errors or warnings', () => assertQuiet(page));
  });

  test('a game ends at 21: the final score stays on screen, the tally counts it, play goes on', async () => {
    const page = await openReady('backend=cpu&autostart=0');
    const r = await page.evaluate(async () => {
      const player = window.qarcadePlayer;
      let over = null;
      player.on('gameover', (e) => { over = e; });
      let steps = 0;
      while (!over && steps < 20_000) { await player.step(); steps++; }
      return { over, steps, s: player.stats() };
    });
    assert.ok(r.over, `no game over in ${r.steps} steps`);
    assert.equal(Math.max(r.over.agent, r.over.opponent), 21);
    assert.deepEqual(r.over.tally, r.over.agent > r.over.opponent ? [1, 0] : [0, 1]);
    if (WINS) assert.ok(r.over.agent === 21, `the agent lost ${r.over.agent}–${r.over.opponent}`);
    assert.equal(r.s.gameOver, true);
    await sleep(300);
    assert.match(await banner(page), /Game over: .* 21–\d+\. Games won: Agent \d, CPU \d/);
    assert.match(await page.textContent('#tally'), /Games won: Agent [01], CPU [01]\./);
    // Playing on: the final picture holds for a few seconds, then a new game starts at 0:0.
    await page.click('#play');
    const a = await stats(page);
    await sleep(1500);
    assert.equal((await stats(page)).frame, a.frame, 'the final score is held');
    const b = await waitForStats(page, (s) => s.frame > a.frame + 30, { what: 'the next game', timeout: 10_000 });
    assert.ok(b.score[0] + b.score[1] <= 1 && !b.gameOver, `score ${b.score}`);
    assert.deepEqual(b.tally, r.over.tally, 'the tally is kept');
    assertQuiet(page);
    await page.close();
  });

  describe('playing against the agent', () => {
    test('after the agent wins a point the next rally starts within a few seconds, and the page says whose serve', { skip: !WINS }, async () => {
      const page = await openReady('backend=cpu&mode=versus&autostart=1');
      const serving = await waitForStats(page, (s) => s.score[0] >= 1 && s.server === 'agent', { what: 'the agent to win a point and serve', timeout: 60_000 });
      assert.ok(serving.serveIn >= 0 && serving.serveIn <= 64, `serve in ${serving.serveIn} frames`);
      // The banner (refreshed every 100 ms) says so while the agent's serve is due; the next
      // point's wait is checked too if this one was caught at its end.
      await page.waitForFunction(() => /The agent serves in \d\.\d s/.test(document.getElementById('banner').textContent), null, { timeout: 15_000, polling: 20 });
      const t0 = Date.now();
      await page.screenshot({ path: path.join(ARTIFACTS, 'versus-after-a-point.png') });
      await waitForStats(page, (s) => s.server === '', { what: 'the serve', timeout: 5_000 });
      assert.ok(Date.now() - t0 < 4_000, `the rally started ${Date.now() - t0} ms after the point`);
      assertQuiet(page);
      await page.close();
    });

    test("the person's paddle: the difficulty switch at A halves it", async () => {
      const page = await openReady('backend=cpu&mode=versus');
      // Left-paddle pixels (columns 8-30 of the field) of each setting's screen after a second.
      const heights = await page.evaluate(async () => {
        const { Game } = window.qarcadePlayer.wasm;
        const config = await (await fetch('config.json')).json();
        const rom = new Uint8Array(await (await fetch(config.rom)).arrayBuffer());
        const out = [];
        for (const difficulty of [0, 1]) {
          const game = new Game(rom, true, difficulty);
          for (let i = 0; i < 60; i++) game.advance(18);
          const px = game.rgba();
          const at = (x, y) => { const i = (y * 160 + x) * 4; return (px[i] << 16) | (px[i + 1] << 8) | px[i + 2]; };
          const background = at(80, 120);
          let count = 0;
          for (let y = 34; y < 194; y++) for (let x = 8; x < 30; x++) count += at(x, y) !== background;
          out.push(count);
          game.free();
        }
        return out;
      });
      assert.ok(heights[0] > 0 && heights[1] > 0, `paddle pixels ${heights}`);
      assert.ok(heights[1] < 0.75 * heights[0], `difficulty A: ${heights[1]} paddle pixels, B: ${heights[0]}`);
      // The page's choice reaches the game.
      assert.equal(await page.isVisible('#difficulty'), true);
      await page.selectOption('#difficulty', '1');
      await page.waitForFunction(() => window.qarcadePlayer.difficulty === 1);
      assert.equal((await stats(page)).difficulty, 1);
      assertQuiet(page);
      await page.close();
    });
  });

  describe('on a phone (Chromium mobile emulation: 360 px, touch)', () => {
    let phone;
    before(async () => { phone = await launchBrowser(PHONE); });
    after(() => phone?.close());

    test('fits without sideways scrolling; a finger and the on-screen buttons move the paddle', async () => {
      const page = await openReady('backend=cpu&mode=versus&autostart=1', phone.context);
      await waitForStats(page, (s) => s.frame > 20, { what: 'play' });
      const fit = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
      assert.ok(fit.scroll <= fit.width, `the page is ${fit.scroll} px wide in a ${fit.width} px window`);
      const box = await page.locator('#screen').boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= 360 && box.width >= 300, `canvas ${JSON.stringify(box)}`);
      assert.equal(await page.isVisible('#pad'), true);

      const cdp = await page.context().newCDPSession(page);
      const touch = (type, x, y) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
      const y = async () => (await stats(page)).positions[3];
      // A finger on the screen: the paddle goes to it, and the page does not scroll.
      for (const fraction of [0.8, 0.3]) {
        const [x, ty] = [box.x + box.width * 0.2, box.y + box.height * fraction];
        await touch('touchStart', x, ty);
        await touch('touchMove', x, ty + 1);
        const target = fraction * 210;
        await waitForStats(page, (s) => Math.abs(s.positions[3] - 6 - target) < 14, { what: `the paddle near row ${target}`, timeout: 10_000 });
        await touch('touchEnd');
      }
      assert.equal(await page.evaluate(() => window.scrollX), 0);
      // The on-screen buttons, held.
      for (const [key, sign] of [['down', 1], ['up', -1]]) {
        const b = await page.locator(`#pad button[data-key=${key}]`).boundingBox();
        const before = await y();
        await touch('touchStart', b.x + b.width / 2, b.y + b.height / 2);
        // Held until the paddle has moved (at most 5 s: a busy machine plays slower).
        await waitForStats(page, (s) => Math.sign(s.positions[3] - before) === sign, { what: `the ${key} button to move the paddle`, timeout: 5_000 }).catch(() => {});
        await touch('touchEnd');
        const moved = (await y()) - before;
        assert.ok(Math.sign(moved) === sign, `${key}: left paddle y ${before} → ${before + moved}`);
      }
      await page.screenshot({ path: path.join(ARTIFACTS, 'phone.png'), fullPage: false });
      assertQuiet(page);
      await page.close();
    });
  });

  test('a static host plays the default weights the build carries, given only the ROM, quietly', async () => {
    const config = await (await fetch(new URL('config.json', serve.url))).json();
    const rom = Buffer.from(await (await fetch(new URL(config.rom, serve.url))).arrayBuffer());
    const host = await startStatic();
    try {
      const page = await openPage(browser.context, `${host.url}?backend=cpu`);
      await page.locator('#weights-state', { hasText: 'weights/pong.qnet' }).waitFor({ timeout: 30_000 });
      await page.locator('#rom-state', { hasText: 'Choose your copy' }).waitFor();
      assert.match(await banner(page), /Load the Pong ROM/);
      await page.setInputFiles('#rom-file', { name: 'pong.bin', mimeType: 'application/octet-stream', buffer: rom });
      await waitForReady(page);
      await waitForStats(page, (s) => s.running && s.frame > 60, { what: 'play' });
      assert.ok((await page.textContent('#about-agent')).includes('decisions'));
      assertQuiet(page);
      await page.close();
    } finally {
      await host.close();
    }
  });
});
