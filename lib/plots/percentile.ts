import { InputError } from "../core/errors";

/**
 * The q-th percentile (q in [0, 100]) of the non-NaN values of `values`, as `numpy.nanpercentile` with its
 * default "linear" method computes it: sort, take the virtual index (n − 1) · q' with q' = q / 100,
 * and interpolate between the two neighbours with numpy's two-sided lerp (from the lower neighbour when the
 * fraction is below 1/2, from the upper one otherwise), so the colour limits of shap's plots
 * (docs/shap-reference.md §D.2 99.9th percentile, §D.3 5th/95th) come out bit-identical. NaN when every value
 * is NaN (numpy warns and returns NaN too).
 */
export function nanPercentile(values: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 100)) throw new InputError("nanPercentile", `percentile must be in [0, 100], got ${q}`);
  const sorted: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) sorted.push(values[i]);
  const n = sorted.length;
  if (n === 0) return NaN;
  sorted.sort((a, b) => a - b);
  const qf = q / 100;
  const virtual = (n - 1) * qf;
  const lower = Math.max(0, Math.min(n - 1, Math.floor(virtual)));
  const upper = Math.min(n - 1, lower + 1);
  const gamma = Math.max(0, Math.min(1, virtual - lower));
  const a = sorted[lower], b = sorted[upper];
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}
