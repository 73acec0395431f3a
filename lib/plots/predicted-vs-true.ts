import { assertInput } from "../core/errors";
import { GUIDE_GREY, SHAP_BLUE } from "./colors";
import type { Figure } from "./figure";
import { sprintfNumber } from "./format";
import { definedOnly } from "./options";
import { assertLength, axis, baseLayout } from "./style";

/** Regression metrics shown on the plot (any subset; each printed with 4 decimals, like the paper's table). */
export interface RegressionMetrics {
  mae?: number;
  mse?: number;
  rmse?: number;
  r2?: number;
  explainedVariance?: number;
}

export interface PredictedVsTruePlotInput {
  /** True magnitudes (N). */
  yTrue: ArrayLike<number>;
  /** Predicted magnitudes (N). */
  yPred: ArrayLike<number>;
  metrics: RegressionMetrics;
  title: string;
  /** Name of the quantity on both axes (default "magnitude"). */
  quantity?: string;
}

/**
 * A regression result with its test set, what `runMagnitudeExperiment` returns: observed and predicted values
 * of the test rows and the metrics (and, when known, the forest's size and the split).
 */
export interface RegressionResult {
  readonly yTest: ArrayLike<number>;
  readonly yPred: ArrayLike<number>;
  readonly metrics: RegressionMetrics;
  readonly nEstimators?: number;
  readonly split?: string;
}

/** What a user may change on `plots.predictedVsTrue(result, options)`. */
export interface PredictedVsTrueOptions {
  /** @default "Random forest, <n> trees, <split> split (<n> test samples)" (what the result knows of it) */
  title?: string;
  /** Name of the quantity on both axes. @default "magnitude" */
  quantity?: string;
}

const METRIC_LABELS: Array<[keyof RegressionMetrics, string]> = [
  ["mae", "MAE"],
  ["mse", "MSE"],
  ["rmse", "RMSE"],
  ["r2", "R²"],
  ["explainedVariance", "Explained variance"],
];

/**
 * Predicted against true magnitude for the random forest's test set (paper Fig. 6; docs/paper-pipeline.md §5
 * reports MAE 0.1052, RMSE 0.1457, R² 0.8834): one point per test trace, the identity line, the metrics in
 * a box at the top left, equal ranges on both axes, titled "True magnitude" and "Predicted magnitude".
 *
 * Takes a regression result (`plots.predictedVsTrue(result.random)`), or the plain arrays.
 */
export function predictedVsTrue(result: RegressionResult, options?: PredictedVsTrueOptions): Figure;
export function predictedVsTrue(input: PredictedVsTruePlotInput): Figure;
export function predictedVsTrue(source: RegressionResult | PredictedVsTruePlotInput, options: PredictedVsTrueOptions = {}): Figure {
  const input: PredictedVsTruePlotInput = "yTest" in source ? regressionInput(source, options) : { ...source, ...definedOnly(options) };
  const where = "plots.predictedVsTrue";
  const n = input.yTrue.length;
  assertInput(n > 0, where, "yTrue is empty");
  assertLength(input.yPred, n, where, "yPred");
  let lo = Infinity, hi = -Infinity;
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = input.yTrue[i], p = input.yPred[i];
    assertInput(Number.isFinite(t) && Number.isFinite(p), where, `sample ${i} has a non-finite value (true ${t}, predicted ${p})`);
    xs.push(t);
    ys.push(p);
    lo = Math.min(lo, t, p);
    hi = Math.max(hi, t, p);
  }
  const pad = 0.04 * (hi - lo || 1);
  const range: [number, number] = [lo - pad, hi + pad];
  const quantity = input.quantity ?? "magnitude";
  const lines = METRIC_LABELS.filter(([key]) => input.metrics[key] !== undefined).map(
    ([key, label]) => `${label} = ${sprintfNumber("%.4f", input.metrics[key] as number).replace(/^-/, "\u2212")}`,
  );
  const layout = baseLayout(input.title, 600, 600, { l: 75, r: 30, t: 60, b: 65 });
  layout.xaxis = axis(`True ${quantity}`, { range });
  layout.yaxis = axis(`Predicted ${quantity}`, { range });
  layout.shapes = [{ type: "line", xref: "x", yref: "y", x0: range[0], y0: range[0], x1: range[1], y1: range[1], line: { color: GUIDE_GREY, width: 1.5, dash: "dash" }, layer: "below" }];
  layout.annotations = lines.length
    ? [{ text: lines.join("<br>"), x: 0.03, y: 0.97, xref: "paper", yref: "paper", showarrow: false, xanchor: "left", yanchor: "top", align: "left", bgcolor: "rgba(255,255,255,0.85)", font: { size: 12 } }]
    : [];
  return {
    data: [
      {
        type: "scatter",
        mode: "markers",
        name: "test traces",
        x: xs,
        y: ys,
        marker: { color: SHAP_BLUE, size: 5, opacity: 0.5 },
        hovertemplate: "true %{x:.2f}<br>predicted %{y:.2f}<extra></extra>",
      },
    ],
    layout,
  };
}

/** The plain-array input of a regression result, titled with what it knows of its model and split. */
function regressionInput(result: RegressionResult, options: PredictedVsTrueOptions): PredictedVsTruePlotInput {
  const model = result.nEstimators === undefined ? "Model" : `Random forest, ${result.nEstimators} trees`;
  const split = result.split === undefined ? "" : `, ${result.split} split`;
  return {
    yTrue: result.yTest,
    yPred: result.yPred,
    metrics: result.metrics,
    quantity: options.quantity,
    title: options.title ?? `${model}${split} (${result.yTest.length} test samples)`,
  };
}
