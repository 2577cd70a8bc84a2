// qarcade's embeddable player: the Rust emulator and Q-network (compiled to wasm) playing
// Pong on a canvas. The page (app.js) is built on this API; web/README.md documents it and
// embed.html is a minimal example.
//
//   import { createPlayer } from './qarcade.js';
//   const player = await createPlayer(canvas, { backend: 'auto', mode: 'watch' });
//   await player.loadWeights('weights.qnet');   // URL, ArrayBuffer or Uint8Array
//   await player.loadRom(romBytes);             // ROMs are never bundled: the user brings one
//   player.on('score', ({ agent, opponent }) => ...);
//   player.start();
//
// Mode 'attack' (after `await player.loadOpponentWeights('adversary.qnet')`): a second
// network, trained by `qarcade attack train` to beat the first, holds the left paddle.

import { HumanControls } from './controls.js';
import { createRenderer } from './renderer.js';

/** Frames per second of the console (NTSC): the page plays at this pace, not the display's. */
export const FPS = 60;
const FRAME_MS = 1000 / FPS;
// After a stall (a slow decision, a background tab) catch up at most this many frames at once,
// rather than fast-forwarding through everything that was missed.
const MAX_CATCH_UP = 4;
/** Player B's ALE ids are player A's plus this; player B's NOOP is this. */
const PLAYER_B_OFFSET = 18;
const PLAYER_B_NOOP = PLAYER_B_OFFSET;
/** How long the final score stays on screen before the next game starts. */
export const GAME_OVER_MS = 4000;
/**
 * Saliency (occlusion, see Agent.occlusion in web/src/agent.rs): the observation is cut into
 * cells of this many pixels (84 / 12 = 7 per side, 49 occluded copies in one batch), and a map
 * is computed every this many decisions (~3 a second at 15 decisions a second), so that the
 * page keeps its 60 frames/s on the CPU.
 */
export const SALIENCY_CELL = 12;
export const SALIENCY_EVERY = 5;
/** Frames the 'preview' game plays before its picture is shown (a real Pong screen). */
const PREVIEW_FRAMES = 60;

/** ALE's names of its 18 actions (the network's outputs are a subset, by id). */
export const ACTION_NAMES = [
  'NOOP', 'FIRE', 'UP', 'RIGHT', 'LEFT', 'DOWN', 'UPRIGHT', 'UPLEFT', 'DOWNRIGHT', 'DOWNLEFT',
  'UPFIRE', 'RIGHTFIRE', 'LEFTFIRE', 'DOWNFIRE', 'UPRIGHTFIRE', 'UPLEFTFIRE', 'DOWNRIGHTFIRE',
  'DOWNLEFTFIRE',
];
/**
 * The two builds of the wasm module (web/build.sh). Both hold the emulator and the CPU network;
 * only the second holds Burn's wgpu backend (~10x the download), so a page fetches it only
 * when it will run the network on WebGPU.
 */
const BUNDLES = {
  cpu: { js: './pkg/qarcade_web.js', wasm: './pkg/qarcade_web_bg.wasm' },
  webgpu: { js: './pkg/qarcade_web_gpu.js', wasm: './pkg/qarcade_web_gpu_bg.wasm' },
};
const loaded = new Map();

/** Loads (once) and starts one of the wasm builds; returns its exports. */
export function loadBundle(kind, wasmUrl) {
  if (!loaded.has(kind)) {
    loaded.set(kind, (async () => {
      const module = await import(new URL(BUNDLES[kind].js, import.meta.url).href);
      await module.default({ module_or_path: wasmUrl ?? new URL(BUNDLES[kind].wasm, import.meta.url) });
      return module;
    })());
  }
  return loaded.get(kind);
}

// In Pong the joystick's right and left move the paddle up and down.
const PONG_HINTS = { 3: 'RIGHT (up)', 4: 'LEFT (down)' };

