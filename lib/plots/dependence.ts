import { assertInput } from "../core/errors";
import { Explanation } from "../shap/explanation";
import { AXIS_COLOR, NAN_GREY, RED_BLUE, SHAP_BLUE } from "./colors";
import type { Figure, ScatterTrace } from "./figure";
import { featureColorLimits } from "./beeswarm";
import { tableOf } from "./explanation-input";
import { PX_PER_POINT, assertLength, axis, baseLayout } from "./style";

export interface DependencePlotInput {
  /** The feature's values (N); samples with NaN are left out. */
  featureValues: ArrayLike<number>;
  /** The feature's SHAP values (N). */
  shapValues: ArrayLike<number>;
  featureName: string;
  /** Unit of the feature for the x title, e.g. "s" for p_travel_sec. */
  featureUnit?: string;
  /** Colour the points by another feature (shap's interaction_index). */
  colorBy?: { values: ArrayLike<number>; name: string };
  title: string;
}

/** What a user may change on `plots.dependence(expl, feature, options)`. */
export interface DependenceOptions {
  /** Unit of the feature for the x title, e.g. "s" for p_travel_sec. */
  featureUnit?: string;
  /** Colour the points by another feature of the explanation, by name (shap's interaction_index). */
  colorBy?: string | number;
  /** @default "SHAP dependence on <feature>" */
  title?: string;
  /** Explained output rank to draw. @default 0 */
  output?: number;
}

/**
 * shap's dependence plot (`dependence_plot`): each sample's SHAP value for a feature against the feature's
 * value, in shap's blue, or coloured by a second feature through `red_blue` between its 5th and 95th
 * percentiles (NaN in grey) with a colour bar named after it. Used for p_travel_sec in the random-forest
 * notebook (docs/paper-pipeline.md §5: the SHAP value grows with the travel time). x: the feature in its unit;
 * y: "SHAP value for <feature>" in the model output's unit.
 *
 * Takes an Explanation and a feature name (`plots.dependence(expl, "p_travel_sec")`, shap's
 * `shap.plots.scatter(shap_values[:, "p_travel_sec"])`), or the plain arrays.
 */
export function dependence(expl: Explanation, feature: string | number, options?: DependenceOptions): Figure;
export function dependence(input: DependencePlotInput): Figure;
export function dependence(source: Explanation | DependencePlotInput, feature?: string | number, options: DependenceOptions = {}): Figure {
  const input = source instanceof Explanation ? dependenceInput(source, feature, options) : source;
  const where = "plots.dependence";
  const n = input.featureValues.length;
  assertInput(n > 0, where, "featureValues is empty");
  assertLength(input.shapValues, n, where, "shapValues");
  if (input.colorBy) assertLength(input.colorBy.values, n, where, "colorBy.values");
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(input.featureValues[i]) && Number.isFinite(input.shapValues[i])) keep.push(i);
  assertInput(keep.length > 0, where, "no sample has both a finite feature value and a finite SHAP value");
  const xs = keep.map((i) => input.featureValues[i]);
  const ys = keep.map((i) => input.shapValues[i]);
  const size = 4 * PX_PER_POINT;
  const data: ScatterTrace[] = [];
  const hover = `${input.featureName} = %{x:.4g}<br>SHAP %{y:.4g}<extra></extra>`;
  if (input.colorBy) {
    const cv = keep.map((i) => input.colorBy!.values[i]);
    const [lo, hi] = featureColorLimits(cv);
    const nan = cv.map((v) => Number.isNaN(v));
    if (nan.some((b) => b)) {
      data.push({ type: "scatter", mode: "markers", name: `${input.colorBy.name} NaN`, x: xs.filter((_, j) => nan[j]), y: ys.filter((_, j) => nan[j]), marker: { color: NAN_GREY, size }, hovertemplate: hover });
    }
    data.push({
      type: "scatter",
      mode: "markers",
      name: input.featureName,
      x: xs.filter((_, j) => !nan[j]),
      y: ys.filter((_, j) => !nan[j]),
      marker: {
        color: cv.filter((_, j) => !nan[j]).map((v) => Math.min(hi, Math.max(lo, v))),
        colorscale: RED_BLUE,
        cmin: lo,
        cmax: hi > lo ? hi : lo + 1,
        size,
        showscale: true,
        colorbar: { title: { text: input.colorBy.name, side: "right" }, thickness: 12, outlinewidth: 0 },
      },
      hovertemplate: hover,
    });
  } else {
    data.push({ type: "scatter", mode: "markers", name: input.featureName, x: xs, y: ys, marker: { color: SHAP_BLUE, size }, hovertemplate: hover });
  }
  const pad = (lo: number, hi: number): [number, number] => {
    const d = hi - lo || Math.abs(hi) || 1;
    return [lo - 0.05 * d, hi + 0.05 * d];
  };
  const layout = baseLayout(input.title, 600, 500, { l: 80, r: input.colorBy ? 120 : 30, t: 60, b: 65 });
  const xTitle = input.featureUnit ? `${input.featureName} (${input.featureUnit})` : input.featureName;
  layout.xaxis = axis(xTitle, { range: pad(Math.min(...xs), Math.max(...xs)), title: { text: xTitle, font: { size: 13, color: AXIS_COLOR } } });
  layout.yaxis = axis(`SHAP value for ${input.featureName}`, { range: pad(Math.min(...ys), Math.max(...ys)), title: { text: `SHAP value for<br>${input.featureName}`, font: { size: 13, color: AXIS_COLOR } } });
  return { data, layout };
}

/** The plain-array input of one feature of an explanation (and of the feature that colours it). */
function dependenceInput(expl: Explanation, feature: string | number | undefined, options: DependenceOptions): DependencePlotInput {
  const where = "plots.dependence";
  assertInput(feature !== undefined, where, "name the feature to draw: plots.dependence(expl, \"p_travel_sec\")");
  const column = tableOf(expl.column(feature as string | number), options.output, where);
  const name = column.featureNames[0];
  const colour = options.colorBy === undefined ? undefined : tableOf(expl.column(options.colorBy), options.output, where);
  return {
    featureValues: column.data,
    shapValues: column.values,
    featureName: name,
    featureUnit: options.featureUnit,
    colorBy: colour ? { values: colour.data, name: colour.featureNames[0] } : undefined,
    title: options.title ?? `SHAP dependence on ${name}`,
  };
}
