/**
 * AssemblyScript source of the WebAssembly filter gradient of 2-D convolution behind the wasm backend's
 * Conv2DBackpropFilter (../wasm-kernels.ts), with the col2im of the input gradient and the dense layers'
 * forward product (at the end), compiled by `npm run build:wasm` to ../conv-kernels.wasm; a test checks that
 * the committed module is what this source compiles to.
 *
 * dFilter[kh, kw, ci, co] = sum over pixels p = (b, oy, ox) of x[b, oy*sh + kh - top, ox*sw + kw - left, ci]
 * * dy[p, co]. Why not im2col and the backend's matrix product: that product's reduction runs over every
 * output pixel of the batch (161,568 for conv1 at batch 32) with few rows and columns, so its operands
 * stream from memory once per output tile, and the im2col of such a matrix costs a third again. Here each
 * 4 x 8 tile of the gradient accumulates a block of whole output rows of one image (about BLOCK pixels) in
 * eight f32x4 registers, reading the four taps' inputs where they are: along an output row a tap's input
 * moves by the stride, and from one row to the next by a constant jump. Sums run over the pixels in order,
 * in float32.
 *
 * No patches are gathered, here or in the forward convolution (`convForward`): for conv1, whose patches are
 * 27 values, copying them into a block took about 2 ms of each kernel at batch 32, 30% of the products'
 * time. Where receptive fields reach past the image, both kernels read a zero-padded copy of the input
 * instead (`padInput`), so the products with the padding's zeros are those of a gather.
 *
 * Memory: the module imports tf.js' wasm-backend memory (`env.memory`) and keeps nothing of its own (stub
 * runtime, no data); every pointer is a byte offset into that memory. Tensors are NHWC float32; co is a
 * multiple of 8.
 */

/**
 * Bytes of the zero-padded input `padInput` writes for a convolution over x [n, h, w, ci] (0 when every
 * receptive field lies inside the image): the rows and columns the output's receptive fields cover.
 */
export function paddedInputBytes(n: i32, h: i32, w: i32, ci: i32, oh: i32, ow: i32, kh: i32, kw: i32, sh: i32, sw: i32, top: i32, left: i32): i32 {
  if (oh <= 0 || ow <= 0) return 0;
  const hp = (oh - 1) * sh + kh;
  const wp = (ow - 1) * sw + kw;
  return needsPadding(h, w, hp, wp, top, left) ? (n * hp * wp * ci) << 2 : 0;
}

@inline function needsPadding(h: i32, w: i32, hp: i32, wp: i32, top: i32, left: i32): bool {
  return top > 0 || left > 0 || hp > h || wp > w;
}

/**
 * The input the products read when it `needsPadding`: x [n, h, w, ci] as [n, hp, wp, ci] with `top` zero
 * rows and `left` zero columns before it and zeros after it, written at `dst` (paddedInputBytes bytes), so
 * that output pixel (oy, ox)'s receptive field starts at row oy * sh, column ox * sw.
 */
function padInput(x: usize, n: i32, h: i32, w: i32, ci: i32, hp: i32, wp: i32, top: i32, left: i32, dst: usize): usize {
  const pixel = <usize>ci << 2;
  const rowBytes = <usize>wp * pixel;
  const before = <usize>min(left, wp) * pixel;
  const inside = <usize>max(0, min(w, wp - left)) * pixel;
  let d = dst;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < hp; r++) {
      const iy = r - top;
      if (iy < 0 || iy >= h) {
        memory.fill(d, 0, rowBytes);
      } else {
        memory.fill(d, 0, before);
        memory.copy(d + before, x + <usize>(b * h + iy) * <usize>w * pixel, inside);
        memory.fill(d + before + inside, 0, rowBytes - before - inside);
      }
      d += rowBytes;
    }
  }
  return dst;
}

/** Pixels per block of `filterGradient`, about: whole output rows, at least one. */
const BLOCK: i32 = 128;

/**
 * Bytes of scratch `filterGradient` needs: the padded [Kp, co] accumulator (Kp = k rounded up to 4), then
 * the padded input.
 */
