/**
 * AssemblyScript source of the WebAssembly kernel behind `inpaintTelea` (../inpaint-telea.ts), compiled by
 * `npm run build:wasm` (scripts/build-wasm.mjs) to ../inpaint-telea.wasm; a test checks that the committed
 * module is what this source compiles to.
 *
 * Why WebAssembly: OpenCV's INPAINT_TELEA computes in float32, and JavaScript can only emulate that with a
 * Math.fround after every operation, which cost ~2/3 of the time of the SHAP masker. WebAssembly's f32
 * arithmetic is IEEE binary32 with round-to-nearest and no fused multiply-add (binaryen keeps it that way),
 * exactly the arithmetic OpenCV's scalar code performs, so the port is bit for bit without emulation, and the
 * three colour channels share one f32x4 lane-wise computation (each lane is an ordinary f32 operation).
 *
 * The algorithm and its OpenCV quirks are described in ../inpaint-telea.ts and docs/shap-reference.md
 * part B. Where OpenCV computes in double and rounds to float (the eikonal solve, 1/(1+|ΔT|), the final
 * +0.5 and cvRound) this code does the same in f64.
 *
 * Memory: everything lives in linear memory from __heap_base on, laid out by `reserve` for one image size; no
 * allocator, no garbage collector (compiled with the stub runtime). Grids are on the (H+2)×(W+2) padded
 * lattice, row-major: grid cell (i, j) ↔ pixel (i−1, j−1). The image is H×W×C uint8, channel fastest, followed
 * by 16 spare bytes so that a 4-byte pixel load at the last pixel stays inside the region.
 */

const T_FAR: f32 = 1.0e6;
const S_START: f32 = 1.0e-20;
const NORM_EPS: f32 = 1.0e-20;
const DIR_FLOOR: f32 = 1.0e-6;

let imagePtr: usize = 0;
let maskPtr: usize = 0;
/** 0 on hole cells not yet filled, 1 elsewhere (padding included): the inward pass's "not INSIDE" */
let knownPtr: usize = 0;
/** 0 on ring cells the outward pass has not reached, 1 elsewhere */
let ringKnownPtr: usize = 0;
/** row-wise dilation of the hole, an intermediate of the square dilation */
let rowDilatedPtr: usize = 0;
/** f32 arrival distances T */
let tPtr: usize = 0;
/** the priority queue: u64 entries, and the cell of each insertion */
let heapEntryPtr: usize = 0;
let heapCellPtr: usize = 0;
/** band cells in scan order, the seeds of both passes */
let bandPtr: usize = 0;
/** cells popped by the outward pass, whose T is negated afterwards */
let reachedPtr: usize = 0;
/**
 * The disc of offsets (k outer, l inner, centre excluded), one 32-byte record each: row offset dk (i32), column
 * offset dl (i32), grid step (i32), image step (i32), rx = −dl and ry = −dk as f32, dst = 1/|r|³ (f32).
 */
let discPtr: usize = 0;
const DISC_RECORD: usize = 32;
/**
 * Per grid cell, 48 bytes: the pixel's values as f32x4, and OpenCV's image gradient stencils at the cell
 * (central difference ×2, one-sided, or 0, by which 4-neighbours are known) as exact-integer f32x4 in x and y.
 * Kept for the known cells the fill can read that are off the image border; a cell's entry changes only when
 * one of its 4-neighbours is filled, so it is computed once and refreshed then, instead of per disc term.
 */
let cachePtr: usize = 0;
const CACHE_RECORD: usize = 48;

let heapSize: i32 = 0;
let heapNext: i32 = 0;

@inline function align16(p: usize): usize {
  return (p + 15) & ~(<usize>15);
}

/**
 * Lays out the working memory for an H×W×C image and a radius (growing the memory when needed) and returns the
 * byte offset of the image region; `maskOffset()` gives that of the H×W mask. Call before writing either.
 */
