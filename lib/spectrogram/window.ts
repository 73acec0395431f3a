/**
 * Spectral windows with scipy.signal.windows' formulas and its `sym` convention: a periodic window
 * (scipy's `fftbins=True`, what `get_window` and therefore `spectrogram`/`welch` use) is the symmetric
 * window of length n + 1 with its last sample dropped.
 */
import { InputError } from "../core/errors";

/** Options shared by the windows. */
export interface WindowOptions {
  /**
   * Periodic (DFT-even) window as used for spectral analysis; false gives the symmetric window
   * (filter design).
   * @default true
   */
  periodic?: boolean;
  /** Buffer of length n to write into (returned). */
  output?: Float64Array;
}

function checkLength(n: number, output: Float64Array | undefined, where: string): Float64Array {
  if (!Number.isInteger(n) || n < 0) throw new InputError(where, `window length must be a non-negative integer, got ${n}`);
  if (output && output.length !== n) throw new InputError(where, `output has length ${output.length}, expected ${n}`);
  return output ?? new Float64Array(n);
}

/**
 * Tukey (tapered cosine) window of `n` samples: flat top, cosine tapers over a fraction `alpha` of the
 * window (alpha 0 = boxcar, alpha 1 = Hann). Follows scipy.signal.windows.tukey; the paper's
 * spectrograms use scipy's default `('tukey', 0.25)` periodic window.
 */
export function tukey(n: number, alpha = 0.25, options: WindowOptions = {}): Float64Array {
  const w = checkLength(n, options.output, "tukey");
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new InputError("tukey", `alpha must be a finite number >= 0, got ${alpha}`);
  if (n <= 1 || alpha === 0) return w.fill(1);
  if (alpha >= 1) return hann(n, options);
  const periodic = options.periodic ?? true;
  const m = periodic ? n + 1 : n;
  const width = Math.floor((alpha * (m - 1)) / 2);
  // Same operation order as scipy, so the window agrees to the last bit in most samples.
  for (let i = 0; i < n; i++) {
    if (i <= width) w[i] = 0.5 * (1 + Math.cos(Math.PI * (-1 + (2.0 * i) / alpha / (m - 1))));
    else if (i < m - width - 1) w[i] = 1;
    else w[i] = 0.5 * (1 + Math.cos(Math.PI * (-2.0 / alpha + 1 + (2.0 * i) / alpha / (m - 1))));
  }
  return w;
}

/**
 * Hann window of `n` samples, 0.5 - 0.5 cos(2 pi k / (m - 1)) with m = n + 1 when periodic. Follows
 * scipy.signal.windows.hann (a general cosine window over numpy.linspace(-pi, pi, m)); scipy.signal.welch's
 * default window.
 */
export function hann(n: number, options: WindowOptions = {}): Float64Array {
  const w = checkLength(n, options.output, "hann");
  if (n <= 1) return w.fill(1);
  const m = (options.periodic ?? true) ? n + 1 : n;
  const step = (Math.PI - -Math.PI) / (m - 1);
  for (let i = 0; i < n; i++) {
    // numpy.linspace sets its last point to the stop value exactly.
    const phase = i === m - 1 ? Math.PI : i * step + -Math.PI;
    w[i] = 0.5 + 0.5 * Math.cos(phase);
  }
  return w;
}

/** Rectangular window (all ones) of `n` samples: scipy's `'boxcar'`. */
export function boxcar(n: number, options: WindowOptions = {}): Float64Array {
  return checkLength(n, options.output, "boxcar").fill(1);
}
