/**
 * The 23 per-channel waveform features of the paper's magnitude random forest (docs/paper-pipeline.md
 * section 5), computed as numpy / scipy compute them so that our forest sees the same inputs as the
 * authors': population moments, scipy.stats' biased kurtosis (excess) and skewness, numpy's linear
 * percentiles, scipy.signal.find_peaks' peak count, and four spectral summaries of a scipy-default Welch
 * PSD (fs = 1, so frequencies are in cycles per sample).
 */
import { InputError } from "../core/errors";
import { DSET_SAMPLES } from "../waveform/trace";
import { welch } from "../spectrogram/welch";
import { countLocalMaxima } from "./count-local-maxima";
import { pairwiseSum } from "./pairwise-sum";
import { medianSorted, percentileSorted } from "./percentile";

/** The 23 feature names in order, without the `f{i}_c{c}_` prefix. */
export const WAVEFORM_FEATURE_BASE_NAMES: readonly string[] = [
  "maximum_amplitude",
  "minimum_amplitude",
  "mean_amplitude",
  "std_dev_amplitude",
  "median_amplitude",
  "signal_range",
  "total_energy",
  "root_mean_square",
  "absolute_mean_amplitude",
  "peak_spectral_power",
  "dominant_frequency",
  "mean_spectral_power",
  "spectral_entropy",
  "spectral_flatness",
  "num_zero_crossings",
  "num_peaks",
  "kurtosis",
  "skewness",
  "variance",
  "iqr",
  "rise_time",
  "fall_time",
  "peak_to_peak_amplitude",
];

/** Features per channel (23). */
export const N_FEATURES_PER_CHANNEL = WAVEFORM_FEATURE_BASE_NAMES.length;

/**
 * Names of the features of {@link waveformFeatures}: `f{i}_c{c}_{name}` for c = 0 .. nChannels - 1 and
 * i = 1 .. 23, channel-major (c0 f1 .. f23, c1 f1 .. f23, ...), e.g. "f1_c0_maximum_amplitude".
 */
export function waveformFeatureNames(nChannels = 3): string[] {
  const names: string[] = [];
  for (let c = 0; c < nChannels; c++) {
    WAVEFORM_FEATURE_BASE_NAMES.forEach((name, i) => names.push(`f${i + 1}_c${c}_${name}`));
  }
  return names;
}

let sortedScratch = new Float64Array(0);
let workScratch = new Float64Array(0);

/**
 * The 23 features of each channel of `data` (nChannels x nSamples row-major, "CW", raw counts), in the
 * order of {@link waveformFeatureNames}: 69 values for a D-set trace. Units: amplitudes in counts,
 * energies in counts^2, spectral powers in counts^2 per (cycle/sample), f11 in cycles per sample, counts
 * and sample indices (f15, f16, f21, f22) as integers, f13 in nats, the rest dimensionless.
 *
 * Conventions where numpy would give NaN or a warning: kurtosis and skewness are NaN when the variance is
 * zero to machine precision (scipy.stats' rule); spectral entropy and flatness are NaN when the PSD is
 * all zero (0 / 0, as numpy); zero PSD bins add 0 to the entropy (the limit of p log p). The forest fills
 * NaN with the training column mean (docs/paper-pipeline.md section 5).
 */
export function waveformFeatures(
  data: Float64Array,
  nChannels = 3,
  nSamples = DSET_SAMPLES,
  output: Float64Array = new Float64Array(nChannels * N_FEATURES_PER_CHANNEL),
): Float64Array {
  const where = "waveformFeatures";
  if (!Number.isInteger(nChannels) || nChannels < 1) throw new InputError(where, `nChannels must be a positive integer, got ${nChannels}`);
  if (!Number.isInteger(nSamples) || nSamples < 2) throw new InputError(where, `nSamples must be an integer >= 2, got ${nSamples}`);
  if (data.length !== nChannels * nSamples) {
    throw new InputError(where, `data has ${data.length} samples, expected ${nChannels} channels x ${nSamples}`);
  }
  if (output.length !== nChannels * N_FEATURES_PER_CHANNEL) {
    throw new InputError(where, `output has length ${output.length}, expected ${nChannels * N_FEATURES_PER_CHANNEL}`);
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new InputError(where, `non-finite sample ${data[i]} in channel ${Math.floor(i / nSamples)} at index ${i % nSamples}`);
    }
  }
  if (sortedScratch.length !== nSamples) {
    sortedScratch = new Float64Array(nSamples);
    workScratch = new Float64Array(nSamples);
  }
  for (let c = 0; c < nChannels; c++) {
    channelFeatures(data.subarray(c * nSamples, (c + 1) * nSamples), output, c * N_FEATURES_PER_CHANNEL);
  }
  return output;
}

