/**
 * One channel's spectrogram, the equivalent of scipy.signal.spectrogram(x, fs, nperseg=64, noverlap=48)
 * with scipy's other defaults (periodic Tukey window, alpha 0.25; nfft = nperseg; constant detrend per
 * segment; one-sided; density scaling; PSD mode), as in the paper's preprocessing (docs/paper-pipeline.md
 * section 2).
 */
import { assertFinite, InputError } from "../core/errors";
import { SegmentDefaults, SegmentOptions, segmentPlan } from "./segment-plan";
import type { StftPlan } from "./stft";
import { tukey } from "./window";

/** A spectrogram: power per frequency and time. */
export interface Spectrogram {
  /** nFreq x nTime row-major ("FT"), row 0 = 0 Hz; unit^2 / Hz for density scaling, unit^2 for spectrum. */
  readonly values: Float64Array;
  /** Bin frequencies, Hz (k fsHz / nperseg). */
  readonly freqsHz: Float64Array;
  /** Segment centres, s from the first sample. */
  readonly timesS: Float64Array;
  /** [nFreq, nTime]. */
  readonly shape: readonly [number, number];
  readonly dimensionOrder: "FT";
}

/** Options of {@link spectrogram}, scipy's names. */
export interface SpectrogramOptions extends SegmentOptions {
  /** Sampling frequency, Hz. @default 100 */
  fsHz?: number;
  /** Segment length, samples. Capped at the signal length when no window is given, as scipy does. @default 64 */
  nperseg?: number;
  /** Overlap of consecutive segments, samples. @default 48 */
  noverlap?: number;
  /** Window of nperseg samples. @default tukey(nperseg, 0.25), periodic */
  window?: Float64Array;
  /** Buffer of nFreq * nTime values to write into. */
  output?: Float64Array;
}

const defaultWindows = new Map<number, Float64Array>();

/**
 * The default window for `nperseg` samples (periodic Tukey, alpha 0.25), built once per length. Shared:
 * callers must not modify it.
 */
export function defaultSpectrogramWindow(nperseg: number): Float64Array {
  let w = defaultWindows.get(nperseg);
  if (!w) {
    w = tukey(nperseg, 0.25, { periodic: true });
    defaultWindows.set(nperseg, w);
  }
  return w;
}

/** scipy.signal.spectrogram's defaults, as {@link segmentPlan} takes them. */
const SPECTROGRAM_SEGMENTS: SegmentDefaults = { windowName: "tukey(0.25)", window: defaultSpectrogramWindow, nperseg: 64, noverlap: () => 48 };

/**
 * The cached {@link StftPlan} for a spectrogram configuration over signals of `nSamples` samples (after
 * scipy's cap of nperseg at the signal length). Shared by the single- and multi-channel spectrograms.
 */
export function spectrogramPlan(nSamples: number, options: SpectrogramOptions, where: string): StftPlan {
  return segmentPlan(nSamples, options.fsHz ?? 100, options, SPECTROGRAM_SEGMENTS, where);
}

/**
 * Spectrogram of one channel `x` (any unit, sampled at fsHz): nFreq = floor(nperseg / 2) + 1 rows
 * (0 Hz first) by nTime = floor((n - noverlap) / (nperseg - noverlap)) segments. With the defaults on a
 * 2500-sample D-set channel: 33 x 153, frequencies k * 1.5625 Hz, times 0.32 .. 24.64 s. Matches
 * scipy.signal.spectrogram to rounding (see test/spectrogram/spectrogram.test.ts).
 */
export function spectrogram(x: Float64Array, options: SpectrogramOptions = {}): Spectrogram {
  const where = "spectrogram";
  assertFinite(x, `${where}: x`);
  const plan = spectrogramPlan(x.length, options, where);
  const nTime = plan.nTime(x.length);
  const size = plan.nFreq * nTime;
  const values = options.output ?? new Float64Array(size);
  if (values.length !== size) throw new InputError(where, `output has length ${values.length}, expected ${plan.nFreq} x ${nTime} = ${size}`);
  plan.powerInto(x, 0, x.length, values, 0, nTime, 1);
  return {
    values,
    freqsHz: plan.freqs(),
    timesS: plan.times(x.length),
    shape: [plan.nFreq, nTime],
    dimensionOrder: "FT",
  };
}
