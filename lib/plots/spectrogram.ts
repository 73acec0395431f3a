import { assertInput } from "../core/errors";
import { toDecibels } from "../spectrogram/decibels";
import type { Spectrogram } from "../spectrogram/spectrogram";
import { VIRIDIS } from "./colors";
import type { Colorscale, Figure } from "./figure";
import { definedOnly } from "./options";
import { pArrivalLabel, pArrivalLine } from "./p-arrival";
import { assertAscending, assertLength, axis, baseLayout, colourLimits, edgeRange } from "./style";
import { timeFrequencyHeatmap } from "./time-frequency-heatmap";

export interface SpectrogramPlotInput {
  /** nFreq × nTime row-major ("FT"), row 0 = the lowest frequency (a `Spectrogram`'s `values`). */
  values: ArrayLike<number>;
  /** Bin frequencies in Hz, ascending (nFreq). */
  freqsHz: ArrayLike<number>;
  /** Segment centres in s, ascending (nTime). */
  timesS: ArrayLike<number>;
  title: string;
  /** Colour-bar title with the unit, e.g. "PSD (counts²/Hz)" or "log(1 + PSD), min-max scaled". */
  colorbarTitle: string;
  /** P arrival in s on the same time axis; drawn as a dashed line. */
  pArrivalS?: number;
  /** Colour limits (default: the finite min and max). */
  zmin?: number;
  zmax?: number;
  /** Default: viridis. */
  colorscale?: Colorscale;
}

/** What a user may change on `plots.spectrogram(spec, options)` and `plots.spectrogramChannels(spec, options)`. */
export interface SpectrogramOptions {
  title?: string;
  /** @default "PSD (counts²/Hz)", or "PSD (dB re 1 count²/Hz)" with `decibels` */
  colorbarTitle?: string;
  /** Draw 10 log10(PSD) (ObsPy's `dbscale`), with `toDecibels`. @default false */
  decibels?: boolean;
  /** P arrival in s; defaults to the one the spectrogram knows from its trace. */
  pArrivalS?: number;
  zmin?: number;
  zmax?: number;
  colorscale?: Colorscale;
}

/** The colour-bar title of a D-set power spectral density (raw counts). */
export function psdColorbarTitle(decibels: boolean | undefined): string {
  return decibels ? "PSD (dB re 1 count²/Hz)" : "PSD (counts²/Hz)";
}

/**
 * One channel's spectrogram as a heatmap (docs/paper-pipeline.md §2: 33 frequencies × 153 segments): time in s
 * on x, frequency in Hz on y with 0 Hz at the bottom (rows ascend upwards; the paper's saved PNGs put
 * 0 Hz at the top), a colour bar titled with the unit.
 *
 * Takes a `Spectrogram` (`plots.spectrogram(spectrogram(x), { decibels: true })`) or the plain arrays.
 */
export function spectrogram(spec: Spectrogram, options?: SpectrogramOptions): Figure;
export function spectrogram(input: SpectrogramPlotInput): Figure;
export function spectrogram(source: Spectrogram | SpectrogramPlotInput, options: SpectrogramOptions = {}): Figure {
  const input: SpectrogramPlotInput = !("dimensionOrder" in source)
    ? { ...source, ...definedOnly(options) }
    : {
        values: options.decibels ? toDecibels(source.values) : source.values,
        freqsHz: source.freqsHz,
        timesS: source.timesS,
        title: options.title ?? "Spectrogram",
        colorbarTitle: options.colorbarTitle ?? psdColorbarTitle(options.decibels),
        pArrivalS: options.pArrivalS,
        zmin: options.zmin,
        zmax: options.zmax,
        colorscale: options.colorscale,
      };
  const where = "plots.spectrogram";
  const nFreq = input.freqsHz.length, nTime = input.timesS.length;
  assertInput(nFreq > 0 && nTime > 0, where, "freqsHz and timesS must not be empty");
  assertAscending(input.freqsHz, where, "freqsHz");
  assertAscending(input.timesS, where, "timesS");
  assertLength(input.values, nFreq * nTime, where, `values (nFreq x nTime = ${nFreq} x ${nTime})`);
  const [zmin, zmax] = colourLimits(input.values, input.zmin, input.zmax);
  const layout = baseLayout(input.title, 900, 420, { l: 80, r: 130, t: 60, b: 60 });
  layout.xaxis = axis("Time (s)", { range: edgeRange(input.timesS) });
  layout.yaxis = axis("Frequency (Hz)", { range: edgeRange(input.freqsHz) });
  if (input.pArrivalS !== undefined) {
    assertInput(Number.isFinite(input.pArrivalS), where, `pArrivalS must be finite, got ${input.pArrivalS}`);
    layout.shapes = [pArrivalLine("x", "y domain", input.pArrivalS)];
    layout.annotations = [pArrivalLabel("x", "y domain", input.pArrivalS)];
  }
  return {
    data: [
      timeFrequencyHeatmap({
        values: input.values,
        freqsHz: input.freqsHz,
        timesS: input.timesS,
        colorscale: input.colorscale ?? VIRIDIS,
        zmin,
        zmax,
        colorbar: { title: { text: input.colorbarTitle, side: "right" }, thickness: 16, outlinewidth: 0 },
      }),
    ],
    layout,
  };
}

