import type * as tf from "@tensorflow/tfjs";
import { evaluateClassifier, type ClassificationMetrics } from "../cnn/evaluate";
import { predictCnn, type CnnPredictions } from "../cnn/predict";
import { savePredictionsCsv } from "../cnn/save-predictions";
import { InputError } from "../core/errors";
import type { ImageSubset } from "./cnn-image-subset";

/** A trained CNN2D scored on some images. */
export interface CnnEvaluation {
  /** Accuracy, precision, recall, F1 (aftershock = positive), confusion matrix, accuracy per station. */
  readonly metrics: ClassificationMetrics;
  /** Logits, probabilities and predicted labels, in the subset's order. */
  readonly predictions: CnnPredictions;
  /** The CSV written (one row per image), or null. */
  readonly predictionsFile: string | null;
}

/**
 * Runs `model` (trained: it carries its input standardisation) on `subset` and scores it with
 * `evaluateClassifier`, per station included (paper section 3 reports accuracy, precision, recall, F1).
 * With `predictionsFile`, also writes the predictions there (`savePredictionsCsv`, atomic).
 *
 * @throws InputError naming `where` for an empty subset
 */
export function evaluateCnnOnSubset(model: tf.LayersModel, subset: ImageSubset, where: string, predictionsFile?: string): CnnEvaluation {
  if (subset.n === 0) throw new InputError(where, "nothing to evaluate: the split is empty");
  const predictions = predictCnn(model, subset.images, subset.n);
  const metrics = evaluateClassifier(subset.labels, predictions.labels, { stations: subset.stations });
  if (predictionsFile !== undefined) {
    savePredictionsCsv(predictionsFile, { predictions, trueLabels: subset.labels, traceNames: subset.traceNames, stations: subset.stations });
  }
  return { metrics, predictions, predictionsFile: predictionsFile ?? null };
}
