import { assertInput } from "../core/errors";
import { SHAP_BLUE, SHAP_RED } from "./colors";
import type { Figure, ScatterTrace } from "./figure";
import { axis, baseLayout } from "./style";

/** One epoch of training history (tfjs `History` values per epoch). */
export interface EpochRecord {
  epoch: number;
  /** Training cross-entropy. */
  loss: number;
  /** Training accuracy, 0..1. */
  accuracy: number;
  /** Missing (undefined or null) when the run had no validation split. */
  valLoss?: number | null;
  valAccuracy?: number | null;
}

export interface TrainingCurvesPlotInput {
  history: readonly EpochRecord[];
  /** @default "<name>: <nTrain> training images", or "Training curves" */
  title?: string;
  /** The trained model's name and training-set size (a CNN experiment has both), for the default title. */
  name?: string;
  nTrain?: number;
}

/**
 * Loss and accuracy per epoch of CNN training (docs/paper-pipeline.md §3: Adam, cross-entropy, 10 epochs), two
 * panels side by side, training in shap's blue and validation (when recorded) dashed in shap's red.
 *
 * Takes anything with a `history`, such as a trained CNN experiment: `plots.trainingCurves(cnn.nrca)`.
 */
export function trainingCurves(run: TrainingCurvesPlotInput, options: { title?: string } = {}): Figure {
  const named = run.name === undefined ? "Training curves" : `${run.name}${run.nTrain === undefined ? "" : `: ${run.nTrain} training images`}`;
  const input = { history: run.history, title: options.title ?? run.title ?? named };
  const where = "plots.trainingCurves";
  const h = input.history;
  assertInput(h.length > 0, where, "history is empty");
  h.forEach((r, i) =>
    assertInput(Number.isFinite(r.epoch) && Number.isFinite(r.loss) && Number.isFinite(r.accuracy), where, `history[${i}] needs finite epoch, loss and accuracy`),
  );
  const epochs = h.map((r) => r.epoch);
  const hasVal = h.some((r) => (r.valLoss ?? null) !== null || (r.valAccuracy ?? null) !== null);
  const series = (name: string, values: Array<number | null | undefined>, axisN: string, colour: string, dash: string, showlegend: boolean): ScatterTrace => ({
    type: "scatter",
    mode: "lines+markers",
    name,
    x: epochs,
    y: values.map((v) => (v === undefined || v === null || !Number.isFinite(v) ? null : v)),
    xaxis: `x${axisN}`,
    yaxis: `y${axisN}`,
    line: { color: colour, width: 2, dash },
    marker: { color: colour, size: 6 },
    showlegend,
  });
  const data: ScatterTrace[] = [
    series("training", h.map((r) => r.loss), "", SHAP_BLUE, "solid", true),
    series("training", h.map((r) => r.accuracy), "2", SHAP_BLUE, "solid", false),
  ];
  if (hasVal) {
    data.push(series("validation", h.map((r) => r.valLoss), "", SHAP_RED, "dash", true));
    data.push(series("validation", h.map((r) => r.valAccuracy), "2", SHAP_RED, "dash", false));
  }
  const lo = Math.min(...epochs), hi = Math.max(...epochs);
  const xRange: [number, number] = [lo - 0.3, hi + 0.3];
  // Whole epochs as ticks unless there are too many of them.
  const ticks = hi - lo > 12 ? {} : { dtick: 1 };
  const layout = baseLayout(input.title, 900, 400, { l: 75, r: 30, t: 60, b: 90 });
  layout.xaxis = axis("Epoch", { domain: [0, 0.44], anchor: "y", range: xRange, ...ticks });
  layout.yaxis = axis("Loss (cross-entropy)", { anchor: "x" });
  layout.xaxis2 = axis("Epoch", { domain: [0.56, 1], anchor: "y2", range: xRange, ...ticks });
  layout.yaxis2 = axis("Accuracy", { anchor: "x2" });
  layout.showlegend = true;
  layout.legend = { orientation: "h", x: 0.5, xanchor: "center", y: -0.22, yanchor: "top" };
  return { data, layout };
}
