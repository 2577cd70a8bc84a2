// The page in real headless Chromium, served by `qarcade serve` (see harness.mjs for what it
// needs). Run from the repository root: `node --test tests/browser/`.
//
// CI serves the shipped agent (`docs/pong-solved/pong.qnet`, which wins Pong 21-0 or 21-1): the
// tests check that it plays (its paddle moves, its actions vary, its Q-values depend on where
// the ball is) and, where QARCADE_TEST_WINS is not "0", that it wins points against the
// built-in player. Set QARCADE_TEST_WINS=0 to run the rest against a weak agent.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ARTIFACTS, BIN, checkPrerequisites, launchBrowser, messageText, openPage, openReady as openReadyPage, startServe, startStatic,
  stats, waitForReady, waitForStats,
} from './harness.mjs';

checkPrerequisites();

let serve;
let browser;

// One server and one browser for all tests (hooks inside a suite: the root's would not wait).
describe('qarcade in headless Chromium', () => {
  before(async () => {
    serve = await startServe();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await serve?.close();
  });

  /** Opens the page with query `query`, ready to play (both files loaded), or fails. */
  const openReady = (query, options) => openReadyPage(browser.context, `${serve.url}?${query}`, options);

  function assertNoConsoleErrors(page) {
    assert.deepEqual(page.errors, [], 'console errors');
  }

  describe('watching the agent play (CPU inference)', () => {
    let page;
    const seen = { decisions: [], frames: [] };

    before(async () => {
      page = await openReady('backend=cpu&mode=watch&autostart=1');
      // Record every decision and a frame sample in the page, to look at afterwards.
      await page.evaluate(() => {
        window.qarcadeLog = { actions: [], agentY: [] };
        const player = window.qarcadePlayer;
        player.on('decision', ({ action }) => window.qarcadeLog.actions.push(action));
        player.on('frame', (s) => window.qarcadeLog.agentY.push(s.positions[2]));
      });
    });

    after(() => page?.close());

    test('the page says which backend and renderer it uses', async () => {
      const s = await stats(page);
      assert.match(s.backend, /^cpu/);
      // 'auto' draws with WebGPU only where the page can show a WebGPU canvas; headless Chromium
      // with software compositing cannot, so here it is Canvas 2D. Either way the page says which.
      assert.ok(['webgpu', 'canvas2d'].includes(s.renderer), s.renderer);
      assert.match(await page.textContent('#backend'), /^cpu/);
      assert.match(await page.textContent('#renderer'), s.renderer === 'webgpu' ? /WebGPU/ : /Canvas 2D/);
    });

    test('only the CPU build is downloaded', () => {
      const wasm = page.requests.filter((u) => u.endsWith('.wasm')).map((u) => u.split('/').pop());
      assert.deepEqual(wasm, ['qarcade_web_bg.wasm']);
    });

    test('frames advance', async () => {
      const a = await stats(page);
      const b = await waitForStats(page, (s) => s.frame >= a.frame + 60, { what: '60 more frames', timeout: 20_000 });
      assert.ok(b.decisions > a.decisions, 'the agent made new decisions');
    });

    test('the score changes', async () => {
      const s = await waitForStats(page, (x) => x.score[0] + x.score[1] > 0, { what: 'a point', timeout: 90_000 });
      assert.ok(s.score.every((v) => v >= 0 && v <= 21), `score ${s.score}`);
      const shown = [await page.textContent('#score-agent'), await page.textContent('#score-opponent')].map(Number);
      const now = (await stats(page)).score;
      // The scoreboard follows the 'score' event; it may be one point behind a poll in between.
      assert.ok(shown[0] <= now[0] && shown[1] <= now[1] && shown[0] + shown[1] > 0, `scoreboard ${shown}, game ${now}`);
    });

    test('the agent wins points against the built-in player', { skip: process.env.QARCADE_TEST_WINS === '0' }, async () => {
      // About 5 s of play per point at 60 frames/s: 5 points in well under two minutes, even
      // at half speed on a busy machine.
      const s = await waitForStats(page, (x) => x.score[0] >= 5, { what: 'the agent to score 5 points', timeout: 150_000 });
      assert.ok(s.score[0] > s.score[1], `the agent leads: agent ${s.score[0]}, built-in player ${s.score[1]}`);
    });

    test("the agent's paddle moves and its actions are not all the same", async () => {
      const log = await page.evaluate(() => window.qarcadeLog);
      const ys = new Set(log.agentY);
      const actions = new Set(log.actions);
      assert.ok(log.actions.length > 30, `only ${log.actions.length} decisions`);
      assert.ok(ys.size > 3, `the agent's paddle took only ${ys.size} positions: ${[...ys]}`);
      assert.ok(actions.size > 1, `the agent chose only ${[...actions]}`);
    });

    test('the page runs at about 60 frames/s', async () => {
      const a = await stats(page);
      await new Promise((r) => setTimeout(r, 3000));
      const b = await stats(page);
      const fps = (b.frame - a.frame) / 3;
      // Headless Chromium on a busy CI machine: be lenient about the number, strict about order.
      assert.ok(fps > 30 && fps < 66, `${fps.toFixed(1)} frames/s`);
    });

    test('Q-values are shown, one bar per action', async () => {
      const labels = await page.locator('#qbars .label').allTextContents();
      assert.deepEqual(labels, ['NOOP', 'FIRE', 'RIGHT (up)', 'LEFT (down)', 'RIGHTFIRE', 'LEFTFIRE']);
      const values = (await page.locator('#qbars .value').allTextContents()).map((t) => Number(t.replace('−', '-')));
      assert.ok(values.every(Number.isFinite), `values ${values}`);
      assert.equal(await page.locator('#qbars .chosen').count(), 1);
    });

    test('pause and step', async () => {
      await page.click('#play'); // pause
      await new Promise((r) => setTimeout(r, 100)); // a frame in flight may still finish
      const a = await stats(page);
      assert.equal(a.running, false);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await stats(page)).frame, a.frame, 'paused, yet frames advanced');
      await page.click('#step');
      const b = await waitForStats(page, (s) => s.decisions === a.decisions + 1, { what: 'one step' });
      // One step: the rest of the step it was paused in (0 to 3 frames), then a decision and its 4 frames.
      assert.ok(b.frame >= a.frame + 4 && b.frame <= a.frame + 7, `frames ${a.frame} → ${b.frame}`);
      await page.click('#play');
    });

    test('a screenshot shows Pong', async () => {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await new Promise((r) => setTimeout(r, 1000)); // playing again after the pause test; figures refreshed
        await page.screenshot({ path: path.join(ARTIFACTS, 'pong.png') });
      // The canvas itself: a Pong screen has the orange field, the walls, two paddles, a ball.
      const shot = await page.locator('#screen').screenshot();
      fs.writeFileSync(path.join(ARTIFACTS, 'pong-canvas.png'), shot);
      const colours = await distinctColours(page, shot);
      assert.ok(colours >= 4, `the canvas has ${colours} colours`);
    });

    test('no console errors', () => assertNoConsoleErrors(page));
  });

  describe('the network', () => {
    let page;
    before(async () => { page = await openReady('backend=cpu'); });
    after(() => page?.close());

    test('Q-values depend on where the ball is', async () => {
      const r = await page.evaluate(async () => {
        const { Game, Agent } = window.qarcadePlayer.wasm;
        const [rom, weights] = await Promise.all(['rom', 'weights'].map(async (k) => {
          const config = await (await fetch('config.json')).json();
          return new Uint8Array(await (await fetch(config[k])).arrayBuffer());
        }));
        const game = new Game(rom, false);
        const agent = Agent.cpu(weights);
        // Play NOOPs until the ball is served, then take observations 40 frames apart.
        let frames = 0;
        while (game.positions()[0] === 0 && frames < 600) { game.advance(18); frames++; }
        for (let i = 0; i < 16; i++) game.advance(18);
        const obs = [];
        const balls = [];
        for (let k = 0; k < 2; k++) {
          while (!game.decision_due()) game.advance(18);
          obs.push(game.observation());
          balls.push([...game.positions()].slice(0, 2));
          for (let i = 0; i < 40; i++) game.advance(18);
        }
        const q = [];
        for (const o of obs) q.push([...(await agent.q_values(o))]);
        return { q, balls };
      });
      assert.notDeepEqual(r.balls[0], r.balls[1], 'the ball should have moved');
      const diff = Math.max(...r.q[0].map((v, i) => Math.abs(v - r.q[1][i])));
      assert.ok(diff > 1e-4, `Q-values barely changed (${diff}) between ball at ${r.balls[0]} and at ${r.balls[1]}`);
    });

    test('WebGPU and CPU agree: same greedy action, Q-values within 1e-3', async () => {
      const r = await page.evaluate(async () => {
        // The WebGPU build (the page itself loaded the CPU-only one).
        const { loadBundle } = await import('./qarcade.js');
        const { Game, Agent, argmax, has_webgpu } = await loadBundle('webgpu');
        if (!has_webgpu()) throw new Error('the WebGPU build has no WebGPU');
        const config = await (await fetch('config.json')).json();
        const get = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
        const [rom, weights] = await Promise.all([get(config.rom), get(config.weights)]);
        const game = new Game(rom, false);
        const cpu = Agent.cpu(weights);
        const gpu = await Agent.webgpu(weights);
        const out = [];
        // Three observations: the start, and two later ones with the ball in play.
        for (const frames of [0, 200, 120]) {
          for (let i = 0; i < frames; i++) game.advance(18);
          while (!game.decision_due()) game.advance(18);
          const obs = game.observation();
          const qc = await cpu.q_values(obs);
          const qg = await gpu.q_values(obs);
          out.push({ cpu: [...qc], gpu: [...qg], aCpu: argmax(qc), aGpu: argmax(qg) });
        }
        return { out, backends: [cpu.backend(), gpu.backend()] };
      });
      assert.match(r.backends[0], /^cpu/);
      assert.match(r.backends[1], /^webgpu/);
      for (const { cpu, gpu, aCpu, aGpu } of r.out) {
        const diff = Math.max(...cpu.map((v, i) => Math.abs(v - gpu[i])));
        assert.ok(diff <= 1e-3, `Q-values differ by ${diff}: cpu ${cpu}, webgpu ${gpu}`);
        assert.equal(aGpu, aCpu, `greedy actions differ: cpu ${cpu}, webgpu ${gpu}`);
      }
    });

    test('no console errors', () => assertNoConsoleErrors(page));
  });

  describe('the WebGPU backend in the page', () => {
    let page;
    before(async () => { page = await openReady('backend=webgpu&autostart=1'); });
    after(() => page?.close());

    test('plays (slowly on SwiftShader): decisions are made and frames advance', async () => {
      const a = await waitForStats(page, (s) => s.decisions >= 1, { what: 'a first WebGPU decision', timeout: 120_000 });
      assert.match(a.backend, /^webgpu/);
      const b = await waitForStats(page, (s) => s.decisions >= a.decisions + 3 && s.frame > a.frame + 8, { what: 'more decisions', timeout: 60_000 });
      assert.equal(b.qValues.length, 6);
      assert.match(await page.textContent('#backend'), /^webgpu/);
      assert.equal(await page.evaluate(() => window.qarcadePlayer.wasm.has_webgpu()), true);
    });

    test('no console errors', () => assertNoConsoleErrors(page));
  });

  describe('both renderers draw the same picture', () => {
    // Each renderer draws one game state on its own 640×420 canvas; its pixels must be the game's
    // RGBA frame with each Atari pixel 4 wide and 2 tall. The WebGPU one (shaders/screen.wgsl) is
    // read back from a texture: headless Chromium here cannot show a WebGPU canvas (software
    // compositing), though it can render one.
    test('WebGPU (screen.wgsl) and Canvas 2D, against the frame', async () => {
      const page = await openReady('backend=cpu');
      const r = await page.evaluate(async () => {
        const { createRenderer } = await import('./renderer.js');
        const wasm = window.qarcadePlayer.wasm;
        const config = await (await fetch('config.json')).json();
        const game = new wasm.Game(new Uint8Array(await (await fetch(config.rom)).arrayBuffer()), false);
        for (let i = 0; i < 150; i++) { game.set_agent_action(i % 40 < 20 ? 3 : 4); game.advance(18); }
        const expected = game.rgba();
        const canvas = () => Object.assign(document.createElement('canvas'), { width: 640, height: 420 });
        const compare = (pixels) => {
          let differing = 0;
          for (let y = 0; y < 420; y++) {
            for (let x = 0; x < 640; x++) {
              const i = (y * 640 + x) * 4;
              const j = ((y >> 1) * 160 + (x >> 2)) * 4;
              if (pixels[i] !== expected[j] || pixels[i + 1] !== expected[j + 1] || pixels[i + 2] !== expected[j + 2]) differing++;
            }
          }
          return differing;
        };
        const gpu = await createRenderer(canvas(), { prefer: 'webgpu', wasm, shaderUrl: 'shaders/screen.wgsl' });
        const gpuPixels = await gpu.pixels(game);
        const c2d = canvas();
        const cpu = await createRenderer(c2d, { prefer: 'canvas2d', wasm });
        cpu.draw(game);
        const cpuPixels = c2d.getContext('2d').getImageData(0, 0, 640, 420).data;
        const colours = new Set();
        for (let i = 0; i < expected.length; i += 4) colours.add((expected[i] << 16) | (expected[i + 1] << 8) | expected[i + 2]);
        return { kinds: [gpu.kind, cpu.kind], webgpu: compare(gpuPixels), canvas2d: compare(cpuPixels), colours: colours.size };
      });
      assert.deepEqual(r.kinds, ['webgpu', 'canvas2d']);
      assert.ok(r.colours >= 4, `the frame has ${r.colours} colours: not a Pong screen`);
      assert.equal(r.webgpu, 0, `WebGPU: ${r.webgpu} of 268800 pixels differ from the frame`);
      assert.equal(r.canvas2d, 0, `Canvas 2D: ${r.canvas2d} of 268800 pixels differ from the frame`);
      assertNoConsoleErrors(page);
      await page.close();
    });

    test('?renderer=webgpu draws through WebGPU in the page', async () => {
      const page = await openReady('backend=cpu&renderer=webgpu&autostart=1');
      await waitForStats(page, (s) => s.frame > 30, { what: 'play' });
      assert.equal((await stats(page)).renderer, 'webgpu');
      assert.match(await page.textContent('#renderer'), /WebGPU/);
      assertNoConsoleErrors(page);
      await page.close();
    });
  });

  describe('refusing bad files', () => {
    test('a file that is not weights (via ?weights=)', async () => {
      const page = await openPage(browser.context, `${serve.url}?backend=cpu&weights=/pkg/qarcade_web.js`);
      const text = await messageText(page);
      assert.match(text, /weights could not be loaded: not a qarcade weights file/);
      assert.equal(await page.getAttribute('#message', 'role'), 'alert');
      await page.close();
    });

    test('a corrupt weights file (via the picker), on both backends', async () => {
      const page = await openReady('backend=cpu&autostart=0');
      const weights = await page.evaluate(async () => {
        const config = await (await fetch('config.json')).json();
        return [...new Uint8Array(await (await fetch(config.weights)).arrayBuffer())];
      });
      const bytes = Buffer.from(weights);
      bytes[bytes.length >> 1] ^= 0x40; // one bit in the middle of the tensors
      await page.setInputFiles('#weights-file', { name: 'damaged.qnet', mimeType: 'application/octet-stream', buffer: bytes });
      assert.match(await messageText(page), /weights could not be loaded: .*corrupt/);
      // The WebGPU path refuses it the same way, before asking for an adapter.
      const gpuError = await page.evaluate(async (b) => {
        try {
          const { loadBundle } = await import('./qarcade.js');
          await (await loadBundle('webgpu')).Agent.webgpu(new Uint8Array(b));
          return null;
        } catch (e) {
          return e.message;
        }
      }, [...bytes]);
      assert.match(gpuError, /corrupt/);
      // The player kept its good network and still plays.
      await page.evaluate(() => window.qarcadePlayer.step());
      assert.equal((await stats(page)).decisions, 1);
      await page.close();
    });

    test('a file that is not the Pong ROM (via the picker)', async () => {
      const page = await openReady('backend=cpu');
      await page.setInputFiles('#rom-file', { name: 'junk.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(2048) });
      assert.match(await messageText(page), /junk\.bin” is not the Pong ROM this page plays: its MD5 is [0-9a-f]{32}/);
      await page.close();
    });

    test('a ROM the emulator refuses (via ?rom= and the API)', async () => {
      const page = await openPage(browser.context, `${serve.url}?backend=cpu&rom=/pkg/qarcade_web.js`);
      assert.match(await messageText(page), /ROM could not be loaded: this file is not a supported Atari ROM \(MD5 [0-9a-f]{32}\)/);
      const error = await page.evaluate(async () => {
        try {
          await window.qarcadePlayer.loadRom(new Uint8Array(2048));
          return null;
        } catch (e) {
          return e.message;
        }
      });
      assert.match(error, /not a supported Atari ROM/);
      assertNoConsoleErrors(page);
      await page.close();
    });
  });

  describe('on a static host (no qarcade serve)', () => {
    let host;
    let rom;
    before(async () => {
      // The ROM and weights as the user has them: files on their disk (here: from qarcade serve).
      const get = async (p) => Buffer.from(await (await fetch(new URL(p, serve.url))).arrayBuffer());
      const config = await (await fetch(new URL('config.json', serve.url))).json();
      rom = await get(config.rom);
      host = await startStatic({ '/my.qnet': await get(config.weights) });
    });
    after(() => host?.close());

    test('asks for the ROM, checks it, keeps it in IndexedDB for next time', async () => {
      // No error expected: the build's own config.json names its default weights (here
      // replaced by ?weights=) and no ROM.
      const url = `${host.url}?backend=cpu&weights=/my.qnet&autostart=1`;
      const page = await openPage(browser.context, url);
      await page.locator('#rom-state', { hasText: 'Choose your copy' }).waitFor();
      assert.equal(await page.evaluate(() => window.qarcadePlayer.ready), false);
      await page.setInputFiles('#rom-file', { name: 'pong.bin', mimeType: 'application/octet-stream', buffer: rom });
      await waitForReady(page);
      // Storing in IndexedDB finishes after the ROM is loaded: wait for the page to say so.
      await page.locator('#rom-state', { hasText: 'Stored in this browser' }).waitFor({ timeout: 10_000 });
      await waitForStats(page, (s) => s.frame > 30, { what: 'play' });
      assertNoConsoleErrors(page);

      // Next visit: the stored ROM, no question asked.
      await page.reload();
      await waitForReady(page);
      await page.locator('#rom-state', { hasText: 'stored in this browser' }).waitFor({ timeout: 10_000 });
      await waitForStats(page, (s) => s.frame > 30, { what: 'play with the stored ROM' });
      assertNoConsoleErrors(page);
      await page.close();
    });

    test('embed.html plays through the JS API', async () => {
      const allow = () => false;
      const page = await openPage(browser.context, `${host.url}embed.html?backend=cpu&weights=/my.qnet`, { allow });
      await page.waitForFunction(() => document.readyState === 'complete');
      await page.setInputFiles('#rom', { name: 'pong.bin', mimeType: 'application/octet-stream', buffer: rom });
      await page.locator('#score', { hasText: /[1-9]/ }).waitFor({ timeout: 90_000 });
      assert.equal(await page.textContent('#error'), '');
      assertNoConsoleErrors(page);
      await page.close();
    });
  });

  describe('playing against the agent', () => {
    test('the keyboard moves the left paddle', async () => {
      const page = await openReady('backend=cpu&mode=versus&autostart=1');
      await waitForStats(page, (s) => s.frame > 20, { what: 'play' });
      assert.equal((await stats(page)).mode, 'versus');
      const y = async () => (await stats(page)).positions[3];
      for (const [key, sign] of [['ArrowDown', 1], ['ArrowUp', -1], ['KeyS', 1], ['KeyW', -1]]) {
        const before = await y();
        await page.keyboard.down(key);
        await new Promise((r) => setTimeout(r, 400));
        await page.keyboard.up(key);
        const moved = (await y()) - before;
        assert.ok(Math.sign(moved) === sign, `${key}: left paddle y ${before} → ${before + moved}`);
      }
      assertNoConsoleErrors(page);
      await page.close();
    });

    test('a game with an idle person never freezes waiting for a serve', async () => {
      const page = await openReady('backend=cpu&mode=versus&autostart=1');
      // The person does nothing: the agent wins points, and its serves (its own or forced
      // after 2 s) keep the game going.
      const s = await waitForStats(page, (x) => x.score[0] >= 3, { what: 'three points for the agent', timeout: 90_000 });
      assert.equal(s.score[1], 0, `score ${s.score}`);
      assert.ok(['agent', 'person', ''].includes(s.server), `server ${s.server}`);
      assert.equal(s.forcedServes[1], 0, 'the person never had to serve');
      assertNoConsoleErrors(page);
      await page.close();
    });

    test('the mouse moves the left paddle towards the pointer', async () => {
      const page = await openReady('backend=cpu&mode=versus&autostart=1');
      const box = await page.locator('#screen').boundingBox();
      for (const fraction of [0.8, 0.3]) {
        await page.mouse.move(box.x + 100, box.y + fraction * box.height);
        const target = fraction * 210;
        await waitForStats(page, (s) => Math.abs(paddleCentre(s.positions[3]) - target) < 12, { what: `the paddle near row ${target}`, timeout: 10_000 });
      }
      assertNoConsoleErrors(page);
      await page.close();
    });
  });

  describe('the adversary against the agent (mode attack)', () => {
    test('the adversary holds the left paddle and beats the agent', { skip: process.env.QARCADE_TEST_WINS === '0' }, async () => {
      const page = await openPage(browser.context, `${serve.url}?backend=cpu&mode=attack&autostart=1`);
      const config = await page.evaluate(() => fetch('config.json').then((r) => r.json()));
      if (!config.adversary) {
        await page.close();
        return; // no adversary to serve (docs/attack/adversary.qnet absent)
      }
      await waitForReady(page);
      const info = await page.evaluate(() => window.qarcadePlayer.info());
      assert.equal(info.mode, 'attack');
      assert.ok(info.opponent?.architecture, 'the adversary is loaded');
      const moves = new Set();
      const ys = new Set();
      const s = await waitForStats(page, (x) => {
        moves.add(x.opponentAction);
        ys.add(x.positions[3]);
        return x.score[1] >= 3;
      }, { what: 'three points for the adversary', timeout: 150_000 });
      assert.ok(s.score[1] > s.score[0], `the adversary leads: adversary ${s.score[1]}, agent ${s.score[0]}`);
      assert.ok([...moves].every((a) => a >= 18 && a < 36), `player-B ids only: ${[...moves]}`);
      assert.ok(ys.size > 3, `the left paddle took only ${ys.size} positions`);
      assert.equal(await page.locator('.scoreboard .who').first().textContent(), 'Adversary');
      assertNoConsoleErrors(page);
      await page.close();
    });
  });

  describe('the emulator in wasm matches native', () => {
    test('rgb_sha1 of 300 frames equals `qarcade trace`', async () => {
      // A fixed pattern of Pong's actions, changing every few frames.
      const ids = [0, 1, 3, 4, 11, 12];
      const actions = Array.from({ length: 300 }, (_, i) => ids[(Math.floor(i / 7) * 5 + (i % 3)) % ids.length]);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qarcade-trace-'));
      const file = path.join(dir, 'actions.txt');
      fs.writeFileSync(file, `${actions.join('\n')}\n`);
      const native = execFileSync(BIN, ['trace', '--rom', 'pong', '--actions', file], { encoding: 'utf8', maxBuffer: 64 << 20 })
        .trim().split('\n').map((line) => JSON.parse(line).rgb_sha1);
      fs.rmSync(dir, { recursive: true, force: true });

      const page = await openReady('backend=cpu');
      const wasm = await page.evaluate(async (actions) => {
        const { Game } = window.qarcadePlayer.wasm;
        const config = await (await fetch('config.json')).json();
        const game = new Game(new Uint8Array(await (await fetch(config.rom)).arrayBuffer()), false);
        const shas = [game.rgb_sha1()]; // frame 0: the state after loading
        for (const a of actions) {
          game.set_agent_action(a);
          game.advance(18); // player B: NOOP, as in the trace
          shas.push(game.rgb_sha1());
        }
        return shas;
      }, actions);
      await page.close();
      assert.equal(native.length, 301);
      const first = wasm.findIndex((s, i) => s !== native[i]);
      assert.equal(first, -1, `frame ${first} differs: wasm ${wasm[first]}, native ${native[first]}`);
    });
  });
});