export function reserve(height: i32, width: i32, channels: i32, radius: i32): usize {
  const cells = <usize>((height + 2) * (width + 2));
  const nValues = <usize>(height * width * channels);
  const discSide = <usize>(2 * radius + 1);
  const discMax = discSide * discSide;
  let p = align16(__heap_base);
  imagePtr = p;
  p = align16(p + nValues + 16);
  maskPtr = p;
  p = align16(p + <usize>(height * width));
  knownPtr = p;
  p = align16(p + cells);
  ringKnownPtr = p;
  p = align16(p + cells);
  rowDilatedPtr = p;
  p = align16(p + cells);
  tPtr = p;
  p = align16(p + 4 * cells);
  heapEntryPtr = p;
  p = align16(p + 8 * cells);
  heapCellPtr = p;
  p = align16(p + 4 * cells);
  bandPtr = p;
  p = align16(p + 4 * cells);
  reachedPtr = p;
  p = align16(p + 4 * cells);
  cachePtr = p;
  p = align16(p + CACHE_RECORD * cells);
  discPtr = p;
  p = align16(p + DISC_RECORD * discMax);
  const pagesNeeded = <i32>((p + 0xffff) >> 16);
  const pagesHave = memory.size();
  if (pagesNeeded > pagesHave) {
    if (memory.grow(pagesNeeded - pagesHave) < 0) unreachable();
  }
  return imagePtr;
}

/** Byte offset of the H×W mask region laid out by the last `reserve`. */
export function maskOffset(): usize {
  return maskPtr;
}

/**
 * Inpaints the image region in place (the region and the mask must have been written after `reserve` with the
 * same arguments). A mask with no known pixel beside it changes nothing, as in OpenCV.
 */
export function inpaint(height: i32, width: i32, channels: i32, radius: i32): void {
  const cols = width + 2;
  const nDisc = buildDisc(radius, cols, width * channels, channels);
  const nBand = markHoleAndBand(height, width);
  markRing(height, width, channels, radius);
  marchOutward(cols, nBand);
  fillInward(height, width, channels, radius, nBand, nDisc);
}

function buildDisc(radius: i32, cols: i32, rowStride: i32, channels: i32): i32 {
  let n = 0;
  const r2 = radius * radius;
  for (let a = -radius; a <= radius; a++) {
    for (let b = -radius; b <= radius; b++) {
      // The centre is the pixel being filled, always INSIDE when visited, so it never contributes.
      if ((a == 0 && b == 0) || a * a + b * b > r2) continue;
      const lengthSq = <f64>(a * a + b * b);
      const at = discPtr + <usize>n * DISC_RECORD;
      store<i32>(at, a);
      store<i32>(at, b, 4);
      store<i32>(at, a * cols + b, 8);
      store<i32>(at, a * rowStride + b * channels, 12);
      store<f32>(at, <f32>-b, 16);
      store<f32>(at, <f32>-a, 20);
      store<f32>(at, <f32>(1.0 / (lengthSq * Math.sqrt(lengthSq))), 24);
      n++;
    }
  }
  return n;
}

@inline function knownAt(base: usize, g: i32): i32 {
  return <i32>load<u8>(base + <usize>g);
}

@inline function tAt(g: i32): f32 {
  return load<f32>(tPtr + (<usize>g << 2));
}

@inline function setT(g: i32, v: f32): void {
  store<f32>(tPtr + (<usize>g << 2), v);
}

/** Marks the hole (known = 0) and the band (known pixels 4-adjacent to it, T = 0); T = 1e6 elsewhere. */
function markHoleAndBand(height: i32, width: i32): i32 {
  const cols = width + 2;
  const nCells = (height + 2) * cols;
  memory.fill(knownPtr, 1, <usize>nCells);
  for (let g = 0; g < nCells; g++) setT(g, T_FAR);
  for (let r = 0; r < height; r++) {
    const g0 = (r + 1) * cols + 1;
    const p0 = r * width;
    for (let c = 0; c < width; c++) {
      if (load<u8>(maskPtr + <usize>(p0 + c)) != 0) store<u8>(knownPtr + <usize>(g0 + c), 0);
    }
  }
  let nBand = 0;
  for (let i = 1; i <= height; i++) {
    const gEnd = i * cols + 1 + width;
    for (let g = i * cols + 1; g < gEnd; g++) {
      if (knownAt(knownPtr, g) == 0) continue;
      if (knownAt(knownPtr, g - cols) == 0 || knownAt(knownPtr, g - 1) == 0 || knownAt(knownPtr, g + 1) == 0 || knownAt(knownPtr, g + cols) == 0) {
        setT(g, 0);
        store<i32>(bandPtr + (<usize>nBand << 2), g);
        nBand++;
      }
    }
  }
  return nBand;
}

