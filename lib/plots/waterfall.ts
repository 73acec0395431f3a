import { assertInput } from "../core/errors";
import { Explanation } from "../shap/explanation";
import { AXIS_COLOR, GUIDE_GREY, MUTED_TEXT, SHAP_BLUE, SHAP_RED } from "./colors";
import type { Annotation, Figure, Shape } from "./figure";
import { formatValue } from "./format";
import { PX_PER_INCH, assertLength, axis, barEndLabel, baseLayout, featureRowAxis, rowLine } from "./style";
import { escapeXml, plainText, plainTextWidthPx, textWidthPx } from "./svg-text";
import { assertOneSample, tableOf } from "./explanation-input";

export interface WaterfallPlotInput {
  /** SHAP values of one explained sample (F). */
  values: ArrayLike<number>;
  /** The explanation's base value E[f(X)] (shap's `base_values` of the row). */
  baseValues: number;
  featureNames: readonly string[];
  /** The sample's feature values (F), shown as "value = name". */
  data?: ArrayLike<number>;
  /** Rows shown; the bottom one sums the rest when there are more features (shap's default 10). */
  maxDisplay?: number;
  title: string;
  /** x-axis title with the output's unit (default "Model output"). */
  xTitle?: string;
}

/** One arrow of the waterfall: the feature (or group) moves the output from `start` to `end`. */
export interface WaterfallStep {
  label: string;
  shap: number;
  start: number;
  end: number;
  /** Row position (0 = bottom). */
  y: number;
}

/**
 * The waterfall chain of shap's `waterfall` (docs/shap-reference.md §D.5): features by decreasing |SHAP|, at
 * most `maxDisplay` rows with the last one "N other features" holding the remainder. Walking down from
 * f(x) = base + Σφ at the top row, each arrow spans from loc − φ to loc and then loc −= φ, so the bottom
 * arrow starts at E[f(X)].
 */
export function waterfallSteps(values: ArrayLike<number>, baseValues: number, featureNames: readonly string[], data: ArrayLike<number> | undefined, maxDisplay: number): WaterfallStep[] {
  const nFeatures = values.length;
  const order = Array.from({ length: nFeatures }, (_, f) => f).sort((a, b) => Math.abs(values[b]) - Math.abs(values[a]) || a - b);
  const nRows = Math.min(maxDisplay, nFeatures);
  const nIndividual = nRows === nFeatures ? nRows : nRows - 1;
  let sum = 0;
  for (let f = 0; f < nFeatures; f++) sum += values[f];
  let loc = baseValues + sum;
  const steps: WaterfallStep[] = [];
  for (let i = 0; i < nIndividual; i++) {
    const f = order[i];
    const phi = values[f];
    const name = featureNames[f];
    const label = data ? `<span style="color:${MUTED_TEXT}">${escapeXml(formatValue(data[f], "%0.03f"))} = </span>${escapeXml(name)}` : escapeXml(name);
    steps.push({ label, shap: phi, start: loc - phi, end: loc, y: nRows - 1 - i });
    loc -= phi;
  }
  if (nIndividual < nRows) {
    // shap takes the remainder as base − loc, which is the sum of the features not shown.
    const rest = loc - baseValues;
    steps.push({ label: `${nFeatures - nIndividual} other features`, shap: rest, start: baseValues, end: loc, y: 0 });
  }
  return steps;
}

/** What a user may change on `plots.waterfall(expl.row(i), options)`. */
export interface WaterfallOptions {
  /** @default 10 (shap's) */
  maxDisplay?: number;
  /** @default "Waterfall of one prediction" */
  title?: string;
  /** x-axis title with the output's unit. @default "Model output" */
  xTitle?: string;
  /** Explained output rank to draw (the last axis of the values). @default 0 */
  output?: number;
}

/**
 * shap's waterfall plot of one prediction (docs/shap-reference.md §D.5): arrows from E[f(X)] at the bottom to
 * f(x) at the top (`waterfallSteps`), red pointing right for φ ≥ 0 and blue pointing left for φ < 0, bar
 * height 0.8 with a 0.08 in head, `format_value(φ, "%+0.02f")` in white inside the arrow or 5 pt past its
 * tip in its colour when it does not fit, dashed #bbbbbb guides joining consecutive arrows, dotted row
 * lines, y labels "value = name" with the value in grey, and "f(x) = …" and "E[f(X)] = …" marked at the top
 * with dashed lines. Size 8 in × (0.5 · rows + 1.5) in. shap skips the guides of the last four rows when
 * no row is grouped (a quirk of its loop condition); we draw every guide.
 *
 * Takes a one-sample Explanation, as shap does (`plots.waterfall(expl.row(0))`), or the plain arrays.
 */
