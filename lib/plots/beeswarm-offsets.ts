import { InputError } from "../core/errors";
import type { Rng } from "../core/rng";

/** Result of `beeswarmOffsets`. */
export interface BeeswarmLayout {
  /** The random drawing order (a permutation of 0..N−1): points are drawn, and stack, in this order. */
  order: Int32Array;
  /** Vertical offset of each point (indexed like the input), in row units. */
  offsets: Float64Array;
}

/** numpy's `round`: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/**
 * The vertical jitter of one row of shap's legacy beeswarm (`summary_plot`, docs/shap-reference.md §D.3):
 * shuffle the points; bin each SHAP value s into round(nBins · (s − min) / (max − min + 1e-8)); visit the
 * points by bin with a tiny random tie-break; within a bin give the k-th point (k = 0, 1, 2, …) the offset
 * ceil(k / 2) · (+1 if k is odd, −1 otherwise), i.e. 0, +1, −1, +2, −2, …; finally scale every offset by
 * 0.9 · rowHeight / (max offset + 1). The shuffle and the tie-break draw from `rng` (shap uses numpy's
 * global generator), so a seed fixes the picture.
 */
export function beeswarmOffsets(shapValues: ArrayLike<number>, rng: Rng, options: { nBins?: number; rowHeight?: number } = {}): BeeswarmLayout {
  const nBins = options.nBins ?? 100;
  const rowHeight = options.rowHeight ?? 0.4;
  const n = shapValues.length;
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) {
    const s = shapValues[i];
    if (!Number.isFinite(s)) throw new InputError("beeswarmOffsets", `SHAP value ${i} is ${s}, expected a finite number`);
    if (s < min) min = s;
    if (s > max) max = s;
  }
  const order = rng.permutation(n);
  const quant = new Float64Array(n);
  const key = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    quant[j] = roundHalfEven((nBins * (shapValues[order[j]] - min)) / (max - min + 1e-8));
    key[j] = quant[j] + rng.normal() * 1e-6;
  }
  const visit = Array.from({ length: n }, (_, j) => j).sort((a, b) => key[a] - key[b] || a - b);
  const ys = new Float64Array(n);
  let layer = 0, lastBin = -1, maxY = 0;
  for (const j of visit) {
    if (quant[j] !== lastBin) layer = 0;
    ys[j] = Math.ceil(layer / 2) * ((layer % 2) * 2 - 1);
    maxY = Math.max(maxY, ys[j]);
    layer++;
    lastBin = quant[j];
  }
  const scale = (0.9 * rowHeight) / (maxY + 1);
  const offsets = new Float64Array(n);
  for (let j = 0; j < n; j++) offsets[order[j]] = ys[j] * scale + 0;
  return { order, offsets };
}
