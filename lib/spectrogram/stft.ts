/**
 * The segment loop shared by {@link spectrogram} and {@link welch}: scipy.signal's `_spectral_helper` in
 * PSD mode (one-sided, nfft = nperseg, no boundary extension, no padding). Each segment of `nperseg`
 * samples, `nperseg - noverlap` apart, is detrended, multiplied by the window, Fourier transformed, and
 * its squared magnitude scaled to a power spectral density (unit^2 / Hz) or a power spectrum (unit^2).
 */
import { InputError } from "../core/errors";
import { assertDetrendType, DetrendType, detrendInPlace } from "./detrend";
import { RealDft, realDft } from "./real-dft";

/** Scaling of the squared magnitudes, scipy's `scaling`. */
export type SpectralScaling = "density" | "spectrum";

/** Everything that defines a short-time power estimate, fixed once per (window, fs, overlap). */
export interface StftPlanOptions {
  /** Window of nperseg samples (its length is the segment length). */
  window: Float64Array;
  /** Overlap between segments, in samples, 0 <= noverlap < nperseg. */
  noverlap: number;
  /** Sampling frequency in Hz (or 1 for cycles per sample). */
  fsHz: number;
  /** @default "constant" */
  detrend?: DetrendType;
  /** @default "density" */
  scaling?: SpectralScaling;
  /** Name used in error messages. @default "stft" */
  where?: string;
}

/**
 * A prepared short-time power estimator: window, scale factor and DFT plan are computed once, and
 * `powerInto` runs allocation-free.
 */
export class StftPlan {
  readonly nperseg: number;
  readonly noverlap: number;
  /** Hop between segment starts, samples. */
  readonly step: number;
  /** One-sided bins, floor(nperseg / 2) + 1. */
  readonly nFreq: number;
  readonly fsHz: number;
  readonly window: Float64Array;
  readonly detrend: DetrendType;
  readonly scaling: SpectralScaling;
  /** Factor applied to |X_k|^2: 1 / (fs sum w^2) for density, 1 / (sum w)^2 for spectrum. */
  readonly scale: number;
  private readonly dft: RealDft;
  private readonly where: string;