export function filterGradientScratchBytes(n: i32, h: i32, w: i32, ci: i32, oh: i32, ow: i32, co: i32, kh: i32, kw: i32, sh: i32, sw: i32, top: i32, left: i32): i32 {
  const kp = (kh * kw * ci + 3) & ~3;
  return ((kp * co) << 2) + paddedInputBytes(n, h, w, ci, oh, ow, kh, kw, sh, sw, top, left);
}

/**
 * Writes dFilter [k = kh * kw * ci, co] to `out` from x [n, h, w, ci] and dy [n, oh, ow, co]; `scratch`
 * holds filterGradientScratchBytes(...) bytes.
 */
export function filterGradient(
  x: usize, n: i32, h: i32, w: i32, ci: i32,
  dy: usize, oh: i32, ow: i32, co: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, top: i32, left: i32,
  out: usize, scratch: usize,
): void {
  const k = kh * kw * ci;
  const kp = (k + 3) & ~3;
  const acc = scratch;
  const accBytes = <usize>(kp * co) << 2;
  memory.fill(acc, 0, accBytes);
  if (oh <= 0 || ow <= 0) {
    memory.copy(out, acc, <usize>(k * co) << 2);
    return;
  }
  const hp = (oh - 1) * sh + kh;
  const wp = (ow - 1) * sw + kw;
  const padded = needsPadding(h, w, hp, wp, top, left);
  const src = padded ? padInput(x, n, h, w, ci, hp, wp, top, left, scratch + accBytes) : x;
  const rows = padded ? hp : h;
  const pitch = <usize>(padded ? wp : w) * (<usize>ci << 2);
  const step = <usize>(sw * ci) << 2;
  const dyRow = <usize>co << 2;
  // Blocks of whole output rows of one image, about BLOCK pixels: consecutive rows' fields are a constant
  // jump apart, and their rows of dy follow one another.
  const rowsPerBlock = max(1, min(oh, BLOCK / ow));
  const jump = <usize>sh * pitch - <usize>ow * step;
  for (let b = 0; b < n; b++) {
    for (let y0 = 0; y0 < oh; y0 += rowsPerBlock) {
      const runs = min(rowsPerBlock, oh - y0);
      const rowStart = src + (<usize>b * <usize>rows + <usize>(y0 * sh)) * pitch;
      const dyBlock = dy + <usize>((b * oh + y0) * ow) * dyRow;
      for (let kt = 0; kt < kp; kt += 4) {
        // Rows past k (the padding of Kp) repeat the last tap: their sums are never copied out.
        const a0 = rowStart + tapOffset(min(kt, k - 1), kw, ci, pitch);
        const a1 = rowStart + tapOffset(min(kt + 1, k - 1), kw, ci, pitch);
        const a2 = rowStart + tapOffset(min(kt + 2, k - 1), kw, ci, pitch);
        const a3 = rowStart + tapOffset(min(kt + 3, k - 1), kw, ci, pitch);
        for (let ct = 0; ct < co; ct += 8) {
          tile4x8Runs(a0, a1, a2, a3, step, runs, ow, jump, dyBlock + (<usize>ct << 2), dyRow, acc + ((<usize>kt * <usize>co + <usize>ct) << 2), dyRow, true);
        }
      }
    }
  }
  memory.copy(out, acc, <usize>(k * co) << 2);
}

/** Byte offset of filter tap j ((fy, fx, c) order) from the start of its receptive field, rows `pitch` bytes apart. */
@inline function tapOffset(j: i32, kw: i32, ci: i32, pitch: usize): usize {
  const fy = j / (kw * ci);
  const rest = j - fy * kw * ci;
  return <usize>fy * pitch + (<usize>rest << 2);
}

/**
 * The products' inner loop, shared by every kernel here: a tile of 4 rows x 8 float32 columns in eight f32x4
 * registers, row r adding `count` products a_r[t] * b[t][0 .. 8] one after another (t = 0, 1, ...; a_r[t]
 * the float at ar + t * aStep, splatted; b[t] the 8 floats at b + t * bStep). The sums start from the tile in
 * memory at `tile` (rows `tileRow` bytes apart) when `accumulate`, else from 0, and are stored back there.
 * Splat loads rather than one load and four lane shuffles: the shuffles ran on the same execution ports as
 * the products, and the live vectors did not fit V8's x64 registers.
 */
