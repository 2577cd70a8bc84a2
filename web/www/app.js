// The page: the player (qarcade.js) plus its controls, figures and file loaders.
//
// Where the files come from:
// - `qarcade serve` answers /config.json with the URLs of the exported weights and the cached
//   ROM, and the page loads both;
// - on a static host there is no config.json: the page uses the ROM stored in IndexedDB, or asks
//   for one (file picker or drop), and takes the weights from `?weights=URL` or a file picker.
// Query parameters: backend=auto|cpu|webgpu, renderer=auto|webgpu|canvas2d,
// mode=watch|versus|attack, weights=URL, adversary=URL (mode attack's left paddle), rom=URL,
// autostart=1.

import { createPlayer } from './qarcade.js';
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
  });
  window.qarcadePlayer = player; // for the browser tests and the curious
  wireControls(player);
  wireFigures(player);
  wireLoaders(player);

  const config = await fetchConfig();
  await loadRom(player, params.get('rom') ?? config?.rom);
  await loadWeights(player, params.get('weights') ?? config?.weights);
  await loadAdversary(player, params.get('adversary') ?? config?.adversary);
}

/** `qarcade serve`'s /config.json, or null on a static host (no such file). */
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
  else $('weights-state').textContent = 'Weights: not loaded. Choose a file from `qarcade export`, or open the page with ?weights=URL.';
  maybeStart(player);
}

/** The adversary for mode attack, if there is one: without it that mode cannot start. */
async function loadAdversary(player, url) {
  const radio = document.querySelector('input[name=mode][value=attack]');
  if (!url) {
    radio.disabled = true;
    radio.parentElement.title = 'No adversary: `qarcade serve` offers docs/attack/adversary.qnet, or open the page with ?adversary=URL.';
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

/** Once both files are in: enable the buttons, and play if ?autostart=1. */
function maybeStart(player) {
  for (const id of ['play', 'step', 'reset']) $(id).disabled = !player.ready;
  if (!player.ready) return;
  for (const id of ['play', 'step', 'reset']) $(id).disabled = false;
  showInfo(player.info());
  if (!started && params.get('autostart') === '1') player.start();
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
}

const VERSUS_HINT = 'You play the left paddle: ↑/↓ or W/S (Space serves), or move the mouse over the screen.';

const HINTS = {
  watch: 'The agent plays the right, green paddle against Pong’s built-in player.',
  versus: VERSUS_HINT,
  attack: 'The adversary (left) never saw the built-in player: `qarcade attack train` taught it, '
    + 'by trial and error with the agent frozen, to beat this agent (right). Watch how it wins.',
};
const OPPONENTS = { watch: 'CPU', versus: 'You', attack: 'Adversary' };

function showMode(mode) {
  $('hint').textContent = HINTS[mode];
  document.querySelector('.scoreboard .who').textContent = OPPONENTS[mode];
}

// ---- figures ----

function wireFigures(player) {
  player.on('score', ({ agent, opponent }) => {
    $('score-agent').textContent = agent;
    $('score-opponent').textContent = opponent;
  });
  player.on('decision', ({ qValues, action }) => drawQ(player, qValues, action));
  player.on('weights', (info) => { buildQBars(info.actions); showInfo(info); });
  // Figures that change every frame are refreshed a few times a second, not 60.
  setInterval(() => {
    const s = player.stats();
    $('fps').textContent = s.running ? s.fps.toFixed(1) : 'paused';
    $('frame').textContent = s.frame;
    $('decision-ms').textContent = s.decisions ? `${s.decisionMs.toFixed(1)} ms` : '–';
    if (s.mode === 'versus') {
      $('hint').textContent = s.server === 'person'
        ? 'Your serve: press Space (or click). After 2 seconds the game serves for you.'
        : VERSUS_HINT;
    }
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
    const steps = info.trainedSteps ? `, ${Number(info.trainedSteps).toLocaleString('en')} steps trained` : '';
    $('network').textContent = `${info.architecture}${steps}`;
  }
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

/** Bars scaled from the smallest Q-value to the largest: what matters is their order. */
function drawQ(player, q, action) {
  const items = $('qbars').children;
  if (items.length !== q.length) buildQBars(player.info().actions);
  const lo = Math.min(...q);
  const span = Math.max(...q) - lo || 1;
  q.forEach((v, i) => {
    const item = items[i];
    item.querySelector('.fill').style.width = `${5 + (95 * (v - lo)) / span}%`;
    item.querySelector('.value').textContent = v.toFixed(3);
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
