/**
 * Amplitude spectra of foreshocks and aftershocks, class by class (paper Fig. 5, after Laurenti et al. 2024:
 * spectra of co-located foreshocks and aftershocks at one station, a central curve and a spread per class,
 * showing where their frequency content differs). `colocatedEvents` picks the traces, `classSpectra`
 * computes the curves, and `plots.classSpectra` draws the result as it is.
 */
import { InputError } from "../core/errors";
import type { DSetMetadataRow } from "../data/dset-reader";
import { epicentralDistanceKm } from "../data/geo";
import { NORCIA_SEQUENCE } from "../data/sequence";
import { DSET_CHANNELS, DSET_P_ARRIVAL_SAMPLE, DSET_SAMPLING_RATE_HZ } from "../waveform/trace";
import { welch } from "./welch";

/** A labelled waveform, "CW" (nChannels x nSamples, row-major, counts); a `DSetTrace` is one. */
export interface LabelledWaveform {
  readonly data: Float64Array;
  /** 0 foreshock, 1 aftershock (null, the visso period, is refused). */
  readonly label: 0 | 1 | null;
  /** Trace name, used in error messages. */
  readonly name?: string;
}

/** Waveforms and labels as parallel arrays. */
export interface LabelledWaveformArrays {
  /** One "CW" array (nChannels x nSamples, row-major, counts) per waveform. */
  readonly data: readonly Float64Array[];
  /** One label per waveform: 0 foreshock, 1 aftershock. */
  readonly labels: ArrayLike<number>;
  readonly names?: readonly string[];
}

/** Options of `classSpectra`. */
export interface ClassSpectraOptions {
  /**
   * Row of the waveform to analyse, or "all": the three components combined as the square root of the mean of
   * their PSDs (the quadratic mean of the component amplitudes, i.e. the total ground-motion spectrum).
   * @default "all"
   */
  readonly channel?: number | "all";
  /** Sampling rate, Hz. @default 100 (the D-set) */
  readonly fsHz?: number;
  /** Welch segment length, samples (Hann window, 50 % overlap, mean removed per segment). @default 256 */
  readonly nperseg?: number;
  /**
   * "signal": from the P arrival to the end (samples 500..2499 of a D-set trace, 20 s), so the 5 s of noise
   * before P do not dilute the earthquake's spectrum; "full": the whole window. @default "signal"
   */
  readonly window?: "signal" | "full";
  /** First sample of the "signal" window. @default 500 (DSET_P_ARRIVAL_SAMPLE) */
  readonly pArrivalSample?: number;
  /** Rows per waveform. @default 3 */
  readonly nChannels?: number;
  /**
   * Central curve and band, over log10 amplitude: "std" the mean and mean ± one standard deviation (population);
   * "percentiles" the median and the 16th and 84th percentiles (numpy's linear interpolation), robust to a
   * few outlying traces. For a log-normal spread the two agree. Either way lower <= central <= upper.
   * @default "std"
   */
  readonly spread?: "std" | "percentiles";
}

/** One class's spectrum, one value per frequency of `freqsHz`, in counts/√Hz. */
export interface ClassSpectrum {
  readonly name: "Foreshock" | "Aftershock";
  readonly label: 0 | 1;
  /** Waveforms in the class. */
  readonly n: number;
  /** Central curve: 10^(mean of log10 amplitude), the geometric mean ("std"), or 10^(median) ("percentiles"). */
  readonly mean: Float64Array;
  /** 10^(mean - std) of log10 amplitude ("std"), or 10^(16th percentile) ("percentiles"). */
  readonly lower: Float64Array;
  /** 10^(mean + std) ("std"), or 10^(84th percentile) ("percentiles"). */
  readonly upper: Float64Array;
}

/** Result of `classSpectra`; `perClass`, `freqsHz`, `amplitudeUnit` and `spreadLabel` feed `plots.classSpectra`. */
export interface ClassSpectraResult {
  /** Welch bin frequencies, Hz, ascending, 0 Hz left out (fsHz / nperseg to fsHz / 2). */
  readonly freqsHz: Float64Array;
  /** Classes present in the input, foreshocks first. */
  readonly perClass: readonly ClassSpectrum[];
  readonly amplitudeUnit: "counts/√Hz";
  /** What the band shows, for the plot's legend. */
  readonly spreadLabel: string;
  readonly spread: "std" | "percentiles";
  readonly channel: number | "all";
  readonly window: "signal" | "full";
  /** Samples [start, end) analysed in each waveform. */
  readonly samples: readonly [number, number];
  readonly nperseg: number;
  readonly fsHz: number;
}

