import { InputError, assertInput } from "../core/errors";
import { AXIS_COLOR } from "./colors";
import type { Annotation, Figure, ScatterTrace, Shape } from "./figure";
import { pArrivalLabel, pArrivalLine } from "./p-arrival";
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

/**
 * A three-component (or any-component) seismogram, one panel per channel sharing the time axis, with
 * the P pick (docs/paper-pipeline.md §1: 25 s windows at 100 Hz with P at 5 s). x: time in s; y: amplitude in
 * `units` per channel.
 */
export function waveform(input: WaveformPlotInput): Figure {
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