@inline function tile4x8(
  a0: usize, a1: usize, a2: usize, a3: usize, aStep: usize, b: usize, bStep: usize, count: i32,
  tile: usize, tileRow: usize, accumulate: bool,
): void {
  tile4x8Runs(a0, a1, a2, a3, aStep, 1, count, 0, b, bStep, tile, tileRow, accumulate);
}

/**
 * tile4x8 over `runs` runs of `count` products each, the a_r moving on by `jump` bytes between runs and b
 * continuing where it was: a convolution's filter rows, whose inputs are kw * ci consecutive values in each
 * of kh input rows.
 */
@inline function tile4x8Runs(
  a0: usize, a1: usize, a2: usize, a3: usize, aStep: usize, runs: i32, count: i32, jump: usize,
  b: usize, bStep: usize, tile: usize, tileRow: usize, accumulate: bool,
): void {
  const t0 = tile;
  const t1 = t0 + tileRow;
  const t2 = t1 + tileRow;
  const t3 = t2 + tileRow;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (accumulate) {
    c00 = v128.load(t0); c01 = v128.load(t0, 16);
    c10 = v128.load(t1); c11 = v128.load(t1, 16);
    c20 = v128.load(t2); c21 = v128.load(t2, 16);
    c30 = v128.load(t3); c31 = v128.load(t3, 16);
  }
  for (let s = 0; s < runs; s++) {
    for (let t = 0; t < count; t++) {
      const b0 = v128.load(b);
      const b1 = v128.load(b, 16);
      const s0 = v128.load32_splat(a0);
      c00 = f32x4.add(c00, f32x4.mul(s0, b0));
      c01 = f32x4.add(c01, f32x4.mul(s0, b1));
      const s1 = v128.load32_splat(a1);
      c10 = f32x4.add(c10, f32x4.mul(s1, b0));
      c11 = f32x4.add(c11, f32x4.mul(s1, b1));
      const s2 = v128.load32_splat(a2);
      c20 = f32x4.add(c20, f32x4.mul(s2, b0));
      c21 = f32x4.add(c21, f32x4.mul(s2, b1));
      const s3 = v128.load32_splat(a3);
      c30 = f32x4.add(c30, f32x4.mul(s3, b0));
      c31 = f32x4.add(c31, f32x4.mul(s3, b1));
      a0 += aStep; a1 += aStep; a2 += aStep; a3 += aStep;
      b += bStep;
    }
    a0 += jump; a1 += jump; a2 += jump; a3 += jump;
  }
  v128.store(t0, c00); v128.store(t0, c01, 16);
  v128.store(t1, c10); v128.store(t1, c11, 16);
  v128.store(t2, c20); v128.store(t2, c21, 16);
  v128.store(t3, c30); v128.store(t3, c31, 16);
}

/** tile4x8 for one row: 8 floats at `tile` add `count` products a[t] * b[t][0 .. 8]. */
@inline function row1x8(a: usize, aStep: usize, b: usize, bStep: usize, count: i32, tile: usize, accumulate: bool): void {
  row1x8Runs(a, aStep, 1, count, 0, b, bStep, tile, accumulate);
}

/** tile4x8Runs for one row. */
@inline function row1x8Runs(a: usize, aStep: usize, runs: i32, count: i32, jump: usize, b: usize, bStep: usize, tile: usize, accumulate: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  if (accumulate) {
    c0 = v128.load(tile); c1 = v128.load(tile, 16);
  }
  for (let s = 0; s < runs; s++) {
    for (let t = 0; t < count; t++) {
      const v = v128.load32_splat(a);
      c0 = f32x4.add(c0, f32x4.mul(v, v128.load(b)));
      c1 = f32x4.add(c1, f32x4.mul(v, v128.load(b, 16)));
      a += aStep;
      b += bStep;
    }
    a += jump;
  }
  v128.store(tile, c0); v128.store(tile, c1, 16);
}

/**
 * The col2im of the input gradient: dx [n, h, w, ci] = 0, then for each output pixel p = (b, oy, ox) in order
 * and each filter tap (fy, fx) inside the image, dx[b, oy*sh + fy - top, ox*sw + fx - left, :] += cols[p,
 * (fy*kw + fx)*ci : +ci], where cols [n*oh*ow, kh*kw*ci] is dy times the transposed filter. float32 additions
 * in the order of the JavaScript loop of ../wasm-kernels.ts, so the bytes are the same.
 */
