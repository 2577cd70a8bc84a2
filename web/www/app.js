// The page: the player (qarcade.js) plus its controls, figures and file loaders.
//
// Where the files come from:
// - `qarcade serve` answers /config.json with the URLs of the exported weights and the cached
//   ROM, and the page loads both;
// - on a static host, config.json is the build's own (web/build.sh): the default weights it
//   carries (weights/pong.qnet, the best Pong agent the project ships) and no ROM. The page
//   uses the ROM stored in IndexedDB, or asks for one (file picker or drop). `?weights=URL`
//   or the file picker replace the weights.
// Query parameters: backend=auto|cpu|webgpu, renderer=auto|webgpu|canvas2d,
// mode=watch|versus|attack, difficulty=0|1 (versus: the person's paddle), weights=URL,
// adversary=URL (mode attack's left paddle), rom=URL, autostart=1|0 (default: watch mode
// starts by itself, the other modes wait for Play), saliency=1 (the saliency map on).

import { FPS, GAME_OVER_MS, createPlayer } from './qarcade.js';
import * as romStore from './rom-store.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const GAME = 'pong';

main().catch((e) => showError(e.message));

async function main() {
  const player = await createPlayer($('screen'), {
    backend: params.get('backend') ?? 'auto',
    renderer: params.get('renderer') ?? 'auto',
    mode: params.get('mode') ?? 'watch',
    difficulty: Number(params.get('difficulty') ?? 0),
  });
  window.qarcadePlayer = player; // for the browser tests and the curious
  wireControls(player);
  wireFigures(player);
  wireBanner(player);
  wireSaliency(player);
  wireLoaders(player);

  const config = await fetchConfig();
  await loadRom(player, params.get('rom') ?? config?.rom);
  await loadWeights(player, params.get('weights') ?? config?.weights);
  await loadAdversary(player, params.get('adversary') ?? config?.adversary);
}

/** `qarcade serve`'s /config.json, or the build's (default weights), or null if neither. */
async function fetchConfig() {
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

// ---- files ----

async function loadRom(player, url) {
  if (url) {
    await attempt('ROM', () => player.loadRom(url), `Pong ROM: from ${url}.`);
  } else {
    const stored = await romStore.loadRom(GAME);
    if (stored) await attempt('ROM', () => player.loadRom(stored), 'Pong ROM: the one you gave earlier (stored in this browser).', true);
    else $('rom-state').textContent = 'Pong ROM: not loaded. Choose your copy of the Pong ROM (it stays in this browser).';
  }
  maybeStart(player);
}

async function loadWeights(player, url) {
  if (url) await attempt('weights', () => player.loadWeights(url), `Weights: from ${url}.`);
  else $('weights-state').textContent = 'Weights: not loaded. Choose a file made by “qarcade export”, or open the page with ?weights=URL.';
  maybeStart(player);
}

/** The adversary for mode attack, if there is one: without it that mode cannot start. */
async function loadAdversary(player, url) {
  const radio = document.querySelector('input[name=mode][value=attack]');
  if (!url) {
    radio.disabled = true;
    radio.parentElement.title = 'No adversary: “qarcade serve” offers docs/attack/adversary.qnet, or open the page with ?adversary=URL.';
    return;
  }
  try {
    await player.loadOpponentWeights(url);
    radio.disabled = false;
  } catch (e) {
    radio.disabled = true;
    showError(`The adversary could not be loaded: ${e.message}`, 'adversary');
  }
  maybeStart(player);
}

/** A ROM the user picked or dropped: checked by MD5, loaded, and kept for next time. */
async function userRom(player, file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const { md5_hex, pong_md5 } = player.wasm;
  const md5 = md5_hex(bytes);
  if (md5 !== pong_md5()) {
    showError(`“${file.name}” is not the Pong ROM this page plays: its MD5 is ${md5}, Pong's is ${pong_md5()}.`, 'ROM');
    return;
  }
  const ok = await attempt('ROM', () => player.loadRom(bytes), `Pong ROM: ${file.name}.`);
  if (ok && (await romStore.storeRom(GAME, bytes))) {
    $('rom-state').textContent += ' Stored in this browser for next time.';
    $('rom-forget').hidden = false;
  }
  maybeStart(player);
}

async function userWeights(player, file) {
  await attempt('weights', () => player.loadWeights(file), `Weights: ${file.name}.`);
  maybeStart(player);
}

/** Runs a load; shows its failure in #message (and returns false) or its success in the panel. */
async function attempt(what, load, success, stored = false) {
  try {
    await load();
  } catch (e) {
    showError(`The ${what} could not be loaded: ${e.message}`, what);
    return false;
  }
  clearMessage(what);
  $(what === 'ROM' ? 'rom-state' : 'weights-state').textContent = success;
  if (stored) $('rom-forget').hidden = false;
  return true;
}

function wireLoaders(player) {
  $('rom-file').addEventListener('change', (e) => e.target.files[0] && userRom(player, e.target.files[0]));
  $('weights-file').addEventListener('change', (e) => e.target.files[0] && userWeights(player, e.target.files[0]));
  $('rom-forget').addEventListener('click', async () => {
    await romStore.forgetRom(GAME);
    $('rom-forget').hidden = true;
    $('rom-state').textContent += ' (Forgotten: next visit will ask again.)';
  });
  const drop = $('rom-drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer.files[0];
    if (file) userRom(player, file);
  });
}

