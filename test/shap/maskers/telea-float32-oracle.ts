/** Distance given to every cell the marching has not reached (OpenCV's 1.0e6f, exact in float32). */
const T_FAR = 1.0e6;
const S_START = Math.fround(1.0e-20);
const NORM_EPS = Math.fround(1.0e-20);
const DIR_FLOOR = Math.fround(1.0e-6);

/**
 * Test oracle for lib/shap/maskers/inpaint-telea: the same OpenCV 4.10+ INPAINT_TELEA algorithm written in
 * plain TypeScript, with float32 arithmetic emulated by Math.fround after every operation. It was the project's
 * implementation before the WebAssembly kernel (matching every OpenCV fixture); it is kept here, in a second
 * language and without the kernel's caches and packed heap, so that random cases can be compared byte for byte.
 * Arguments as inpaintTelea, unchecked.
 */
export function inpaintTeleaFloat32(image: Uint8Array, height: number, width: number, channels: 1 | 3, mask: Uint8Array, radius = 3): Uint8Array {
  const nValues = height * width * channels;
  const result = image.slice(0, nValues);

  let nHole = 0;
  for (let p = 0; p < mask.length; p++) if (mask[p] !== 0) nHole++;
  if (nHole === 0) return result;

  const range = Math.min(100, Math.max(1, roundHalfEven(radius)));
  const ws = workspaceFor(height, width, range);
  markHoleAndBand(ws, mask, height, width);
  markRing(ws, height, width, range);
  marchOutward(ws);
  fillInward(ws, result, height, width, channels);
  return result;
}

/**
 * Scratch grids on the (H+2)×(W+2) padded lattice (grid cell (i,j) ↔ pixel (i−1, j−1)), row-major.
 * Kept at module level and grown on demand: the SHAP masker calls the inpainting ~1000 times per image.
 *
 * OpenCV's flag maps hold KNOWN/BAND/INSIDE/CHANGE, but every test it makes is "is this cell INSIDE?", so each
 * pass keeps a 0/1 grid instead (1 = not INSIDE). That lets the gradient stencils be chosen by arithmetic
 * rather than by branches the CPU cannot predict.
 */
interface Workspace {
  rows: number;
  cols: number;
  /** main pass: 0 on hole cells not yet filled, 1 elsewhere (padding included) */
  known: Uint8Array;
  /** outer pass: 0 on ring cells not yet reached, 1 elsewhere */
  ringKnown: Uint8Array;
  /** row-wise dilation of the hole, an intermediate of the square dilation */
  rowDilated: Uint8Array;
  /** float32 arrival distances T */
  t: Float32Array;
  heap: FifoMinHeap;
  /** band cells in scan order: the seeds of both queues */
  band: Int32Array;
  nBand: number;
  /** cells popped by the outer pass, whose T is negated afterwards */
  reached: Int32Array;
  radius: number;
  /** neighbourhood disc (no centre), k-outer l-inner as OpenCV iterates: row/col offsets and float32 1/|r|³ */
  discDk: Int32Array;
  discDl: Int32Array;
  discDst: Float64Array;
  /** the disc offsets as grid-index and image-index steps (filled per call: they depend on W and C) */
  discGrid: Int32Array;
  discPixel: Int32Array;
}

let shared: Workspace | null = null;

function workspaceFor(height: number, width: number, radius: number): Workspace {
  const rows = height + 2;
  const cols = width + 2;
  const nCells = rows * cols;
  let ws = shared;
  if (ws === null || ws.known.length < nCells) {
    const capacity = Math.max(nCells, ws === null ? 0 : ws.known.length * 2);
    ws = {
      rows,
      cols,
      known: new Uint8Array(capacity),
      ringKnown: new Uint8Array(capacity),
      rowDilated: new Uint8Array(capacity),
      t: new Float32Array(capacity),
      heap: new FifoMinHeap(capacity),
      band: new Int32Array(capacity),
      nBand: 0,
      reached: new Int32Array(capacity),
      radius: 0,
      discDk: new Int32Array(0),
      discDl: new Int32Array(0),
      discDst: new Float64Array(0),
      discGrid: new Int32Array(0),
      discPixel: new Int32Array(0),
    };
    shared = ws;
  }
  ws.rows = rows;
  ws.cols = cols;
  if (ws.radius !== radius) buildDisc(ws, radius);
  return ws;
}

