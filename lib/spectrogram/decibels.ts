/**
 * Power values in decibels, 10 log10(p / ref), for displaying spectrograms (a PSD spans many decades). A
 * zero or negative power maps to `floorDb` instead of -Infinity. Returns a new Float64Array of the same length.
 * @param options.referencePower the power of 0 dB (unit of the input). @default 1
 * @param options.floorDb value for non-positive powers. @default the smallest finite dB value of the input
 */
export function toDecibels(power: ArrayLike<number>, options: { referencePower?: number; floorDb?: number } = {}): Float64Array {
  const ref = options.referencePower ?? 1;
  const out = new Float64Array(power.length);
  let min = Infinity;
  for (let i = 0; i < power.length; i++) {
    const p = power[i];
    out[i] = p > 0 ? 10 * Math.log10(p / ref) : NaN;
    if (out[i] < min) min = out[i];
  }
  const floor = options.floorDb ?? (Number.isFinite(min) ? min : 0);
  for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i])) out[i] = floor;
  return out;
}
