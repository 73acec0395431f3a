/**
 * Spectrograms of every channel of a multi-channel waveform, stacked channels-last ("FTC"), the layout
 * the CNN reads (tfjs NHWC with H = frequency, W = time).
 */
import { InputError } from "../core/errors";
import { Trace } from "../waveform/trace";
import { spectrogramPlan, SpectrogramOptions } from "./spectrogram";

/** Spectrograms of nChannels channels. */
export interface ChannelSpectrograms {
  /**
   * nFreq x nTime x nChannels row-major, channel fastest ("FTC"): value (f, t, c) at
   * (f * nTime + t) * nChannels + c; row f = 0 is 0 Hz. Unit as {@link Spectrogram} values.
   */
  readonly values: Float64Array;
  readonly freqsHz: Float64Array;
  readonly timesS: Float64Array;
  /** [nFreq, nTime, nChannels]. */
  readonly shape: readonly [number, number, number];
  readonly dimensionOrder: "FTC";
  /** Made from a Trace: its name, channel labels (row order) and P arrival on the time axis in s. */
  readonly traceName?: string;
  readonly channels?: readonly string[];
  readonly pArrivalS?: number;
}

/** Options of {@link channelSpectrograms}: the spectrogram's plus the layout of a raw array. */
export interface ChannelSpectrogramsOptions extends SpectrogramOptions {
  /** Channels in a raw Float64Array (ignored for a Trace). @default 3 */
  nChannels?: number;
  /** Samples per channel in a raw Float64Array (ignored for a Trace). @default length / nChannels */
  nSamples?: number;
  /** Name of a raw array in error messages (a Trace is named by its traceName). */
  name?: string;
}

/**
 * Spectrogram of each channel of `input`, a Trace or a raw "CW" array (nChannels x nSamples row-major),
 * with {@link spectrogram}'s options (for a Trace, fsHz defaults to its sampling rate). A D-set trace
 * (3 x 2500 at 100 Hz) gives 33 x 153 x 3.
 */
export function channelSpectrograms(input: Trace | Float64Array, options: ChannelSpectrogramsOptions = {}): ChannelSpectrograms {
  const { data, nChannels, nSamples, fsHz, where } = waveformLayout(input, options, "channelSpectrograms");
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new InputError(where, `non-finite sample ${data[i]} in channel ${Math.floor(i / nSamples)} at index ${i % nSamples}`);
    }
  }
  const plan = spectrogramPlan(nSamples, { ...options, fsHz }, where);
  const nTime = plan.nTime(nSamples);
  const size = plan.nFreq * nTime * nChannels;
  const values = options.output ?? new Float64Array(size);
  if (values.length !== size) throw new InputError(where, `output has length ${values.length}, expected ${size}`);
  for (let c = 0; c < nChannels; c++) plan.powerInto(data, c * nSamples, nSamples, values, c, nTime * nChannels, nChannels);
  return {
    values,
    freqsHz: plan.freqs(),
    timesS: plan.times(nSamples),
    shape: [plan.nFreq, nTime, nChannels],
    dimensionOrder: "FTC",
    ...traceLabels(input),
  };
}

/** What a spectrogram made from a Trace keeps of it for its plots: name, channel labels and P arrival (s). */
export function traceLabels(input: Trace | Float64Array): { traceName?: string; channels?: readonly string[]; pArrivalS?: number } {
  if (input instanceof Float64Array) return {};
  const { stats } = input;
  return {
    traceName: stats.traceName,
    channels: stats.channels,
    ...(stats.pArrivalSample === undefined ? {} : { pArrivalS: stats.pArrivalSample / stats.samplingRateHz }),
  };
}

/** The data, layout and name of a Trace or raw "CW" array, checked for consistency. */
export function waveformLayout(
  input: Trace | Float64Array,
  options: { nChannels?: number; nSamples?: number; fsHz?: number; name?: string },
  caller: string,
): { data: Float64Array; nChannels: number; nSamples: number; fsHz: number; where: string } {
  if (input instanceof Float64Array) {
    const where = options.name ? `${caller}: ${options.name}` : caller;
    const nChannels = options.nChannels ?? 3;
    if (!Number.isInteger(nChannels) || nChannels < 1) throw new InputError(where, `nChannels must be a positive integer, got ${nChannels}`);
    const nSamples = options.nSamples ?? input.length / nChannels;
    if (!Number.isInteger(nSamples) || nChannels * nSamples !== input.length) {
      throw new InputError(where, `data of ${input.length} samples is not ${nChannels} channels x ${options.nSamples ?? "n"} samples`);
    }
    return { data: input, nChannels, nSamples, fsHz: options.fsHz ?? 100, where };
  }
  const { stats, data } = input;
  const where = `${caller}: trace ${stats.traceName}`;
  if (data.length !== stats.nChannels * stats.nSamples) {
    throw new InputError(where, `data has ${data.length} samples, stats say ${stats.nChannels} x ${stats.nSamples}`);
  }
  return { data, nChannels: stats.nChannels, nSamples: stats.nSamples, fsHz: options.fsHz ?? stats.samplingRateHz, where };
}