// ---- controls ----

let started = false;

/**
 * Once both files are in: enable the buttons, and play in watch mode (or with ?autostart=1;
 * ?autostart=0 never starts by itself).
 */
function maybeStart(player) {
  for (const id of ['play', 'step', 'reset']) $(id).disabled = !player.ready;
  if (!player.ready) return;
  showInfo(player.info());
  const autostart = params.get('autostart');
  if (!started && autostart !== '0' && (autostart === '1' || player.mode === 'watch')) player.start();
  started = true;
}

function wireControls(player) {
  $('play').addEventListener('click', () => (player.running ? player.stop() : player.start()));
  $('step').addEventListener('click', () => player.step());
  $('reset').addEventListener('click', () => player.reset());
  player.on('state', ({ running }) => { $('play').textContent = running ? 'Pause' : 'Play'; });
  for (const radio of document.querySelectorAll('input[name=mode]')) {
    radio.checked = radio.value === player.mode;
    radio.addEventListener('change', async () => {
      if (!radio.checked) return;
      await player.setMode(radio.value);
      maybeStart(player);
    });
  }
  player.on('mode', ({ mode }) => showMode(mode));
  showMode(player.mode);
  player.on('error', (e) => showError(`The player stopped: ${e.message}`));

  const difficulty = $('difficulty');
  difficulty.value = String(player.difficulty);
  difficulty.addEventListener('change', () => player.setDifficulty(Number(difficulty.value)));

  // On-screen buttons (phones): held while pressed, like keys.
  for (const button of $('pad').querySelectorAll('button')) {
    const key = button.dataset.key;
    const press = (down) => (e) => { e.preventDefault(); player.press(key, down); };
    button.addEventListener('pointerdown', press(true));
    for (const type of ['pointerup', 'pointerleave', 'pointercancel']) button.addEventListener(type, press(false));
  }
}

const HINTS = {
  watch: 'The agent plays the right, green paddle against Pong’s built-in player (orange).',
  versus: 'You play the left paddle: ↑/↓ or W/S and Space to serve; or move the mouse or a finger '
    + 'over the screen, and click or tap to serve.',
  attack: 'The adversary (left) never saw the built-in player: “qarcade attack train” taught it, '
    + 'by trial and error with the agent frozen, to beat this agent (right). Watch how it wins.',
};
const OPPONENTS = { watch: 'CPU', versus: 'You', attack: 'Adversary' };

function showMode(mode) {
  $('hint').textContent = HINTS[mode];
  document.querySelector('.scoreboard .who').textContent = OPPONENTS[mode];
  $('difficulty-choice').hidden = mode !== 'versus';
  $('pad').hidden = mode !== 'versus';
  $('tally').textContent = 'Games won: none finished yet.';
}

// ---- the banner over the screen: whose serve, game over, what to do first ----

