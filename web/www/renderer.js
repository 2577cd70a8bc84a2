// Draws the emulator's screen on a canvas: through WebGPU (shaders/screen.wgsl) where the
// browser has it, on a 2D canvas otherwise. Both show the same picture: the core's palette,
// each Atari pixel scaled to a block of canvas pixels without smoothing.

export const WIDTH = 160;
export const HEIGHT = 210;

/**
 * A renderer for `canvas`. `prefer`: 'auto' (WebGPU when an adapter is there), 'webgpu'
 * (fail without one) or 'canvas2d'. `wasm` is the module's exports (for the palette).
 * The shader is fetched from `shaderUrl`.
 */
export async function createRenderer(canvas, { prefer = 'auto', wasm, shaderUrl }) {
  if (prefer === 'webgpu') return WebGpuRenderer.create(canvas, wasm, shaderUrl);
  // 'auto': a browser without WebGPU, or one that cannot show a WebGPU canvas, is normal, not
  // an error: draw on a 2D canvas.
  if (prefer === 'auto' && (await canShowWebGpuCanvas())) {
    try {
      return await WebGpuRenderer.create(canvas, wasm, shaderUrl);
    } catch {
      /* fall through to Canvas 2D */
    }
  }
  return new Canvas2dRenderer(canvas);
}

/**
 * Whether a WebGPU canvas's picture reaches the page. A browser can have a WebGPU adapter and
 * still not composite WebGPU canvases (headless Chromium with software compositing shows them
 * blank): clear a scratch canvas to a colour and read it back through drawImage, which sees
 * what the page would show.
 */
async function canShowWebGpuCanvas() {
  try {
    const adapter = await navigator.gpu?.requestAdapter();
    if (!adapter) return false;
    const device = await adapter.requestDevice();
    const scratch = document.createElement('canvas');
    // Kept, not destroyed: the renderer reuses the device, and a destroyed (or collected)
    // probe device makes headless Chromium's Dawn log "A valid external Instance reference no
    // longer exists" once the page is idle.
    probe = { device, scratch };
    scratch.width = scratch.height = 4;
    const ctx = scratch.getContext('webgpu');
    ctx.configure({ device, format: navigator.gpu.getPreferredCanvasFormat(), alphaMode: 'opaque' });
    const encoder = device.createCommandEncoder();
    encoder.beginRenderPass({
      colorAttachments: [{ view: ctx.getCurrentTexture().createView(), loadOp: 'clear', clearValue: { r: 0, g: 1, b: 0, a: 1 }, storeOp: 'store' }],
    }).end();
    device.queue.submit([encoder.finish()]);
    const probe = new OffscreenCanvas(4, 4).getContext('2d');
    probe.drawImage(scratch, 0, 0); // same task as the render: the canvas's current picture
    const [r, g, , a] = probe.getImageData(1, 1, 1, 1).data;
    return a === 255 && g > 200 && r < 50;
  } catch {
    return false;
  }
}

/** The probe's adapter device and scratch canvas (see canShowWebGpuCanvas). */
let probe = null;

/** Canvas 2D: the game's RGBA frame into a 160×210 bitmap, stretched onto the canvas. */
class Canvas2dRenderer {
  kind = 'canvas2d';

  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d', { alpha: false });
    if (!this.ctx) throw new Error('this canvas already has a WebGPU context; make a new canvas');
    // The frame is drawn at its own size first, so the stretch is done by one drawImage.
    this.frame = new OffscreenCanvas(WIDTH, HEIGHT);
    this.frameCtx = this.frame.getContext('2d');
    this.image = new ImageData(WIDTH, HEIGHT);
  }

  draw(game) {
    this.image.data.set(game.rgba());
    this.frameCtx.putImageData(this.image, 0, 0);
    this.ctx.imageSmoothingEnabled = false; // nearest neighbour: crisp Atari pixels
    this.ctx.drawImage(this.frame, 0, 0, this.canvas.width, this.canvas.height);
  }

  destroy() {}
}

/** WebGPU: colour values into an r8uint texture, looked up in the palette by the shader. */
class WebGpuRenderer {
  kind = 'webgpu';

