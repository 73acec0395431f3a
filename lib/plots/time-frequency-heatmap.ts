import type { ColorBar, Colorscale, HeatmapTrace } from "./figure";
import { toRows } from "./style";

/** What `timeFrequencyHeatmap` draws. */
export interface TimeFrequencyHeatmapOptions {
  /** nFreq × nTime row-major ("FT"), row 0 = the lowest frequency; non-finite values become gaps. */
  values: ArrayLike<number>;
  /** Bin frequencies in Hz, ascending (nFreq). */
  freqsHz: ArrayLike<number>;
  /** Segment centres in s, ascending (nTime). */
  timesS: ArrayLike<number>;
  /** Trace name (panel), also the first line of the hover text. */
  name?: string;
  /** Axis references of the subplot ("x2", "y2"); default the first axes. */
  xaxis?: string;
  yaxis?: string;
  colorscale: Colorscale;
  zmin: number;
  zmax: number;
  /** Whether this trace draws the colour bar (one bar per shared scale). */
  showscale?: boolean;
  colorbar: ColorBar;
  /** Words before the value in the hover text, e.g. "SHAP ". @default "" */
  valueLabel?: string;
}

/**
 * A heatmap of one time × frequency map, the trace shared by the spectrogram plots and the SHAP maps
 * (paper Fig. 2 to 4): time in s on x, frequency in Hz on y with row 0 (0 Hz) at the bottom, cells drawn
 * as blocks (no smoothing), hover text "t = … s, f = … Hz, value".
 */
export function timeFrequencyHeatmap(o: TimeFrequencyHeatmapOptions): HeatmapTrace {
  const nameLine = o.name === undefined ? "" : `${o.name}<br>`;
  return {
    type: "heatmap",
    ...(o.name === undefined ? {} : { name: o.name }),
    z: toRows(o.values, o.freqsHz.length, o.timesS.length),
    x: Array.from(o.timesS),
    y: Array.from(o.freqsHz),
    ...(o.xaxis === undefined ? {} : { xaxis: o.xaxis }),
    ...(o.yaxis === undefined ? {} : { yaxis: o.yaxis }),
    colorscale: o.colorscale,
    zmin: o.zmin,
    zmax: o.zmax,
    zsmooth: false,
    ...(o.showscale === undefined ? {} : { showscale: o.showscale }),
    colorbar: o.colorbar,
    hovertemplate: `${nameLine}t = %{x:.2f} s<br>f = %{y:.2f} Hz<br>${o.valueLabel ?? ""}%{z:.4g}<extra></extra>`,
  };
}