function buildDisc(ws: Workspace, radius: number): void {
  const dk: number[] = [];
  const dl: number[] = [];
  const dst: number[] = [];
  for (let a = -radius; a <= radius; a++) {
    for (let b = -radius; b <= radius; b++) {
      // The centre is the pixel being filled, always INSIDE when visited, so it never contributes.
      if ((a === 0 && b === 0) || a * a + b * b > radius * radius) continue;
      const lengthSq = a * a + b * b; // exact in float32 for |a|, |b| ≤ 100
      dk.push(a);
      dl.push(b);
      dst.push(Math.fround(1 / (lengthSq * Math.sqrt(lengthSq))));
    }
  }
  ws.discDk = Int32Array.from(dk);
  ws.discDl = Int32Array.from(dl);
  ws.discDst = Float64Array.from(dst);
  ws.discGrid = new Int32Array(dst.length);
  ws.discPixel = new Int32Array(dst.length);
  ws.radius = radius;
}

/** Marks the hole (known = 0) and the band (known pixels 4-adjacent to it, T = 0); T = 1e6 elsewhere. */
function markHoleAndBand(ws: Workspace, mask: Uint8Array, height: number, width: number): void {
  const { cols, known, t, band } = ws;
  const nCells = ws.rows * cols;
  known.fill(1, 0, nCells);
  t.fill(T_FAR, 0, nCells);
  for (let r = 0; r < height; r++) {
    const g0 = (r + 1) * cols + 1;
    const p0 = r * width;
    for (let c = 0; c < width; c++) if (mask[p0 + c] !== 0) known[g0 + c] = 0;
  }
  let nBand = 0;
  for (let i = 1; i <= height; i++) {
    for (let g = i * cols + 1, gEnd = g + width; g < gEnd; g++) {
      if (known[g] === 0) continue;
      if (known[g - cols] === 0 || known[g - 1] === 0 || known[g + 1] === 0 || known[g + cols] === 0) {
        t[g] = 0;
        band[nBand++] = g;
      }
    }
  }
  ws.nBand = nBand;
}

/**
 * Ring = square (2R+1)² dilation of the hole minus the hole minus the band, padding excluded: the known pixels
 * the outer pass gives a negative distance (ringKnown = 0 on them). The dilation is separable: a sliding count
 * along rows, then along columns.
 */
function markRing(ws: Workspace, height: number, width: number, radius: number): void {
  const { rows, cols, known, ringKnown, rowDilated, t } = ws;
  ringKnown.fill(1, 0, rows * cols);
  rowDilated.fill(0, 0, rows * cols);
  for (let i = 1; i <= height; i++) {
    const g0 = i * cols;
    let count = 0;
    for (let j = 0; j <= radius && j < cols; j++) count += 1 - known[g0 + j];
    for (let j = 0; j < cols; j++) {
      if (count > 0) rowDilated[g0 + j] = 1;
      const enter = j + radius + 1;
      const leave = j - radius;
      if (enter < cols) count += 1 - known[g0 + enter];
      if (leave >= 0) count -= 1 - known[g0 + leave];
    }
  }
  for (let j = 1; j <= width; j++) {
    let count = 0;
    for (let i = 0; i <= radius && i < rows; i++) count += rowDilated[i * cols + j];
    for (let i = 0; i < rows; i++) {
      const g = i * cols + j;
      // Band cells are the only known cells with T = 0 at this point.
      if (count > 0 && i >= 1 && i <= height && known[g] === 1 && t[g] !== 0) ringKnown[g] = 0;
      const enter = i + radius + 1;
      const leave = i - radius;
      if (enter < rows) count += rowDilated[enter * cols + j];
      if (leave >= 0) count -= rowDilated[leave * cols + j];
    }
  }
}

/**
 * OpenCV's outer distance pass: fast marching from the band into the ring (everything else counts as known),
 * then the T of every cell it popped is negated (the band's 0 becomes −0, as in OpenCV).
 */
function marchOutward(ws: Workspace): void {
  const { cols, ringKnown, t, heap, band, nBand, reached } = ws;
  heap.clear();
  for (let b = 0; b < nBand; b++) heap.push(band[b], 0);
  let nReached = 0;
  for (;;) {
    const g0 = heap.pop();
    if (g0 < 0) break;
    reached[nReached++] = g0;
    for (let q = 0; q < 4; q++) {
      const g = q === 0 ? g0 - cols : q === 1 ? g0 - 1 : q === 2 ? g0 + cols : g0 + 1;
      if (ringKnown[g] !== 0) continue;
      const dist = arrivalDistance(ringKnown, t, g, cols);
      t[g] = dist;
      ringKnown[g] = 1;
      heap.push(g, dist);
    }
  }
  for (let n = 0; n < nReached; n++) t[reached[n]] = -t[reached[n]];
}

