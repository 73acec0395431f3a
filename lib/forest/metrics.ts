import { InputError } from "../core/errors";

/** Regression scores, scikit-learn's definitions (sklearn.metrics). */
export interface RegressionMetrics {
  /** Mean absolute error, in target units. */
  readonly mae: number;
  /** Mean squared error, in target units squared. */
  readonly mse: number;
  /** Root mean squared error, sqrt(mse). */
  readonly rmse: number;
  /** Coefficient of determination 1 - SS_res / SS_tot. */
  readonly r2: number;
  /** 1 - Var(yTrue - yPred) / Var(yTrue), population variances. */
  readonly explainedVariance: number;
}

/**
 * MAE, MSE, RMSE, R2 and explained variance of predictions, as sklearn's mean_absolute_error,
 * mean_squared_error, root_mean_squared_error, r2_score and explained_variance_score compute them
 * (paper section 5: MAE 0.1052, MSE 0.0212, RMSE 0.1457, R2 0.8834, explained variance 0.8835).
 * When yTrue is constant, R2 and explained variance follow sklearn's `force_finite`: 1 for a perfect
 * prediction, else 0.
 * @param yTrue observed targets
 * @param yPred predictions, same length
 * @throws InputError on empty or mismatched inputs and non-finite values
 */
export function regressionMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): RegressionMetrics {
  const n = yTrue.length;
  if (n === 0) throw new InputError("regressionMetrics", "empty test set (no targets to score)");
  if (yPred.length !== n) throw new InputError("regressionMetrics yPred", `has ${yPred.length} predictions for ${n} targets`);
  let sumTrue = 0;
  let sumDiff = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(yTrue[i])) throw new InputError("regressionMetrics yTrue", `value ${yTrue[i]} at index ${i}`);
    if (!Number.isFinite(yPred[i])) throw new InputError("regressionMetrics yPred", `value ${yPred[i]} at index ${i}`);
    sumTrue += yTrue[i];
    sumDiff += yTrue[i] - yPred[i];
  }
  const meanTrue = sumTrue / n;
  const meanDiff = sumDiff / n;
  let absSum = 0;
  let sqSum = 0;
  let ssTot = 0;
  let ssDiffCentred = 0;
  for (let i = 0; i < n; i++) {
    const d = yTrue[i] - yPred[i];
    absSum += Math.abs(d);
    sqSum += d * d;
    ssTot += (yTrue[i] - meanTrue) ** 2;
    ssDiffCentred += (d - meanDiff) ** 2;
  }
  const mse = sqSum / n;
  return {
    mae: absSum / n,
    mse,
    rmse: Math.sqrt(mse),
    r2: oneMinusRatio(sqSum, ssTot),
    explainedVariance: oneMinusRatio(ssDiffCentred, ssTot),
  };
}

/** 1 - numerator / denominator, with sklearn's force_finite rule for a zero denominator. */
function oneMinusRatio(numerator: number, denominator: number): number {
  if (denominator === 0) return numerator === 0 ? 1 : 0;
  return 1 - numerator / denominator;
}