function wireBanner(player) {
  let over = null; // the last 'gameover' event, shown while its final score is on screen
  player.on('gameover', (e) => {
    over = e;
    const them = OPPONENTS[player.mode];
    $('tally').textContent = `Games won: Agent ${e.tally[0]}, ${them} ${e.tally[1]}.`;
  });
  player.on('mode', () => { over = null; });
  setInterval(() => {
    const s = player.stats();
    let text = '';
    if (!player.ready) {
      text = 'Load the Pong ROM (below) to start.';
    } else if (s.gameOver && over) {
      const them = OPPONENTS[s.mode];
      const winner = over.agent > over.opponent ? 'The agent wins' : `${them === 'You' ? 'You win' : `${them} wins`}`;
      const high = Math.max(over.agent, over.opponent);
      const low = Math.min(over.agent, over.opponent);
      const next = s.running ? ` The next game starts ${GAME_OVER_MS / 1000} s after the last point.` : '';
      text = `Game over: ${winner} ${high}–${low}. Games won: Agent ${over.tally[0]}, ${them} ${over.tally[1]}.${next}`;
    } else if (!s.running && s.decisions === 0) {
      text = 'Press Play to start.';
    } else if (s.mode === 'versus' && s.server) {
      const seconds = Math.max(0, s.serveIn / FPS).toFixed(1);
      text = s.server === 'person'
        ? `Your serve: press Space or tap the screen (served for you in ${seconds} s).`
        : `The agent serves in ${seconds} s.`;
    }
    const banner = $('banner');
    banner.textContent = text;
    banner.hidden = text === '';
  }, 100);
}

// ---- saliency: the occlusion map over the screen ----

function wireSaliency(player) {
  const box = $('saliency');
  const overlay = $('saliency-map');
  if (params.get('saliency') === '1') player.setSaliency(true);
  box.checked = player.saliency;
  box.addEventListener('change', () => player.setSaliency(box.checked));
  player.on('saliency', (s) => {
    overlay.hidden = !s;
    if (!s) return;
    drawSaliency(overlay, s);
  });
}

/**
 * Red where hiding a patch lowers the chosen move's Q-value, as strong as the largest drop;
 * patches whose hiding raises it stay clear. One canvas pixel per cell, stretched smoothly.
 */
function drawSaliency(canvas, { map, cells }) {
  if (canvas.width !== cells) canvas.width = canvas.height = cells;
  // Small canvases, written with putImageData: CPU-backed (willReadFrequently) suits them,
  // and lets a reader (the tests) read them back without a warning.
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const image = ctx.createImageData(cells, cells);
  const top = Math.max(...map, 1e-6);
  map.forEach((v, i) => {
    image.data.set([255, 40, 40, Math.round(200 * Math.max(0, v) / top)], i * 4);
  });
  ctx.putImageData(image, 0, 0);
}

// ---- figures ----

function wireFigures(player) {
  player.on('score', ({ agent, opponent }) => {
    $('score-agent').textContent = agent;
    $('score-opponent').textContent = opponent;
  });
  player.on('decision', ({ qValues, action }) => {
    drawQ(player, qValues, action);
    drawObservation(player.observation());
  });
  player.on('rom', () => drawObservation(player.observation()));
  player.on('weights', (info) => { buildQBars(info.actions); showInfo(info); });
  // Figures that change every frame are refreshed a few times a second, not 60.
  setInterval(() => {
    const s = player.stats();
    $('fps').textContent = s.running ? s.fps.toFixed(1) : 'paused';
    $('frame').textContent = s.frame;
    $('decision-ms').textContent = s.decisions ? `${s.decisionMs.toFixed(1)} ms` : '–';
    $('saliency-ms').textContent = s.saliency ? `${s.saliencyMs.toFixed(1)} ms per map` : 'off';
  }, 250);
  showInfo(player.info());
}

function showInfo(info) {
  $('backend').textContent = info.backend ?? `– (${params.get('backend') ?? 'auto'})`;
  // Why `auto` chose the CPU over an available WebGPU adapter, if it did.
  $('backend').title = info.backendNote ?? '';
  if (info.backendNote) $('backend').textContent += ` — ${info.backendNote}`;
  $('renderer').textContent = info.renderer === 'webgpu' ? 'WebGPU (shaders/screen.wgsl)' : 'Canvas 2D';
  if (info.architecture) {
    $('network').textContent = plainArchitecture(info.architecture);
    $('network').title = info.architecture;
    $('about-agent').textContent = aboutAgent(info);
  }
}

/** `in4x84x84 conv32k8s4 conv64k4s2 conv64k3s1 fc512 fc6` in words. */
function plainArchitecture(text) {
  const parts = text.split(' ');
  const convs = parts.filter((p) => p.startsWith('conv')).map((p) => /^conv(\d+)/.exec(p)?.[1]);
  const fcs = parts.filter((p) => p.startsWith('fc')).map((p) => p.slice(2));
  const hidden = fcs.slice(0, -1);
  const outputs = fcs.at(-1);
  const words = [];
  if (convs.length) words.push(`${convs.length} convolution layers (${convs.join(', ')} filters)`);
  if (hidden.length) words.push(`${hidden.map((n) => `a ${n}-unit layer`).join(', ')}`);
  if (outputs) words.push(`${outputs} outputs, one per move`);
  if (parts.some((p) => p === 'ln')) words.push('layer norms');
  return words.length ? words.join(', ') : text;
}

