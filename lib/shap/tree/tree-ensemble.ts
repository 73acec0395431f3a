/**
 * The neutral tree-ensemble form that shap's TreeExplainer and scikit-learn use (shap `TreeEnsemble` in
 * `shap/explainers/_tree.py`; sklearn `tree_` arrays). lib/shap/tree reads only this form; forests are
 * converted into it (lib/forest) or imported from a scikit-learn export.
 *
 * Per tree, parallel arrays over nodes (node 0 is the root):
 * - `childrenLeft`, `childrenRight`: child node indices, -1 at leaves;
 * - `feature`: split feature index (ignored at leaves; sklearn writes -2);
 * - `threshold`: go left iff float32(x[feature]) <= threshold (sklearn's rule);
 * - `value`: node prediction (for internal nodes, the cover-weighted mean of the children);
 * - `cover`: node training-sample weight (bootstrap-weighted for a random forest).
 * The ensemble output is baseOffset + sum over trees of scale[t] * tree_t(x) (scale 1/nTrees for a
 * random-forest mean).
 */
export interface Tree {
  readonly childrenLeft: Int32Array;
  readonly childrenRight: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly value: Float64Array;
  readonly cover: Float64Array;
}

export interface TreeEnsemble {
  readonly trees: readonly Tree[];
  /** Multiplier of each tree's output (1/nTrees for a random forest). */
  readonly scale: Float64Array;
  /** Number of input features. */
  readonly nFeatures: number;
  /** Constant added to the ensemble output (0 for a random forest). */
  readonly baseOffset: number;
  /** Optional feature names, length nFeatures. */
  readonly featureNames?: readonly string[];
}
