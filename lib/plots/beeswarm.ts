import { InputError, assertInput } from "../core/errors";
import { Rng } from "../core/rng";
import { Explanation } from "../shap/explanation";
import { AXIS_COLOR, NAN_GREY, RED_BLUE, ZERO_LINE_GREY } from "./colors";
import { beeswarmOffsets } from "./beeswarm-offsets";
import { tableOf } from "./explanation-input";
import type { Figure, ScatterTrace, Shape } from "./figure";
import { nanPercentile } from "./percentile";
import { PX_PER_INCH, PX_PER_POINT, axis, baseLayout, rowLine } from "./style";
import { textWidthPx } from "./svg-text";

export interface BeeswarmPlotInput {
  /** SHAP values, N × F row-major (rows = explained samples). */
  values: ArrayLike<number>;
  /** Feature values, N × F row-major, NaN for missing. */
  features: ArrayLike<number>;
  /** F names. */
  featureNames: readonly string[];
  /** Rows shown (shap's legacy default 20). */
  maxDisplay?: number;
  title: string;
  /** Seed of the jitter's shuffle and tie-breaks (default 0). */
  seed?: number | string;
}

/** What a user may change on `plots.beeswarm(expl, options)`. */
export interface BeeswarmOptions {
  /** @default 20 (shap's legacy summary plot) */
  maxDisplay?: number;
  /** @default "SHAP values of N samples" */
  title?: string;
  /** Seed of the jitter. @default 0 */
  seed?: number | string;
  /** Explained output rank to draw. @default 0 */
  output?: number;
}

/** Colour limits of one feature: 5th/95th percentiles, then 1st/99th, then min/max (shap's fallbacks). */
export function featureColorLimits(values: ArrayLike<number>): [number, number] {
  let lo = nanPercentile(values, 5), hi = nanPercentile(values, 95);
  if (lo === hi) {
    lo = nanPercentile(values, 1);
    hi = nanPercentile(values, 99);
    if (lo === hi) {
      lo = nanPercentile(values, 0);
      hi = nanPercentile(values, 100);
    }
  }
  if (lo > hi) lo = hi;
  return [lo, hi];
}

/**
 * shap's legacy beeswarm summary (`summary_plot(values, X)`, docs/shap-reference.md §D.3; paper Fig. 7): one
 * row per feature, the `maxDisplay` features of largest total |SHAP| with the most important on top, each
 * point a sample at its SHAP value, jittered by `beeswarmOffsets`, coloured by its feature value through
 * `red_blue` between the feature's 5th and 95th percentiles (values beyond are clipped; NaN in grey), a
 * colour bar "Feature value" from Low to High, dotted row lines, a grey line at 0, and the x title
 * "SHAP value (impact on model output)". Size 8 in × (0.4 · rows + 1.5) in.
 *
 * Takes an Explanation of N samples (`plots.beeswarm(expl)`, shap's `shap.plots.beeswarm(shap_values)`), or
 * the plain arrays.
 */