/**
 * Ring = square (2R+1)² dilation of the hole minus the hole minus the band, padding excluded: the known pixels
 * the outward pass gives a negative distance (ringKnown = 0 on them). Separable: a sliding count along rows,
 * then along columns. The same dilation holds every known cell the fill can read, so their cache entries
 * are made here.
 */
function markRing(height: i32, width: i32, channels: i32, radius: i32): void {
  const rows = height + 2;
  const cols = width + 2;
  const nCells = <usize>(rows * cols);
  memory.fill(ringKnownPtr, 1, nCells);
  memory.fill(rowDilatedPtr, 0, nCells);
  for (let i = 1; i <= height; i++) {
    const g0 = i * cols;
    let count = 0;
    for (let j = 0; j <= radius && j < cols; j++) count += 1 - knownAt(knownPtr, g0 + j);
    for (let j = 0; j < cols; j++) {
      if (count > 0) store<u8>(rowDilatedPtr + <usize>(g0 + j), 1);
      const enter = j + radius + 1;
      const leave = j - radius;
      if (enter < cols) count += 1 - knownAt(knownPtr, g0 + enter);
      if (leave >= 0) count -= 1 - knownAt(knownPtr, g0 + leave);
    }
  }
  for (let j = 1; j <= width; j++) {
    let count = 0;
    for (let i = 0; i <= radius && i < rows; i++) count += knownAt(rowDilatedPtr, i * cols + j);
    for (let i = 0; i < rows; i++) {
      const g = i * cols + j;
      // Band cells are the only known cells with T = 0 at this point.
      if (count > 0 && i >= 1 && i <= height && knownAt(knownPtr, g) == 1) {
        if (tAt(g) != 0) store<u8>(ringKnownPtr + <usize>g, 0);
        if (i >= 2 && i < height && j >= 2 && j < width) cacheCell(g, imagePtr + <usize>(((i - 1) * width + (j - 1)) * channels), cols, channels, width * channels);
      }
      const enter = i + radius + 1;
      const leave = i - radius;
      if (enter < rows) count += knownAt(rowDilatedPtr, enter * cols + j);
      if (leave >= 0) count -= knownAt(rowDilatedPtr, leave * cols + j);
    }
  }
}

/**
 * OpenCV's outer distance pass: fast marching from the band into the ring (everything else counts as known),
 * then the T of every cell it popped is negated (the band's 0 becomes −0, as in OpenCV).
 */
function marchOutward(cols: i32, nBand: i32): void {
  heapSize = 0;
  heapNext = 0;
  for (let b = 0; b < nBand; b++) heapPush(load<i32>(bandPtr + (<usize>b << 2)), 0);
  let nReached = 0;
  for (;;) {
    const g0 = heapPop();
    if (g0 < 0) break;
    store<i32>(reachedPtr + (<usize>nReached << 2), g0);
    nReached++;
    for (let q = 0; q < 4; q++) {
      const g = q == 0 ? g0 - cols : q == 1 ? g0 - 1 : q == 2 ? g0 + cols : g0 + 1;
      if (knownAt(ringKnownPtr, g) != 0) continue;
      const dist = arrivalDistance(ringKnownPtr, g, cols);
      setT(g, dist);
      store<u8>(ringKnownPtr + <usize>g, 1);
      heapPush(g, dist);
    }
  }
  for (let n = 0; n < nReached; n++) {
    const g = load<i32>(reachedPtr + (<usize>n << 2));
    setT(g, -tAt(g));
  }
}

/** The pixel's C ≤ 3 uint8 values (and whatever follows, in the unused lanes) as i32x4. */
@inline function pixelI32(at: usize): v128 {
  return i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(at)));
}