/** The inward pass: pops the band in order of arrival, and fills each hole cell as the front reaches it. */
function fillInward(ws: Workspace, img: Uint8Array, height: number, width: number, channels: number): void {
  const { cols, known, t, heap, band, nBand, radius, discDk, discDl, discDst } = ws;
  const nDisc = discDk.length;
  const colour = channels === 3;
  const rowStride = width * channels;
  // Disc offsets on the padded grid and in the image, for this image's width.
  const discGrid = ws.discGrid;
  const discPixel = ws.discPixel;
  for (let o = 0; o < nDisc; o++) {
    discGrid[o] = discDk[o] * cols + discDl[o];
    discPixel[o] = discDk[o] * rowStride + discDl[o] * channels;
  }
  heap.clear();
  for (let b = 0; b < nBand; b++) heap.push(band[b], 0);
  for (;;) {
    const g0 = heap.pop();
    if (g0 < 0) break;
    for (let q = 0; q < 4; q++) {
      const g = q === 0 ? g0 - cols : q === 1 ? g0 - 1 : q === 2 ? g0 + cols : g0 + 1;
      // The padding is always known, so this one test also keeps the walk on the grid.
      if (known[g] !== 0) continue;
      const tij = arrivalDistance(known, t, g, cols);
      t[g] = tij;
      const i = (g / cols) | 0;
      const j = g - i * cols;

      // Gradient of T at (i, j), one-sided where a neighbour is still unknown.
      let gradTx = 0;
      if (known[g + 1] !== 0) {
        gradTx = known[g - 1] !== 0 ? Math.fround(Math.fround(t[g + 1] - t[g - 1]) * 0.5) : Math.fround(t[g + 1] - tij);
      } else if (known[g - 1] !== 0) {
        gradTx = Math.fround(tij - t[g - 1]);
      }
      let gradTy = 0;
      if (known[g + cols] !== 0) {
        gradTy = known[g - cols] !== 0 ? Math.fround(Math.fround(t[g + cols] - t[g - cols]) * 0.5) : Math.fround(t[g + cols] - tij);
      } else if (known[g - cols] !== 0) {
        gradTy = Math.fround(tij - t[g - cols]);
      }

      let ia0 = 0, ia1 = 0, ia2 = 0;
      let jx0 = 0, jx1 = 0, jx2 = 0;
      let jy0 = 0, jy1 = 0, jy2 = 0;
      let s = S_START;
      // Away from the image border (the disc stays off the first/last row and column) there are no bounds to
      // check and no border shifts in the image stencils: a fast path through the same loop.
      const inner = i - radius >= 2 && i + radius <= height - 1 && j - radius >= 2 && j + radius <= width - 1;
      const pixel = ((i - 1) * width + (j - 1)) * channels;
      // The disc, k outer and l inner: the float32 sums depend on this order.
      for (let o = 0; o < nDisc; o++) {
        const k = i + discDk[o];
        const l = j + discDl[o];
        if (!inner && (k < 1 || k > height || l < 1 || l > width)) continue;
        const gk = g + discGrid[o];
        if (known[gk] === 0) continue;
        const rx = -discDl[o];
        const ry = -discDk[o];
        // lev: the T difference is float32, 1/(1+|d|) is double rounded once (float32 here flips symmetric cases).
        const lev = Math.fround(1 / (1 + Math.abs(Math.fround(t[gk] - tij))));
        let dir = Math.fround(Math.fround(rx * gradTx) + Math.fround(ry * gradTy));
        if (Math.abs(dir) <= 0.01) dir = DIR_FLOOR;
        const w = Math.abs(Math.fround(Math.fround(discDst[o] * lev) * dir));
        s = Math.fround(s + w);

        // Image gradient at (k, l), OpenCV's stencils: with both sides known the central difference times 2,
        // with one side the one-sided difference, with none 0. cx, cy = 2·[right/down known] + [left/up known]
        // pick the stencil without branching: first index +(cx >> 1), second −(cx & 1), multiplier = the
        // number of known sides. Next to the border OpenCV shifts the rows/columns inwards (km, kp, lm, lp);
        // x differences run along row km, y differences along column lm.
        const cx = 2 * known[gk + 1] + known[gk - 1];
        const cy = 2 * known[gk + cols] + known[gk - cols];
        const sample = pixel + discPixel[o];
        let xa: number, xb: number, ya: number, yb: number;
        if (inner) {
          xa = sample + (cx >> 1) * channels;
          xb = sample - (cx & 1) * channels;
          ya = sample + (cy >> 1) * rowStride;
          yb = sample - (cy & 1) * rowStride;
        } else {
          const km = k === 1 ? 1 : k - 1;
          const kp = k === height ? k - 2 : k - 1;
          const lm = l === 1 ? 1 : l - 1;
          const lp = l === width ? l - 2 : l - 1;
          xa = (km * width + lp + (cx >> 1)) * channels;
          xb = (km * width + lm - (cx & 1)) * channels;
          ya = ((kp + (cy >> 1)) * width + lm) * channels;
          yb = ((km - (cy & 1)) * width + lm) * channels;
        }
        const xMul = ((cx >> 1) + (cx & 1)) * rx;
        const yMul = ((cy >> 1) + (cy & 1)) * ry;

        // (difference · multiplier) is an exact integer, as OpenCV's float32 gradI·r is: only the products
        // with w and the sums round. A zero multiplier (r on an axis, or no known side) adds an exact +0 or −0
        // to a sum that starts at +0 and so can never be −0: skipping it changes no bit, and saves a fifth of
        // the work.
        ia0 = Math.fround(ia0 + Math.fround(w * img[sample]));
        if (colour) {
          ia1 = Math.fround(ia1 + Math.fround(w * img[sample + 1]));
          ia2 = Math.fround(ia2 + Math.fround(w * img[sample + 2]));
        }
        if (xMul !== 0) {
          jx0 = Math.fround(jx0 - Math.fround(w * ((img[xa] - img[xb]) * xMul)));
          if (colour) {
            jx1 = Math.fround(jx1 - Math.fround(w * ((img[xa + 1] - img[xb + 1]) * xMul)));
            jx2 = Math.fround(jx2 - Math.fround(w * ((img[xa + 2] - img[xb + 2]) * xMul)));
          }
        }
        if (yMul !== 0) {
          jy0 = Math.fround(jy0 - Math.fround(w * ((img[ya] - img[yb]) * yMul)));
          if (colour) {
            jy1 = Math.fround(jy1 - Math.fround(w * ((img[ya + 1] - img[yb + 1]) * yMul)));
            jy2 = Math.fround(jy2 - Math.fround(w * ((img[ya + 2] - img[yb + 2]) * yMul)));
          }
        }
      }

      img[pixel] = finalValue(ia0, jx0, jy0, s);
      if (colour) {
        img[pixel + 1] = finalValue(ia1, jx1, jy1, s);
        img[pixel + 2] = finalValue(ia2, jx2, jy2, s);
      }
      known[g] = 1;
      heap.push(g, tij);
    }
  }
}