// ---- picture helpers (PNG decoding is the browser's job: no image library needed) ----

/** Pong's left paddle: its centre in screen rows, from the RAM value (see controls.js). */
function paddleCentre(ramY) {
  return ramY - 6;
}

async function distinctColours(page, png) {
  return page.evaluate(async (b64) => {
    const pixels = await decodePng(b64);
    const set = new Set();
    for (let i = 0; i < pixels.length; i += 4) set.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    return set.size;
    async function decodePng(data) {
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${data}`)).blob());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(bitmap, 0, 0);
      return ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    }
  }, png.toString('base64'));
}

/** Pixels (of the same size) whose colour differs by more than 2 in a channel. */
async function comparePictures(page, pngA, pngB) {
  return page.evaluate(async ([a, b]) => {
    const decode = async (data) => {
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${data}`)).blob());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(bitmap, 0, 0);
      return ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    };
    const [pa, pb] = await Promise.all([decode(a), decode(b)]);
    if (pa.length !== pb.length) return { differing: Infinity, total: 0 };
    let differing = 0;
    for (let i = 0; i < pa.length; i += 4) {
      if (Math.abs(pa[i] - pb[i]) > 2 || Math.abs(pa[i + 1] - pb[i + 1]) > 2 || Math.abs(pa[i + 2] - pb[i + 2]) > 2) differing++;
    }
    return { differing, total: pa.length / 4 };
  }, [pngA.toString('base64'), pngB.toString('base64')]);
}
