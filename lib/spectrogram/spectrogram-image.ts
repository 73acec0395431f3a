/**
 * The paper's CNN input image (docs/paper-pipeline.md section 2): per channel the scipy-default spectrogram
 * (fs 100 Hz, nperseg 64, noverlap 48), then log1p, then min-max to [0, 1] over that channel's 33 x 153
 * values, then x 255 truncated to 8 bits as the authors' PNG conversion did; R, G, B = waveform rows 0, 1, 2
 * (E, N, Z for the D-set).
 */
import { InputError } from "../core/errors";
import { DSET_CHANNELS, DSET_SAMPLES, DSET_SAMPLING_RATE_HZ, Trace } from "../waveform/trace";
import { traceLabels, waveformLayout } from "./channel-spectrograms";
import { spectrogramPlan } from "./spectrogram";

// The one definition of the image geometry: everything else (the CNN's input, the image cache, the SHAP
// maps) takes its sizes and axes from here, and they follow from the paper's spectrogram of a D-set window.
const NPERSEG = 64;
const NOVERLAP = 48;
const IMAGE_PLAN = spectrogramPlan(DSET_SAMPLES, { fsHz: DSET_SAMPLING_RATE_HZ, nperseg: NPERSEG, noverlap: NOVERLAP }, "spectrogramImage");

/** Image rows: the spectrogram's frequencies, nperseg / 2 + 1 = 33 (row 0 = 0 Hz). */
export const SPECTROGRAM_IMAGE_HEIGHT: number = IMAGE_PLAN.nFreq;
/** Image columns: the spectrogram's segments of a 2500-sample window, (2500 - 48) / 16 = 153. */
export const SPECTROGRAM_IMAGE_WIDTH: number = IMAGE_PLAN.nTime(DSET_SAMPLES);
/** Image channels: one spectrogram per waveform row (E, N, Z), 3. */
export const SPECTROGRAM_IMAGE_CHANNELS: number = DSET_CHANNELS.length;
/** [height (frequencies), width (segments), channels] of the paper's image: [33, 153, 3]. */
export const SPECTROGRAM_IMAGE_SHAPE: readonly [number, number, number] = [SPECTROGRAM_IMAGE_HEIGHT, SPECTROGRAM_IMAGE_WIDTH, SPECTROGRAM_IMAGE_CHANNELS];
/** Values per image: 33 * 153 * 3 = 15147. */
export const SPECTROGRAM_IMAGE_SIZE: number = SPECTROGRAM_IMAGE_HEIGHT * SPECTROGRAM_IMAGE_WIDTH * SPECTROGRAM_IMAGE_CHANNELS;
/** Frequencies of the image rows, Hz: k * 1.5625 for k = 0..32 (row 0 = 0 Hz). */
export const SPECTROGRAM_IMAGE_FREQS_HZ: Float64Array = IMAGE_PLAN.freqs();
/** Times of the image columns (segment centres), s: (32 + 16 j) / 100 for j = 0..152. */
export const SPECTROGRAM_IMAGE_TIMES_S: Float64Array = IMAGE_PLAN.times(DSET_SAMPLES);

/** An 8-bit spectrogram image. */
export interface SpectrogramImage {
  /**
   * 33 x 153 x 3 bytes row-major, channel fastest ("FTC", i.e. image rows x columns x RGB): pixel
   * (f, t, c) at (f * 153 + t) * 3 + c. Row 0 is 0 Hz, drawn at the top of the PNG as the paper did.
   */
  readonly data: Uint8Array;
  /** [33, 153, 3]. */
  readonly shape: readonly [number, number, number];
  readonly dimensionOrder: "FTC";
  /** Frequency of each row, Hz (0 to 50 in 1.5625 Hz steps). */
  readonly freqsHz: Float64Array;
  /** Centre of each column, s from the first sample (0.32 to 24.64). */
  readonly timesS: Float64Array;
  /** The input trace's processing history (if any) followed by one line per step of this transform. */
  readonly processing: readonly string[];
  /** Made from a Trace: its name, channel labels (R, G, B = rows 0, 1, 2) and P arrival on the time axis in s. */
  readonly traceName?: string;
  readonly channels?: readonly string[];
  readonly pArrivalS?: number;
}

