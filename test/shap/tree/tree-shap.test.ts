import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { bruteForceTreeShap } from "./brute-force";
import { fromSklearnTrees } from "../../../lib/shap/tree/sklearn-import";
import { Tree, TreeEnsemble } from "../../../lib/shap/tree/tree-ensemble";
import { treeShap } from "../../../lib/shap/tree/tree-shap";
import { andTree, assertClose, flat, handTree, loadTreeCases, randomEnsemble, randomRows, singleTreeEnsemble } from "./helpers";


test("docs/shap-reference.md C.7: φ(1,0,1) = (21, −1.5, 3.5), φ(0,1,0) = (−8, 4, −3), φ(0,0,0) = (−10, −4, −3)", () => {
  const r = treeShap(singleTreeEnsemble(handTree()), Float64Array.of(1, 0, 1, 0, 1, 0, 0, 0, 0), 3);
  assert.equal(r.expectedValue, 27);
  assertClose(r.values, [21, -1.5, 3.5, -8, 4, -3, -10, -4, -3], 1e-12);
  assert.deepEqual(Array.from(r.predictions), [50, 20, 10]);
});

test("docs/shap-reference.md C.7: the AND tree gives (−10,−10), (−30,10), (10,−30), (30,30)", () => {
  const r = treeShap(singleTreeEnsemble(andTree(), 2), Float64Array.of(0, 0, 0, 1, 1, 0, 1, 1), 4);
  assert.equal(r.expectedValue, 20);
  assertClose(r.values, [-10, -10, -30, 10, 10, -30, 30, 30], 1e-12);
});

test("docs/shap-reference.md C.7: a forest with a relabelled copy: E = 40.5, φ(1,0,1) = (14, −2.25, 22.75)", () => {
  const forest: TreeEnsemble = { trees: [handTree(), handTree(2, [2, 1, 0])], scale: Float64Array.of(0.5, 0.5), nFeatures: 3, baseOffset: 0 };
  const r = treeShap(forest, Float64Array.of(1, 0, 1), 1);
  assert.equal(r.expectedValue, 40.5);
  assertClose(r.values, [14, -2.25, 22.75], 1e-12);
});

// Measured worst |difference|: 3.6e-15 (values up to 23); the README states 1e-14.
test("shap fixture: hand tree, AND tree and the 7-tree sklearn forest within 1e-14", () => {
  const cases = loadTreeCases();
  for (const name of ["hand_tree", "and_tree", "random_forest"]) {
    const c = cases[name];
    const nF = c.X[0].length;
    const e = fromSklearnTrees(c.trees ? c : c.tree, { nFeatures: nF });
    const r = treeShap(e, flat(c.X), c.X.length, { tolerance: 1e-12 });
    assertClose(r.values, flat(c.shap), 1e-14, `${name} shap`);
    assertClose([r.expectedValue], [c.expected_value], 1e-12, `${name} expected value`);
    if (c.prediction) assertClose(r.predictions, c.prediction, 1e-12, `${name} prediction`);
  }
});

test("equals the brute-force Shapley values of E[f | x_S] on random trees (repeated features, empty leaves)", () => {
  const rng = new Rng("tree-shap brute force");
  for (let trial = 0; trial < 40; trial++) {
    const nFeatures = 1 + rng.int(6);
    const e = randomEnsemble(rng, 1 + rng.int(3), { nFeatures, maxDepth: 2 + rng.int(6), emptyLeafProbability: trial % 4 === 0 ? 0.2 : 0 }, rng.normal());
    const X = randomRows(rng, 3, nFeatures);
    const r = treeShap(e, X, 3, { tolerance: 1e-12 });
    assertClose(r.values, bruteForceTreeShap(e, X, 3), 1e-10, `trial ${trial}`);
  }
});

test("deep trees (depth 30) keep additivity to 1e-12", () => {
  const rng = new Rng("deep");
  const e = randomEnsemble(rng, 3, { nFeatures: 8, maxDepth: 30, splitProbability: 0.97 });
  const X = randomRows(rng, 5, 8);
  const r = treeShap(e, X, 5, { checkAdditivity: false });
  for (let row = 0; row < 5; row++) {
    let sum = r.expectedValue;
    for (let i = 0; i < 8; i++) sum += r.values[row * 8 + i];
    assert.ok(Math.abs(sum - r.predictions[row]) < 1e-12, `row ${row}: residual ${sum - r.predictions[row]}`);
  }
});

test("a feature the tree never splits on gets exactly 0; a single-leaf tree gives all zeros", () => {
  const r = treeShap(singleTreeEnsemble(handTree(), 4), Float64Array.of(1, 0, 1, 7), 1);
  assert.equal(r.values[3], 0);
  const leaf: Tree = { childrenLeft: Int32Array.of(-1), childrenRight: Int32Array.of(-1), feature: Int32Array.of(-2), threshold: Float64Array.of(-2), value: Float64Array.of(5), cover: Float64Array.of(3) };
  const s = treeShap(singleTreeEnsemble(leaf, 2), Float64Array.of(1, 2), 1);
  assert.deepEqual(Array.from(s.values), [0, 0]);
  assert.equal(s.expectedValue, 5);
});

test("an additivity failure names the row and the residual", () => {
  // Covers that do not add up (60 + 40 ≠ 120 at the root) make E + Σφ differ from f(x).
  const bad = handTree();
  bad.cover[0] = 120;
  assert.throws(
    () => treeShap(singleTreeEnsemble(bad), Float64Array.of(0, 0, 0, 1, 0, 1), 2),
    /treeShap: additivity check failed at row 0: expected value \+ sum of SHAP values = [-\d.e]+ but the model predicts 10 \(residual [-\d.e]+, tolerance 0.000001/,
  );
  const r = treeShap(singleTreeEnsemble(bad), Float64Array.of(1, 0, 1), 1, { checkAdditivity: false });
  assert.equal(r.values.length, 3);
});

test("bad input: NaN features, empty X, wrong length, negative tolerance", () => {
  const e = singleTreeEnsemble(handTree());
  assert.throws(() => treeShap(e, Float64Array.of(1, 0, NaN), 1), /treeShap: X: row 0, feature 2 is NaN: missing or infinite feature values are not supported/);
  assert.throws(() => treeShap(e, new Float64Array(0), 0), /treeShap: X: nRows must be a positive integer, got 0 \(empty input\)/);
  assert.throws(() => treeShap(e, new Float64Array(5), 2), /has 5 values, expected nRows × nFeatures = 2 × 3 = 6/);
  assert.throws(() => treeShap(e, Float64Array.of(1, 0, 1), 1, { tolerance: -1 }), /tolerance must be a number >= 0/);
  assert.throws(() => treeShap({ ...e, nFeatures: 2 }, Float64Array.of(1, 0), 1), /treeShap: ensemble.trees\[0\]: node 2 splits on feature 2, out of range/);
});

test("Float32Array input gives the same values as Float64Array", () => {
  const x64 = Float64Array.of(1, 0, 1, 0.25, 0.75, 0.5);
  const a = treeShap(singleTreeEnsemble(handTree()), x64, 2);
  const b = treeShap(singleTreeEnsemble(handTree()), Float32Array.from(x64), 2);
  assert.deepEqual(a.values, b.values);
});
