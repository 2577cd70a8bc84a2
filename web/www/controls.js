// A person's controls for the left paddle in versus mode: the keyboard (ArrowUp/ArrowDown or
// W/S, Space = fire), the mouse or a finger (the paddle follows the pointer's height over the
// canvas; a click or tap serves), or the page's on-screen buttons (press()).

import { HEIGHT } from './renderer.js';

const UP_KEYS = new Set(['ArrowUp', 'KeyW']);
const DOWN_KEYS = new Set(['ArrowDown', 'KeyS']);
const FIRE_KEYS = new Set(['Space']);
/** The on-screen buttons, as the keys they stand for. */
const BUTTONS = { up: 'ArrowUp', down: 'ArrowDown', fire: 'Space' };

// Pong's RAM holds the left paddle's y in its own units; the paddle's centre is this many
// screen rows below it (measured in the emulator: see tests/browser/page.test.mjs).
const PADDLE_CENTRE_OFFSET = -6;
// Closer than this (screen rows) to the pointer, the paddle stays put instead of jittering.
const DEAD_ZONE = 3;

export class HumanControls {
  #keys = new Set();
  #active;
  #mouseY = null; // pointer height in screen rows, or null while it is off the canvas
  #listeners = [];

  /** `active()` says whether the keys belong to the game now (so the page can scroll otherwise). */
  constructor(canvas, active) {
    this.#active = active;
    const listen = (target, type, fn, opts) => {
      target.addEventListener(type, fn, opts);
      this.#listeners.push(() => target.removeEventListener(type, fn, opts));
    };
    listen(window, 'keydown', (e) => {
      if (!active() || !isGameKey(e.code)) return;
      this.#keys.add(e.code);
      this.#mouseY = null; // the keyboard takes over from the mouse
      e.preventDefault(); // arrows and space would scroll the page
    });
    listen(window, 'keyup', (e) => this.#keys.delete(e.code));
    listen(window, 'blur', () => this.#keys.clear());
    const follow = (e) => {
      const box = canvas.getBoundingClientRect();
      this.#mouseY = ((e.clientY - box.top) / box.height) * HEIGHT;
    };
    listen(canvas, 'pointermove', (e) => { if (active()) follow(e); });
    listen(canvas, 'pointerleave', () => { this.#mouseY = null; });
    // A touch has no hover: where the finger lands is where the paddle goes (and it serves).
    listen(canvas, 'pointerdown', (e) => {
      if (!active()) return;
      follow(e);
      this.#keys.add('Pointer');
    });
    listen(window, 'pointerup', () => this.#keys.delete('Pointer'));
  }

  /**
   * An on-screen button: `key` 'up', 'down' or 'fire', pressed or released. Counted like the
   * keyboard's keys (and only while the keys belong to the game).
   */
  press(key, down) {
    const code = BUTTONS[key];
    if (!code) throw new Error(`unknown button ${key}: use up, down or fire`);
    if (down && this.#active()) {
      this.#keys.add(code);
      this.#mouseY = null;
    } else {
      this.#keys.delete(code);
    }
  }

  /** `{up, down, fire}` now; `paddleY` is the left paddle's RAM y (Game.positions()[3]). */
  state(paddleY) {
    const keys = this.#keys;
    let up = [...UP_KEYS].some((k) => keys.has(k));
    let down = [...DOWN_KEYS].some((k) => keys.has(k));
    const fire = keys.has('Pointer') || [...FIRE_KEYS].some((k) => keys.has(k));
    if (this.#mouseY !== null && !up && !down) {
      const gap = this.#mouseY - (paddleY + PADDLE_CENTRE_OFFSET);
      up = gap < -DEAD_ZONE;
      down = gap > DEAD_ZONE;
    }
    return { up, down, fire };
  }

  destroy() {
    for (const remove of this.#listeners) remove();
    this.#listeners = [];
  }
}

function isGameKey(code) {
  return UP_KEYS.has(code) || DOWN_KEYS.has(code) || FIRE_KEYS.has(code);
}