/** The inward pass: pops the band in order of arrival, and fills each hole cell as the front reaches it. */
function fillInward(height: i32, width: i32, channels: i32, radius: i32, nBand: i32, nDisc: i32): void {
  const cols = width + 2;
  const rowStride = width * channels;
  heapSize = 0;
  heapNext = 0;
  for (let b = 0; b < nBand; b++) heapPush(load<i32>(bandPtr + (<usize>b << 2)), 0);
  for (;;) {
    const g0 = heapPop();
    if (g0 < 0) break;
    for (let q = 0; q < 4; q++) {
      const g = q == 0 ? g0 - cols : q == 1 ? g0 - 1 : q == 2 ? g0 + cols : g0 + 1;
      // The padding is always known, so this one test also keeps the walk on the grid.
      if (knownAt(knownPtr, g) != 0) continue;
      const tij = arrivalDistance(knownPtr, g, cols);
      setT(g, tij);
      const i = g / cols;
      const j = g - i * cols;

      // Gradient of T at (i, j), one-sided where a neighbour is still unknown.
      let gradTx: f32 = 0;
      if (knownAt(knownPtr, g + 1) != 0) {
        gradTx = knownAt(knownPtr, g - 1) != 0 ? (tAt(g + 1) - tAt(g - 1)) * <f32>0.5 : tAt(g + 1) - tij;
      } else if (knownAt(knownPtr, g - 1) != 0) {
        gradTx = tij - tAt(g - 1);
      }
      let gradTy: f32 = 0;
      if (knownAt(knownPtr, g + cols) != 0) {
        gradTy = knownAt(knownPtr, g - cols) != 0 ? (tAt(g + cols) - tAt(g - cols)) * <f32>0.5 : tAt(g + cols) - tij;
      } else if (knownAt(knownPtr, g - cols) != 0) {
        gradTy = tij - tAt(g - cols);
      }

      let ia = f32x4.splat(0);
      let jx = f32x4.splat(0);
      let jy = f32x4.splat(0);
      let s: f32 = S_START;
      const pixel = ((i - 1) * width + (j - 1)) * channels;
      // The disc, k outer and l inner: the float32 sums depend on this order. Each term adds w·I to Ia and
      // subtracts w·(∇I·r) from Jx, Jy; (∇I·r) is an exact integer, as OpenCV's float32 gradI·r is, so only the
      // products with w and the sums round. A zero r component or stencil adds an exact ±0 to a sum that starts
      // at +0 and is never −0, which changes no bit, so those terms need no branch. Away from the image border
      // (inner) every disc cell is on the grid and off the image border, where the cached stencils hold.
      const inner = i - radius >= 2 && i + radius <= height - 1 && j - radius >= 2 && j + radius <= width - 1;
      for (let o = 0; o < nDisc; o++) {
        const at = discPtr + <usize>o * DISC_RECORD;
        const k = i + load<i32>(at);
        const l = j + load<i32>(at, 4);
        if (!inner && (k < 1 || k > height || l < 1 || l > width)) continue;
        const gk = g + load<i32>(at, 8);
        if (knownAt(knownPtr, gk) == 0) continue;
        const rx = load<f32>(at, 16);
        const ry = load<f32>(at, 20);
        const w = discWeight(load<f32>(at, 24), gk, tij, rx, ry, gradTx, gradTy);
        s += w;
        const wv = f32x4.splat(w);
        if (inner || (k >= 2 && k < height && l >= 2 && l < width)) {
          const cell = cachePtr + <usize>gk * CACHE_RECORD;
          ia = f32x4.add(ia, f32x4.mul(wv, v128.load(cell)));
          jx = f32x4.sub(jx, f32x4.mul(wv, f32x4.mul(v128.load(cell, 16), f32x4.splat(rx))));
          jy = f32x4.sub(jy, f32x4.mul(wv, f32x4.mul(v128.load(cell, 32), f32x4.splat(ry))));
        } else {
          // A cell on the image border: OpenCV shifts the stencil rows/columns inwards (km, kp, lm, lp), so it
          // may read a pixel still to be filled (its original value); computed here, never cached. x
          // differences run along row km, y differences along column lm; cx, cy = 2·[right/down known] +
          // [left/up known] pick the stencil, the multiplier is the number of known sides.
          const cx = 2 * knownAt(knownPtr, gk + 1) + knownAt(knownPtr, gk - 1);
          const cy = 2 * knownAt(knownPtr, gk + cols) + knownAt(knownPtr, gk - cols);
          const km = k == 1 ? 1 : k - 1;
          const kp = k == height ? k - 2 : k - 1;
          const lm = l == 1 ? 1 : l - 1;
          const lp = l == width ? l - 2 : l - 1;
          const xa = imagePtr + <usize>((km * width + lp + (cx >> 1)) * channels);
          const xb = imagePtr + <usize>((km * width + lm - (cx & 1)) * channels);
          const ya = imagePtr + <usize>(((kp + (cy >> 1)) * width + lm) * channels);
          const yb = imagePtr + <usize>(((km - (cy & 1)) * width + lm) * channels);
          const xMul = ((cx >> 1) + (cx & 1)) * <i32>rx;
          const yMul = ((cy >> 1) + (cy & 1)) * <i32>ry;
          ia = f32x4.add(ia, f32x4.mul(wv, f32x4.convert_i32x4_s(pixelI32(imagePtr + <usize>(pixel + load<i32>(at, 12))))));
          jx = f32x4.sub(jx, f32x4.mul(wv, f32x4.convert_i32x4_s(i32x4.mul(i32x4.sub(pixelI32(xa), pixelI32(xb)), i32x4.splat(xMul)))));
          jy = f32x4.sub(jy, f32x4.mul(wv, f32x4.convert_i32x4_s(i32x4.mul(i32x4.sub(pixelI32(ya), pixelI32(yb)), i32x4.splat(yMul)))));
        }
      }

      const out = imagePtr + <usize>pixel;
      store<u8>(out, finalValue(f32x4.extract_lane(ia, 0), f32x4.extract_lane(jx, 0), f32x4.extract_lane(jy, 0), s));
      if (channels == 3) {
        store<u8>(out + 1, finalValue(f32x4.extract_lane(ia, 1), f32x4.extract_lane(jx, 1), f32x4.extract_lane(jy, 1), s));
        store<u8>(out + 2, finalValue(f32x4.extract_lane(ia, 2), f32x4.extract_lane(jx, 2), f32x4.extract_lane(jy, 2), s));
      }
      store<u8>(knownPtr + <usize>g, 1);
      // The new pixel's own entry, and the stencils of its known neighbours, which now see one more known side.
      if (i >= 2 && i < height && j >= 2 && j < width) cacheCell(g, out, cols, channels, rowStride);
      if (j > 2 && knownAt(knownPtr, g - 1) != 0 && i >= 2 && i < height) cacheCell(g - 1, out - <usize>channels, cols, channels, rowStride);
      if (j + 1 < width && knownAt(knownPtr, g + 1) != 0 && i >= 2 && i < height) cacheCell(g + 1, out + <usize>channels, cols, channels, rowStride);
      if (i > 2 && knownAt(knownPtr, g - cols) != 0 && j >= 2 && j < width) cacheCell(g - cols, out - <usize>rowStride, cols, channels, rowStride);
      if (i + 1 < height && knownAt(knownPtr, g + cols) != 0 && j >= 2 && j < width) cacheCell(g + cols, out + <usize>rowStride, cols, channels, rowStride);
      heapPush(g, tij);
    }
  }
}

