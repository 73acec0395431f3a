/**
 * AssemblyScript source of the WebAssembly kernels behind the fused batch-norm blocks of CNN2D training
 * (../batch-norm-block.ts), compiled by `npm run build:wasm` (scripts/build-wasm.mjs) to
 * ../batch-norm-kernels.wasm; a test checks that the committed module is what this source compiles to.
 *
 * Memory: the module imports tf.js' wasm-backend memory (`env.memory`) and keeps nothing of its own (no data
 * segments, no allocator: stub runtime), so it reads the tensors where the backend keeps them and writes its
 * outputs into tensors the backend allocated: no copies. Every pointer is a byte offset into that memory.
 * Tensors are NHWC float32 with a channel count C divisible by 4. Per-channel constants are float32 [C]
 * (`scale`, `shift`, `meanX`, `rstd`, `a`, `b`, `cc`); per-channel sums are float64 [C].
 *
 * Arithmetic: four channels per f32x4, each lane the float32 operation of the JavaScript bodies in
 * ../batch-norm-block.ts (Math.fround after each operation) in the same order, and every per-channel sum over
 * pixels float64 (float32 lanes promoted and added one pixel, or one block of pixels, after another):
 * float32 products carry the values tf.js and PyTorch carry, while a float32 sum over a million pixels would
 * not. So the two paths give the same values; wasm has no fused multiply-add. Maxima are pmax (pmax(a, b) = a < b ? b : a),
 * which is the JavaScript bodies' `if (v01 > v) v = v01` and `v > 0 ? v : 0` exactly, NaN and signed zeros
 * included, and one instruction where V8 spends several on the IEEE rules of max.
 */

/** Byte offset of the top-left pixel of 2x2 window (py, px) of image b in an [n, h, w, c] tensor of `pixel`-byte pixels. */
@inline function windowOffset(b: i32, py: i32, px: i32, h: i32, w: i32, pixel: usize): usize {
  return (<usize>(b * h + 2 * py) * <usize>w + <usize>(2 * px)) * pixel;
}

/** The upper two float32 lanes of v in the lower two. */
@inline function high2(v: v128): v128 {
  return i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
}

/** sum[0..3] += the four float32 lanes of v, promoted: float64 sums of four channels. */
@inline function addPromoted(sum: usize, v: v128): void {
  v128.store(sum, f64x2.add(v128.load(sum), f64x2.promote_low_f32x4(v)));
  v128.store(sum + 16, f64x2.add(v128.load(sum + 16), f64x2.promote_low_f32x4(high2(v))));
}

/** x * scale + shift in float32, four channels. */
@inline function affine4(x: v128, s: v128, t: v128): v128 {
  return f32x4.add(f32x4.mul(x, s), t);
}

/**
 * For each channel k: sum[k] += d and sumSq[k] += d * d with d = x - shift[k] over the m pixels of x [m, c]:
 * d and its square in float32, added in float32 over blocks of four pixels ((d0 + d1) + (d2 + d3)), each
 * block's sums then added in float64, one block after another; the pixels after the last whole block are
 * added one by one. The float32 blocks halve the float64 additions, the pass' cost.
 */
export function sumDeviations(x: usize, m: i32, c: i32, shift: usize, sum: usize, sumSq: usize): void {
  const pixel = <usize>c << 2;
  const blocks = m >> 2;
  for (let j = 0; j < blocks; j++) {
    const p0 = x + <usize>(j << 2) * pixel;
    for (let k = 0; k < c; k += 4) {
      const o = <usize>k << 2;
      const t = v128.load(shift + o);
      const d0 = f32x4.sub(v128.load(p0 + o), t);
      const d1 = f32x4.sub(v128.load(p0 + pixel + o), t);
      const d2 = f32x4.sub(v128.load(p0 + 2 * pixel + o), t);
      const d3 = f32x4.sub(v128.load(p0 + 3 * pixel + o), t);
      addPromoted(sum + (o << 1), f32x4.add(f32x4.add(d0, d1), f32x4.add(d2, d3)));
      const q01 = f32x4.add(f32x4.mul(d0, d0), f32x4.mul(d1, d1));
      const q23 = f32x4.add(f32x4.mul(d2, d2), f32x4.mul(d3, d3));
      addPromoted(sumSq + (o << 1), f32x4.add(q01, q23));
    }
  }
  for (let j = blocks << 2; j < m; j++) {
    const row = x + <usize>j * pixel;
    for (let k = 0; k < c; k += 4) {
      const o = <usize>k << 2;
      const d = f32x4.sub(v128.load(row + o), v128.load(shift + o));
      addPromoted(sum + (o << 1), d);
      addPromoted(sumSq + (o << 1), f32x4.mul(d, d));
    }
  }
}

