/** The random forest for magnitude (paper section 5): training, missing values, metrics, TreeSHAP form. */
export { RandomForestRegressor, type RandomForestOptions, type TrainOptions, type RandomForestJson } from "./random-forest";
export { type RegressionTree, treeDepth, countLeaves, predictTreeRow } from "./regression-tree";
export { toTreeEnsemble } from "./to-tree-ensemble";
export { regressionMetrics, type RegressionMetrics } from "./metrics";
export { fillMissingWithTrainMean, type FilledTables, type FillMissingOptions } from "./fill-missing";
export { takeRows } from "./take-rows";
