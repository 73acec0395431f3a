/**
 * Binary classification metrics as the paper reports them (accuracy, precision, recall, F1 with the
 * aftershock class 1 as positive; docs/paper-pipeline.md section 3), the confusion matrix in scikit-learn's
 * layout, and accuracy per station.
 */
import { InputError } from "../core/errors";

/** Accuracy of one station's traces. */
export interface StationAccuracy {
  station: string;
  n: number;
  correct: number;
  accuracy: number;
}

/** Result of `evaluateClassifier`. */
export interface ClassificationMetrics {
  n: number;
  accuracy: number;
  /** tp / (tp + fp); 0 when nothing was predicted positive (scikit-learn's zero_division=0). */
  precision: number;
  /** tp / (tp + fn); 0 when there are no positives. */
  recall: number;
  /** 2 precision recall / (precision + recall); 0 when both are 0. */
  f1: number;
  /** [[tn, fp], [fn, tp]]: rows are true classes, columns predicted (sklearn.metrics.confusion_matrix). */
  confusion: [[number, number], [number, number]];
  /** Per station, sorted by station name; present when `stations` was given. */
  perStation?: StationAccuracy[];
}

/** Options of `evaluateClassifier`. */
export interface EvaluateClassifierOptions {
  /** Station (receiver_name) of each sample, same order as the labels. */
  stations?: ArrayLike<string>;
}

/**
 * Metrics of binary predictions against true labels (0 = foreshock, 1 = aftershock = positive class).
 *
 * @throws InputError on an empty set, length mismatches or labels other than 0 and 1
 */
export function evaluateClassifier(trueLabels: ArrayLike<number>, predictedLabels: ArrayLike<number>, options: EvaluateClassifierOptions = {}): ClassificationMetrics {
  const n = trueLabels.length;
  if (n === 0) throw new InputError("evaluateClassifier", "no samples: the split is empty");
  if (predictedLabels.length !== n) throw new InputError("evaluateClassifier", `${n} true labels but ${predictedLabels.length} predictions`);
  const { stations } = options;
  if (stations !== undefined && stations.length !== n) throw new InputError("evaluateClassifier", `${n} labels but ${stations.length} stations`);
  let tn = 0;
  let fp = 0;
  let fn = 0;
  let tp = 0;
  const byStation = new Map<string, { n: number; correct: number }>();
  for (let i = 0; i < n; i++) {
    const t = trueLabels[i];
    const p = predictedLabels[i];
    if (t !== 0 && t !== 1) throw new InputError("evaluateClassifier", `true label ${i} is ${t}, expected 0 or 1`);
    if (p !== 0 && p !== 1) throw new InputError("evaluateClassifier", `predicted label ${i} is ${p}, expected 0 or 1`);
    if (t === 1 && p === 1) tp++;
    else if (t === 1) fn++;
    else if (p === 1) fp++;
    else tn++;
    if (stations !== undefined) {
      const s = byStation.get(stations[i]) ?? { n: 0, correct: 0 };
      s.n++;
      if (t === p) s.correct++;
      byStation.set(stations[i], s);
    }
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  const metrics: ClassificationMetrics = {
    n,
    accuracy: (tp + tn) / n,
    precision,
    recall,
    f1,
    confusion: [
      [tn, fp],
      [fn, tp],
    ],
  };
  if (stations !== undefined) {
    metrics.perStation = [...byStation.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([station, s]) => ({ station, n: s.n, correct: s.correct, accuracy: s.correct / s.n }));
  }
  return metrics;
}