export function col2im(
  cols: usize, n: i32, h: i32, w: i32, ci: i32,
  oh: i32, ow: i32, kh: i32, kw: i32, sh: i32, sw: i32, top: i32, left: i32,
  dx: usize,
): void {
  const runBytes = <usize>ci << 2;
  memory.fill(dx, 0, <usize>(n * h * w) * runBytes);
  let src = cols;
  const rowBytes = <usize>(kh * kw) * runBytes;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        addPixelColumns(src, b, y, x, h, w, ci, kh, kw, sh, sw, top, left, dx);
        src += rowBytes;
      }
    }
  }
}

/** Reduction steps per pass of `matMulFewRows`: a [KBLOCK, 8] strip of b is 8 KB, a's [m, KBLOCK] block 32 KB at m = 32. */
const KBLOCK: i32 = 256;

/**
 * out [m, n] = a [m, k] times b [k, n], row-major, n a multiple of 8: the dense layers' forward product, whose
 * weights b are far larger than the batch a. XNNPACK packs b anew whenever its data change (every training
 * step), which cost more than the product; this reads b where it is. Each output sums its k products one
 * after another in float32 from 0, as XNNPACK's product does, so the bytes are the same; the sums are kept
 * in `out` between blocks of KBLOCK steps, so b streams from memory once.
 */
export function matMulFewRows(a: usize, m: i32, k: i32, b: usize, n: i32, out: usize): void {
  memory.fill(out, 0, <usize>(m * n) << 2);
  const aRow = <usize>k << 2;
  const outRow = <usize>n << 2;
  for (let k0 = 0; k0 < k; k0 += KBLOCK) {
    const kn = min(KBLOCK, k - k0);
    for (let j = 0; j < n; j += 8) {
      const strip = b + <usize>k0 * outRow + (<usize>j << 2);
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        const a0 = a + <usize>i * aRow + (<usize>k0 << 2);
        const tile = out + ((<usize>i * <usize>n + <usize>j) << 2);
        tile4x8(a0, a0 + aRow, a0 + 2 * aRow, a0 + 3 * aRow, 4, strip, outRow, kn, tile, outRow, true);
      }
      for (; i < m; i++) {
        row1x8(a + <usize>i * aRow + (<usize>k0 << 2), 4, strip, outRow, kn, out + ((<usize>i * <usize>n + <usize>j) << 2), true);
      }
    }
  }
}

/**
 * Output pixels per block of `inputGradient` and `convForward`: the block's rows (dy, or the receptive fields)
 * and a packed filter strip stay in cache.
 */
const PIXELS: i32 = 32;

/** Bytes of scratch `inputGradient` needs for a filter of k x co: the packed filter and a block of PIXELS rows of k. */
export function blockedScratchBytes(k: i32, co: i32): i32 {
  return (k * co + PIXELS * k) << 2;
}

/**
 * The input gradient of a convolution in one pass: cols = dy [n*oh*ow, co] times the transposed filter
 * [co, k = kh*kw*ci] (filter [k, co], ci a multiple of 8), added into dx [n, h, w, ci] as col2im adds it. The
 * filter is first packed into strips [k/8][co][8]; then, per block of PIXELS output pixels, each strip's
 * 4 x 8 tiles accumulate in registers into the block's columns (in scratch), which are added into dx pixel
 * by pixel in order. Each cols value sums its co products one after another from 0 in float32 as XNNPACK's
 * product does, and dx receives the pixels' rows in col2im's order, so the bytes are those of that product
 * followed by col2im; cols (11 MB for conv2 at batch 32) is never written out. `scratch` holds
 * blockedScratchBytes(k, co) bytes.
 */
