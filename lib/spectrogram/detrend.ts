/**
 * Detrending of one segment before its Fourier transform, as scipy.signal.detrend does inside
 * `spectrogram` and `welch` (their `detrend` argument).
 */
import { InputError } from "../core/errors";

/**
 * What to remove: `"constant"` the mean (scipy's default for spectrogram and welch), `"linear"` the
 * least-squares straight line, `false` nothing.
 */
export type DetrendType = "constant" | "linear" | false;

/** Options of {@link detrend}. */
export interface DetrendOptions {
  /** @default "constant" */
  type?: DetrendType;
  /** Buffer of the input's length to write into (may be the input itself); returned. */
  output?: Float64Array;
}

/**
 * Removes the mean or the least-squares line from `x` (any unit; the result has the same unit and
 * length). Equivalent to scipy.signal.detrend(x, type) on a 1-D array.
 */
export function detrend(x: Float64Array, options: DetrendOptions = {}): Float64Array {
  const type = options.type ?? "constant";
  assertDetrendType(type, "detrend");
  const out = options.output ?? new Float64Array(x.length);
  if (out.length !== x.length) throw new InputError("detrend", `output has length ${out.length}, expected ${x.length}`);
  if (out !== x) out.set(x);
  detrendInPlace(out, 0, out.length, type);
  return out;
}

/**
 * The engine of {@link detrend}: detrends `buffer[offset .. offset + n)` in place, without allocating
 * (called once per segment by the spectral estimators).
 */
export function detrendInPlace(buffer: Float64Array, offset: number, n: number, type: DetrendType): void {
  if (type === false || n === 0) return;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += buffer[offset + i];
  const mean = sum / n;
  if (type === "constant") {
    for (let i = 0; i < n; i++) buffer[offset + i] -= mean;
    return;
  }
  // Least squares on centred sample indices: slope = sum(tc * (y - mean)) / sum(tc^2).
  const tMean = (n - 1) / 2;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const tc = i - tMean;
    num += tc * (buffer[offset + i] - mean);
    den += tc * tc;
  }
  const slope = den > 0 ? num / den : 0;
  for (let i = 0; i < n; i++) buffer[offset + i] -= mean + slope * (i - tMean);
}

/** Throws an InputError naming `where` unless `type` is a known detrend type. */
export function assertDetrendType(type: unknown, where: string): asserts type is DetrendType {
  if (type !== "constant" && type !== "linear" && type !== false) {
    throw new InputError(where, `detrend must be "constant", "linear" or false, got ${JSON.stringify(type)}`);
  }
}
