/**
 * Welch's power spectral density estimate with scipy.signal.welch's defaults: periodic Hann window,
 * nperseg 256 (shortened to the signal length when the signal is shorter, as scipy does), 50 % overlap,
 * constant detrend, one-sided, density scaling, mean of the segment periodograms. The random forest's
 * spectral features (docs/paper-pipeline.md section 5: f10 .. f14) come from it with fs = 1.
 */
import { assertFinite, InputError } from "../core/errors";
import { SegmentDefaults, SegmentOptions, segmentPlan } from "./segment-plan";
import { hann } from "./window";

/** Options of {@link welch}, scipy's names and defaults. */
export interface WelchOptions extends SegmentOptions {
  /** Sampling frequency; with the default 1, `freqs` are in cycles per sample. @default 1 */
  fs?: number;
  /** Segment length, samples; capped at the signal length. @default 256 */
  nperseg?: number;
  /** Overlap, samples. @default floor(nperseg / 2) of the (capped) segment length */
  noverlap?: number;
  /** Window of nperseg samples. @default hann(nperseg), periodic */
  window?: Float64Array;
  /** Buffer of floor(nperseg / 2) + 1 values for the PSD. */
  output?: Float64Array;
}

/** Result of {@link welch}. */
export interface WelchResult {
  /** Bin frequencies in the unit of `fs` (cycles per sample when fs = 1), 0 first. */
  readonly freqs: Float64Array;
  /** Power spectral density, unit^2 per unit of fs (or unit^2 for spectrum scaling), one per frequency. */
  readonly psd: Float64Array;
}

/** scipy.signal.welch's defaults, as {@link segmentPlan} takes them. */
const WELCH_SEGMENTS: SegmentDefaults = {
  windowName: "hann",
  window: (n) => hann(n, { periodic: true }),
  nperseg: 256,
  noverlap: (nperseg) => Math.floor(nperseg / 2),
};

/**
 * Welch PSD of one signal `x` (any unit): floor(nperseg / 2) + 1 values, e.g. 129 for the defaults on a
 * 2500-sample D-set channel (18 segments). Matches scipy.signal.welch(x) to rounding.
 */
export function welch(x: Float64Array, options: WelchOptions = {}): WelchResult {
  const where = "welch";
  assertFinite(x, `${where}: x`);
  const plan = segmentPlan(x.length, options.fs ?? 1, options, WELCH_SEGMENTS, where);
  const nTime = plan.nTime(x.length);
  const nFreq = plan.nFreq;
  const psd = options.output ?? new Float64Array(nFreq);
  if (psd.length !== nFreq) throw new InputError(where, `output has length ${psd.length}, expected ${nFreq}`);
  // Periodograms in frequency-major order, then the mean over segments per frequency, as numpy does.
  const periodograms = new Float64Array(nFreq * nTime);
  plan.powerInto(x, 0, x.length, periodograms, 0, nTime, 1);
  for (let k = 0; k < nFreq; k++) {
    let sum = 0;
    for (let j = 0; j < nTime; j++) sum += periodograms[k * nTime + j];
    psd[k] = sum / nTime;
  }
  return { freqs: plan.freqs(), psd };
}