export function inputGradient(
  dy: usize, n: i32, oh: i32, ow: i32, co: i32, filter: usize,
  h: i32, w: i32, ci: i32, kh: i32, kw: i32, sh: i32, sw: i32, top: i32, left: i32,
  dx: usize, scratch: usize,
): void {
  const k = kh * kw * ci;
  const packed = scratch;
  const block = scratch + (<usize>(k * co) << 2);
  for (let j = 0; j < k; j += 8) {
    let dst = packed + (<usize>(j * co) << 2);
    for (let c = 0; c < co; c++) {
      for (let l = 0; l < 8; l++) store<f32>(dst + (<usize>l << 2), load<f32>(filter + (<usize>((j + l) * co + c) << 2)));
      dst += 32;
    }
  }
  memory.fill(dx, 0, <usize>(n * h * w * ci) << 2);
  const total = n * oh * ow;
  const dyRow = <usize>co << 2;
  const colRow = <usize>k << 2;
  for (let p0 = 0; p0 < total; p0 += PIXELS) {
    const nb = min(PIXELS, total - p0);
    for (let j = 0; j < k; j += 8) {
      const strip = packed + (<usize>(j * co) << 2);
      let r = 0;
      for (; r + 4 <= nb; r += 4) {
        const a0 = dy + <usize>(p0 + r) * dyRow;
        tile4x8(a0, a0 + dyRow, a0 + 2 * dyRow, a0 + 3 * dyRow, 4, strip, 32, co, block + <usize>r * colRow + (<usize>j << 2), colRow, false);
      }
      for (; r < nb; r++) {
        row1x8(dy + <usize>(p0 + r) * dyRow, 4, strip, 32, co, block + <usize>r * colRow + (<usize>j << 2), false);
      }
    }
    for (let r = 0; r < nb; r++) {
      const p = p0 + r;
      const b = p / (oh * ow);
      const rem = p - b * oh * ow;
      const y = rem / ow;
      const x = rem - y * ow;
      addPixelColumns(block + <usize>r * colRow, b, y, x, h, w, ci, kh, kw, sh, sw, top, left, dx);
    }
  }
}

/** dx[b, y*sh + fy - top, x*sw + fx - left, :] += src[(fy*kw + fx)*ci : +ci] for the taps inside the image, in tap order, four channels per f32x4 addition. */
@inline function addPixelColumns(
  src: usize, b: i32, y: i32, x: i32, h: i32, w: i32, ci: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, top: i32, left: i32, dx: usize,
): void {
  const runBytes = <usize>ci << 2;
  const vectorBytes = runBytes & ~15;
  for (let fy = 0; fy < kh; fy++) {
    const iy = y * sh + fy - top;
    if (iy < 0 || iy >= h) continue;
    for (let fx = 0; fx < kw; fx++) {
      const ix = x * sw + fx - left;
      if (ix < 0 || ix >= w) continue;
      const d = dx + (<usize>(b * h + iy) * <usize>w + <usize>ix) * runBytes;
      const s = src + <usize>(fy * kw + fx) * runBytes;
      let o: usize = 0;
      for (; o < vectorBytes; o += 16) v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(s + o)));
      for (; o < runBytes; o += 4) store<f32>(d + o, load<f32>(d + o) + load<f32>(s + o));
    }
  }
}

/** Bytes of scratch `convForward` needs: the packed filter, the padded input, and a block's field starts. */
export function convForwardScratchBytes(n: i32, h: i32, w: i32, ci: i32, oh: i32, ow: i32, co: i32, kh: i32, kw: i32, sh: i32, sw: i32, top: i32, left: i32): i32 {
  return ((kh * kw * ci * co) << 2) + paddedInputBytes(n, h, w, ci, oh, ow, kh, kw, sh, sw, top, left) + (PIXELS << 2);
}

/**
 * A convolution without bias: out [n, oh, ow, co] = the receptive fields of x [n, h, w, ci] times filter
 * [k = kh*kw*ci, co] (co a multiple of 8). The filter is packed into strips [co/8][k][8]; per block of
 * PIXELS output pixels, each strip's 4 x 8 tiles (4 pixels) accumulate in registers, reading each pixel's
 * receptive field where it is: kh runs of kw * ci values, one per filter row. Each output sums
 * its k products one after another from 0 in float32, in (fy, fx, ci) order with zeros outside the image
 * (read from the padded input), as XNNPACK's convolution does, so the bytes are the same. `scratch` holds
 * convForwardScratchBytes(...) bytes.
 */
