import { assertInput } from "../core/errors";
import type { ChannelSpectrograms } from "../spectrogram/channel-spectrograms";
import { toDecibels } from "../spectrogram/decibels";
import type { SpectrogramImage } from "../spectrogram/spectrogram-image";
import { VIRIDIS } from "./colors";
import type { Annotation, Figure, HeatmapTrace, Shape } from "./figure";
import { pArrivalLabel, pArrivalLine } from "./p-arrival";
import { definedOnly } from "./options";
import { psdColorbarTitle, type SpectrogramOptions, type SpectrogramPlotInput } from "./spectrogram";
import { assertAscending, assertLength, axis, baseLayout, colourLimits, edgeRange, setAxis } from "./style";
import { timeFrequencyHeatmap } from "./time-frequency-heatmap";

/** Input of `spectrogramChannels`: `spectrogram`'s (colour limits shared by the channels), with one plane per channel. */
export interface SpectrogramChannelsPlotInput extends SpectrogramPlotInput {
  /** nFreq × nTime × nChannels row-major ("FTC", channels fastest: the CNN's image layout), row 0 = lowest frequency. */
  values: ArrayLike<number>;
  /** One name per channel (nChannels), in stored order. */
  channels: readonly string[];
}

/** The colour channels of an 8-bit image, for its panel names ("R = E"). */
const RGB = ["R", "G", "B"];

/**
 * The spectrogram of every channel of one trace (the three planes of the CNN's 33 × 153 × 3 image,
 * docs/paper-pipeline.md §2), one panel per channel stacked over a shared time axis, one shared colour scale.
 * Time in s, frequency in Hz with 0 Hz at the bottom of each panel.
 *
 * Takes what `channelSpectrograms(trace)` returns (`{ decibels: true }` draws 10 log10 PSD), the 8-bit image
 * `spectrogramImage(trace)` returns (on 0..255, panels "R = E", "G = N", "B = Z"), or the plain arrays. The
 * channel names, the P arrival and the trace name in the default title come from the trace.
 */
export function spectrogramChannels(spec: ChannelSpectrograms | SpectrogramImage, options?: SpectrogramOptions): Figure;
export function spectrogramChannels(input: SpectrogramChannelsPlotInput): Figure;
export function spectrogramChannels(source: ChannelSpectrograms | SpectrogramImage | SpectrogramChannelsPlotInput, options: SpectrogramOptions = {}): Figure {
  const input = channelsInput(source, options);
  const where = "plots.spectrogramChannels";
  const nFreq = input.freqsHz.length, nTime = input.timesS.length, nChannels = input.channels.length;
  assertInput(nFreq > 0 && nTime > 0 && nChannels > 0, where, "freqsHz, timesS and channels must not be empty");
  assertAscending(input.freqsHz, where, "freqsHz");
  assertAscending(input.timesS, where, "timesS");
  assertLength(input.values, nFreq * nTime * nChannels, where, `values (nFreq x nTime x nChannels = ${nFreq} x ${nTime} x ${nChannels})`);
  if (input.pArrivalS !== undefined) assertInput(Number.isFinite(input.pArrivalS), where, `pArrivalS must be finite, got ${input.pArrivalS}`);
  const [zmin, zmax] = colourLimits(input.values, input.zmin, input.zmax);
  const panelHeight = 170, gap = 0.05;
  const layout = baseLayout(input.title, 900, 120 + nChannels * panelHeight, { l: 80, r: 130, t: 60, b: 60 });
  const panel = (1 - gap * (nChannels - 1)) / nChannels;
  const data: HeatmapTrace[] = [];
  const shapes: Shape[] = [];
  const annotations: Annotation[] = [];
  const timeRange = edgeRange(input.timesS), freqRange = edgeRange(input.freqsHz);
  for (let c = 0; c < nChannels; c++) {
    const suffix = c === 0 ? "" : String(c + 1);
    const top = 1 - c * (panel + gap);
    const isBottom = c === nChannels - 1;
    const xAxis = axis(isBottom ? "Time (s)" : "", { anchor: `y${suffix}`, range: timeRange, showticklabels: isBottom });
    if (c > 0) xAxis.matches = "x";
    const yAxis = axis(`${input.channels[c]}: frequency (Hz)`, { domain: [Math.max(0, top - panel), top], anchor: `x${suffix}`, range: freqRange });
    setAxis(layout, "x", c + 1, xAxis);
    setAxis(layout, "y", c + 1, yAxis);
    const plane = new Float64Array(nFreq * nTime);
    for (let i = 0; i < plane.length; i++) plane[i] = input.values[i * nChannels + c];
    data.push(
      timeFrequencyHeatmap({
        values: plane,
        freqsHz: input.freqsHz,
        timesS: input.timesS,
        name: input.channels[c],
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        colorscale: input.colorscale ?? VIRIDIS,
        zmin,
        zmax,
        showscale: c === 0,
        colorbar: { title: { text: input.colorbarTitle, side: "right" }, thickness: 16, outlinewidth: 0, len: 1, y: 0.5 },
      }),
    );
    if (input.pArrivalS !== undefined) shapes.push(pArrivalLine(`x${suffix}`, `y${suffix} domain`, input.pArrivalS));
  }
  if (input.pArrivalS !== undefined) annotations.push(pArrivalLabel("x", "y domain", input.pArrivalS));
  layout.shapes = shapes;
  layout.annotations = annotations;
  return { data, layout };
}

/** The plain-array input of a spectrogram or image object, with the defaults its kind implies. */
function channelsInput(source: ChannelSpectrograms | SpectrogramImage | SpectrogramChannelsPlotInput, options: SpectrogramOptions): SpectrogramChannelsPlotInput {
  if (!("dimensionOrder" in source)) return { ...source, ...definedOnly(options) };
  const nChannels = source.shape[2];
  const names = "channels" in source && source.channels ? source.channels : Array.from({ length: nChannels }, (_, c) => `channel ${c}`);
  const of = source.traceName ? ` of ${source.traceName}` : "";
  const common = { freqsHz: source.freqsHz, timesS: source.timesS, pArrivalS: options.pArrivalS ?? source.pArrivalS, colorscale: options.colorscale };
  if ("data" in source) {
    // An 8-bit image: the full byte range, channels named by their colour.
    return {
      ...common,
      values: source.data,
      channels: names.map((name, c) => (nChannels === 3 ? `${RGB[c]} = ${name}` : name)),
      title: options.title ?? `CNN input image${of}`,
      colorbarTitle: options.colorbarTitle ?? "8-bit value",
      zmin: options.zmin ?? 0,
      zmax: options.zmax ?? 255,
    };
  }
  return {
    ...common,
    values: options.decibels ? toDecibels(source.values) : source.values,
    channels: names,
    title: options.title ?? `Spectrograms${of}`,
    colorbarTitle: options.colorbarTitle ?? psdColorbarTitle(options.decibels),
    zmin: options.zmin,
    zmax: options.zmax,
  };
}