/** OpenCV's `sat = Ia/s + (Jx+Jy)/(|J| + 1e-20)` in float32, then `saturate_cast<uchar>(sat + 0.5)`. */
function finalValue(ia: number, jx: number, jy: number, s: number): number {
  const norm = Math.fround(Math.sqrt(Math.fround(Math.fround(jx * jx) + Math.fround(jy * jy))));
  const sat = Math.fround(Math.fround(ia / s) + Math.fround(Math.fround(jx + jy) / Math.fround(norm + NORM_EPS)));
  const v = roundHalfEven(sat + 0.5);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** cvRound: nearest integer, ties to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/**
 * Eikonal update of cell g from its four (vertical, horizontal) neighbour pairs, OpenCV's
 * `min4(FastMarching_solve(...))`: each solve in double, rounded to float32. `known` is the current pass's
 * 0/1 grid (1 = not INSIDE).
 */
function arrivalDistance(known: Uint8Array, t: Float32Array, g: number, cols: number): number {
  const up = g - cols;
  const down = g + cols;
  const left = g - 1;
  const right = g + 1;
  const a = solve(known, t, up, left);
  const b = solve(known, t, down, left);
  const c = solve(known, t, up, right);
  const d = solve(known, t, down, right);
  return Math.min(Math.min(a, b), Math.min(c, d));
}

function solve(known: Uint8Array, t: Float32Array, g1: number, g2: number): number {
  const t1 = t[g1];
  const t2 = t[g2];
  let sol: number;
  if (known[g1] !== 0) {
    if (known[g2] !== 0) {
      const d = t1 - t2;
      sol = Math.abs(d) >= 1 ? 1 + Math.min(t1, t2) : (t1 + t2 + Math.sqrt(2 - d * d)) * 0.5;
    } else {
      sol = 1 + t1;
    }
  } else if (known[g2] !== 0) {
    sol = 1 + t2;
  } else {
    sol = 1 + Math.min(t1, t2);
  }
  return Math.fround(sol);
}

/**
 * OpenCV's priority queue semantics in the plainest form, independent of the kernel's heap: an unsorted list,
 * popped by a scan for the smallest key, the earliest pushed among equal keys.
 */
class FifoMinHeap {
  private cells: number[] = [];
  private keys: number[] = [];

  constructor(_capacity: number) {}

  clear(): void {
    this.cells = [];
    this.keys = [];
  }

  push(cell: number, key: number): void {
    this.cells.push(cell);
    this.keys.push(key);
  }

  /** Removes and returns the cell with the smallest key, first pushed first among equals; −1 when empty. */
  pop(): number {
    if (this.cells.length === 0) return -1;
    let best = 0;
    for (let n = 1; n < this.keys.length; n++) if (this.keys[n] < this.keys[best]) best = n;
    const cell = this.cells[best];
    this.cells.splice(best, 1);
    this.keys.splice(best, 1);
    return cell;
  }
}