export function convForward(
  x: usize, n: i32, h: i32, w: i32, ci: i32, filter: usize,
  oh: i32, ow: i32, co: i32, kh: i32, kw: i32, sh: i32, sw: i32, top: i32, left: i32,
  out: usize, scratch: usize,
): void {
  const k = kh * kw * ci;
  const packed = scratch;
  const outRow = <usize>co << 2;
  for (let j = 0; j < co; j += 8) {
    let dst = packed + (<usize>(j * k) << 2);
    let src = filter + (<usize>j << 2);
    for (let kk = 0; kk < k; kk++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      dst += 32;
      src += outRow;
    }
  }
  const hp = (oh - 1) * sh + kh;
  const wp = (ow - 1) * sw + kw;
  const padded = needsPadding(h, w, hp, wp, top, left);
  const src = padded ? padInput(x, n, h, w, ci, hp, wp, top, left, scratch + (<usize>(k * co) << 2)) : x;
  const rows = padded ? hp : h;
  const pitch = <usize>(padded ? wp : w) * (<usize>ci << 2);
  const step = <usize>(sw * ci) << 2;
  const run = kw * ci;
  // From the end of one filter row's run to the start of the next one's.
  const jump = pitch - (<usize>run << 2);
  const starts = scratch + (<usize>(k * co) << 2) + <usize>paddedInputBytes(n, h, w, ci, oh, ow, kh, kw, sh, sw, top, left);
  const total = n * oh * ow;
  for (let p0 = 0; p0 < total; p0 += PIXELS) {
    const nb = min(PIXELS, total - p0);
    fieldStarts(src, rows, pitch, step, sh, oh, ow, p0, nb, starts);
    for (let j = 0; j < co; j += 8) {
      const strip = packed + (<usize>(j * k) << 2);
      const tile = out + <usize>p0 * outRow + (<usize>j << 2);
      let r = 0;
      for (; r + 4 <= nb; r += 4) {
        const q = starts + (<usize>r << 2);
        tile4x8Runs(load<u32>(q), load<u32>(q, 4), load<u32>(q, 8), load<u32>(q, 12), 4, kh, run, jump, strip, 32, tile + <usize>r * outRow, outRow, false);
      }
      for (; r < nb; r++) {
        row1x8Runs(load<u32>(starts + (<usize>r << 2)), 4, kh, run, jump, strip, 32, tile + <usize>r * outRow, false);
      }
    }
  }
}

/**
 * Writes to `dst` (u32 each) where the receptive fields of output pixels p0 .. p0 + nb - 1 start in `src`
 * (rows of `pitch` bytes, `rows` of them per image, output pixels `step` bytes apart along a row).
 */
@inline function fieldStarts(src: usize, rows: i32, pitch: usize, step: usize, sh: i32, oh: i32, ow: i32, p0: i32, nb: i32, dst: usize): void {
  let b = p0 / (oh * ow);
  let oy = (p0 - b * oh * ow) / ow;
  let ox = p0 - (b * oh + oy) * ow;
  let row = src + (<usize>b * <usize>rows + <usize>(oy * sh)) * pitch;
  for (let r = 0; r < nb; r++) {
    store<u32>(dst + (<usize>r << 2), <u32>(row + <usize>ox * step));
    if (++ox === ow) {
      ox = 0;
      if (++oy === oh) {
        oy = 0;
        b++;
      }
      row = src + (<usize>b * <usize>rows + <usize>(oy * sh)) * pitch;
    }
  }
}

/**
 * out [k, n] = a^T times b for a [m, k] and b [m, n] (row-major, n a multiple of 8): the dense layers'
 * weight gradient, x^T dy over the batch's m rows. Each output sums its m products one after another from 0
 * in float32, as XNNPACK's product of the transposed a does, so the bytes are the same; a is read where it
 * is instead of being transposed first, and 4 x 8 tiles of the output accumulate in registers.
 */