/** Options of {@link spectrogramImage}. */
export interface SpectrogramImageOptions {
  /** Channels of a raw Float64Array; must be 3. @default 3 */
  nChannels?: number;
  /** Samples per channel of a raw Float64Array; must be 2500. @default 2500 */
  nSamples?: number;
  /** Name of a raw array in error messages (a Trace is named by its traceName). */
  name?: string;
  /** Buffer of 33 * 153 * 3 bytes to write into. */
  output?: Uint8Array;
}

const PROCESSING = [
  `spectrogram: scipy defaults, fs=${DSET_SAMPLING_RATE_HZ} Hz, nperseg=${NPERSEG}, noverlap=${NOVERLAP}, periodic tukey(0.25), constant detrend, one-sided PSD density`,
  "log1p",
  "min-max per channel to [0, 1] (a flat channel gives 0)",
  "x255, truncated to uint8; R, G, B = rows 0, 1, 2; row 0 = 0 Hz",
];

let scratch: Float64Array | null = null;

/**
 * The 33 x 153 x 3 uint8 image of a 3 x 2500 waveform sampled at 100 Hz (a Trace, or a raw "CW" array
 * with `nChannels`/`nSamples`). A channel whose log spectrogram is constant (max = min, e.g. a dead
 * channel) has no range to normalise by: its bytes are all 0 instead of numpy's NaN. InputError, naming
 * the trace, for another channel count, sample count or sampling rate, or a non-finite sample.
 */
export function spectrogramImage(input: Trace | Float64Array, options: SpectrogramImageOptions = {}): SpectrogramImage {
  const layout = waveformLayout(input, { nChannels: options.nChannels, nSamples: options.nSamples ?? DSET_SAMPLES, name: options.name }, "spectrogramImage");
  const { data, nChannels, nSamples, fsHz, where } = layout;
  const [height, width, channels] = SPECTROGRAM_IMAGE_SHAPE;
  if (nChannels !== channels) throw new InputError(where, `needs ${channels} channels (R, G, B), has ${nChannels}`);
  if (nSamples !== DSET_SAMPLES) throw new InputError(where, `needs ${DSET_SAMPLES} samples per channel (25 s at 100 Hz), has ${nSamples}`);
  // The density scale depends on fs and log1p is not scale-invariant, so the image is defined at 100 Hz only.
  if (fsHz !== DSET_SAMPLING_RATE_HZ) throw new InputError(where, `needs ${DSET_SAMPLING_RATE_HZ} Hz sampling, has ${fsHz} Hz`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new InputError(where, `non-finite sample ${data[i]} in channel ${Math.floor(i / nSamples)} at index ${i % nSamples}`);
    }
  }
  const plan = spectrogramPlan(nSamples, { fsHz, nperseg: NPERSEG, noverlap: NOVERLAP }, where);
  const size = height * width;
  const image = options.output ?? new Uint8Array(size * channels);
  if (image.length !== size * channels) throw new InputError(where, `output has length ${image.length}, expected ${size * channels}`);
  if (!scratch) scratch = new Float64Array(size);
  const spec = scratch;
  for (let c = 0; c < channels; c++) {
    plan.powerInto(data, c * nSamples, nSamples, spec, 0, width, 1);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < size; i++) {
      const v = Math.log1p(spec[i]);
      spec[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const range = max - min;
    if (range > 0) {
      // Same operation order as numpy's ((s - min) / (max - min)) * 255, then truncation.
      for (let i = 0; i < size; i++) image[i * channels + c] = Math.floor(((spec[i] - min) / range) * 255);
    } else {
      for (let i = 0; i < size; i++) image[i * channels + c] = 0;
    }
  }
  const history = input instanceof Float64Array ? [] : input.stats.processing;
  return {
    data: image,
    shape: SPECTROGRAM_IMAGE_SHAPE,
    dimensionOrder: "FTC",
    freqsHz: plan.freqs(),
    timesS: plan.times(nSamples),
    processing: [...history, ...PROCESSING],
    ...traceLabels(input),
  };
}
