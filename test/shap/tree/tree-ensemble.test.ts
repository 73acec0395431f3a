import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../../../lib/core/errors";
import { predictTreeEnsemble, Tree, validateTreeEnsemble, withCoverWeightedValues } from "../../../lib/shap/tree/tree-ensemble";
import { handTree, singleTreeEnsemble } from "./helpers";


function rejects(tree: Tree, pattern: RegExp, nFeatures = 3): void {
  assert.throws(() => validateTreeEnsemble(singleTreeEnsemble(tree, nFeatures)), (e: unknown) => e instanceof InputError && pattern.test(e.message));
}

test("a valid tree passes and reports its depth", () => {
  assert.deepEqual(validateTreeEnsemble(singleTreeEnsemble(handTree())), [2]);
});

test("a child index out of range is named", () => {
  const t = handTree();
  t.childrenRight[1] = 9;
  rejects(t, /trees\[0\]: node 1 has child 9, out of range \[0, 7\)/);
});

test("a cycle (a node reached twice) is rejected", () => {
  const t = handTree();
  t.childrenLeft[2] = 0; // n2 points back to the root
  rejects(t, /node 0 is reached twice \(again from node 2\)/);
});

test("a shared child is rejected as a node reached twice", () => {
  const t = handTree();
  t.childrenLeft[2] = 3;
  rejects(t, /node 3 is reached twice/);
});

test("a node with a single child is a leaf/split inconsistency", () => {
  const t = handTree();
  t.childrenRight[1] = -1;
  rejects(t, /node 1 has childrenLeft 3 and childrenRight -1/);
});

test("mismatched array lengths are named", () => {
  const t = { ...handTree(), cover: Float64Array.of(100, 60, 40) };
  rejects(t, /cover has 3 entries but childrenLeft has 7/);
});

test("a split feature >= nFeatures (feature count mismatch) is rejected", () => {
  rejects(handTree(), /node 2 splits on feature 2, out of range \[0, 2\)/, 2);
});

test("non-finite thresholds and values, negative covers, zero-cover splits are rejected", () => {
  const a = handTree();
  a.threshold[1] = NaN;
  rejects(a, /node 1 has threshold NaN/);
  const b = handTree();
  b.value[4] = Infinity;
  rejects(b, /node 4 has value Infinity/);
  const c = handTree();
  c.cover[5] = -1;
  rejects(c, /node 5 has cover -1/);
  const d = handTree();
  d.cover[2] = 0;
  rejects(d, /split node 2 has cover 0/);
});

test("a node unreachable from the root is rejected", () => {
  const t: Tree = {
    childrenLeft: Int32Array.of(1, -1, -1, -1),
    childrenRight: Int32Array.of(2, -1, -1, -1),
    feature: Int32Array.of(0, -2, -2, -2),
    threshold: Float64Array.of(0, 0, 0, 0),
    value: Float64Array.of(1, 1, 1, 1),
    cover: Float64Array.of(2, 1, 1, 1),
  };
  rejects(t, /node 3 is not reachable from the root/, 1);
});

test("ensemble-level checks: scale length, no trees, feature names, nFeatures", () => {
  const e = singleTreeEnsemble(handTree());
  assert.throws(() => validateTreeEnsemble({ ...e, scale: Float64Array.of(1, 1) }), /one entry per tree \(1\), got length 2/);
  assert.throws(() => validateTreeEnsemble({ ...e, trees: [] }), /no trees/);
  assert.throws(() => validateTreeEnsemble({ ...e, featureNames: ["a"] }), /featureNames has 1 names for 3 features/);
  assert.throws(() => validateTreeEnsemble({ ...e, nFeatures: 0 }), /nFeatures must be a positive integer/);
});

test("predictions follow the hand tree of docs/shap-reference.md C.7 and scale the trees", () => {
  const e = { ...singleTreeEnsemble(handTree()), scale: Float64Array.of(0.5), baseOffset: 1 };
  const X = Float64Array.of(1, 0, 1, 0, 1, 0, 0, 0, 0);
  assert.deepEqual(Array.from(predictTreeEnsemble(e, X, 3)), [26, 11, 6]);
});

test("routing casts x to float32 before comparing (scikit-learn's rule)", () => {
  // float32(0.1) = 0.10000000149… > 0.1: sklearn sends x = 0.1 right of a float64 threshold of 0.1.
  const t: Tree = {
    childrenLeft: Int32Array.of(1, -1, -1),
    childrenRight: Int32Array.of(2, -1, -1),
    feature: Int32Array.of(0, -2, -2),
    threshold: Float64Array.of(0.1, -2, -2),
    value: Float64Array.of(0, -1, 1),
    cover: Float64Array.of(2, 1, 1),
  };
  assert.deepEqual(Array.from(predictTreeEnsemble(singleTreeEnsemble(t, 1), Float64Array.of(0.1, 0.09999999), 2)), [1, -1]);
});

test("predictTreeEnsemble rejects NaN features and empty input with the row named", () => {
  const e = singleTreeEnsemble(handTree());
  assert.throws(() => predictTreeEnsemble(e, Float64Array.of(1, 0, 1, 0, NaN, 0), 2), /row 1, feature 1 is NaN/);
  assert.throws(() => predictTreeEnsemble(e, new Float64Array(0), 0), /nRows must be a positive integer, got 0 \(empty input\)/);
  assert.throws(() => predictTreeEnsemble(e, new Float64Array(4), 2), /has 4 values, expected nRows × nFeatures = 2 × 3 = 6/);
});

test("withCoverWeightedValues recomputes split nodes bottom-up and keeps leaves", () => {
  const t = handTree();
  t.value.set([0, 0, 0], 0);
  const r = withCoverWeightedValues(t);
  assert.deepEqual(Array.from(r.value), [27, 15, 45, 10, 20, 30, 50]);
  assert.equal(t.value[0], 0, "the input is not modified");
});