  constructor(options: StftPlanOptions) {
    const where = options.where ?? "stft";
    const { window, noverlap, fsHz } = options;
    const nperseg = window.length;
    if (nperseg < 1) throw new InputError(where, "the window is empty (nperseg must be at least 1)");
    for (let i = 0; i < nperseg; i++) {
      if (!Number.isFinite(window[i])) throw new InputError(where, `window value ${window[i]} at index ${i} is not finite`);
    }
    if (!Number.isInteger(noverlap) || noverlap < 0 || noverlap >= nperseg) {
      throw new InputError(where, `noverlap must be an integer in [0, nperseg = ${nperseg}), got ${noverlap}`);
    }
    if (!(fsHz > 0) || !Number.isFinite(fsHz)) throw new InputError(where, `sampling frequency must be finite and > 0, got ${fsHz}`);
    const detrend = options.detrend ?? "constant";
    assertDetrendType(detrend, where);
    const scaling = options.scaling ?? "density";
    if (scaling !== "density" && scaling !== "spectrum") {
      throw new InputError(where, `scaling must be "density" or "spectrum", got ${JSON.stringify(scaling)}`);
    }
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < nperseg; i++) {
      sum += window[i];
      sumSquares += window[i] * window[i];
    }
    const scale = scaling === "density" ? 1.0 / (fsHz * sumSquares) : 1.0 / (sum * sum);
    if (!Number.isFinite(scale)) throw new InputError(where, `the window sums to zero, so the ${scaling} scaling is undefined`);
    this.nperseg = nperseg;
    this.noverlap = noverlap;
    this.step = nperseg - noverlap;
    this.nFreq = Math.floor(nperseg / 2) + 1;
    this.fsHz = fsHz;
    this.window = window;
    this.detrend = detrend;
    this.scaling = scaling;
    this.scale = scale;
    this.dft = realDft(nperseg);
    this.where = where;
  }

  /** Number of segments in a signal of `nSamples` samples (0 when shorter than one segment). */
  nTime(nSamples: number): number {
    return nSamples < this.nperseg ? 0 : Math.floor((nSamples - this.nperseg) / this.step) + 1;
  }

  /** Bin frequencies k fs / nperseg, computed as numpy's rfftfreq does (k * (1 / (n * (1 / fs)))). */
  freqs(output: Float64Array = new Float64Array(this.nFreq)): Float64Array {
    const val = 1.0 / (this.nperseg * (1.0 / this.fsHz));
    for (let k = 0; k < this.nFreq; k++) output[k] = k * val;
    return output;
  }

  /** Segment centres in seconds, (nperseg / 2 + j step) / fs, as scipy.signal.spectrogram's `t`. */
  times(nSamples: number, output: Float64Array = new Float64Array(this.nTime(nSamples))): Float64Array {
    const start = this.nperseg / 2;
    for (let j = 0; j < output.length; j++) output[j] = (start + j * this.step) / this.fsHz;
    return output;
  }

  /**
   * Writes the one-sided scaled power of every segment of `x[xOffset .. xOffset + nSamples)`:
   * bin k of segment j goes to `output[outOffset + k * freqStride + j * timeStride]`, so the caller picks
   * the layout (FT row-major: freqStride = nTime, timeStride = 1; FTC: nTime * nChannels, nChannels).
   */
  powerInto(
    x: Float64Array,
    xOffset: number,
    nSamples: number,
    output: Float64Array,
    outOffset: number,
    freqStride: number,
    timeStride: number,
  ): void {
    const n = this.nperseg;
    const nTime = this.nTime(nSamples);
    if (xOffset < 0 || xOffset + nSamples > x.length) {
      throw new InputError(this.where, `samples ${xOffset}..${xOffset + nSamples} lie outside the signal of ${x.length}`);
    }
    const last = outOffset + (this.nFreq - 1) * freqStride + (nTime - 1) * timeStride;
    if (nTime > 0 && (outOffset < 0 || last >= output.length)) {
      throw new InputError(this.where, `output of length ${output.length} is too short for ${this.nFreq} x ${nTime} values`);
    }
    const dft = this.dft;
    const segment = dft.scratch;
    const window = this.window;
    const step = this.step;
    const nFreq = this.nFreq;
    const detrend = this.detrend;
    const scale = this.scale;
    const doubled = 2 * scale;
    // One-sided density: every bin but 0 Hz (and Nyquist when n is even) carries its mirror image too.
    const lastDoubled = n % 2 === 0 ? nFreq - 2 : nFreq - 1;
    for (let j = 0; j < nTime; j++) {
      const start = xOffset + j * step;
      if (detrend === "constant") {
        const mean = segmentSum(x, start, n) / n;
        for (let i = 0; i < n; i++) segment[i] = (x[start + i] - mean) * window[i];
      } else {
        for (let i = 0; i < n; i++) segment[i] = x[start + i];
        detrendInPlace(segment, 0, n, detrend);
        for (let i = 0; i < n; i++) segment[i] *= window[i];
      }
      const spec = dft.transform(segment);
      let o = outOffset + j * timeStride;
      output[o] = (spec[0] * spec[0] + spec[1] * spec[1]) * scale;
      o += freqStride;
      let k = 1;
      for (; k <= lastDoubled; k++, o += freqStride) {
        const re = spec[2 * k];
        const im = spec[2 * k + 1];
        output[o] = (re * re + im * im) * doubled;
      }
      for (; k < nFreq; k++, o += freqStride) {
        const re = spec[2 * k];
        const im = spec[2 * k + 1];
        output[o] = (re * re + im * im) * scale;
      }
    }
  }
}

/**
 * Sum of x[start .. start + n) grouped as numpy's pairwise summation groups a block of up to 128 values
 * (eight interleaved partial sums): the segment mean follows numpy's rounding closely, and the independent
 * accumulators run faster than one running sum.
 */
function segmentSum(x: Float64Array, start: number, n: number): number {
  if (n < 8 || n > 128) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[start + i];
    return sum;
  }
  let r0 = x[start], r1 = x[start + 1], r2 = x[start + 2], r3 = x[start + 3];
  let r4 = x[start + 4], r5 = x[start + 5], r6 = x[start + 6], r7 = x[start + 7];
  const end = start + n - (n % 8);
  let i = start + 8;
  for (; i < end; i += 8) {
    r0 += x[i];
    r1 += x[i + 1];
    r2 += x[i + 2];
    r3 += x[i + 3];
    r4 += x[i + 4];
    r5 += x[i + 5];
    r6 += x[i + 6];
    r7 += x[i + 7];
  }
  let sum = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
  for (; i < start + n; i++) sum += x[i];
  return sum;
}