const CLASS_NAMES = ["Foreshock", "Aftershock"] as const;

/**
 * Amplitude spectra per class for Fig. 5: for each waveform, the amplitude spectral density sqrt(PSD) in
 * counts/√Hz, the PSD a Welch estimate (`welch`: periodic Hann window of `nperseg` samples, 50 % overlap,
 * mean removed per segment, one-sided density) of the chosen channel (or of the three combined) over the
 * chosen window; then, per class and frequency, a central curve and a band computed on log10 amplitude
 * (`spread`: mean ± standard deviation, or median and 16th / 84th percentiles), because spectral amplitudes
 * spread log-normally over orders of magnitude (magnitude and distance), so an arithmetic mean of amplitudes
 * would follow the largest events only. Welch rather than one FFT per trace: the average over segments is the smoothing that
 * makes single-trace spectra comparable.
 * @param input labelled waveforms (e.g. `DSetTrace`s), or arrays of waveforms and labels
 * @throws InputError naming the waveform for a missing or unknown label, a size that differs from the first
 *   waveform's, non-finite samples or a constant (dead) channel; and for bad options or empty input
 */
export function classSpectra(input: readonly LabelledWaveform[] | LabelledWaveformArrays, options: ClassSpectraOptions = {}): ClassSpectraResult {
  const where = "classSpectra";
  const waveforms = toWaveforms(input, where);
  if (waveforms.length === 0) throw new InputError(where, "no waveforms");
  const nChannels = options.nChannels ?? DSET_CHANNELS.length;
  const channel = options.channel ?? "all";
  const fsHz = options.fsHz ?? DSET_SAMPLING_RATE_HZ;
  const nperseg = options.nperseg ?? 256;
  const window = options.window ?? "signal";
  const spread = options.spread ?? "std";
  if (!Number.isInteger(nChannels) || nChannels < 1) throw new InputError(where, `nChannels must be a positive integer, got ${nChannels}`);
  if (channel !== "all" && !(Number.isInteger(channel) && channel >= 0 && channel < nChannels)) {
    throw new InputError(where, `channel must be "all" or a row 0..${nChannels - 1}, got ${JSON.stringify(channel)}`);
  }
  if (!(fsHz > 0 && Number.isFinite(fsHz))) throw new InputError(where, `fsHz must be a positive number, got ${fsHz}`);
  if (window !== "signal" && window !== "full") throw new InputError(where, `window must be "signal" or "full", got ${JSON.stringify(window)}`);
  if (spread !== "std" && spread !== "percentiles") throw new InputError(where, `spread must be "std" or "percentiles", got ${JSON.stringify(spread)}`);
  const nSamples = waveforms[0].data.length / nChannels;
  if (!Number.isInteger(nSamples) || nSamples < 1) {
    throw new InputError(`${where}: ${waveforms[0].name}`, `has ${waveforms[0].data.length} values, not a multiple of nChannels = ${nChannels}`);
  }
  const start = window === "signal" ? options.pArrivalSample ?? DSET_P_ARRIVAL_SAMPLE : 0;
  if (!Number.isInteger(start) || start < 0 || start >= nSamples) throw new InputError(where, `pArrivalSample must be a sample in 0..${nSamples - 1}, got ${start}`);
  const length = nSamples - start;
  if (!Number.isInteger(nperseg) || nperseg < 2 || nperseg > length) {
    throw new InputError(where, `nperseg must be an integer in 2..${length} (the ${window} window has ${length} samples), got ${nperseg}`);
  }
  const nFreq = Math.floor(nperseg / 2); // bins 1..nperseg/2: 0 Hz is left out
  const channels = channel === "all" ? Array.from({ length: nChannels }, (_, c) => c) : [channel];
  const byClass: [number[], number[]] = [[], []];
  waveforms.forEach((w, i) => byClass[w.label].push(i));
  // log10 amplitude per waveform and frequency, waveform-major (n x nFreq) per class.
  const logAmplitude = new Float64Array(waveforms.length * nFreq);
  const psdSum = new Float64Array(nFreq + 1);
  let freqsHz: Float64Array | null = null;
  waveforms.forEach((w, i) => {
    const name = `${where}: ${w.name}`;
    if (w.data.length !== nChannels * nSamples) throw new InputError(name, `has ${w.data.length} values, expected ${nChannels} x ${nSamples} like the first waveform`);
    psdSum.fill(0);
    for (const c of channels) {
      const x = w.data.subarray(c * nSamples + start, (c + 1) * nSamples);
      assertUsable(x, name, c, start);
      const { freqs, psd } = welch(x, { fs: fsHz, nperseg });
      freqsHz ??= freqs.slice(1);
      for (let k = 1; k <= nFreq; k++) psdSum[k] += psd[k];
    }
    for (let k = 1; k <= nFreq; k++) logAmplitude[i * nFreq + k - 1] = 0.5 * Math.log10(psdSum[k] / channels.length);
  });
  const perClass: ClassSpectrum[] = [];
  for (const label of [0, 1] as const) {
    const members = byClass[label];
    if (members.length === 0) continue;
    const mean = new Float64Array(nFreq), lower = new Float64Array(nFreq), upper = new Float64Array(nFreq);
    const column = new Float64Array(members.length);
    for (let k = 0; k < nFreq; k++) {
      members.forEach((i, j) => (column[j] = logAmplitude[i * nFreq + k]));
      const [centre, low, high] = spread === "std" ? meanAndStd(column) : medianAndPercentiles(column);
      mean[k] = 10 ** centre;
      lower[k] = 10 ** low;
      upper[k] = 10 ** high;
    }
    perClass.push({ name: CLASS_NAMES[label], label, n: members.length, mean, lower, upper });
  }
  return {
    freqsHz: freqsHz!,
    perClass,
    amplitudeUnit: "counts/√Hz",
    spreadLabel: spread === "std" ? "mean ± 1 std of log10 amplitude" : "16th–84th percentile",
    spread,
    channel,
    window,
    samples: [start, nSamples],
    nperseg,
    fsHz,
  };
}