export function waterfall(expl: Explanation, options?: WaterfallOptions): Figure;
export function waterfall(input: WaterfallPlotInput): Figure;
export function waterfall(source: Explanation | WaterfallPlotInput, options: WaterfallOptions = {}): Figure {
  const input = source instanceof Explanation ? waterfallInput(source, options) : source;
  const where = "plots.waterfall";
  const nFeatures = input.featureNames.length;
  assertInput(nFeatures > 0, where, "featureNames is empty");
  assertLength(input.values, nFeatures, where, "values");
  if (input.data) assertLength(input.data, nFeatures, where, "data");
  assertInput(Number.isFinite(input.baseValues), where, `baseValues must be finite, got ${input.baseValues}`);
  for (let f = 0; f < nFeatures; f++) assertInput(Number.isFinite(input.values[f]), where, `values[${f}] is not finite`);
  const maxDisplay = input.maxDisplay ?? 10;
  assertInput(Number.isInteger(maxDisplay) && maxDisplay > 0, where, `maxDisplay must be a positive integer, got ${maxDisplay}`);
  const steps = waterfallSteps(input.values, input.baseValues, input.featureNames, input.data, maxDisplay);
  const n = steps.length;
  const fx = steps.length ? steps[0].end : input.baseValues;
  const base = input.baseValues;

  // x range as shap sizes it: invisible bars padded by 1 % of the data width (plus 10 % room for the label
  // of arrows shorter than 1), then matplotlib's 5 % margins.
  const points = steps.flatMap((s) => [s.start, s.end]);
  const dataw = Math.max(...points) - Math.min(...points) || 1;
  let lo = Infinity, hi = -Infinity;
  for (const s of steps) {
    const left = Math.min(s.start, s.end), right = Math.max(s.start, s.end);
    const pad = Math.abs(s.shap) < 1 ? 0.1 * dataw : 0;
    if (s.shap >= 0) {
      lo = Math.min(lo, left - 0.01 * dataw);
      hi = Math.max(hi, right + pad + 0.01 * dataw);
    } else {
      lo = Math.min(lo, left - pad - 0.01 * dataw);
      hi = Math.max(hi, right + 0.01 * dataw);
    }
  }
  const margin = 0.05 * (hi - lo);
  lo -= margin;
  hi += margin;

  const labelWidth = Math.max(...steps.map((s) => textWidthPx(s.label, 13)));
  const width = 8 * PX_PER_INCH, height = (0.5 * n + 1.5) * PX_PER_INCH;
  const layout = baseLayout(input.title, width, height + 30, { l: labelWidth + 25, r: 60, t: 85, b: 60 });
  const plotWidthPx = width - layout.margin.l - layout.margin.r;
  const pxPerUnit = plotWidthPx / (hi - lo);
  const headLength = (0.08 * PX_PER_INCH) / pxPerUnit;
  layout.xaxis = axis(input.xTitle ?? "Model output", { range: [lo, hi], tickfont: { size: 12, color: AXIS_COLOR } });
  layout.yaxis = featureRowAxis([-0.5, n - 0.5], steps.map((s) => s.y), steps.map((s) => s.label));

  const shapes: Shape[] = [];
  const annotations: Annotation[] = [];
  for (let i = 0; i < n; i++) {
    shapes.push(rowLine(i));
  }
  steps.forEach((s, i) => {
    if (i + 1 < n) {
      shapes.push({ type: "line", xref: "x", yref: "y", x0: s.start, x1: s.start, y0: s.y - 1 - 0.4, y1: s.y + 0.4, line: { color: GUIDE_GREY, width: 0.5, dash: "dash" }, layer: "below" });
    }
  });
  shapes.push({ type: "line", xref: "x", yref: "y domain", x0: base, x1: base, y0: 0, y1: 1 / n, line: { color: GUIDE_GREY, width: 0.5, dash: "dash" }, layer: "below" });
  shapes.push({ type: "line", xref: "x", yref: "y domain", x0: fx, x1: fx, y0: 0, y1: 1, line: { color: GUIDE_GREY, width: 0.5, dash: "dash" }, layer: "below" });
  for (const s of steps) {
    const colour = s.shap >= 0 ? SHAP_RED : SHAP_BLUE;
    const length = Math.abs(s.shap);
    const head = Math.min(length, headLength);
    const dir = s.shap >= 0 ? 1 : -1;
    const neck = s.end - dir * head;
    const y0 = s.y - 0.4, y1 = s.y + 0.4;
    shapes.push({
      type: "path",
      xref: "x",
      yref: "y",
      path: `M ${s.start},${y0} L ${neck},${y0} L ${s.end},${s.y} L ${neck},${y1} L ${s.start},${y1} Z`,
      fillcolor: colour,
      line: { width: 0 },
      layer: "above",
    });
    const text = formatValue(s.shap, "%+0.02f");
    const fits = plainTextWidthPx(text, 12) <= length * pxPerUnit;
    annotations.push(
      fits
        ? { text, x: (s.start + s.end) / 2, y: s.y, xref: "x", yref: "y", showarrow: false, xanchor: "center", yanchor: "middle", font: { size: 12, color: "#ffffff" } }
        : barEndLabel(text, s.end, s.y, s.shap, colour),
    );
  }
  // f(x) and E[f(X)] over the top of the plot, each left-aligned at its value, value part in grey;
  // E[f(X)] moves up a line when the two would overlap.
  const fxText = `f(x)<span style="color:${MUTED_TEXT}"> = ${formatValue(fx, "%0.03f")}</span>`;
  const baseText = `E[f(X)]<span style="color:${MUTED_TEXT}"> = ${formatValue(base, "%0.03f")}</span>`;
  const [first, second] = fx <= base ? [fx, base] : [base, fx];
  const firstWidth = textWidthPx(fx <= base ? fxText : baseText, 12);
  const overlap = (second - first) * pxPerUnit < firstWidth + 8;
  const plotHeightPx = layout.height - layout.margin.t - layout.margin.b;
  const tickPx = 6;
  annotations.push({ text: fxText, x: fx, y: 1, xref: "x", yref: "paper", showarrow: false, xanchor: "left", yanchor: "bottom", yshift: tickPx + 2, font: { size: 12, color: AXIS_COLOR } });
  annotations.push({
    text: baseText,
    x: base,
    y: 1,
    xref: "x",
    yref: "paper",
    showarrow: false,
    xanchor: "left",
    yanchor: "bottom",
    yshift: tickPx + 2 + (overlap ? 18 : 0),
    font: { size: 12, color: AXIS_COLOR },
  });
  for (const v of [fx, base]) {
    shapes.push({ type: "line", xref: "x", yref: "paper", x0: v, x1: v, y0: 1, y1: 1 + tickPx / plotHeightPx, line: { color: AXIS_COLOR, width: 1 } });
  }
  layout.shapes = shapes;
  layout.annotations = annotations;
  return {
    data: [
      {
        type: "bar",
        orientation: "h",
        x: steps.map((s) => s.end - s.start),
        y: steps.map((s) => s.y),
        base: steps.map((s) => s.start),
        width: 0.8,
        marker: { color: "rgba(0,0,0,0)" },
        hovertext: steps.map((s) => plainText(s.label)),
        hovertemplate: "%{hovertext}<br>SHAP value %{x:+.4g}<br>%{base:.4g} → %{customdata:.4g}<extra></extra>",
        customdata: steps.map((s) => s.end),
      },
    ],
    layout,
  };
}

/** The plain-array input of a one-sample explanation. */
function waterfallInput(expl: Explanation, options: WaterfallOptions): WaterfallPlotInput {
  const where = "plots.waterfall";
  assertOneSample(expl, where);
  const { values, data, featureNames } = tableOf(expl, options.output, where);
  return {
    values,
    baseValues: expl.baseValues[options.output ?? 0],
    data,
    featureNames,
    maxDisplay: options.maxDisplay,
    title: options.title ?? "Waterfall of one prediction",
    xTitle: options.xTitle,
  };
}