/** out = relu(x * scale + shift) per channel, x and out [m, c]. */
export function normRelu(x: usize, m: i32, c: i32, scale: usize, shift: usize, out: usize): void {
  const zero = f32x4.splat(0);
  const rowBytes = <usize>c << 2;
  for (let j = 0; j < m; j++) {
    const base = <usize>j * rowBytes;
    for (let k = 0; k < c; k += 4) {
      const o = <usize>k << 2;
      const p = base + o;
      v128.store(out + p, f32x4.pmax(zero, affine4(v128.load(x + p), v128.load(scale + o), v128.load(shift + o))));
    }
  }
}

/** out = relu(maxPool2x2(x * scale + shift)) per channel: x [n, h, w, c], out [n, floor(h/2), floor(w/2), c]. */
export function normPoolRelu(x: usize, n: i32, h: i32, w: i32, c: i32, scale: usize, shift: usize, out: usize): void {
  const zero = f32x4.splat(0);
  const hp = h >> 1;
  const wp = w >> 1;
  const pixel = <usize>c << 2;
  const row = <usize>w * pixel;
  let q = out;
  for (let b = 0; b < n; b++) {
    for (let py = 0; py < hp; py++) {
      for (let px = 0; px < wp; px++) {
        const i00 = x + windowOffset(b, py, px, h, w, pixel);
        for (let k = 0; k < c; k += 4) {
          const o = <usize>k << 2;
          const s = v128.load(scale + o);
          const t = v128.load(shift + o);
          const p = i00 + o;
          let v = affine4(v128.load(p), s, t);
          v = f32x4.pmax(v, affine4(v128.load(p + pixel), s, t));
          v = f32x4.pmax(v, affine4(v128.load(p + row), s, t));
          v = f32x4.pmax(v, affine4(v128.load(p + row + pixel), s, t));
          v128.store(q, f32x4.pmax(zero, v));
          q += 16;
        }
      }
    }
  }
}

/**
 * First backward pass without pooling: where x * scale + shift > 0, dx = dy and sumG += dy,
 * sumGz += dy * ((x - meanX) * rstd); elsewhere dx = 0.
 */
export function reluBackward(dy: usize, x: usize, m: i32, c: i32, scale: usize, shift: usize, meanX: usize, rstd: usize, dx: usize, sumG: usize, sumGz: usize): void {
  const zero = f32x4.splat(0);
  const rowBytes = <usize>c << 2;
  for (let j = 0; j < m; j++) {
    const base = <usize>j * rowBytes;
    for (let k = 0; k < c; k += 4) {
      const o = <usize>k << 2;
      const p = base + o;
      const xv = v128.load(x + p);
      const on = f32x4.gt(affine4(xv, v128.load(scale + o), v128.load(shift + o)), zero);
      const g = v128.and(v128.load(dy + p), on);
      v128.store(dx + p, g);
      const zhat = f32x4.mul(f32x4.sub(xv, v128.load(meanX + o)), v128.load(rstd + o));
      addPromoted(sumG + (o << 1), g);
      addPromoted(sumGz + (o << 1), v128.and(f32x4.mul(g, zhat), on));
    }
  }
}

/**
 * First backward pass through the 2x2 max-pool and ReLU: dy [n, h/2, w/2, c] goes to the first maximum of
 * each window (window order, as tf.js' MaxPoolGrad picks it) where that maximum is > 0; every other dx
 * [n, h, w, c] of a window is written 0, and so is the last row or column an odd h or w leaves outside the
 * windows (next to the window just written, while its cache lines are at hand). Accumulates sumG and sumGz
 * as reluBackward does.
 */
