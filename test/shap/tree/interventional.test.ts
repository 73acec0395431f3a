import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { bruteForceInterventionalShap } from "./brute-force";
import { interventionalTreeShap } from "../../../lib/shap/tree/interventional";
import { fromSklearnTrees } from "../../../lib/shap/tree/sklearn-import";
import { predictTreeEnsemble, TreeEnsemble } from "../../../lib/shap/tree/tree-ensemble";
import { assertClose, flat, handTree, loadTreeCases, randomEnsemble, randomRows, singleTreeEnsemble } from "./helpers";

const hand: TreeEnsemble = singleTreeEnsemble(handTree());

test("docs/shap-reference.md C.7: reference r = (0,1,0) gives φ(1,0,1) = (25, −5, 10) and E = f(r) = 20", () => {
  const r = interventionalTreeShap(hand, Float64Array.of(1, 0, 1), 1, Float64Array.of(0, 1, 0), 1);
  assert.equal(r.expectedValue, 20);
  assertClose(r.values, [25, -5, 10], 1e-12);
});

// shap computes the interventional variant in float32: measured worst |difference| 2.9e-8 (values up to 4.6).
test("shap fixture: hand tree and the sklearn forest (10 background rows) within 1e-7", () => {
  const cases = loadTreeCases();
  const h = cases.hand_tree_interventional;
  const rh = interventionalTreeShap(fromSklearnTrees(cases.hand_tree.tree, { nFeatures: 3 }), flat(h.X), h.X.length, flat(h.background), h.background.length);
  assertClose(rh.values, flat(h.shap), 1e-7, "hand tree");
  assertClose([rh.expectedValue], [h.expected_value], 1e-12, "hand tree expected value");
  const rf = cases.random_forest;
  const iv = rf.interventional;
  const nRows = iv.shap.length;
  const r = interventionalTreeShap(fromSklearnTrees(rf, { nFeatures: 6 }), flat(rf.X.slice(0, nRows)), nRows, flat(rf.X.slice(0, 10)), 10);
  assertClose(r.values, flat(iv.shap), 1e-7, "random forest");
  assertClose([r.expectedValue], [iv.expected_value], 1e-7, "random forest expected value");
});

test("equals the brute-force Shapley values of mean_r f(x_S, r_rest) on random trees", () => {
  const rng = new Rng("interventional brute force");
  for (let trial = 0; trial < 30; trial++) {
    const nF = 1 + rng.int(5);
    const e = randomEnsemble(rng, 1 + rng.int(3), { nFeatures: nF, maxDepth: 2 + rng.int(6) }, rng.normal());
    const X = randomRows(rng, 2, nF);
    const nB = 1 + rng.int(4);
    const B = randomRows(rng, nB, nF);
    const r = interventionalTreeShap(e, X, 2, B, nB, { tolerance: 1e-12 });
    assertClose(r.values, bruteForceInterventionalShap(e, X, 2, B, nB), 1e-10, `trial ${trial}`);
    const meanPrediction = predictTreeEnsemble(e, B, nB).reduce((a, b) => a + b, 0) / nB;
    assert.ok(Math.abs(r.expectedValue - meanPrediction) < 1e-12, `trial ${trial}: expected value`);
  }
});

test("bad background: wrong width, NaN, empty", () => {
  const X = Float64Array.of(1, 0, 1);
  assert.throws(() => interventionalTreeShap(hand, X, 1, Float64Array.of(0, 1), 1), /background: has 2 values, expected nRows × nFeatures = 1 × 3 = 3/);
  assert.throws(() => interventionalTreeShap(hand, X, 1, Float64Array.of(0, NaN, 0), 1), /background: row 0, feature 1 is NaN/);
  assert.throws(() => interventionalTreeShap(hand, X, 1, new Float64Array(0), 0), /background: nRows must be a positive integer/);
});