export function matMulTransposedA(a: usize, m: i32, k: i32, b: usize, n: i32, out: usize): void {
  const aRow = <usize>k << 2;
  const bRow = <usize>n << 2;
  let q = 0;
  for (; q + 4 <= k; q += 4) {
    const a0 = a + (<usize>q << 2);
    for (let j = 0; j < n; j += 8) {
      tile4x8(a0, a0 + 4, a0 + 8, a0 + 12, aRow, b + (<usize>j << 2), bRow, m, out + ((<usize>q * <usize>n + <usize>j) << 2), bRow, false);
    }
  }
  for (; q < k; q++) {
    for (let j = 0; j < n; j += 8) {
      row1x8(a + (<usize>q << 2), aRow, b + (<usize>j << 2), bRow, m, out + ((<usize>q * <usize>n + <usize>j) << 2), false);
    }
  }
}

/** Bytes of scratch `matMulTransposedB` needs: a transposed and packed in strips of 8 rows, and one 4 x 8 tile. */
export function matMulTransposedBScratchBytes(m: i32, k: i32): i32 {
  return ((((m + 7) >> 3) * k * 8) << 2) + 128;
}

/** out[i .. i+3][q .. q+3] = the 4 x 4 block whose row r, lanes i .. i+3, is `r0` .. `r3` (output q + r), transposed; rows past m are not written. */
@inline function storeTransposed4(out: usize, outRow: usize, i: i32, m: i32, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  const p = out + <usize>i * outRow;
  if (i < m) v128.store(p, f32x4.shuffle(t0, t1, 0, 1, 4, 5));
  if (i + 1 < m) v128.store(p + outRow, f32x4.shuffle(t0, t1, 2, 3, 6, 7));
  if (i + 2 < m) v128.store(p + 2 * outRow, f32x4.shuffle(t2, t3, 0, 1, 4, 5));
  if (i + 3 < m) v128.store(p + 3 * outRow, f32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/**
 * out [m, n] = a [m, k] times b^T for b [n, k] (row-major): the dense layers' input gradient, dy times the
 * kernel transposed, with few rows m and a large b. a is packed transposed in strips of 8 rows (zeros past
 * m) in `scratch` (matMulTransposedBScratchBytes(m, k) bytes); 4 x 8 tiles (4 rows of b, 8 rows of a)
 * accumulate in registers and are stored transposed. Each output sums its k products one after another from
 * 0 in float32, as XNNPACK's product b a^T does, so the bytes are those of the (b a^T)^T it replaces,
 * without its two transposes.
 */
export function matMulTransposedB(a: usize, m: i32, k: i32, b: usize, n: i32, out: usize, scratch: usize): void {
  const strips = (m + 7) >> 3;
  for (let s = 0; s < strips; s++) {
    let dst = scratch + (<usize>(s * k * 8) << 2);
    for (let c = 0; c < k; c++) {
      for (let l = 0; l < 8; l++) {
        const i = s * 8 + l;
        store<f32>(dst + (<usize>l << 2), i < m ? load<f32>(a + (<usize>(i * k + c) << 2)) : 0);
      }
      dst += 32;
    }
  }
  const bRow = <usize>k << 2;
  const outRow = <usize>n << 2;
  const tile = scratch + (<usize>(strips * k * 8) << 2);
  let q = 0;
  for (; q + 4 <= n; q += 4) {
    const b0 = b + <usize>q * bRow;
    for (let s = 0; s < strips; s++) {
      tile4x8(b0, b0 + bRow, b0 + 2 * bRow, b0 + 3 * bRow, 4, scratch + (<usize>(s * k * 8) << 2), 32, k, tile, 32, false);
      const o = out + (<usize>q << 2);
      storeTransposed4(o, outRow, s * 8, m, v128.load(tile), v128.load(tile, 32), v128.load(tile, 64), v128.load(tile, 96));
      storeTransposed4(o, outRow, s * 8 + 4, m, v128.load(tile, 16), v128.load(tile, 48), v128.load(tile, 80), v128.load(tile, 112));
    }
  }
  for (; q < n; q++) {
    for (let s = 0; s < strips; s++) {
      row1x8(b + <usize>q * bRow, 4, scratch + (<usize>(s * k * 8) << 2), 32, k, tile, false);
      for (let l = 0; l < 8 && s * 8 + l < m; l++) store<f32>(out + <usize>(s * 8 + l) * outRow + (<usize>q << 2), load<f32>(tile + (<usize>l << 2)));
    }
  }
}
