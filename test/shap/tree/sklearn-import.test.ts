import { test } from "node:test";
import assert from "node:assert/strict";
import { fromSklearnTrees } from "../../../lib/shap/tree/sklearn-import";
import { predictTreeEnsemble } from "../../../lib/shap/tree/tree-ensemble";
import { assertClose, flat, loadTreeCases } from "./helpers";

// The AND tree of docs/shap-reference.md C.7 as scikit-learn exports it: tree_.value is n_nodes × 1 × 1.
const andTree = {
  children_left: [1, -1, 3, -1, -1],
  children_right: [2, -1, 4, -1, -1],
  feature: [1, -2, 0, -2, -2],
  threshold: [0.5, -2, 0.5, -2, -2],
  value: [[[20]], [[0]], [[40]], [[0]], [[80]]],
  weighted_n_node_samples: [4, 2, 2, 1, 1],
};

test("a single sklearn tree imports with scale 1 and nested values unwrapped", () => {
  const e = fromSklearnTrees({ trees: [andTree], n_features: 2 });
  assert.equal(e.nFeatures, 2);
  assert.deepEqual(Array.from(e.scale), [1]);
  assert.deepEqual(Array.from(e.trees[0].value), [20, 0, 40, 0, 80]);
  assert.deepEqual(Array.from(e.trees[0].cover), [4, 2, 2, 1, 1]);
  assert.deepEqual(Array.from(predictTreeEnsemble(e, Float64Array.of(0, 0, 0, 1, 1, 0, 1, 1), 4)), [0, 0, 0, 80]);
});

test("a forest gets scale 1/nTrees (mean) or 1 (sum)", () => {
  const mean = fromSklearnTrees([andTree, andTree, andTree, andTree], { nFeatures: 2 });
  assert.deepEqual(Array.from(mean.scale), [0.25, 0.25, 0.25, 0.25]);
  const sum = fromSklearnTrees([andTree, andTree], { nFeatures: 2, aggregation: "sum" });
  assert.deepEqual(Array.from(sum.scale), [1, 1]);
  assert.deepEqual(Array.from(predictTreeEnsemble(sum, Float64Array.of(1, 1), 1)), [160]);
});

test("split-node values are recomputed as cover-weighted means of the children (as shap does)", () => {
  const stale = { ...andTree, value: [0, 0, 0, 0, 80] };
  const e = fromSklearnTrees(stale, { nFeatures: 2 });
  assert.deepEqual(Array.from(e.trees[0].value), [20, 0, 40, 0, 80]);
});

test("the fixture spelling (features/thresholds/values/cover) is accepted", () => {
  const e = fromSklearnTrees({ children_left: [1, -1, -1], children_right: [2, -1, -1], features: [0, -2, -2], thresholds: [0, -2, -2], values: [0, 1, 3], cover: [4, 3, 1] }, { nFeatures: 1 });
  assert.deepEqual(Array.from(e.trees[0].value), [1.5, 1, 3]);
});

test("feature names come from the export or the options", () => {
  assert.deepEqual(fromSklearnTrees({ trees: [andTree], feature_names_in_: ["a", "b"] }).featureNames, ["a", "b"]);
  assert.deepEqual(fromSklearnTrees({ trees: [andTree], n_features: 2 }, { featureNames: ["x", "y"] }).featureNames, ["x", "y"]);
});

test("malformed exports get clear errors", () => {
  assert.throws(() => fromSklearnTrees({ trees: [andTree] }), /number of features is unknown.*options.nFeatures/);
  assert.throws(() => fromSklearnTrees({ trees: [] }, { nFeatures: 2 }), /no trees/);
  const { weighted_n_node_samples: _, ...noCover } = andTree;
  assert.throws(() => fromSklearnTrees(noCover as never, { nFeatures: 2 }), /trees\[0\]: missing per-node array "node_sample_weight" \/ "weighted_n_node_samples" \/ "cover"/);
  assert.throws(() => fromSklearnTrees({ ...andTree, value: [[[20, 1]], [[0]], [[40]], [[0]], [[80]]] }, { nFeatures: 2 }), /value\[0\]: has 2 entries: only single-output/);
  assert.throws(() => fromSklearnTrees({ ...andTree, feature: [1.5, -2, 0, -2, -2] }, { nFeatures: 2 }), /feature\[0\] is 1.5, not an integer/);
  assert.throws(() => fromSklearnTrees({ ...andTree, children_left: [1, -1, 7, -1, -1] }, { nFeatures: 2 }), /node 2 has child 7, out of range/);
  assert.throws(() => fromSklearnTrees({ trees: [andTree] }, { nFeatures: 1 }), /node 0 splits on feature 1, out of range \[0, 1\)/);
});

test("the fixture's 7-tree sklearn forest predicts what sklearn predicted", () => {
  const cases = loadTreeCases();
  const rf = cases.random_forest;
  const e = fromSklearnTrees(rf, { nFeatures: rf.X[0].length });
  assert.equal(e.trees.length, 7);
  assertClose(predictTreeEnsemble(e, flat(rf.X), rf.X.length), rf.prediction, 1e-12, "prediction");
});
