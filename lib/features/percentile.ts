import { InputError } from "../core/errors";

/**
 * The q-th percentile (0 <= q <= 100) of values already sorted ascending, with numpy.percentile's default
 * "linear" method (Hyndman & Fan type 7): virtual index (n - 1) q / 100 between the two neighbouring order
 * statistics, interpolated as numpy's `_lerp` does (from the upper neighbour when the fraction is >= 0.5)
 * so results agree with numpy to the last bit.
 */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new InputError("percentileSorted", "no values");
  if (!(q >= 0 && q <= 100)) throw new InputError("percentileSorted", `percentile must lie in [0, 100], got ${q}`);
  const virtualIndex = (n - 1) * (q / 100);
  const lower = Math.floor(virtualIndex);
  const upper = Math.min(lower + 1, n - 1);
  const t = virtualIndex - lower;
  const a = sorted[lower];
  const b = sorted[upper];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Median of values sorted ascending, as numpy.median: the middle value, or the mean of the two middle ones. */
export function medianSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) throw new InputError("medianSorted", "no values");
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}
