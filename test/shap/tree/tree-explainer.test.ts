import { test } from "node:test";
import assert from "node:assert/strict";
import { fromSklearnTrees } from "../../../lib/shap/tree/sklearn-import";
import { TreeEnsemble } from "../../../lib/shap/tree/tree-ensemble";
import { TreeExplainer } from "../../../lib/shap/tree/tree-explainer";
import { assertClose, flat, handTree, loadTreeCases, singleTreeEnsemble } from "./helpers";

const hand: TreeEnsemble = { ...singleTreeEnsemble(handTree()), featureNames: ["x0", "x1", "x2"] };

test("path-dependent by default: an explanation with tiled base values, data and names", () => {
  const explainer = new TreeExplainer(hand);
  assert.equal(explainer.featurePerturbation, "tree_path_dependent");
  assert.equal(explainer.expectedValue, 27);
  const X = Float64Array.of(1, 0, 1, 0, 1, 0);
  const e = explainer.explain(X, 2);
  assertClose(e.values, [21, -1.5, 3.5, -8, 4, -3], 1e-12);
  assert.deepEqual(Array.from(e.baseValues), [27, 27]);
  assert.deepEqual(Array.from(e.data), Array.from(X));
  assert.deepEqual(e.featureNames, ["x0", "x1", "x2"]);
  assertClose(e.outputs(), [50, 20], 1e-12);
});

test("interventional when background data is given (shap's 'auto')", () => {
  const explainer = new TreeExplainer(hand, { data: Float64Array.of(0, 1, 0) });
  assert.equal(explainer.featurePerturbation, "interventional");
  assert.equal(explainer.expectedValue, 20);
  assertClose(explainer.explain(Float64Array.of(1, 0, 1), 1).values, [25, -5, 10], 1e-12);
});

test("option errors are explicit", () => {
  assert.throws(() => new TreeExplainer(hand, { featurePerturbation: "interventional" }), /needs background rows in options.data/);
  assert.throws(() => new TreeExplainer(hand, { featurePerturbation: "tree_path_dependent", data: Float64Array.of(0, 1, 0) }), /only used by featurePerturbation "interventional"/);
  assert.throws(() => new TreeExplainer(hand, { data: Float64Array.of(0, 1) }), /data: has 2 values, not a multiple of nFeatures = 3/);
  assert.throws(() => new TreeExplainer(hand, { featureNames: ["a"] }), /1 feature names for 3 features/);
  assert.throws(() => new TreeExplainer(hand, { workers: -1 }), /workers must be an integer >= 0/);
  const iv = new TreeExplainer(hand, { data: Float64Array.of(0, 1, 0) });
  assert.throws(() => iv.interactionValues(Float64Array.of(1, 0, 1), 1), /only defined for featurePerturbation "tree_path_dependent"/);
});

test("interaction values through the explainer", () => {
  const r = new TreeExplainer(hand).interactionValues(Float64Array.of(1, 0, 1), 1);
  assertClose(r.values, [18, 1.5, 1.5, 1.5, -3, 0, 1.5, 0, 2], 1e-12);
});

test("shap fixture forest: explain() matches shap's values and expected value", () => {
  const cases = loadTreeCases();
  const rf = cases.random_forest;
  const explainer = new TreeExplainer(fromSklearnTrees(rf, { nFeatures: 6 }), { tolerance: 1e-12 });
  const e = explainer.explain(flat(rf.X), rf.X.length);
  assertClose(e.values, flat(rf.shap), 1e-14);
  assertClose(e.baseValues, new Array(rf.X.length).fill(rf.expected_value), 1e-12);
});