/** A label for an ALE action id, as the page shows it. */
export function actionLabel(id) {
  return PONG_HINTS[id] ?? ACTION_NAMES[id] ?? `action ${id}`;
}

/**
 * Makes a player drawing on `canvas` (a <canvas>, ideally 640×420: 4×2 canvas pixels per
 * Atari pixel). Options:
 * - `backend`: 'auto' (WebGPU on a hardware adapter whose answers match the CPU's, else the
 *   CPU), 'cpu' or 'webgpu': where the Q-network runs. The WebGPU build is downloaded only
 *   when it will be used;
 * - `renderer`: 'auto', 'webgpu' or 'canvas2d': how the screen is drawn;
 * - `mode`: 'watch' (the agent against Pong's built-in player), 'versus' (against a person) or
 *   'attack' (against a second network, loaded with loadOpponentWeights: the adversary);
 * - `difficulty`: versus mode, the person's paddle: 0 (normal) or 1 (the difficulty switch at
 *   A: half as tall, harder to play);
 * - `wasmUrl`: where the wasm file is, if not in pkg/ next to this file (qarcade_web_bg.wasm,
 *   or qarcade_web_gpu_bg.wasm when the network will run on WebGPU);
 * - `shaderUrl`: where screen.wgsl is (default: shaders/screen.wgsl next to this file).
 */
export async function createPlayer(canvas, options = {}) {
  const { wasmUrl, ...rest } = options;
  const backend = options.backend ?? 'auto';
  checkBackend(backend);
  const { bundle, note } = await chooseBundle(backend);
  const wasm = await loadBundle(bundle, wasmUrl);
  const shaderUrl = options.shaderUrl ?? new URL('shaders/screen.wgsl', import.meta.url).href;
  const renderer = await createRenderer(canvas, { prefer: options.renderer ?? 'auto', wasm, shaderUrl });
  return new Player(canvas, renderer, { ...rest, wasm, backendNote: note });
}

/**
 * Which build `backend` needs. 'auto' takes the WebGPU build only for a hardware adapter: a
 * software one (Chromium's SwiftShader: `isFallbackAdapter`) runs this network ~50x slower
 * than wasm SIMD on the CPU.
 */
async function chooseBundle(backend) {
  if (backend !== 'auto') return { bundle: backend, note: null };
  const adapter = await webGpuAdapter();
  if (!adapter) return { bundle: 'cpu', note: 'this browser has no WebGPU adapter' };
  if (adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter) {
    return { bundle: 'cpu', note: 'the WebGPU adapter is software (fallback); the CPU is faster' };
  }
  return { bundle: 'webgpu', note: null };
}

export class Player {
  #wasm;
  #canvas;
  #renderer;
  #controls;
  #backendChoice;
  /** Why `auto` did not pick WebGPU, if it did not (shown by the page). */
  #backendNote = null;
  #mode;
  #listeners = new Map();
  #game = null;
  #rom = null; // the ROM's bytes, kept to rebuild the game when the mode changes
  #agent = null;
  #actionSet = [];
  /** Mode 'attack': the network holding the left paddle, its action ids and current action. */
  #opponent = null;
  #opponentSet = [];
  #opponentAction = PLAYER_B_NOOP;
  #running = false;
  #busy = null; // the frame (or step) in progress: a promise, so nothing overlaps it
  #raf = 0;
  #lastTick = 0;
  #debt = 0; // frames owed to the 60 Hz clock
  #frameTimes = []; // when recent frames were emulated, for the frames/s figure
  #lastScore = [0, 0];
  #q = [];
  #action = 0;
  #decisions = 0;
  #decisionMs = 0;
  #difficulty = 0;
  /** When the game ended (performance.now()), while its final score is on screen. */
  #overSince = null;
  #saliencyOn = false;
  #saliency = null; // { map, cells, action } of the latest occlusion map
  #saliencyMs = 0;

