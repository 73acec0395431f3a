import { assertAdditivity, DEFAULT_ADDITIVITY_TOLERANCE } from "../../../lib/shap/tree/additivity";
import { PreparedEnsemble, predictPreparedRow, prepareTreeEnsemble, roundToFloat32 } from "../../../lib/shap/tree/prepared-ensemble";
import { checkFeatureMatrix, FeatureMatrix, TreeEnsemble } from "../../../lib/shap/tree/tree-ensemble";
import { TreeShapOptions, TreeShapResult } from "../../../lib/shap/tree/tree-shap";

/**
 * Saabas path attributions (shap `TreeExplainer.shap_values(X, approximate=True)`; Saabas's "treeinterpreter";
 * docs/shap-reference.md C.7): walking x's decision path, each split credits its feature with
 * value(child taken) − value(node), node values being the cover-weighted means shap uses. Additive
 * (E + Σφ = f(x)) and O(depth) per tree, but not Shapley values: they are inconsistent (the AND tree gives
 * (0, −20) for x = (0, 0), exact TreeSHAP (−10, −10)) and credit only features on the path.
 *
 * @param X nRows × nFeatures, row-major, finite (float32 routing)
 */
export function saabasValues(ensemble: TreeEnsemble, X: FeatureMatrix, nRows: number, options: TreeShapOptions = {}): TreeShapResult {
  return saabasValuesPrepared(prepareTreeEnsemble(ensemble, "saabasValues: ensemble"), X, nRows, options);
}

/** `saabasValues` on an ensemble prepared with `prepareTreeEnsemble`. */
export function saabasValuesPrepared(p: PreparedEnsemble, X: FeatureMatrix, nRows: number, options: TreeShapOptions = {}): TreeShapResult {
  const { checkAdditivity = true, tolerance = DEFAULT_ADDITIVITY_TOLERANCE } = options;
  checkFeatureMatrix(X, nRows, p.nFeatures, "saabasValues: X");
  const nF = p.nFeatures;
  const xRound = roundToFloat32(X);
  const values = new Float64Array(nRows * nF);
  const predictions = new Float64Array(nRows);
  for (let row = 0; row < nRows; row++) {
    const x0 = row * nF;
    for (const { childrenLeft, childrenRight, feature, threshold, scaledValue } of p.trees) {
      let node = 0;
      while (childrenLeft[node] !== -1) {
        const f = feature[node];
        const next = xRound[x0 + f] <= threshold[node] ? childrenLeft[node] : childrenRight[node];
        values[x0 + f] += scaledValue[next] - scaledValue[node];
        node = next;
      }
    }
    predictions[row] = predictPreparedRow(p, xRound, x0);
  }
  if (checkAdditivity) assertAdditivity(values, p.expectedValue, predictions, nRows, nF, tolerance, "saabasValues");
  return { values, expectedValue: p.expectedValue, predictions, nRows, nFeatures: nF };
}
