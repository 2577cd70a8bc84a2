// Draws the Atari's 160×210 screen on the page's canvas (web/www/renderer.js).
//
// The emulator hands over TIA colour values, one byte per pixel, not RGB: uploading those
// (33.6 KB a frame) and looking the colour up here is a quarter of the traffic of RGBA, and the
// palette is the core's own (`Game.palette_rgba()`), so both renderers show the same colours.
//
// Scaling is nearest neighbour: each Atari pixel becomes a block of canvas pixels (4 wide,
// 2 tall on the page's 640×420 canvas, the shape of a TV's pixels), without blurring.

// The frame: one TIA colour value per pixel; the palette index is `value >> 1` (bit 0 is unused).
@group(0) @binding(0) var frame: texture_2d<u32>;
// The 128 NTSC colours, one texel each (128×1, RGBA).
@group(0) @binding(1) var palette: texture_2d<f32>;

struct VertexOut {
    @builtin(position) position: vec4<f32>,
    // (0,0) at the top-left of the picture, (1,1) at the bottom-right.
    @location(0) uv: vec2<f32>,
}

// One triangle that covers the whole canvas (a quad would need two, and a vertex buffer):
// vertices at (-1,-1), (3,-1), (-1,3) in clip space; the part outside the canvas is clipped.
@vertex
fn vs_main(@builtin(vertex_index) index: u32) -> VertexOut {
    let xy = vec2<f32>(f32((index << 1u) & 2u), f32(index & 2u));
    var out: VertexOut;
    out.position = vec4<f32>(xy * 2.0 - 1.0, 0.0, 1.0);
    // Clip space has y up, the screen's rows go down.
    out.uv = vec2<f32>(xy.x, 1.0 - xy.y);
    return out;
}

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    let size = textureDimensions(frame);
    // floor() picks the Atari pixel this canvas pixel lies in: nearest neighbour.
    let texel = min(vec2<u32>(floor(in.uv * vec2<f32>(size))), size - 1u);
    let colour = textureLoad(frame, texel, 0).r;
    return textureLoad(palette, vec2<u32>(colour >> 1u, 0u), 0);
}
