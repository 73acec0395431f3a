/** The random forest for magnitude (paper section 5): training, splits, missing values, metrics, TreeSHAP form. */
export { RandomForestRegressor, type RandomForestOptions, type TrainOptions, type RandomForestJson } from "./random-forest";
export { type RegressionTree, treeDepth, countLeaves, predictTreeRow } from "./regression-tree";
export { toTreeEnsemble } from "./to-tree-ensemble";
export { regressionMetrics, type RegressionMetrics } from "./metrics";
export { trainTestSplit, groupedTrainTestSplit, type TrainTestSplit, type SplitOptions } from "./train-test-split";
export { fillMissingWithTrainMean, type FilledTables, type FillMissingOptions } from "./fill-missing";
export { takeRows } from "./take-rows";