  static async create(canvas, wasm, shaderUrl) {
    if (!navigator.gpu) throw new Error('this browser has no WebGPU');
    let device = probe?.device;
    if (probe) probe = null; // a device per renderer: the next one asks for its own
    if (!device) {
      const adapter = await navigator.gpu.requestAdapter();
      if (!adapter) throw new Error('WebGPU has no adapter here');
      device = await adapter.requestDevice();
    }
    const response = await fetch(shaderUrl);
    if (!response.ok) throw new Error(`cannot load ${shaderUrl}: ${response.status}`);
    const code = await response.text();
    // Only now take the canvas's context: once a canvas has a WebGPU context it can never
    // have a 2D one, and every step above may still fail and send us to Canvas 2D.
    const ctx = canvas.getContext('webgpu');
    if (!ctx) throw new Error('this canvas cannot have a WebGPU context');
    return new WebGpuRenderer(canvas, ctx, device, code, wasm);
  }

  constructor(canvas, ctx, device, code, wasm) {
    this.canvas = canvas;
    this.ctx = ctx;
    this.device = device;
    const format = navigator.gpu.getPreferredCanvasFormat();
    this.format = format;
    ctx.configure({ device, format, alphaMode: 'opaque' });
    // A GPU error (a lost device, a bad shader) should be seen, not leave the canvas blank silently.
    device.addEventListener('uncapturederror', (e) => console.error(`qarcade WebGPU renderer: ${e.error.message}`));

    this.frame = device.createTexture({
      size: [WIDTH, HEIGHT],
      format: 'r8uint',
      usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
    });
    const palette = device.createTexture({
      size: [128, 1],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
    });
    device.queue.writeTexture({ texture: palette }, wasm.Game.palette_rgba(), { bytesPerRow: 128 * 4 }, [128, 1]);

    const module = device.createShaderModule({ code });
    this.pipeline = device.createRenderPipeline({
      layout: 'auto',
      vertex: { module, entryPoint: 'vs_main' },
      fragment: { module, entryPoint: 'fs_main', targets: [{ format }] },
      primitive: { topology: 'triangle-list' },
    });
    this.bindGroup = device.createBindGroup({
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: this.frame.createView() },
        { binding: 1, resource: palette.createView() },
      ],
    });
    this.palette = palette;
  }

  draw(game) {
    this.#render(game, this.ctx.getCurrentTexture());
  }

  /**
   * The picture `draw` would show, as RGBA bytes of the canvas's size, rendered into a texture
   * and read back (so it works where the page cannot show a WebGPU canvas). For tests.
   */
  async pixels(game) {
    const { device, canvas } = this;
    const target = device.createTexture({
      size: [canvas.width, canvas.height],
      format: this.format,
      usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
    });
    const bytesPerRow = Math.ceil((canvas.width * 4) / 256) * 256; // WebGPU's copy alignment
    const buffer = device.createBuffer({ size: bytesPerRow * canvas.height, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    this.#render(game, target, (encoder) => {
      encoder.copyTextureToBuffer({ texture: target }, { buffer, bytesPerRow }, [canvas.width, canvas.height]);
    });
    await buffer.mapAsync(GPUMapMode.READ);
    const padded = new Uint8Array(buffer.getMappedRange());
    const out = new Uint8Array(canvas.width * canvas.height * 4);
    const bgra = this.format.startsWith('bgra');
    for (let y = 0; y < canvas.height; y++) {
      const row = padded.subarray(y * bytesPerRow, y * bytesPerRow + canvas.width * 4);
      out.set(row, y * canvas.width * 4);
    }
    if (bgra) for (let i = 0; i < out.length; i += 4) [out[i], out[i + 2]] = [out[i + 2], out[i]];
    buffer.unmap();
    buffer.destroy();
    target.destroy();
    return out;
  }

  #render(game, texture, extra) {
    const { device } = this;
    device.queue.writeTexture({ texture: this.frame }, game.screen(), { bytesPerRow: WIDTH }, [WIDTH, HEIGHT]);
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginRenderPass({
      colorAttachments: [{
        view: texture.createView(),
        loadOp: 'clear',
        clearValue: { r: 0, g: 0, b: 0, a: 1 },
        storeOp: 'store',
      }],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.draw(3); // the full-screen triangle
    pass.end();
    extra?.(encoder);
    device.queue.submit([encoder.finish()]);
  }

  destroy() {
    this.ctx.unconfigure();
    this.frame.destroy();
    this.palette.destroy();
    this.device.destroy();
  }
}