/** What the agent is and how it was trained, from the weights file's header. */
function aboutAgent(info) {
  const steps = info.trainedSteps ? Number(info.trainedSteps).toLocaleString('en') : null;
  let text = 'The right, green paddle is played by a deep Q-network: a neural network that looks at the '
    + 'last four screens and scores each joystick move. qarcade trained it from the pixels alone, '
    + 'by trial and error against Pong’s built-in player';
  if (steps) text += `, for ${steps} decisions`;
  if (info.trainedMinutes) text += ` (${Math.round(info.trainedMinutes)} minutes of training on a 2-core CPU)`;
  text += '.';
  if (info.evalScore !== null && info.evalScore !== undefined) {
    const score = info.evalScore;
    text += ` In its last test it ${score >= 0 ? 'won' : 'lost'} by ${Math.abs(score).toFixed(1)} points a game on average (games go to 21).`;
  }
  return text;
}

/** The observation stack, one 84×84 grey canvas per frame. */
function drawObservation(obs) {
  if (!obs) return;
  const canvases = document.querySelectorAll('.stack canvas');
  const side = 84;
  const frames = obs.length / (side * side);
  canvases.forEach((canvas, k) => {
    const f = k + Math.max(0, frames - canvases.length);
    if (f >= frames) return;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const image = ctx.createImageData(side, side);
    for (let i = 0; i < side * side; i++) {
      const v = obs[f * side * side + i];
      image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = v;
      image.data[4 * i + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  });
}

function buildQBars(actions) {
  const list = $('qbars');
  list.replaceChildren(...actions.map(({ id, label }) => {
    const item = document.createElement('li');
    item.dataset.action = id;
    item.innerHTML = '<span class="label"></span><span class="bar"><span class="fill"></span></span><span class="value"></span>';
    item.querySelector('.label').textContent = label;
    return item;
  }));
}

// The bars' half-width, in points: fixed at MIN_SCALE unless an advantage is larger, then
// shrinking back slowly (1% a decision), so that a difference of 0.03 looks small.
const MIN_SCALE = 0.25;
let qScale = MIN_SCALE;

/**
 * Each move's advantage (its Q-value minus the mean over moves) as a bar from one zero line,
 * on a fixed scale; the chosen move's Q-value (the points it expects) shown apart.
 */
function drawQ(player, q, action) {
  const items = $('qbars').children;
  if (items.length !== q.length) buildQBars(player.info().actions);
  const mean = q.reduce((a, b) => a + b, 0) / q.length;
  const adv = q.map((v) => v - mean);
  qScale = Math.max(MIN_SCALE, qScale * 0.99, ...adv.map(Math.abs));
  // The chosen move's bar (the bars carry their action ids): no info() call per decision.
  const chosen = [...items].findIndex((item) => Number(item.dataset.action) === action);
  const sign = (v) => (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(3);
  $('value').textContent = `Expected points to come: ${sign(q[chosen] ?? Math.max(...q))} (the chosen move's Q-value)`;
  $('qscale').textContent = `Bars: Q minus the mean of the moves; each side spans ${qScale.toFixed(2)} points.`;
  adv.forEach((a, i) => {
    const item = items[i];
    const fill = item.querySelector('.fill');
    const width = (50 * Math.min(Math.abs(a), qScale)) / qScale;
    fill.style.left = a >= 0 ? '50%' : `${50 - width}%`;
    fill.style.width = `${width}%`;
    fill.classList.toggle('negative', a < 0);
    item.querySelector('.value').textContent = sign(a);
    item.title = `Q = ${q[i].toFixed(4)}`;
    item.classList.toggle('chosen', Number(item.dataset.action) === action);
  });
}

// ---- messages ----

// `kind` says what the message is about ('ROM', 'weights'): a later success with the other file
// must not wipe it.
function showError(text, kind = 'other') {
  const box = $('message');
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = false;
}

function clearMessage(kind) {
  const box = $('message');
  if (box.dataset.kind !== kind) return;
  box.textContent = '';
  box.hidden = true;
}
