import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/core/rng";
import { RandomForestRegressor } from "../../lib/forest/random-forest";
import { toTreeEnsemble } from "../../lib/forest/to-tree-ensemble";
import type { TreeEnsemble } from "../../lib/shap/tree/tree-ensemble";

/** The ensemble output written from the TreeEnsemble contract alone (tree-ensemble.ts). */
function ensembleOutput(e: TreeEnsemble, x: Float64Array): number {
  let out = e.baseOffset;
  e.trees.forEach((tree, t) => {
    let node = 0;
    while (tree.childrenLeft[node] !== -1) {
      node = Math.fround(x[tree.feature[node]]) <= tree.threshold[node] ? tree.childrenLeft[node] : tree.childrenRight[node];
    }
    out += e.scale[t] * tree.value[node];
  });
  return out;
}

async function trainedForest(): Promise<{ forest: RandomForestRegressor; X: Float64Array; nRows: number; nFeatures: number }> {
  const rng = new Rng("ensemble");
  const nRows = 300, nFeatures = 4;
  const X = new Float64Array(nRows * nFeatures);
  const y = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) {
    for (let f = 0; f < nFeatures; f++) X[r * nFeatures + f] = rng.normal();
    y[r] = X[r * nFeatures] * X[r * nFeatures + 1] + rng.normal(0, 0.1);
  }
  const forest = await new RandomForestRegressor({ nEstimators: 8, seed: 4 }).train(X, nRows, nFeatures, y, { nWorkers: 1 });
  return { forest, X, nRows, nFeatures };
}

test("the TreeEnsemble predicts what the forest predicts, on training rows (at split values) and new rows", async () => {
  const { forest, X, nRows, nFeatures } = await trainedForest();
  const e = toTreeEnsemble(forest);
  assert.equal(e.trees.length, 8);
  assert.equal(e.nFeatures, nFeatures);
  assert.equal(e.baseOffset, 0);
  assert.deepEqual([...e.scale], new Array(8).fill(1 / 8));
  assert.equal(e.featureNames, undefined);
  const pred = forest.predict(X, nRows);
  for (let r = 0; r < nRows; r++) {
    assert.ok(Math.abs(ensembleOutput(e, X.subarray(r * nFeatures, (r + 1) * nFeatures)) - pred[r]) < 1e-12);
  }
  // Rows sitting exactly on thresholds, and just above them in float32.
  const tree = e.trees[0];
  for (let node = 0; node < tree.childrenLeft.length; node++) {
    if (tree.childrenLeft[node] < 0) continue;
    const x = X.slice(0, nFeatures);
    for (const v of [tree.threshold[node], Math.fround(tree.threshold[node]), tree.threshold[node] + 1e-9]) {
      x[tree.feature[node]] = v;
      assert.ok(Math.abs(ensembleOutput(e, x) - forest.predict(x, 1)[0]) < 1e-12);
    }
  }
});

test("expected value (sum of scaled root values) is the mean of the trees' bootstrap-sample means", async () => {
  const { forest } = await trainedForest();
  const e = toTreeEnsemble(forest);
  const expected = e.trees.reduce((s, t, i) => s + e.scale[i] * t.value[0], 0);
  const rootMeans = forest.trees.map((t) => t.value[0]);
  assert.ok(Math.abs(expected - rootMeans.reduce((a, b) => a + b, 0) / rootMeans.length) < 1e-12);
  for (const t of e.trees) assert.equal(t.cover[0], 300);
});

test("arrays are copies, feature names are kept and checked", async () => {
  const { forest } = await trainedForest();
  const names = ["a", "b", "c", "d"];
  const e = toTreeEnsemble(forest, names);
  assert.deepEqual(e.featureNames, names);
  (e.trees[0].value as Float64Array)[0] = 1e9;
  assert.notEqual(forest.trees[0].value[0], 1e9);
  assert.throws(() => toTreeEnsemble(forest, ["a"]), { name: "InputError", message: /featureNames: has 1 names, but the forest was trained on 4 features/ });
  assert.throws(() => toTreeEnsemble(new RandomForestRegressor({ seed: 1 })), /not trained yet/);
});