/**
 * The weight of disc offset `at` (neighbour cell gk, r = (rx, ry) from it to the filled pixel), OpenCV's
 * |dst · lev · dir| in float32: dst = 1/|r|³, lev = 1/(1 + |T(gk) − T|) computed in double and rounded once, and
 * dir = r·∇T, replaced by 1e-6 when |dir| ≤ 0.01 (OpenCV compares the float with the double 0.01).
 */
@inline function discWeight(dst: f32, gk: i32, tij: f32, rx: f32, ry: f32, gradTx: f32, gradTy: f32): f32 {
  const dT: f32 = tAt(gk) - tij;
  const lev = <f32>(1.0 / (1.0 + <f64>abs<f32>(dT)));
  const dir: f32 = rx * gradTx + ry * gradTy;
  return abs<f32>(dst * lev * select<f32>(DIR_FLOOR, dir, <f64>abs<f32>(dir) <= 0.01));
}

/**
 * The cache entry of known cell g off the image border (`at`: the address of its pixel): its values, and the
 * image gradient stencils of OpenCV for its current 4-neighbours (unshifted, reading known pixels only).
 */
function cacheCell(g: i32, at: usize, cols: i32, channels: i32, rowStride: i32): void {
  const kr = knownAt(knownPtr, g + 1);
  const kl = knownAt(knownPtr, g - 1);
  const kd = knownAt(knownPtr, g + cols);
  const ku = knownAt(knownPtr, g - cols);
  const gx = i32x4.mul(i32x4.sub(pixelI32(at + <usize>(kr * channels)), pixelI32(at - <usize>(kl * channels))), i32x4.splat(kr + kl));
  const gy = i32x4.mul(i32x4.sub(pixelI32(at + <usize>(kd * rowStride)), pixelI32(at - <usize>(ku * rowStride))), i32x4.splat(kd + ku));
  const cell = cachePtr + <usize>g * CACHE_RECORD;
  v128.store(cell, f32x4.convert_i32x4_s(pixelI32(at)));
  v128.store(cell, f32x4.convert_i32x4_s(gx), 16);
  v128.store(cell, f32x4.convert_i32x4_s(gy), 32);
}

