import { InputError, assertInput } from "../core/errors";
import { Explanation } from "../shap/explanation";
import { SHAP_BLUE, SHAP_RED } from "./colors";
import type { Annotation, Figure, Shape } from "./figure";
import { tableOf } from "./explanation-input";
import { formatValue } from "./format";
import { PX_PER_INCH, PX_PER_POINT, axis, barEndLabel, baseLayout, featureRowAxis, rowLine } from "./style";
import { plainText, textWidthPx } from "./svg-text";

export interface ShapBarPlotInput {
  /**
   * SHAP values: N × F row-major (N ≥ 2: the global form, bars of mean |SHAP|), or F values of one
   * explained sample (the local form, bars of the signed values).
   */
  values: ArrayLike<number>;
  featureNames: readonly string[];
  /** Local form only: the sample's F feature values, shown as "value = name". */
  data?: ArrayLike<number>;
  /** Rows shown; the last one sums the rest when there are more features (shap's default 10). */
  maxDisplay?: number;
  title: string;
  /** x-axis title. @default "mean(|SHAP value|)" (global form) or "SHAP value" (local form) */
  xTitle?: string;
}

/** What a user may change on `plots.bar(expl, options)`. */
export interface ShapBarOptions {
  /** @default 10 (shap's) */
  maxDisplay?: number;
  /** @default "Global importance: mean(|SHAP value|)", or "SHAP values of one prediction" */
  title?: string;
  /** Explained output rank to draw. @default 0 */
  output?: number;
}

/**
 * shap's bar plot (`shap.plots.bar`, docs/shap-reference.md §D.4): features by decreasing |value| with the largest
 * on top, at most `maxDisplay` rows, the last one "Sum of N other features" when more remain; horizontal
 * bars 0.7 high, red for values > 0 and blue otherwise, with a white edge; each bar labelled with
 * `format_value(v, "%+0.02f")` 5 pt beyond its end in the bar's colour; dotted separators; a black line at
 * 0 when some value is negative; x padded by 5 % of the range. Global form: value = mean |SHAP| over the
 * rows, x title "mean(|SHAP value|)"; local form: the row's SHAP values, x title "SHAP value".
 *
 * Takes an Explanation as shap's `shap.plots.bar` does: N samples give the global form, `expl.row(i)` the
 * local one, and a reduction such as `expl.abs().mean(0)` is drawn as it is, titled after its operations;
 * or the plain arrays. `plots.bar` is the same function.
 */
export function shapBar(expl: Explanation, options?: ShapBarOptions): Figure;
export function shapBar(input: ShapBarPlotInput): Figure;
export function shapBar(source: Explanation | ShapBarPlotInput, options: ShapBarOptions = {}): Figure {
  const input = source instanceof Explanation ? barInput(source, options) : source;
  const where = "plots.shapBar";
  const nFeatures = input.featureNames.length;
  assertInput(nFeatures > 0, where, "featureNames is empty");
  const total = input.values.length;
  if (total % nFeatures !== 0 || total === 0) throw new InputError(where, `values has ${total} entries, not a multiple of ${nFeatures} features`);
  const nRows = total / nFeatures;
  const local = nRows === 1;
  if (input.data && !local) throw new InputError(where, "data (feature values) applies to the local form only: pass the F values of one sample");
  if (input.data && input.data.length !== nFeatures) throw new InputError(where, `data has ${input.data.length} values, expected ${nFeatures}`);
  const maxDisplay = input.maxDisplay ?? 10;
  assertInput(Number.isInteger(maxDisplay) && maxDisplay > 0, where, `maxDisplay must be a positive integer, got ${maxDisplay}`);

  const value = new Float64Array(nFeatures);
  for (let r = 0; r < nRows; r++) for (let f = 0; f < nFeatures; f++) {
    const v = input.values[r * nFeatures + f];
    value[f] += local ? v : Math.abs(v) / nRows;
  }
  for (let f = 0; f < nFeatures; f++) assertInput(Number.isFinite(value[f]), where, `value of feature ${input.featureNames[f]} is not finite`);
  const order = Array.from({ length: nFeatures }, (_, f) => f).sort((a, b) => Math.abs(value[b]) - Math.abs(value[a]) || a - b);
  const nShown = Math.min(maxDisplay, nFeatures);
  const rows: Array<{ label: string; value: number }> = [];
  for (let i = 0; i < nShown; i++) {
    const f = order[i];
    if (i === nShown - 1 && nShown < nFeatures) {
      let rest = 0;
      for (let j = i; j < nFeatures; j++) rest += value[order[j]];
      rows.push({ label: `Sum of ${nFeatures - nShown + 1} other features`, value: rest });
    } else {
      const name = input.featureNames[f];
      rows.push({ label: input.data ? `${formatValue(input.data[f], "%0.03f")} = ${name}` : name, value: value[f] });
    }
  }
  const n = rows.length;
  // The first (largest) row at y = n, the last at y = 1, as shap places them.
  const yOf = (i: number): number => n - i;
  const vals = rows.map((r) => r.value);
  const negative = vals.some((v) => v < 0);
  const labelWidth = Math.max(...rows.map((r) => textWidthPx(r.label, 13)));
  const layout = baseLayout(input.title, 8 * PX_PER_INCH, (0.5 * n + 1.5) * PX_PER_INCH, { l: labelWidth + 25, r: 40, t: 60, b: 60 });
  const [lo, hi] = xRange(vals, negative, layout.width - layout.margin.l - layout.margin.r);
  layout.xaxis = axis(input.xTitle ?? (local ? "SHAP value" : "mean(|SHAP value|)"), { range: [lo, hi] });
  layout.yaxis = featureRowAxis([0.4, n + 0.6], rows.map((_, i) => yOf(i)), rows.map((r) => r.label));
  const colours = vals.map((v) => (v > 0 ? SHAP_RED : SHAP_BLUE));
  const annotations: Annotation[] = rows.map((r, i) => barEndLabel(formatValue(r.value, "%+0.02f"), r.value, yOf(i), r.value, colours[i]));
  const shapes: Shape[] = [];
  for (let i = 1; i < n; i++) {
    shapes.push(rowLine(i + 0.5));
  }
  if (negative) shapes.push({ type: "line", xref: "x", yref: "paper", x0: 0, x1: 0, y0: 0, y1: 1, line: { color: "#000000", width: 1 }, layer: "above" });
  layout.annotations = annotations;
  layout.shapes = shapes;
  return {
    data: [
      {
        type: "bar",
        orientation: "h",
        x: vals,
        y: rows.map((_, i) => yOf(i)),
        width: 0.7,
        marker: { color: colours, line: { color: "rgba(255,255,255,0.8)", width: 1 } },
        // the row's feature (and value, for one sample) by name, since the bars' y are row positions
        hovertext: rows.map((r) => plainText(r.label)),
        hovertemplate: `%{hovertext}<br>${local ? "SHAP value" : "mean(|SHAP value|)"} %{x:.4g}<extra></extra>`,
      },
    ],
    layout,
  };
}

