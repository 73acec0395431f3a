import { assertInput } from "../core/errors";
import { BLUES } from "./colors";
import type { Annotation, Figure } from "./figure";
import { definedOnly } from "./options";
import { assertLength, axis, baseLayout } from "./style";
import { textWidthPx } from "./svg-text";

export interface ConfusionMatrixPlotInput {
  /** Counts, n × n row-major: row = true class, column = predicted class. */
  matrix: ArrayLike<number>;
  classNames: readonly string[];
  title: string;
}

/**
 * A scored classifier, what the CNN experiments return: metrics with the confusion matrix (rows = true class,
 * columns = predicted), or the metrics themselves; with class names and a name when known.
 */
export interface ClassifierResult {
  readonly metrics?: { readonly confusion: ReadonlyArray<ReadonlyArray<number>>; readonly n?: number };
  readonly confusion?: ReadonlyArray<ReadonlyArray<number>>;
  readonly classNames?: readonly string[];
  readonly name?: string;
}

/** What a user may change on `plots.confusionMatrix(result, options)`. */
export interface ConfusionMatrixOptions {
  /** @default the result's class names, else "class 0", "class 1", … */
  classNames?: readonly string[];
  /** @default "<name>: confusion matrix (<n> test samples)" */
  title?: string;
}

/**
 * A confusion matrix of the foreshock/aftershock classifier (docs/paper-pipeline.md §3; the paper's precision,
 * recall and F1 come from it): cells coloured by the fraction of their true class (ColorBrewer Blues),
 * labelled with the count and that fraction, true class down the rows (first class on top), predicted
 * class across the columns.
 *
 * Takes a scored classifier (`plots.confusionMatrix(cnn.nrca)`) or its metrics, or the plain arrays.
 */
export function confusionMatrix(result: ClassifierResult, options?: ConfusionMatrixOptions): Figure;
export function confusionMatrix(input: ConfusionMatrixPlotInput): Figure;
export function confusionMatrix(source: ClassifierResult | ConfusionMatrixPlotInput, options: ConfusionMatrixOptions = {}): Figure {
  const input: ConfusionMatrixPlotInput = "matrix" in source ? { ...source, ...definedOnly(options) } : confusionInput(source, options);
  const where = "plots.confusionMatrix";
  const n = input.classNames.length;
  assertInput(n > 0, where, "classNames is empty");
  assertLength(input.matrix, n * n, where, `matrix (${n} x ${n})`);
  for (let i = 0; i < n * n; i++) {
    const v = input.matrix[i];
    assertInput(Number.isFinite(v) && v >= 0, where, `matrix[${i}] = ${v} is not a count`);
  }
  const z: number[][] = [];
  const annotations: Annotation[] = [];
  for (let r = 0; r < n; r++) {
    let rowTotal = 0;
    for (let c = 0; c < n; c++) rowTotal += input.matrix[r * n + c];
    const row: number[] = [];
    for (let c = 0; c < n; c++) {
      const count = input.matrix[r * n + c];
      const fraction = rowTotal > 0 ? count / rowTotal : 0;
      row.push(fraction);
      annotations.push({
        text: `${count}<br>${(100 * fraction).toFixed(1)} %`,
        x: c,
        y: r,
        xref: "x",
        yref: "y",
        showarrow: false,
        font: { size: 14, color: fraction > 0.5 ? "#ffffff" : "#08306b" },
      });
    }
    z.push(row);
  }
  const labelWidth = Math.max(...input.classNames.map((c) => textWidthPx(c, 12)));
  const cell = 150;
  const layout = baseLayout(input.title, labelWidth + 60 + n * cell + 130, n * cell + 125, { l: labelWidth + 60, r: 130, t: 60, b: 65 });
  const ticks = { tickvals: input.classNames.map((_, i) => i), ticktext: [...input.classNames] };
  layout.xaxis = axis("Predicted class", { range: [-0.5, n - 0.5], ...ticks, ticks: "" });
  // First class on top, as a matrix is read: the y range runs downwards.
  layout.yaxis = axis("True class", { range: [n - 0.5, -0.5], ...ticks, ticks: "" });
  layout.annotations = annotations;
  return {
    data: [
      {
        type: "heatmap",
        z,
        x: input.classNames.map((_, i) => i),
        y: input.classNames.map((_, i) => i),
        colorscale: BLUES,
        zmin: 0,
        zmax: 1,
        zsmooth: false,
        colorbar: { title: { text: "Fraction of true class", side: "right" }, thickness: 14, outlinewidth: 0 },
        hovertemplate: "true %{y}<br>predicted %{x}<br>%{z:.3f}<extra></extra>",
      },
    ],
    layout,
  };
}

/** The plain-array input of a scored classifier. */
function confusionInput(result: ClassifierResult, options: ConfusionMatrixOptions): ConfusionMatrixPlotInput {
  const confusion = result.confusion ?? result.metrics?.confusion;
  assertInput(confusion !== undefined, "plots.confusionMatrix", "the result has no confusion matrix (metrics.confusion)");
  const rows = confusion as ReadonlyArray<ReadonlyArray<number>>;
  const n = rows.reduce((s, r) => s + r.reduce((a, b) => a + b, 0), 0);
  const classNames = options.classNames ?? result.classNames ?? rows.map((_, i) => `class ${i}`);
  return {
    matrix: rows.flat(),
    classNames,
    title: options.title ?? `${result.name === undefined ? "Confusion matrix" : `${result.name}: confusion matrix`} (${n} test samples)`,
  };
}