/** The fields of a metadata row that `colocatedEvents` reads (a `DSetMetadataRow` has them all). */
export type ColocationRow = Pick<DSetMetadataRow, "station" | "label" | "source_latitude" | "source_longitude" | "source_magnitude">;

/** Options of `colocatedEvents`. */
export interface ColocatedEventsOptions {
  /** Station whose recordings are compared; required when the rows come from several stations. */
  readonly station?: string;
  /** Largest epicentral distance between an event and the reference point, km. @default 5 */
  readonly maxDistanceKm?: number;
  /** Reference point, degrees. @default the Norcia mainshock epicentre (42.83603 N, 13.12131 E) */
  readonly referenceLatitudeDeg?: number;
  readonly referenceLongitudeDeg?: number;
  /** Keep only magnitudes in [min, max], so both classes span the same sizes. @default no limit */
  readonly magnitudeRange?: readonly [number, number];
}

/**
 * Co-located foreshocks and aftershocks recorded at one station, Fig. 5's selection (Laurenti et al. compare
 * events from the same source area, so that path and radiation differences do not masquerade as a
 * foreshock / aftershock difference). Rule: rows of `station` labelled 0 or 1 (visso rows are left out) whose
 * epicentre (source_latitude, source_longitude) lies within `maxDistanceKm` (haversine) of the reference
 * point, by default the Norcia mainshock's epicentre, and, when given, whose source_magnitude lies in
 * `magnitudeRange`. Rows with missing coordinates are left out. The rows come back in input order; either
 * class may be empty, so check the counts before comparing.
 * @throws InputError for rows from several stations without `station`, or bad options
 */