/** OpenCV's `sat = Ia/s + (Jx+Jy)/(|J| + 1e-20)` in float32, then `saturate_cast<uchar>(sat + 0.5)` (cvRound: ties to even). */
function finalValue(ia: f32, jx: f32, jy: f32, s: f32): u8 {
  const norm = sqrt<f32>(jx * jx + jy * jy);
  const sat: f32 = ia / s + (jx + jy) / (norm + NORM_EPS);
  const v = nearest<f64>(<f64>sat + 0.5);
  return v < 0 ? 0 : v > 255 ? 255 : <u8>v;
}

/**
 * Eikonal update of cell g from its four (vertical, horizontal) neighbour pairs, OpenCV's
 * `min4(FastMarching_solve(...))`: each solve in double, rounded to float32.
 */
function arrivalDistance(known: usize, g: i32, cols: i32): f32 {
  const up = g - cols;
  const down = g + cols;
  const left = g - 1;
  const right = g + 1;
  const a = solve(known, up, left);
  const b = solve(known, down, left);
  const c = solve(known, up, right);
  const d = solve(known, down, right);
  return min<f32>(min<f32>(a, b), min<f32>(c, d));
}

function solve(known: usize, g1: i32, g2: i32): f32 {
  const t1 = <f64>tAt(g1);
  const t2 = <f64>tAt(g2);
  let sol: f64;
  if (knownAt(known, g1) != 0) {
    if (knownAt(known, g2) != 0) {
      const d = t1 - t2;
      sol = abs<f64>(d) >= 1 ? 1 + min<f64>(t1, t2) : (t1 + t2 + Math.sqrt(2 - d * d)) * 0.5;
    } else {
      sol = 1 + t1;
    }
  } else if (knownAt(known, g2) != 0) {
    sol = 1 + t2;
  } else {
    sol = 1 + min<f64>(t1, t2);
  }
  return <f32>sol;
}

/**
 * Binary min-heap of grid cells keyed by f32 distance; equal keys pop in insertion order, the semantics of
 * OpenCV's priority queue. An entry is one u64, (key bits << 32) | insertion order: every key is ≥ +0 (arrival
 * distances; −0 is folded to +0 by adding +0), and the bits of non-negative floats order as the floats do, so
 * one integer comparison orders by key, then by insertion. The cell of each insertion is kept aside
 * (`heapCellPtr`, indexed by order): each cell is pushed at most once per pass.
 */
function heapPush(cell: i32, key: f32): void {
  const order = heapNext++;
  store<i32>(heapCellPtr + (<usize>order << 2), cell);
  const entry = (<u64>reinterpret<u32>(key + <f32>0) << 32) | <u64>order;
  let n = heapSize++;
  while (n > 0) {
    const parent = (n - 1) >> 1;
    const pe = load<u64>(heapEntryPtr + (<usize>parent << 3));
    if (pe < entry) break;
    store<u64>(heapEntryPtr + (<usize>n << 3), pe);
    n = parent;
  }
  store<u64>(heapEntryPtr + (<usize>n << 3), entry);
}

/** Removes and returns the cell with the smallest (key, insertion order); −1 when empty. */
function heapPop(): i32 {
  if (heapSize == 0) return -1;
  const top = load<u64>(heapEntryPtr);
  const last = --heapSize;
  const entry = load<u64>(heapEntryPtr + (<usize>last << 3));
  let n = 0;
  for (;;) {
    let child = 2 * n + 1;
    if (child >= last) break;
    let ce = load<u64>(heapEntryPtr + (<usize>child << 3));
    if (child + 1 < last) {
      const re = load<u64>(heapEntryPtr + (<usize>(child + 1) << 3));
      if (re < ce) {
        ce = re;
        child++;
      }
    }
    if (entry < ce) break;
    store<u64>(heapEntryPtr + (<usize>n << 3), ce);
    n = child;
  }
  store<u64>(heapEntryPtr + (<usize>n << 3), entry);
  return load<i32>(heapCellPtr + (<usize>(<u32>top) << 2));
}
