/**
 * TreeSHAP for tree ensembles in the neutral `TreeEnsemble` form (shap's TreeExplainer, spec:
 * docs/shap-reference.md C): path-dependent values and interactions, the interventional variant, a
 * scikit-learn importer, worker-thread parallelism and the `TreeExplainer` facade. The brute-force and Saabas
 * oracles the tests compare against live under test/shap/tree/.
 */
export { DEFAULT_ADDITIVITY_TOLERANCE, assertAdditivity } from "./additivity";
export { interventionalTreeShap } from "./interventional";
export { parallelTreeShap, parallelTreeShapInteractions } from "./parallel";
export type { ParallelTreeShapOptions } from "./parallel";
export { prepareTreeEnsemble } from "./prepared-ensemble";
export type { PreparedEnsemble, PreparedTree } from "./prepared-ensemble";
export { fromSklearnTrees } from "./sklearn-import";
export type { SklearnForestJson, SklearnImportOptions, SklearnTreeJson } from "./sklearn-import";
export { checkFeatureMatrix, predictTreeEnsemble, validateTree, validateTreeEnsemble, withCoverWeightedValues } from "./tree-ensemble";
export type { FeatureMatrix, Tree, TreeEnsemble } from "./tree-ensemble";
export { TreeExplainer } from "./tree-explainer";
export type { TreeExplainerOptions } from "./tree-explainer";
export { treeShapInteractions } from "./tree-interactions";
export type { TreeInteractionsResult } from "./tree-interactions";
export { treeShap } from "./tree-shap";
export type { TreeShapOptions, TreeShapResult } from "./tree-shap";