export function colocatedEvents<T extends ColocationRow>(rows: readonly T[], options: ColocatedEventsOptions = {}): T[] {
  const where = "colocatedEvents";
  const maxDistanceKm = options.maxDistanceKm ?? 5;
  const refLat = options.referenceLatitudeDeg ?? NORCIA_SEQUENCE.mainshock.latitudeDeg;
  const refLon = options.referenceLongitudeDeg ?? NORCIA_SEQUENCE.mainshock.longitudeDeg;
  if (!(maxDistanceKm > 0)) throw new InputError(where, `maxDistanceKm must be a positive number, got ${maxDistanceKm}`);
  if (!(Math.abs(refLat) <= 90) || !(Math.abs(refLon) <= 180)) throw new InputError(where, `reference point (${refLat}, ${refLon}) is not a latitude and longitude in degrees`);
  const range = options.magnitudeRange;
  if (range !== undefined && !(range[0] <= range[1])) throw new InputError(where, `magnitudeRange must be [min, max] with min <= max, got [${range.join(", ")}]`);
  let station = options.station;
  if (station === undefined) {
    const stations = [...new Set(rows.map((r) => r.station))].sort();
    if (stations.length > 1) throw new InputError(where, `rows come from ${stations.length} stations (${stations.join(", ")}): pass options.station to compare recordings at one station`);
    station = stations[0];
  }
  return rows.filter((r) => {
    if (r.station !== station || (r.label !== 0 && r.label !== 1)) return false;
    if (range !== undefined && !(r.source_magnitude >= range[0] && r.source_magnitude <= range[1])) return false;
    return epicentralDistanceKm(refLat, refLon, r.source_latitude, r.source_longitude) <= maxDistanceKm;
  });
}

function toWaveforms(input: readonly LabelledWaveform[] | LabelledWaveformArrays, where: string): { data: Float64Array; label: 0 | 1; name: string }[] {
  const list: { data: unknown; label: unknown; name?: string }[] = Array.isArray(input)
    ? (input as readonly LabelledWaveform[]).map((w) => ({ data: w.data, label: w.label, name: w.name }))
    : arraysToList(input as LabelledWaveformArrays, where);
  return list.map((w, i) => {
    const name = w.name ?? `waveform ${i}`;
    if (!(w.data instanceof Float64Array)) throw new InputError(`${where}: ${name}`, "data must be a Float64Array (nChannels x nSamples, row-major)");
    if (w.label !== 0 && w.label !== 1) {
      throw new InputError(`${where}: ${name}`, `label must be 0 (foreshock) or 1 (aftershock), got ${JSON.stringify(w.label)}${w.label === null ? " (a visso trace: not in the binary task)" : ""}`);
    }
    return { data: w.data, label: w.label, name };
  });
}

function arraysToList(input: LabelledWaveformArrays, where: string): { data: unknown; label: unknown; name?: string }[] {
  if (!input || !Array.isArray(input.data)) throw new InputError(where, "input must be an array of labelled waveforms or { data, labels }");
  if (!input.labels || input.labels.length !== input.data.length) throw new InputError(where, `${input.labels?.length ?? 0} labels for ${input.data.length} waveforms`);
  if (input.names !== undefined && input.names.length !== input.data.length) throw new InputError(where, `${input.names.length} names for ${input.data.length} waveforms`);
  return input.data.map((data, i) => ({ data, label: input.labels[i], name: input.names?.[i] }));
}

/** Refuses samples Welch cannot use: non-finite values, or a constant channel (no spectrum, log10 of 0). */
function assertUsable(x: Float64Array, where: string, channel: number, start: number): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new InputError(where, `channel ${channel} has a non-finite sample ${x[i]} at sample ${start + i}`);
  }
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return;
  throw new InputError(where, `channel ${channel} is constant over samples ${start}..${start + x.length - 1} (a dead channel has no spectrum)`);
}

/** [mean, mean - std, mean + std] of the values (population std). */
function meanAndStd(values: Float64Array): [number, number, number] {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const std = Math.sqrt(ss / values.length);
  return [mean, mean - std, mean + std];
}

/** [median, 16th, 84th percentile] of the values (sorted in place). */
function medianAndPercentiles(values: Float64Array): [number, number, number] {
  values.sort();
  return [percentileOfSorted(values, 50), percentileOfSorted(values, 16), percentileOfSorted(values, 84)];
}

/** numpy.percentile's default linear interpolation on ascending values. */
function percentileOfSorted(sorted: Float64Array, q: number): number {
  const position = ((sorted.length - 1) * q) / 100;
  const i = Math.floor(position);
  const j = Math.min(i + 1, sorted.length - 1);
  return sorted[i] + (sorted[j] - sorted[i]) * (position - i);
}