  /** Use createPlayer(); `wasm` is the loaded build's exports (loadBundle). */
  constructor(canvas, renderer, { backend = 'auto', mode = 'watch', difficulty = 0, wasm, backendNote = null } = {}) {
    checkBackend(backend);
    checkMode(mode);
    checkDifficulty(difficulty);
    this.#difficulty = difficulty;
    this.#wasm = wasm;
    this.#backendNote = backendNote;
    this.#canvas = canvas;
    this.#renderer = renderer;
    this.#backendChoice = backend;
    this.#mode = mode;
    this.#controls = new HumanControls(canvas, () => this.#running && this.#mode === 'versus');
  }

  /**
   * The wasm build's exports (Game, Agent, argmax, md5_hex, pong_md5, has_webgpu), for tools
   * and tests. `Agent.webgpu` exists only in the WebGPU build.
   */
  get wasm() { return this.#wasm; }

  /**
   * Loads the network from an exported weights file (`qarcade export`): a URL, an ArrayBuffer
   * or a Uint8Array. Throws an Error with a readable message for a wrong or damaged file;
   * the player keeps its previous network then.
   */
  async loadWeights(source) {
    const bytes = await toBytes(source, 'weights');
    const agent = await this.#makeAgent(bytes);
    if (this.#game && agent.game() !== this.#game.name()) {
      const found = agent.game();
      agent.free();
      throw new Error(`these weights play ${found}, not ${this.#game.name()}`);
    }
    await this.#idle();
    this.#agent?.free();
    this.#agent = agent;
    this.#actionSet = [...agent.action_set()];
    this.#q = [];
    this.#game?.set_frame_stack(agent.frame_stack());
    this.#emit('weights', this.info());
  }

  /**
   * Loads the network that holds the left paddle in mode 'attack' (an adversary exported from
   * `qarcade attack train`), from the same kinds of source as loadWeights. It sees the same
   * observation as the agent and is asked once per agent decision; its Q-values are not shown.
   */
  async loadOpponentWeights(source) {
    const bytes = await toBytes(source, 'adversary');
    const opponent = this.#wasm.Agent.cpu(bytes);
    if (opponent.game() !== 'pong') {
      const found = opponent.game();
      opponent.free();
      throw new Error(`the adversary's weights play ${found}, not pong`);
    }
    await this.#idle();
    this.#opponent?.free();
    this.#opponent = opponent;
    this.#opponentSet = [...opponent.action_set()];
    this.#opponentAction = PLAYER_B_NOOP;
    this.#emit('opponent', this.info().opponent);
  }

  /**
   * Loads a ROM (URL, ArrayBuffer or Uint8Array). Throws a readable Error for a file that is
   * not a supported game (checked by MD5) or that does not match the loaded weights.
   */
  async loadRom(source) {
    const bytes = await toBytes(source, 'ROM');
    // Versus and attack play Pong's two-player game; watch the one-player game. The person's
    // paddle (the left one) has the left difficulty switch: bit 0.
    const versus = this.#mode !== 'watch';
    const game = new this.#wasm.Game(bytes, versus, this.#mode === 'versus' ? this.#difficulty : 0);
    if (this.#agent && this.#agent.game() !== game.name()) {
      const name = game.name();
      game.free();
      throw new Error(`this ROM is ${name}, but the weights play ${this.#agent.game()}`);
    }
    await this.#idle();
    this.#game?.free();
    // The observation stacks as many frames as the network reads.
    if (this.#agent) game.set_frame_stack(this.#agent.frame_stack());
    this.#game = game;
    this.#rom = bytes;
    this.#lastScore = [...game.score()];
    this.#overSince = null;
    this.#saliency = null;
    this.#drawPreview(bytes, versus);
    this.#emit('rom', this.info());
  }

  /**
   * The first picture: the console's state right after a reset is its start-up screen (odd
   * colours, no field), so a throwaway copy of the game plays a second of no input and its
   * screen is shown instead. The game itself is untouched: it starts from the reset state.
   */
  #drawPreview(bytes, versus) {
    const preview = new this.#wasm.Game(bytes, versus, 0);
    try {
      for (let i = 0; i < PREVIEW_FRAMES; i++) preview.advance(PLAYER_B_NOOP);
      this.#renderer.draw(preview);
    } finally {
      preview.free();
    }
  }

  /** Whether weights and a ROM are loaded, so that start() can play. */
  get ready() { return Boolean(this.#game && this.#agent && (this.#mode !== 'attack' || this.#opponent)); }
  get running() { return this.#running; }
  get mode() { return this.#mode; }
  get difficulty() { return this.#difficulty; }
  get saliency() { return this.#saliencyOn; }

  /** Plays at 60 frames/s until stop(). */
  start() {
    this.#requireReady();
    if (this.#running) return;
    this.#running = true;
    this.#lastTick = performance.now();
    this.#debt = 0;
    this.#raf = requestAnimationFrame((t) => this.#tick(t));
    this.#emit('state', { running: true });
  }

  stop() {
    if (!this.#running) return;
    this.#running = false;
    cancelAnimationFrame(this.#raf);
    this.#emit('state', { running: false });
  }

  /**
   * One agent step while paused: a decision, then the 4 frames it is held for. Paused in the
   * middle of a step, it first plays that step's remaining frames (with its action).
   */
  async step() {
    this.#requireReady();
    this.stop();
    await this.#idle();
    this.#busy = (async () => {
      // Stepping skips the pause on a final score (the step starts the next game).
      while (!this.#game.decision_due()) await this.#frame(false);
      do await this.#frame(false); while (!this.#game.decision_due());
    })();
    try { await this.#busy; } catch (e) { this.#fail(e); } finally { this.#busy = null; }
  }

  /** 'watch', 'versus' or 'attack'. Starts a new game (two-player Pong is another game mode). */
  async setMode(mode) {
    checkMode(mode);
    if (mode === this.#mode) return;
    this.#mode = mode;
    if (this.#rom) await this.#newGame();
    this.#emit('mode', { mode });
  }

  /**
   * Versus mode: the person's paddle, 0 (normal) or 1 (difficulty A: half as tall). Starts a
   * new game (the switch is read at the start of a game).
   */
  async setDifficulty(difficulty) {
    checkDifficulty(difficulty);
    if (difficulty === this.#difficulty) return;
    this.#difficulty = difficulty;
    if (this.#rom && this.#mode === 'versus') await this.#newGame();
    this.#emit('difficulty', { difficulty });
  }

  /** The game rebuilt from the loaded ROM (for a new mode or switch), playing on if it was. */
  async #newGame() {
    const running = this.#running;
    this.stop();
    await this.#idle();
    await this.loadRom(this.#rom);
    if (running) this.start();
  }

  /**
   * Saliency on or off: while on, an occlusion map of the chosen action (see SALIENCY_CELL)
   * comes with a 'saliency' event every SALIENCY_EVERY decisions.
   */
  setSaliency(on) {
    this.#saliencyOn = Boolean(on);
    if (!this.#saliencyOn) this.#saliency = null;
    this.#emit('saliency', this.#saliency);
  }

  /** The agent's current observation: 4 stacked 84×84 grayscale frames, oldest first. */
  observation() {
    return this.#game ? this.#game.observation() : null;
  }

  /**
   * A person's button (on-screen controls): `key` is 'up', 'down' or 'fire', `down` whether
   * it is pressed. Like the keyboard, it counts only in versus mode while playing.
   */
  press(key, down) {
    this.#controls.press(key, down);
  }

  /** A new game. */
  async reset() {
    await this.#idle();
    this.#game?.reset();
    this.#overSince = null;
    // Paused, the picture until Play is a game screen (see #drawPreview); playing, the next
    // frame replaces it anyway.
    if (this.#game) this.#drawPreview(this.#rom, this.#mode !== 'watch');
  }

  /**
   * Subscribes to an event; returns a function that unsubscribes. Events: 'frame' (stats()
   * after each frame), 'score' ({agent, opponent, scorer}), 'gameover' ({agent, opponent,
   * tally: [agent's games, opponent's games]}, once per game; the final score stays on screen
   * GAME_OVER_MS before the next game), 'decision' ({qValues, action, ms}), 'saliency'
   * ({map, cells, action, ms} or null when turned off), 'state' ({running}), 'mode',
   * 'difficulty', 'weights', 'opponent' (the adversary's architecture and trained steps),
   * 'rom', 'error' (Error).
   */
  on(event, callback) {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(callback);
    return () => this.#listeners.get(event)?.delete(callback);
  }

  /** What is loaded: backend, renderer, game, architecture, actions, trained steps. */
  info() {
    const agent = this.#agent;
    return {
      backend: agent?.backend() ?? null,
      backendNote: this.#backendNote,
      renderer: this.#renderer.kind,
      game: this.#game?.name() ?? null,
      architecture: agent?.architecture() ?? null,
      trainedSteps: agent?.trained_steps() ?? null,
      // From the weights file's header, when the export knew them (null otherwise).
      trainedMinutes: agent?.trained_minutes() ?? null,
      evalScore: agent?.eval_score() ?? null,
      actions: this.#actionSet.map((id) => ({ id, label: actionLabel(id) })),
      mode: this.#mode,
      opponent: this.#opponent
        ? { architecture: this.#opponent.architecture(), trainedSteps: this.#opponent.trained_steps() }
        : null,
    };
  }

  /** The live figures the page shows (and the tests read). */
  stats() {
    const game = this.#game;
    return {
      frame: game ? game.frame_number() : 0,
      fps: this.#fps(),
      score: game ? [...game.score()] : [0, 0],
      positions: game ? [...game.positions()] : [0, 0, 0, 0],
      backend: this.#agent?.backend() ?? null,
      renderer: this.#renderer.kind,
      qValues: [...this.#q],
      action: this.#action,
      decisions: this.#decisions,
      decisionMs: this.#decisionMs,
      running: this.#running,
      mode: this.#mode,
      // Versus: who must serve now ('agent', 'person' or ''), and in how many frames the serve
      // happens by itself (-1 while the ball is in play): the agent serves with the one-player
      // game's timing, the person after 2 s.
      server: game ? game.server() : '',
      serveIn: game ? game.serve_in() : -1,
      // Whole games won since the ROM was loaded: [agent, opponent]; and whether the final
      // score of a finished game is on screen.
      tally: game ? [...game.tally()] : [0, 0],
      gameOver: this.#overSince !== null,
      difficulty: this.#difficulty,
      saliency: this.#saliencyOn,
      saliencyMs: this.#saliencyMs,
      // Attack: the adversary's current action (a player-B ALE id).
      opponentAction: this.#opponentAction,
      forcedServes: game ? [...game.forced_serves()] : [0, 0],
    };
  }

  /** Stops and frees everything (the wasm objects, the GPU resources, the listeners). */
  async destroy() {
    this.stop();
    await this.#idle();
    this.#controls.destroy();
    this.#renderer.destroy();
    this.#agent?.free();
    this.#opponent?.free();
    this.#game?.free();
    this.#agent = this.#game = this.#opponent = null;
    this.#listeners.clear();
  }

  // ---- the loop ----

  #tick(now) {
    if (!this.#running) return;
    this.#raf = requestAnimationFrame((t) => this.#tick(t));
    // Pace by the clock, not by callbacks: a 120 Hz display must not play twice as fast.
    this.#debt = Math.min(this.#debt + (now - this.#lastTick) / FRAME_MS, MAX_CATCH_UP);
    this.#lastTick = now;
    // A decision on a slow adapter can outlast several display frames: wait for it, then carry on.
    if (this.#busy || this.#debt < 0.5) return;
    this.#busy = this.#runFrames().catch((e) => { this.stop(); this.#fail(e); }).finally(() => { this.#busy = null; });
  }

  async #runFrames() {
    // 0.5, not 1: at 60 Hz the callbacks come ~16.7 ms apart with jitter, and one frame per
    // callback (not 0 or 2 by turns) is the steady picture.
    while (this.#running && this.#debt >= 0.5) {
      this.#debt -= 1;
      await this.#frame();
    }
  }

  /**
   * One emulated frame: a decision first if one is due, the frame, the picture, the events.
   * After a game's last point the picture holds for GAME_OVER_MS (`hold`), then play goes on
   * with a new game.
   */
  async #frame(hold = true) {
    const game = this.#game;
    if (this.#overSince !== null) {
      if (hold && performance.now() - this.#overSince < GAME_OVER_MS) return;
      this.#overSince = null;
      // A new game now, so that its first decision sees its first screen.
      if (game.game_over()) game.reset();
    }
    if (game.decision_due()) await this.#decide(game);
    let opponent = PLAYER_B_NOOP; // ignored by the game in watch mode
    if (this.#mode === 'versus') {
      const { up, down, fire } = this.#controls.state(game.positions()[3]);
      opponent = this.#wasm.Game.human_action(up, down, fire);
    } else if (this.#mode === 'attack') {
      opponent = this.#opponentAction;
    }
    game.advance(opponent);
    this.#renderer.draw(game);
    this.#frameTimes.push(performance.now());
    if (this.#frameTimes.length > 2 * FPS) this.#frameTimes.shift();
    this.#afterFrame(game);
  }

  async #decide(game) {
    const t0 = performance.now();
    const q = await this.#agent.q_values(game.observation());
    this.#decisionMs = performance.now() - t0;
    this.#decisions += 1;
    this.#q = [...q];
    this.#action = this.#actionSet[this.#wasm.argmax(q)];
    game.set_agent_action(this.#action);
    if (this.#mode === 'attack') {
      // The adversary decides on the same observation, at the same moments (it was trained so).
      const qo = await this.#opponent.q_values(game.observation());
      this.#opponentAction = this.#opponentSet[this.#wasm.argmax(qo)] + PLAYER_B_OFFSET;
    }
    this.#emit('decision', { qValues: this.#q, action: this.#action, ms: this.#decisionMs });
    if (this.#saliencyOn && this.#decisions % SALIENCY_EVERY === 1) await this.#occlude(game, q);
  }

  /** The occlusion map of the action just chosen (see SALIENCY_CELL). */
  async #occlude(game, q) {
    const t0 = performance.now();
    const map = await this.#agent.occlusion(game.observation(), this.#wasm.argmax(q), SALIENCY_CELL);
    this.#saliencyMs = performance.now() - t0;
    const cells = Math.round(Math.sqrt(map.length));
    this.#saliency = { map: [...map], cells, action: this.#action, ms: this.#saliencyMs };
    this.#emit('saliency', this.#saliency);
  }

  #afterFrame(game) {
    const score = [...game.score()];
    const [a, o] = this.#lastScore;
    if (score[0] !== a || score[1] !== o) {
      // A new game resets both to 0: that is not a point for anyone.
      const scorer = score[0] > a ? 'agent' : score[1] > o ? 'opponent' : null;
      this.#lastScore = score;
      this.#emit('score', { agent: score[0], opponent: score[1], scorer });
    }
    if (game.game_over()) {
      // The game ends once: the next frame plays only after the pause (see #frame).
      this.#overSince = performance.now();
      this.#emit('gameover', { agent: score[0], opponent: score[1], tally: [...game.tally()] });
    }
    if (this.#listeners.get('frame')?.size) this.#emit('frame', this.stats());
  }

  #fps() {
    const t = this.#frameTimes;
    if (t.length < 2) return 0;
    const last = t[t.length - 1];
    // Frames in the last second; none lately (paused) means 0.
    if (performance.now() - last > 1000) return 0;
    const recent = t.filter((x) => last - x <= 1000);
    const span = recent[recent.length - 1] - recent[0];
    return span > 0 ? ((recent.length - 1) * 1000) / span : 0;
  }

  // ---- helpers ----

  async #makeAgent(bytes) {
    const { Agent } = this.#wasm;
    const choice = this.#backendChoice;
    if (choice === 'cpu') return Agent.cpu(bytes);
    if (choice === 'webgpu') return Agent.webgpu(bytes);
    // auto: WebGPU (the build has it only on a hardware adapter, see chooseBundle), and only
    // if it computes what the CPU computes.
    const cpu = Agent.cpu(bytes);
    if (!this.#wasm.has_webgpu()) return cpu;
    try {
      const gpu = await Agent.webgpu(bytes);
      const check = new Uint8Array(cpu.observation_len()).map((_, i) => (i * 37) & 255);
      const [qc, qg] = [await cpu.q_values(check), await gpu.q_values(check)];
      const diff = Math.max(...qc.map((v, i) => Math.abs(v - qg[i])));
      if (diff <= 1e-3) {
        cpu.free();
        return gpu;
      }
      gpu.free();
      this.#backendNote = `WebGPU's Q-values differ from the CPU's by ${diff.toExponential(1)} on a check input`;
    } catch (e) {
      this.#backendNote = `WebGPU inference failed (${e.message})`;
    }
    console.warn(`qarcade: ${this.#backendNote}; using the CPU`);
    return cpu;
  }

  #requireReady() {
    if (!this.#game) throw new Error('load a ROM first (player.loadRom)');
    if (!this.#agent) throw new Error('load weights first (player.loadWeights)');
    if (this.#mode === 'attack' && !this.#opponent) {
      throw new Error('mode attack needs the adversary: load it first (player.loadOpponentWeights)');
    }
  }

  async #idle() {
    while (this.#busy) {
      try { await this.#busy; } catch { /* reported where it happened */ }
    }
  }

  #emit(event, detail) {
    for (const callback of this.#listeners.get(event) ?? []) {
      try { callback(detail); } catch (e) { console.error(e); }
    }
  }

  #fail(error) {
    if (this.#listeners.get('error')?.size) this.#emit('error', error);
    else console.error(error);
  }
}

function checkBackend(backend) {
  if (!['auto', 'cpu', 'webgpu'].includes(backend)) throw new Error(`unknown backend ${backend}: use auto, cpu or webgpu`);
}

function checkDifficulty(difficulty) {
  if (![0, 1].includes(difficulty)) throw new Error(`unknown difficulty ${difficulty}: use 0 (normal paddle) or 1 (small paddle)`);
}

function checkMode(mode) {
  if (!['watch', 'versus', 'attack'].includes(mode)) throw new Error(`unknown mode ${mode}: use watch, versus or attack`);
}

async function webGpuAdapter() {
  try {
    return (navigator.gpu && (await navigator.gpu.requestAdapter())) || null;
  } catch {
    return null;
  }
}

/** Bytes from a URL, an ArrayBuffer, a typed array or a Blob/File. */
async function toBytes(source, what) {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
  if (typeof source === 'string' || source instanceof URL) {
    let response;
    try {
      response = await fetch(source);
    } catch (e) {
      throw new Error(`cannot fetch the ${what} from ${source}: ${e.message}`);
    }
    if (!response.ok) throw new Error(`cannot fetch the ${what} from ${source}: ${response.status} ${response.statusText}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  throw new Error(`the ${what} must be a URL, an ArrayBuffer, a Uint8Array or a File`);
}