export function poolReluBackward(dy: usize, x: usize, n: i32, h: i32, w: i32, c: i32, scale: usize, shift: usize, meanX: usize, rstd: usize, dx: usize, sumG: usize, sumGz: usize): void {
  const zero = f32x4.splat(0);
  const hp = h >> 1;
  const wp = w >> 1;
  const pixel = <usize>c << 2;
  const row = <usize>w * pixel;
  let q = dy;
  for (let b = 0; b < n; b++) {
    for (let py = 0; py < hp; py++) {
      for (let px = 0; px < wp; px++) {
        const off00 = windowOffset(b, py, px, h, w, pixel);
        for (let k = 0; k < c; k += 4) {
          const o = <usize>k << 2;
          const s = v128.load(scale + o);
          const t = v128.load(shift + o);
          const p = off00 + o;
          const x00 = v128.load(x + p);
          const x01 = v128.load(x + p + pixel);
          const x10 = v128.load(x + p + row);
          const x11 = v128.load(x + p + row + pixel);
          let v = affine4(x00, s, t);
          // Strictly greater: the first maximum in window order keeps its place.
          const v01 = affine4(x01, s, t);
          const m01 = f32x4.gt(v01, v);
          v = v128.bitselect(v01, v, m01);
          let xa = v128.bitselect(x01, x00, m01);
          const v10 = affine4(x10, s, t);
          const m10 = f32x4.gt(v10, v);
          v = v128.bitselect(v10, v, m10);
          xa = v128.bitselect(x10, xa, m10);
          const v11 = affine4(x11, s, t);
          const m11 = f32x4.gt(v11, v);
          v = v128.bitselect(v11, v, m11);
          xa = v128.bitselect(x11, xa, m11);
          const on = f32x4.gt(v, zero);
          const g = v128.and(v128.load(q), on);
          const at10 = v128.andnot(m10, m11);
          const at01 = v128.andnot(m01, v128.or(m10, m11));
          const at00 = v128.not(v128.or(m01, v128.or(m10, m11)));
          v128.store(dx + p, v128.and(g, at00));
          v128.store(dx + p + pixel, v128.and(g, at01));
          v128.store(dx + p + row, v128.and(g, at10));
          v128.store(dx + p + row + pixel, v128.and(g, m11));
          const zhat = f32x4.mul(f32x4.sub(xa, v128.load(meanX + o)), v128.load(rstd + o));
          addPromoted(sumG + (o << 1), g);
          addPromoted(sumGz + (o << 1), v128.and(f32x4.mul(g, zhat), on));
          q += 16;
        }
      }
      if (w & 1) {
        const last = dx + windowOffset(b, py, wp, h, w, pixel);
        memory.fill(last, 0, pixel);
        memory.fill(last + row, 0, pixel);
      }
    }
    if (h & 1) memory.fill(dx + windowOffset(b, hp, 0, h, w, pixel), 0, row);
  }
}

/**
 * Second backward pass, the batch-norm gradient, in place over dx [m, c]:
 * dx = (a * dx + cc * (x - meanX)) + b per channel, the float32 form of
 * gamma * rstd / M * (M * dx - sumG - zhat * sumGz) with zhat = (x - meanX) * rstd (../batch-norm-block.ts
 * computes a, b and cc in float64); acc += the float32 results, in float64.
 */
export function batchNormBackward(x: usize, m: i32, c: i32, meanX: usize, a: usize, b: usize, cc: usize, dx: usize, acc: usize): void {
  const rowBytes = <usize>c << 2;
  for (let j = 0; j < m; j++) {
    const base = <usize>j * rowBytes;
    for (let k = 0; k < c; k += 4) {
      const o = <usize>k << 2;
      const p = base + o;
      const centred = f32x4.mul(v128.load(cc + o), f32x4.sub(v128.load(x + p), v128.load(meanX + o)));
      const v = f32x4.add(f32x4.add(f32x4.mul(v128.load(a + o), v128.load(dx + p)), centred), v128.load(b + o));
      v128.store(dx + p, v);
      addPromoted(acc + (o << 1), v);
    }
  }
}