function channelFeatures(x: Float64Array, out: Float64Array, o: number): void {
  const n = x.length;
  const work = workScratch;

  let max = x[0];
  let min = x[0];
  let argmax = 0;
  let zeroCrossings = 0;
  let previousNegative = signBit(x[0]);
  for (let i = 1; i < n; i++) {
    const v = x[i];
    if (v > max) {
      max = v;
      argmax = i;
    }
    if (v < min) min = v;
    const negative = signBit(v);
    if (negative !== previousNegative) zeroCrossings++;
    previousNegative = negative;
  }

  const mean = pairwiseSum(x) / n;
  for (let i = 0; i < n; i++) work[i] = x[i] * x[i];
  const energy = pairwiseSum(work);
  for (let i = 0; i < n; i++) work[i] = Math.abs(x[i]);
  const absMean = pairwiseSum(work) / n;

  // Central moments as scipy.stats' _moment: d^2, (d^2)^2 and d^2 * d from d = x - mean.
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    work[i] = d * d;
  }
  const m2 = pairwiseSum(work) / n;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    const d2 = d * d;
    work[i] = d2 * d;
  }
  const m3 = pairwiseSum(work) / n;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    const d2 = d * d;
    work[i] = d2 * d2;
  }
  const m4 = pairwiseSum(work) / n;
  const degenerate = m2 <= (Number.EPSILON * mean) ** 2;

  const sorted = sortedScratch;
  sorted.set(x);
  sorted.sort();

  const { freqs, psd } = welch(x);
  let psdMax = psd[0];
  let psdArgmax = 0;
  for (let k = 1; k < psd.length; k++) {
    if (psd[k] > psdMax) {
      psdMax = psd[k];
      psdArgmax = k;
    }
  }
  const psdSum = pairwiseSum(psd);
  const psdMean = psdSum / psd.length;
  const terms = new Float64Array(psd.length);
  for (let k = 0; k < psd.length; k++) {
    const p = psd[k] / psdSum;
    terms[k] = p > 0 ? p * Math.log(p) : p === 0 ? 0 : NaN;
  }
  const entropy = -pairwiseSum(terms);
  for (let k = 0; k < psd.length; k++) terms[k] = Math.log(psd[k]);
  const flatness = Math.exp(pairwiseSum(terms) / psd.length) / psdMean;

  out[o] = max;
  out[o + 1] = min;
  out[o + 2] = mean;
  out[o + 3] = Math.sqrt(m2);
  out[o + 4] = medianSorted(sorted);
  out[o + 5] = max - min;
  out[o + 6] = energy;
  out[o + 7] = Math.sqrt(energy / n);
  out[o + 8] = absMean;
  out[o + 9] = psdMax;
  out[o + 10] = freqs[psdArgmax];
  out[o + 11] = psdMean;
  out[o + 12] = entropy;
  out[o + 13] = flatness;
  out[o + 14] = zeroCrossings;
  out[o + 15] = countLocalMaxima(x);
  out[o + 16] = degenerate ? NaN : m4 / m2 ** 2 - 3;
  out[o + 17] = degenerate ? NaN : m3 / m2 ** 1.5;
  out[o + 18] = m2;
  out[o + 19] = percentileSorted(sorted, 75) - percentileSorted(sorted, 25);
  out[o + 20] = argmax;
  out[o + 21] = n - argmax;
  out[o + 22] = max - min;
}

/** numpy.signbit: true for negative numbers and for -0. */
function signBit(v: number): boolean {
  return v < 0 || (v === 0 && 1 / v < 0);
}
