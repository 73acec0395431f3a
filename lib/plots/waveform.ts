import { InputError, assertInput } from "../core/errors";
import type { Trace } from "../waveform/trace";
import { AXIS_COLOR } from "./colors";
import type { Annotation, Figure, ScatterTrace, Shape } from "./figure";
import { pArrivalLabel, pArrivalLine } from "./p-arrival";
import { definedOnly } from "./options";
import { axis, baseLayout, setAxis, toJsonArray } from "./style";

export interface WaveformPlotInput {
  /** Samples "CW": nChannels × nSamples, row-major (a `Trace`'s `data`). */
  data: ArrayLike<number>;
  samplingRateHz: number;
  /** One name per row, in stored order (the D-set stores E, N, Z). */
  channels: readonly string[];
  /** P arrival in s after the first sample; drawn as a dashed line labelled "P". */
  pArrivalS?: number;
  /** Time of the first sample on the axis, in s (default 0: time since the window start). */
  startTimeS?: number;
  /** Amplitude unit for the y titles (default "counts", the D-set's raw unit). */
  units?: string;
  title: string;
}

/** What a user may change on `plots.waveform(trace, options)`. */
export interface WaveformOptions {
  /** @default the trace name and station, and the start time when known */
  title?: string;
  /** @default "counts" */
  units?: string;
  /** @default the trace's P pick (stats.pArrivalSample / samplingRateHz) */
  pArrivalS?: number;
  /** @default 0 (time since the window start) */
  startTimeS?: number;
}

/**
 * A three-component (or any-component) seismogram, one panel per channel sharing the time axis, with
 * the P pick (docs/paper-pipeline.md §1: 25 s windows at 100 Hz with P at 5 s). x: time in s; y: amplitude in
 * `units` per channel.
 *
 * Takes a `Trace`, which knows its sampling rate, channels and P pick (ObsPy's `trace.plot()`):
 * `plots.waveform(trace)`, with `options` for the title, units or P time; or the plain arrays
 * (`WaveformPlotInput`).
 */
export function waveform(trace: Trace, options?: WaveformOptions): Figure;
export function waveform(input: WaveformPlotInput): Figure;
export function waveform(source: Trace | WaveformPlotInput, options: WaveformOptions = {}): Figure {
  const input = "stats" in source ? traceInput(source, options) : { ...source, ...definedOnly(options) };
  const where = "plots.waveform";
  const { data, samplingRateHz, channels } = input;
  assertInput(samplingRateHz > 0 && Number.isFinite(samplingRateHz), where, `samplingRateHz must be positive, got ${samplingRateHz}`);
  const nChannels = channels.length;
  assertInput(nChannels > 0, where, "channels is empty");
  if (data.length % nChannels !== 0 || data.length === 0) {
    throw new InputError(where, `data has ${data.length} samples, not a multiple of ${nChannels} channels`);
  }
  const nSamples = data.length / nChannels;
  const t0 = input.startTimeS ?? 0;
  const units = input.units ?? "counts";
  const timesS = new Array<number>(nSamples);
  for (let i = 0; i < nSamples; i++) timesS[i] = t0 + i / samplingRateHz;
  const tEnd = t0 + (nSamples - 1) / samplingRateHz;
  if (input.pArrivalS !== undefined) assertInput(Number.isFinite(input.pArrivalS), where, `pArrivalS must be finite, got ${input.pArrivalS}`);

  const panelHeight = 150, gap = 0.04;
  const height = 80 + 60 + nChannels * panelHeight;
  const layout = baseLayout(input.title, 900, height, { l: 90, r: 30, t: 60, b: 60 });
  const data_: ScatterTrace[] = [];
  const shapes: Shape[] = [];
  const annotations: Annotation[] = [];
  const panel = (1 - gap * (nChannels - 1)) / nChannels;
  for (let c = 0; c < nChannels; c++) {
    const suffix = c === 0 ? "" : String(c + 1);
    // Channel 0 on top, as seismograms are usually stacked.
    const top = 1 - c * (panel + gap);
    const isBottom = c === nChannels - 1;
    const xAxis = axis(isBottom ? "Time (s)" : "", { domain: [0, 1], anchor: `y${suffix}`, range: [t0, tEnd], showticklabels: isBottom });
    // Only the bottom panel carries the time labels; the others share its range.
    if (c > 0) xAxis.matches = "x";
    const yAxis = axis(`${channels[c]} (${units})`, { domain: [Math.max(0, top - panel), top], anchor: `x${suffix}`, zeroline: false });
    setAxis(layout, "x", c + 1, xAxis);
    setAxis(layout, "y", c + 1, yAxis);
    data_.push({
      type: "scatter",
      mode: "lines",
      name: channels[c],
      x: timesS,
      y: toJsonArray(data, c * nSamples, (c + 1) * nSamples),
      xaxis: `x${suffix}`,
      yaxis: `y${suffix}`,
      line: { color: AXIS_COLOR, width: 0.8 },
      hovertemplate: `t = %{x:.2f} s<br>%{y} ${units}<extra>${channels[c]}</extra>`,
    });
    if (input.pArrivalS !== undefined) shapes.push(pArrivalLine(`x${suffix}`, `y${suffix} domain`, input.pArrivalS));
  }
  if (input.pArrivalS !== undefined) annotations.push(pArrivalLabel("x", "y domain", input.pArrivalS));
  layout.shapes = shapes;
  layout.annotations = annotations;
  return { data: data_, layout };
}

/** The plain-array input of a Trace: its data, sampling rate, channel names and P pick. */
function traceInput(trace: Trace, options: WaveformOptions): WaveformPlotInput {
  const { stats } = trace;
  const pick = stats.pArrivalSample === undefined ? undefined : stats.pArrivalSample / stats.samplingRateHz;
  const start = stats.startTime ? `, ${stats.startTime.replace("T", " ").replace(/(\.\d+)?Z?$/, "")} UTC` : "";
  return {
    data: trace.data,
    samplingRateHz: stats.samplingRateHz,
    channels: stats.channels,
    pArrivalS: options.pArrivalS ?? pick,
    startTimeS: options.startTimeS,
    units: options.units,
    title: options.title ?? `${stats.traceName} (${stats.station})${start}`,
  };
}
