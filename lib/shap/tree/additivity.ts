import { InputError } from "../../core/errors";

/** Default additivity tolerance, relative to max(1, |f(x)|): exact TreeSHAP leaves residuals near 1e-12. */
export const DEFAULT_ADDITIVITY_TOLERANCE = 1e-6;

/**
 * SHAP's efficiency property, checked row by row as shap's `TreeExplainer(check_additivity=True)` does
 * (`assert_additivity` in `shap/explainers/_tree.py`), but much tighter than its atol = rtol = 1e-2: throws
 * unless `|expectedValue + Σ_i values[row, i] − predictions[row]| ≤ tolerance · max(1, |predictions[row]|)`
 * for every row. The error names the first failing row (counted from `rowOffset`), both sides and the residual.
 *
 * @param values nRows × nFeatures SHAP values, row-major
 * @param predictions nRows model outputs f(x)
 */
export function assertAdditivity(
  values: Float64Array,
  expectedValue: number,
  predictions: Float64Array,
  nRows: number,
  nFeatures: number,
  tolerance: number,
  where: string,
  rowOffset = 0,
): void {
  if (!(tolerance >= 0)) throw new InputError(where, `tolerance must be a number >= 0, got ${tolerance}`);
  for (let row = 0; row < nRows; row++) {
    let sum = expectedValue;
    for (let i = 0; i < nFeatures; i++) sum += values[row * nFeatures + i];
    const residual = sum - predictions[row];
    if (!(Math.abs(residual) <= tolerance * Math.max(1, Math.abs(predictions[row])))) {
      throw new InputError(
        where,
        `additivity check failed at row ${row + rowOffset}: expected value + sum of SHAP values = ${sum} but the model ` +
          `predicts ${predictions[row]} (residual ${residual}, tolerance ${tolerance} relative to max(1, |f(x)|)). ` +
          `The ensemble's covers or values are inconsistent, or the input differs from what the model saw; ` +
          `pass checkAdditivity: false to skip this check.`,
      );
    }
  }
}
