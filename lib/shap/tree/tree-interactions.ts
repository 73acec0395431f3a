import { assertAdditivity, DEFAULT_ADDITIVITY_TOLERANCE } from "./additivity";
import { PathDependentWalker } from "./path-dependent-walker";
import { PreparedEnsemble, predictPreparedRow, prepareTreeEnsemble, roundToFloat32 } from "./prepared-ensemble";
import { checkFeatureMatrix, FeatureMatrix, TreeEnsemble } from "./tree-ensemble";
import { TreeShapOptions } from "./tree-shap";

/** SHAP interaction values of a tree ensemble for nRows rows. */
export interface TreeInteractionsResult {
  /**
   * nRows × nFeatures × nFeatures, row-major: values[(row · F + j) · F + k]. Symmetric in (j, k); row j sums
   * to the SHAP value of feature j, so the whole matrix sums to f(x) − expectedValue.
   */
  readonly values: Float64Array;
  /** The SHAP values themselves, nRows × nFeatures (the row sums of `values`). */
  readonly shapValues: Float64Array;
  readonly expectedValue: number;
  readonly predictions: Float64Array;
  readonly nRows: number;
  readonly nFeatures: number;
}

/**
 * Path-dependent SHAP interaction values (shap `TreeExplainer.shap_interaction_values`; Lundberg et al. 2020;
 * docs/shap-reference.md C.4), computed as shap does: for each feature j, TreeSHAP is rerun with j
 * conditioned "on" and "off" (`PathDependentWalker` conditioning), Φ_jk = (φ_k | j on − φ_k | j off) / 2 for
 * k ≠ j, and Φ_jj = φ_j − Σ_{k≠j} Φ_jk. Only trees that split on j are rerun: in the others "on" and "off"
 * walk identically, so their difference is exactly 0. Cost ≈ (2 · features used per tree + 1) × `treeShap`.
 *
 * @param X nRows × nFeatures, row-major, finite (routing on float32-rounded values)
 * @param options additivity check of the SHAP values (default on, tolerance 1e-6 relative to max(1, |f(x)|))
 */
export function treeShapInteractions(ensemble: TreeEnsemble, X: FeatureMatrix, nRows: number, options: TreeShapOptions = {}): TreeInteractionsResult {
  return treeShapInteractionsPrepared(prepareTreeEnsemble(ensemble, "treeShapInteractions: ensemble"), X, nRows, options);
}

/** `treeShapInteractions` on an ensemble already prepared with `prepareTreeEnsemble`. */
export function treeShapInteractionsPrepared(p: PreparedEnsemble, X: FeatureMatrix, nRows: number, options: TreeShapOptions = {}): TreeInteractionsResult {
  const { checkAdditivity = true, tolerance = DEFAULT_ADDITIVITY_TOLERANCE } = options;
  checkFeatureMatrix(X, nRows, p.nFeatures, "treeShapInteractions: X");
  const nF = p.nFeatures;
  const xRound = roundToFloat32(X);
  const values = new Float64Array(nRows * nF * nF);
  const shapValues = new Float64Array(nRows * nF);
  const predictions = new Float64Array(nRows);
  const walker = new PathDependentWalker(p.maxDepth, nF);
  const on = new Float64Array(nF), off = new Float64Array(nF);
  for (let row = 0; row < nRows; row++) {
    const x0 = row * nF;
    for (const tree of p.trees) walker.addTree(tree, xRound, x0, shapValues, x0);
    predictions[row] = predictPreparedRow(p, xRound, x0);
    for (let j = 0; j < nF; j++) {
      on.fill(0);
      off.fill(0);
      for (const tree of p.trees) {
        if (tree.usesFeature[j] === 0) continue;
        walker.addTree(tree, xRound, x0, on, 0, 1, j);
        walker.addTree(tree, xRound, x0, off, 0, -1, j);
      }
      const rowOffset = (row * nF + j) * nF;
      let diagonal = shapValues[x0 + j];
      for (let k = 0; k < nF; k++) {
        if (k === j) continue;
        const v = (on[k] - off[k]) / 2;
        values[rowOffset + k] = v;
        diagonal -= v;
      }
      values[rowOffset + j] = diagonal;
    }
  }
  if (checkAdditivity) assertAdditivity(shapValues, p.expectedValue, predictions, nRows, nF, tolerance, "treeShapInteractions");
  return { values, shapValues, expectedValue: p.expectedValue, predictions, nRows, nFeatures: nF };
}
