import { InputError } from "../core/errors";
import type { Tree, TreeEnsemble } from "../shap/tree/tree-ensemble";
import type { RandomForestRegressor } from "./random-forest";

/**
 * Converts a trained forest into the neutral `TreeEnsemble` form that lib/shap/tree explains (shap's
 * `TreeEnsemble` in shap/explainers/_tree.py; docs/shap-reference.md C.1): per tree, copies of the node
 * arrays (children, feature, threshold, bootstrap-weighted mean `value`, bootstrap-weighted `cover`), each
 * tree scaled by 1/nTrees and no offset, so the ensemble output is the forest's mean prediction (equal up to
 * rounding in the last bits: a sum of value/nTrees against a sum of values divided by nTrees).
 * Routing is unchanged: go left iff float32(x[feature]) <= threshold.
 * @param featureNames optional, one name per feature (e.g. `f12_c1_mean_spectral_power`)
 */
export function toTreeEnsemble(forest: RandomForestRegressor, featureNames?: readonly string[]): TreeEnsemble {
  const { trees, nFeatures } = forest;
  if (featureNames !== undefined && featureNames.length !== nFeatures) {
    throw new InputError("toTreeEnsemble featureNames", `has ${featureNames.length} names, but the forest was trained on ${nFeatures} features`);
  }
  const converted: Tree[] = trees.map((t) => ({
    childrenLeft: t.childrenLeft.slice(),
    childrenRight: t.childrenRight.slice(),
    feature: t.feature.slice(),
    threshold: t.threshold.slice(),
    value: t.value.slice(),
    cover: t.cover.slice(),
  }));
  return {
    trees: converted,
    scale: new Float64Array(trees.length).fill(1 / trees.length),
    nFeatures,
    baseOffset: 0,
    ...(featureNames !== undefined ? { featureNames: [...featureNames] } : {}),
  };
}
