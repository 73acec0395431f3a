/**
 * AssemblyScript source of the WebAssembly kernels behind the fused batch-norm blocks of CNN2D training
 * (../batch-norm-block.ts), compiled by `npm run build:wasm` (scripts/build-wasm.mjs) to
 * ../batch-norm-kernels.wasm; a test checks that the committed module is what this source compiles to.
 *
 * Memory: the module imports tf.js' wasm-backend memory (`env.memory`) and keeps nothing of its own (no data
 * segments, no allocator: stub runtime), so it reads the tensors where the backend keeps them and writes its
 * outputs into tensors the backend allocated: no copies. Every pointer is a byte offset into that memory.
 * Tensors are NHWC float32 with an even number of channels C; per-channel vectors are float64 [C].
 *
 * Arithmetic: two channels per f64x2 lane pair, each lane the float64 computation of the JavaScript bodies
 * in ../batch-norm-block.ts in the same order (float32 values promoted, sums over pixels taken one pixel after
 * another per channel), so the two paths give the same values; wasm has no fused multiply-add. Maxima are
 * pmax (pmax(a, b) = a < b ? b : a), which is the JavaScript bodies' `if (v01 > v) v = v01` and `v > 0 ? v : 0`
 * exactly, NaN and signed zeros included, and one instruction where V8 spends several on f64x2.max's IEEE rules.
 */

@inline function load2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

@inline function store2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

/** Byte offset of the top-left pixel of 2x2 window (py, px) of image b in an [n, h, w, c] tensor of `pixel`-byte pixels. */
@inline function windowOffset(b: i32, py: i32, px: i32, h: i32, w: i32, pixel: usize): usize {
  return (<usize>(b * h + 2 * py) * <usize>w + <usize>(2 * px)) * pixel;
}

/**
 * For each channel k: sum[k] += x - shift[k] and (when withSquares) sumSq[k] += (x - shift[k])^2 over the
 * m pixels of x [m, c].
 */
export function sumDeviations(x: usize, m: i32, c: i32, shift: usize, sum: usize, sumSq: usize, withSquares: i32): void {
  const rowBytes = <usize>c << 2;
  for (let j = 0; j < m; j++) {
    const row = x + <usize>j * rowBytes;
    for (let k = 0; k < c; k += 2) {
      const o = <usize>k << 3;
      const d = f64x2.sub(load2(row + (<usize>k << 2)), v128.load(shift + o));
      v128.store(sum + o, f64x2.add(v128.load(sum + o), d));
      if (withSquares) v128.store(sumSq + o, f64x2.add(v128.load(sumSq + o), f64x2.mul(d, d)));
    }
  }
}

/** out = relu(x * scale + shift) per channel, x and out [m, c]. */
export function normRelu(x: usize, m: i32, c: i32, scale: usize, shift: usize, out: usize): void {
  const zero = f64x2.splat(0);
  const rowBytes = <usize>c << 2;
  for (let j = 0; j < m; j++) {
    const base = <usize>j * rowBytes;
    for (let k = 0; k < c; k += 2) {
      const o = <usize>k << 3;
      const p = base + (<usize>k << 2);
      const v = f64x2.add(f64x2.mul(load2(x + p), v128.load(scale + o)), v128.load(shift + o));
      store2(out + p, f64x2.pmax(zero, v));
    }
  }
}

/** out = relu(maxPool2x2(x * scale + shift)) per channel: x [n, h, w, c], out [n, floor(h/2), floor(w/2), c]. */
export function normPoolRelu(x: usize, n: i32, h: i32, w: i32, c: i32, scale: usize, shift: usize, out: usize): void {
  const zero = f64x2.splat(0);
  const hp = h >> 1;
  const wp = w >> 1;
  const pixel = <usize>c << 2;
  const row = <usize>w * pixel;
  let q = out;
  for (let b = 0; b < n; b++) {
    for (let py = 0; py < hp; py++) {
      for (let px = 0; px < wp; px++) {
        const i00 = x + windowOffset(b, py, px, h, w, pixel);
        for (let k = 0; k < c; k += 2) {
          const o = <usize>k << 3;
          const s = v128.load(scale + o);
          const t = v128.load(shift + o);
          const p = i00 + (<usize>k << 2);
          let v = f64x2.add(f64x2.mul(load2(p), s), t);
          v = f64x2.pmax(v, f64x2.add(f64x2.mul(load2(p + pixel), s), t));
          v = f64x2.pmax(v, f64x2.add(f64x2.mul(load2(p + row), s), t));
          v = f64x2.pmax(v, f64x2.add(f64x2.mul(load2(p + row + pixel), s), t));
          store2(q, f64x2.pmax(zero, v));
          q += 8;
        }
      }
    }
  }
}

/**
 * First backward pass without pooling: where x * scale + shift > 0, dx = dy and sumG += dy,
 * sumGz += dy * (x - meanX) * rstd; elsewhere dx = 0.
 */