/**
 * x range of the bars: matplotlib's autoscale (bars stick to 0, a 5 % margin on the free ends) widened by
 * shap's extra 5 % (both sides when some value is negative, on the right otherwise), and further if a value
 * label (5 pt past its bar end) would leave the plotting area, `plotWidthPx` wide.
 */
function xRange(values: number[], negative: boolean, plotWidthPx: number): [number, number] {
  let lo = Math.min(0, ...values), hi = Math.max(0, ...values);
  const span0 = hi - lo || 1;
  if (lo < 0) lo -= 0.05 * span0;
  if (hi > 0) hi += 0.05 * span0;
  const span = hi - lo;
  [lo, hi] = negative ? [lo - 0.05 * span, hi + 0.05 * span] : [lo, hi + 0.05 * span];
  // Two passes settle the label room, which depends on the data units per px of the range it widens.
  for (let pass = 0; pass < 2; pass++) {
    const unitsPerPx = (hi - lo) / plotWidthPx;
    for (const v of values) {
      const room = (textWidthPx(formatValue(v, "%+0.02f"), 12) + 5 * PX_PER_POINT + 4) * unitsPerPx;
      if (v < 0) lo = Math.min(lo, v - room);
      else hi = Math.max(hi, v + room);
    }
  }
  return [lo, hi];
}

/** The plain-array input of an explanation: global for N samples, local for one, as computed for a reduction. */
function barInput(expl: Explanation, options: ShapBarOptions): ShapBarPlotInput {
  const { values, data, featureNames, nSamples } = tableOf(expl, options.output, "plots.bar");
  const reduced = expl.opHistory.some((op) => /^(mean|sum)\(0\)$/.test(op));
  if (nSamples === 1 && reduced) {
    // Already one value per feature (e.g. mean |SHAP|): bars of those values, named after the operations.
    const xTitle = expl.opHistory.reduce((text, op) => (op === "abs" ? `|${text}|` : op.startsWith("column") ? text : `${op.slice(0, op.indexOf("("))}(${text})`), "SHAP value");
    return { values, featureNames, maxDisplay: options.maxDisplay, title: options.title ?? `Global importance: ${xTitle}`, xTitle };
  }
  if (nSamples === 1) {
    return { values, data, featureNames, maxDisplay: options.maxDisplay, title: options.title ?? "SHAP values of one prediction" };
  }
  return { values, featureNames, maxDisplay: options.maxDisplay, title: options.title ?? "Global importance: mean(|SHAP value|)" };
}

/** shap's name for the bar plot (`shap.plots.bar`): the same function as `shapBar`. */
export const bar = shapBar;
