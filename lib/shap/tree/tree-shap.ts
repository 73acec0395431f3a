import { assertAdditivity, DEFAULT_ADDITIVITY_TOLERANCE } from "./additivity";
import { PathDependentWalker } from "./path-dependent-walker";
import { PreparedEnsemble, predictPreparedRow, prepareTreeEnsemble, roundToFloat32 } from "./prepared-ensemble";
import { checkFeatureMatrix, FeatureMatrix, TreeEnsemble } from "./tree-ensemble";

/** Options of `treeShap` and `interventionalTreeShap`. */
export interface TreeShapOptions {
  /** Check base + Σφ = f(x) on every row and throw naming the row otherwise. @default true */
  checkAdditivity?: boolean;
  /** Largest accepted |residual| relative to max(1, |f(x)|). @default 1e-6 */
  tolerance?: number;
}

/** SHAP values of a tree ensemble for nRows rows. */
export interface TreeShapResult {
  /** nRows × nFeatures, row-major: values[row * nFeatures + feature], in the units of the model output. */
  readonly values: Float64Array;
  /** E[f(X)], the same for every row (shap's `expected_value`). */
  readonly expectedValue: number;
  /** f(x) per row (float32 routing, as scikit-learn predicts). */
  readonly predictions: Float64Array;
  readonly nRows: number;
  readonly nFeatures: number;
}

/**
 * Exact path-dependent TreeSHAP (shap `TreeExplainer(model, feature_perturbation="tree_path_dependent")`;
 * Lundberg et al. 2020, Algorithm 2; docs/shap-reference.md C.1-C.3, C.6). Each value is the
 * Shapley value of the game v(S) = E_tree[f(x) | x_S], where at a split on a feature outside S both branches
 * are averaged by training cover; features off x's decision path can get non-zero credit. Agrees with shap 0.51
 * to ~1e-15 (cost O(rows · leaves · depth²)).
 *
 * @param ensemble validated here; internal node values are recomputed as cover-weighted means (as shap does)
 * @param X nRows × nFeatures inputs, row-major, finite (compared after rounding to float32, like sklearn)
 * @returns values (nRows × nFeatures), expectedValue (sum of the trees' scaled root values + baseOffset) and
 *   predictions; throws an `InputError` naming the row and residual if the additivity check fails
 */
export function treeShap(ensemble: TreeEnsemble, X: FeatureMatrix, nRows: number, options: TreeShapOptions = {}): TreeShapResult {
  return treeShapPrepared(prepareTreeEnsemble(ensemble, "treeShap: ensemble"), X, nRows, options);
}

/** `treeShap` on an ensemble already prepared with `prepareTreeEnsemble` (what TreeExplainer and the workers call). */
export function treeShapPrepared(p: PreparedEnsemble, X: FeatureMatrix, nRows: number, options: TreeShapOptions = {}): TreeShapResult {
  const { checkAdditivity = true, tolerance = DEFAULT_ADDITIVITY_TOLERANCE } = options;
  checkFeatureMatrix(X, nRows, p.nFeatures, "treeShap: X");
  const nF = p.nFeatures;
  const xRound = roundToFloat32(X);
  const values = new Float64Array(nRows * nF);
  const predictions = new Float64Array(nRows);
  const walker = new PathDependentWalker(p.maxDepth, p.nFeatures);
  for (let row = 0; row < nRows; row++) {
    for (const tree of p.trees) walker.addTree(tree, xRound, row * nF, values, row * nF);
    predictions[row] = predictPreparedRow(p, xRound, row * nF);
  }
  if (checkAdditivity) assertAdditivity(values, p.expectedValue, predictions, nRows, nF, tolerance, "treeShap");
  return { values, expectedValue: p.expectedValue, predictions, nRows, nFeatures: nF };
}
