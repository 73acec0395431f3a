import { test } from "node:test";
import assert from "node:assert/strict";
import { readGoldenJson } from "../helpers/golden";
import { countLeaves, predictTreeRow, treeDepth } from "../../lib/forest/regression-tree";
import type { Tree } from "../../lib/shap/tree/tree-ensemble";

interface SklearnTree {
  children_left: number[];
  children_right: number[];
  features: number[];
  thresholds: number[];
  values: number[];
  cover: number[];
}

function fromSklearn(t: SklearnTree): Tree {
  return {
    childrenLeft: Int32Array.from(t.children_left),
    childrenRight: Int32Array.from(t.children_right),
    feature: Int32Array.from(t.features),
    threshold: Float64Array.from(t.thresholds),
    value: Float64Array.from(t.values),
    cover: Float64Array.from(t.cover),
  };
}

test("routing reproduces scikit-learn's predictions of its 7-tree forest (test/golden/shap/tree_cases.json)", () => {
  const fixture = readGoldenJson("shap/tree_cases.json").random_forest;
  const trees = (fixture.trees as SklearnTree[]).map(fromSklearn);
  const X: number[][] = fixture.X;
  const xF32 = Float32Array.from(X.flat());
  const nFeatures = X[0].length;
  X.forEach((_, r) => {
    const mean = trees.reduce((s, tree) => s + predictTreeRow(tree, xF32, r * nFeatures), 0) / trees.length;
    assert.ok(Math.abs(mean - fixture.prediction[r]) < 1e-12, `row ${r}: ${mean} vs sklearn ${fixture.prediction[r]}`);
  });
  // max_depth=6 in the fixture.
  assert.ok(trees.every((tree) => treeDepth(tree) <= 6));
  assert.ok(trees.some((tree) => treeDepth(tree) === 6));
});

test("depth and leaf count of a hand tree; a lone root has depth 0", () => {
  // n0 splits into leaf n1 and n2; n2 splits into leaves n3, n4 (children listed after parents).
  const tree: Tree = {
    childrenLeft: Int32Array.from([1, -1, 3, -1, -1]),
    childrenRight: Int32Array.from([2, -1, 4, -1, -1]),
    feature: Int32Array.from([0, -2, 1, -2, -2]),
    threshold: Float64Array.from([0.5, -2, 0.5, -2, -2]),
    value: Float64Array.from([20, 0, 40, 0, 80]),
    cover: Float64Array.from([4, 2, 2, 1, 1]),
  };
  assert.equal(treeDepth(tree), 2);
  assert.equal(countLeaves(tree), 3);
  const x = Float32Array.from([0, 0, 1, 0, 1, 1]);
  assert.deepEqual([0, 2, 4].map((o) => predictTreeRow(tree, x, o)), [0, 0, 80]);
  const root: Tree = { ...tree, childrenLeft: Int32Array.from([-1]), childrenRight: Int32Array.from([-1]) };
  assert.equal(treeDepth(root), 0);
  assert.equal(countLeaves(root), 1);
});