export function beeswarm(expl: Explanation, options?: BeeswarmOptions): Figure;
export function beeswarm(input: BeeswarmPlotInput): Figure;
export function beeswarm(source: Explanation | BeeswarmPlotInput, options: BeeswarmOptions = {}): Figure {
  const input = source instanceof Explanation ? beeswarmInput(source, options) : source;
  const where = "plots.beeswarm";
  const nFeatures = input.featureNames.length;
  assertInput(nFeatures > 0, where, "featureNames is empty");
  if (input.values.length % nFeatures !== 0 || input.values.length === 0) {
    throw new InputError(where, `values has ${input.values.length} entries, not a multiple of ${nFeatures} features`);
  }
  const nRows = input.values.length / nFeatures;
  if (input.features.length !== input.values.length) {
    throw new InputError(where, `features has ${input.features.length} entries, values ${input.values.length} (both N x F)`);
  }
  const maxDisplay = input.maxDisplay ?? 20;
  assertInput(Number.isInteger(maxDisplay) && maxDisplay > 0, where, `maxDisplay must be a positive integer, got ${maxDisplay}`);
  const order = featureOrder(input.values, nRows, nFeatures).slice(0, maxDisplay);
  const n = order.length;
  // Row position n−1 is the most important feature (top), 0 the least important shown.
  const rowFeature = order.slice().reverse();

  const labelWidth = Math.max(...rowFeature.map((f) => textWidthPx(input.featureNames[f], 13)));
  const layout = baseLayout(input.title, 8 * PX_PER_INCH, (0.4 * n + 1.5) * PX_PER_INCH, { l: labelWidth + 25, r: 110, t: 60, b: 65 });
  const rng = new Rng(input.seed ?? 0);
  const data: ScatterTrace[] = [];
  let minX = Infinity, maxX = -Infinity;
  for (let pos = 0; pos < n; pos++) {
    const f = rowFeature[pos];
    const shaps = new Float64Array(nRows), feats = new Float64Array(nRows);
    for (let r = 0; r < nRows; r++) {
      shaps[r] = input.values[r * nFeatures + f];
      feats[r] = input.features[r * nFeatures + f];
      minX = Math.min(minX, shaps[r]);
      maxX = Math.max(maxX, shaps[r]);
    }
    const { order: drawOrder, offsets } = beeswarmOffsets(shaps, rng.fork(input.featureNames[f]));
    const [lo, hi] = featureColorLimits(feats);
    const nanX: number[] = [], nanY: number[] = [], x: number[] = [], y: number[] = [], colour: number[] = [], value: number[] = [];
    for (const r of drawOrder) {
      if (Number.isNaN(feats[r])) {
        nanX.push(shaps[r]);
        nanY.push(pos + offsets[r]);
      } else {
        x.push(shaps[r]);
        y.push(pos + offsets[r]);
        const v = Math.min(hi, Math.max(lo, feats[r]));
        colour.push(hi > lo ? (v - lo) / (hi - lo) : 0);
        value.push(feats[r]);
      }
    }
    const size = 4 * PX_PER_POINT;
    // hover: the feature, its value and its SHAP value (shap's beeswarm in plotly terms)
    const hover = `<b>${input.featureNames[f]}</b><br>value %{customdata:.4g}<br>SHAP value %{x:.4g}<extra></extra>`;
    if (nanX.length) {
      const nanHover = `<b>${input.featureNames[f]}</b><br>value NaN<br>SHAP value %{x:.4g}<extra></extra>`;
      data.push({ type: "scatter", mode: "markers", name: `${input.featureNames[f]} (NaN)`, x: nanX, y: nanY, marker: { color: NAN_GREY, size }, hovertemplate: nanHover });
    }
    data.push({
      type: "scatter",
      mode: "markers",
      name: input.featureNames[f],
      x,
      y,
      marker: {
        color: colour,
        colorscale: RED_BLUE,
        cmin: 0,
        cmax: 1,
        size,
        showscale: pos === 0,
        ...(pos === 0
          ? {
              colorbar: {
                title: { text: "Feature value", side: "right" as const },
                tickvals: [0, 1],
                ticktext: ["Low", "High"],
                thickness: Math.max(6, Math.round(((0.4 * n + 1.5) * PX_PER_INCH - 125) / 80)),
                outlinewidth: 0,
                x: 1.02,
              },
            }
          : {}),
      },
      customdata: value,
      hovertemplate: hover,
    });
  }
  const span = maxX - minX || 1;
  layout.xaxis = axis("SHAP value (impact on model output)", {
    range: [minX - 0.05 * span, maxX + 0.05 * span],
    title: { text: "SHAP value (impact on model output)", font: { size: 13, color: AXIS_COLOR } },
  });
  // featureRowAxis's fields in another key order: SVG ids hash the figure JSON, so the order stays as the snapshot has it.
  layout.yaxis = {
    range: [-1, n],
    tickvals: rowFeature.map((_, i) => i),
    ticktext: rowFeature.map((f) => input.featureNames[f]),
    tickfont: { size: 13, color: AXIS_COLOR },
    showline: false,
    showgrid: false,
    zeroline: false,
    ticks: "",
  };
  const shapes: Shape[] = rowFeature.map((_, i) => rowLine(i));
  shapes.push({ type: "line", xref: "x", yref: "paper", x0: 0, x1: 0, y0: 0, y1: 1, line: { color: ZERO_LINE_GREY, width: 1 }, layer: "below" });
  layout.shapes = shapes;
  return { data, layout };
}

/** Feature indices by decreasing total |SHAP| over the rows (ties: lower index first). */
export function featureOrder(values: ArrayLike<number>, nRows: number, nFeatures: number): number[] {
  const total = new Float64Array(nFeatures);
  for (let r = 0; r < nRows; r++) for (let f = 0; f < nFeatures; f++) total[f] += Math.abs(values[r * nFeatures + f]);
  return Array.from({ length: nFeatures }, (_, f) => f).sort((a, b) => total[b] - total[a] || a - b);
}

/** The plain-array input of an explanation of N samples. */
function beeswarmInput(expl: Explanation, options: BeeswarmOptions): BeeswarmPlotInput {
  const { values, data, featureNames, nSamples } = tableOf(expl, options.output, "plots.beeswarm");
  return {
    values,
    features: data,
    featureNames,
    maxDisplay: options.maxDisplay,
    title: options.title ?? `SHAP values of ${nSamples} samples`,
    seed: options.seed,
  };
}
