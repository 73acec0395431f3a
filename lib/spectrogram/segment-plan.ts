/**
 * scipy's segment set-up, shared by {@link spectrogram} and {@link welch} (scipy.signal `_triage_segments`
 * and the checks of `_spectral_helper`): which window and segment length a call uses, and the cached
 * {@link StftPlan} that runs it. The two functions differ only in their defaults (`SegmentDefaults`).
 */
import { InputError } from "../core/errors";
import type { DetrendType } from "./detrend";
import { SpectralScaling, StftPlan } from "./stft";

/** The segment options of scipy's spectral estimators, under scipy's names. */
export interface SegmentOptions {
  /** Segment length, samples; capped at the signal length when no window is given, as scipy does. */
  nperseg?: number;
  /** Overlap of consecutive segments, samples. */
  noverlap?: number;
  /** Window of nperseg samples, used as given. */
  window?: Float64Array;
  /** @default "constant" */
  detrend?: DetrendType;
  /** @default "density" */
  scaling?: SpectralScaling;
}

/** One estimator's defaults. */
export interface SegmentDefaults {
  /** Names the default window in the plan cache, e.g. "tukey(0.25)". */
  readonly windowName: string;
  /** The default window of n samples. */
  readonly window: (n: number) => Float64Array;
  /** Segment length without `nperseg` or `window`. */
  readonly nperseg: number;
  /** Overlap without `noverlap`, given the segment length in use (after the cap). */
  readonly noverlap: (nperseg: number) => number;
}

const plans = new Map<string, StftPlan>();
/** Configurations kept; a program cycling through more simply rebuilds plans (cheap next to the FFTs). */
const MAX_CACHED_PLANS = 64;

/**
 * The StftPlan for a signal of `nSamples` samples at `fsHz`: nperseg defaults to the length of a given
 * window, else to `defaults.nperseg`. A given window must be nperseg long and fit in the signal; without
 * one, nperseg is capped at the signal length (scipy warns and shortens the segment) and the default window
 * of that length is used, its plan built once per configuration and shared (callers must not modify it).
 * InputError naming `where` for an empty signal or inconsistent options.
 */
export function segmentPlan(nSamples: number, fsHz: number, options: SegmentOptions, defaults: SegmentDefaults, where: string): StftPlan {
  if (nSamples < 1) throw new InputError(where, "the signal is empty");
  let nperseg = options.nperseg ?? (options.window ? options.window.length : defaults.nperseg);
  if (!Number.isInteger(nperseg) || nperseg < 1) throw new InputError(where, `nperseg must be a positive integer, got ${nperseg}`);
  const { detrend, scaling } = options;
  if (options.window) {
    if (options.window.length !== nperseg) throw new InputError(where, `window has ${options.window.length} samples but nperseg is ${nperseg}`);
    if (nSamples < nperseg) throw new InputError(where, `the signal (${nSamples} samples) is shorter than the window (${nperseg})`);
    return new StftPlan({ window: options.window, noverlap: options.noverlap ?? defaults.noverlap(nperseg), fsHz, detrend, scaling, where });
  }
  if (nSamples < nperseg) nperseg = nSamples;
  const noverlap = options.noverlap ?? defaults.noverlap(nperseg);
  const key = `${defaults.windowName}|${nperseg}|${noverlap}|${fsHz}|${detrend ?? "constant"}|${scaling ?? "density"}`;
  let plan = plans.get(key);
  if (!plan) {
    plan = new StftPlan({ window: defaults.window(nperseg), noverlap, fsHz, detrend, scaling, where });
    if (plans.size >= MAX_CACHED_PLANS) plans.clear();
    plans.set(key, plan);
  }
  return plan;
}