export function reluBackward(dy: usize, x: usize, m: i32, c: i32, scale: usize, shift: usize, meanX: usize, rstd: usize, dx: usize, sumG: usize, sumGz: usize): void {
  const zero = f64x2.splat(0);
  const rowBytes = <usize>c << 2;
  for (let j = 0; j < m; j++) {
    const base = <usize>j * rowBytes;
    for (let k = 0; k < c; k += 2) {
      const o = <usize>k << 3;
      const p = base + (<usize>k << 2);
      const xv = load2(x + p);
      const on = f64x2.gt(f64x2.add(f64x2.mul(xv, v128.load(scale + o)), v128.load(shift + o)), zero);
      const g = v128.and(load2(dy + p), on);
      store2(dx + p, g);
      v128.store(sumG + o, f64x2.add(v128.load(sumG + o), g));
      const gz = f64x2.mul(f64x2.mul(g, f64x2.sub(xv, v128.load(meanX + o))), v128.load(rstd + o));
      v128.store(sumGz + o, f64x2.add(v128.load(sumGz + o), v128.and(gz, on)));
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
  const zero = f64x2.splat(0);
  const hp = h >> 1;
  const wp = w >> 1;
  const pixel = <usize>c << 2;
  const row = <usize>w * pixel;
  let q = dy;
  for (let b = 0; b < n; b++) {
    for (let py = 0; py < hp; py++) {
      for (let px = 0; px < wp; px++) {
        const off00 = windowOffset(b, py, px, h, w, pixel);
        for (let k = 0; k < c; k += 2) {
          const o = <usize>k << 3;
          const s = v128.load(scale + o);
          const t = v128.load(shift + o);
          const p = off00 + (<usize>k << 2);
          const x00 = load2(x + p);
          const x01 = load2(x + p + pixel);
          const x10 = load2(x + p + row);
          const x11 = load2(x + p + row + pixel);
          let v = f64x2.add(f64x2.mul(x00, s), t);
          const v01 = f64x2.add(f64x2.mul(x01, s), t);
          const v10 = f64x2.add(f64x2.mul(x10, s), t);
          const v11 = f64x2.add(f64x2.mul(x11, s), t);
          // Strictly greater: the first maximum in window order keeps its place.
          const m01 = f64x2.gt(v01, v);
          v = v128.bitselect(v01, v, m01);
          let xa = v128.bitselect(x01, x00, m01);
          const m10 = f64x2.gt(v10, v);
          v = v128.bitselect(v10, v, m10);
          xa = v128.bitselect(x10, xa, m10);
          const m11 = f64x2.gt(v11, v);
          v = v128.bitselect(v11, v, m11);
          xa = v128.bitselect(x11, xa, m11);
          const on = f64x2.gt(v, zero);
          const g = v128.and(load2(q), on);
          const at11 = m11;
          const at10 = v128.andnot(m10, m11);
          const at01 = v128.andnot(m01, v128.or(m10, m11));
          const at00 = v128.not(v128.or(m01, v128.or(m10, m11)));
          store2(dx + p, v128.and(g, at00));
          store2(dx + p + pixel, v128.and(g, at01));
          store2(dx + p + row, v128.and(g, at10));
          store2(dx + p + row + pixel, v128.and(g, at11));
          v128.store(sumG + o, f64x2.add(v128.load(sumG + o), g));
          const gz = f64x2.mul(f64x2.mul(g, f64x2.sub(xa, v128.load(meanX + o))), v128.load(rstd + o));
          v128.store(sumGz + o, f64x2.add(v128.load(sumGz + o), v128.and(gz, on)));
          q += 8;
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
 * Second backward pass, the batch-norm gradient: dx = kf * (count * dx - sumG - zhat * sumGz) with
 * zhat = (x - meanX) * rstd, in place over [m, c]; acc += the float64 values before rounding.
 */
export function batchNormBackward(x: usize, m: i32, c: i32, count: f64, meanX: usize, rstd: usize, kf: usize, sumG: usize, sumGz: usize, dx: usize, acc: usize): void {
  const mm = f64x2.splat(count);
  const rowBytes = <usize>c << 2;
  for (let j = 0; j < m; j++) {
    const base = <usize>j * rowBytes;
    for (let k = 0; k < c; k += 2) {
      const o = <usize>k << 3;
      const p = base + (<usize>k << 2);
      const zhat = f64x2.mul(f64x2.sub(load2(x + p), v128.load(meanX + o)), v128.load(rstd + o));
      const inner = f64x2.sub(f64x2.sub(f64x2.mul(mm, load2(dx + p)), v128.load(sumG + o)), f64x2.mul(zhat, v128.load(sumGz + o)));
      const v = f64x2.mul(v128.load(kf + o), inner);
      store2(dx + p, v);
      v128.store(acc + o, f64x2.add(v128.load(acc + o), v));
    }
  }
}
