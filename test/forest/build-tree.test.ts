import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/core/rng";
import { TreeBuilder, type TreeParams } from "../../lib/forest/build-tree";
import { presortTable } from "../../lib/forest/presorted-table";
import { countLeaves, treeDepth, type RegressionTree } from "../../lib/forest/regression-tree";

const FULL: Omit<TreeParams, "maxFeatures"> = { bootstrap: false, minSamplesSplit: 2, minSamplesLeaf: 1, maxDepth: Infinity };

function grow(X: number[], nFeatures: number, y: number[], params: Partial<TreeParams> = {}, seed: string | number = 1): RegressionTree {
  const nRows = y.length;
  const table = presortTable(Float64Array.from(X), nRows, nFeatures);
  return new TreeBuilder(table, Float64Array.from(y), { ...FULL, maxFeatures: nFeatures, ...params }).build(seed);
}

test("one feature: the hand-computed tree (thresholds, preorder numbering, values, covers)", () => {
  // Feature 1 is constant, so every split is on feature 0. Root proxies SL^2/nL + SR^2/nR over the five
  // cuts: 561.8, 676.5, 748.3, 876.5, 645.8 -> cut after x = 4; left {0,1,5,6} then splits after x = 2.
  const x0 = [1, 2, 3, 4, 5, 6];
  const y = [0, 1, 5, 6, 20, 21];
  const X = x0.flatMap((v) => [v, 7]);
  const tree = grow(X, 2, y);
  assert.deepEqual([...tree.childrenLeft], [1, 2, 3, -1, -1, 6, -1, -1, 9, -1, -1]);
  assert.deepEqual([...tree.childrenRight], [8, 5, 4, -1, -1, 7, -1, -1, 10, -1, -1]);
  assert.deepEqual([...tree.feature], [0, 0, 0, -2, -2, 0, -2, -2, 0, -2, -2]);
  assert.deepEqual([...tree.threshold], [4.5, 2.5, 1.5, -2, -2, 3.5, -2, -2, 5.5, -2, -2]);
  assert.deepEqual([...tree.value], [53 / 6, 3, 0.5, 0, 1, 5.5, 5, 6, 20.5, 20, 21]);
  assert.deepEqual([...tree.cover], [6, 4, 2, 1, 1, 2, 1, 1, 2, 1, 1]);
  assert.deepEqual([...tree.nNodeSamples], [6, 4, 2, 1, 1, 2, 1, 1, 2, 1, 1]);
  assert.equal(treeDepth(tree), 3);
  assert.equal(countLeaves(tree), 6);
});

test("maxDepth, minSamplesSplit and minSamplesLeaf stop growth as in sklearn", () => {
  const X = [1, 2, 3, 4, 5, 6];
  const y = [0, 1, 5, 6, 20, 21];
  const stump = grow(X, 1, y, { maxDepth: 1 });
  assert.deepEqual([...stump.threshold], [4.5, -2, -2]);
  assert.deepEqual([...stump.value], [53 / 6, 3, 20.5]);
  // Nodes of fewer than 3 rows stay leaves.
  const split3 = grow(X, 1, y, { minSamplesSplit: 3 });
  assert.deepEqual([...split3.threshold], [4.5, 2.5, -2, -2, -2]);
  // Leaves keep at least 3 rows: only the cut after x = 3 qualifies at the root.
  const leaf3 = grow(X, 1, y, { minSamplesLeaf: 3 });
  assert.deepEqual([...leaf3.threshold], [3.5, -2, -2]);
  assert.deepEqual([...leaf3.value], [53 / 6, 2, 47 / 3]);
});

test("thresholds are midpoints of float32 values, so float32(x) <= threshold routes the training rows", () => {
  const tree = grow([0.1, 0.2], 1, [0, 1]);
  const expected = Math.fround(0.1) / 2 + Math.fround(0.2) / 2;
  assert.equal(tree.threshold[0], expected);
  assert.notEqual(expected, 0.15);
  assert.ok(Math.fround(0.1) <= tree.threshold[0] && Math.fround(0.2) > tree.threshold[0]);
});

test("values closer than sklearn's FEATURE_THRESHOLD (1e-7) cannot be split; a float32 ulp at 1 can", () => {
  const tiny = grow([1e-8, 5e-8], 1, [0, 1]);
  assert.equal(tiny.childrenLeft.length, 1, "a feature within 1e-7 counts as constant");
  assert.equal(tiny.value[0], 0.5);
  const ulp = grow([1, 1 + 2 ** -23], 1, [0, 1]);
  assert.equal(ulp.childrenLeft.length, 3);
  assert.equal(ulp.threshold[0], 1 + 2 ** -24);
});

test("a pure node is a leaf even when its features still vary", () => {
  const tree = grow([1, 2, 3, 4], 1, [5, 5, 5, 5]);
  assert.equal(tree.childrenLeft.length, 1);
  assert.equal(tree.value[0], 5);
  assert.equal(tree.cover[0], 4);
});

/** Rows of the training table that reach each node (walk with the float32 rule). */
function rowsPerNode(tree: RegressionTree, X: Float64Array, nRows: number, nFeatures: number): number[][] {
  const rows: number[][] = Array.from({ length: tree.childrenLeft.length }, () => []);
  for (let r = 0; r < nRows; r++) {
    let node = 0;
    rows[0].push(r);
    while (tree.childrenLeft[node] >= 0) {
      const v = Math.fround(X[r * nFeatures + tree.feature[node]]);
      node = v <= tree.threshold[node] ? tree.childrenLeft[node] : tree.childrenRight[node];
      rows[node].push(r);
    }
  }
  return rows;
}

/** Best MSE proxy over all features and cuts between distinct float32 values (brute force). */
function bestProxy(rows: number[], X: Float64Array, nFeatures: number, y: Float64Array): number {
  let best = -Infinity;
  for (let f = 0; f < nFeatures; f++) {
    const sorted = [...rows].sort((a, b) => Math.fround(X[a * nFeatures + f]) - Math.fround(X[b * nFeatures + f]));
    for (let k = 1; k < sorted.length; k++) {
      const lo = Math.fround(X[sorted[k - 1] * nFeatures + f]);
      const hi = Math.fround(X[sorted[k] * nFeatures + f]);
      if (hi <= lo + 1e-7) continue;
      const sl = sorted.slice(0, k).reduce((s, r) => s + y[r], 0);
      const sr = sorted.slice(k).reduce((s, r) => s + y[r], 0);
      best = Math.max(best, (sl * sl) / k + (sr * sr) / (sorted.length - k));
    }
  }
  return best;
}

test("every split is the best one over all features (brute-force check on random tables with ties)", () => {
  const rng = new Rng("optimal-splits");
  for (let trial = 0; trial < 5; trial++) {
    const nRows = 40, nFeatures = 4;
    const X = new Float64Array(nRows * nFeatures);
    const y = new Float64Array(nRows);
    for (let i = 0; i < X.length; i++) X[i] = rng.int(6) * 0.3 + (i % nFeatures === 3 ? rng.normal() : 0);
    for (let r = 0; r < nRows; r++) y[r] = X[r * nFeatures] - 2 * X[r * nFeatures + 1] + rng.normal(0, 0.5);
    const tree = grow([...X], nFeatures, [...y], {}, trial);
    const rows = rowsPerNode(tree, X, nRows, nFeatures);
    for (let node = 0; node < tree.childrenLeft.length; node++) {
      const here = rows[node];
      assert.equal(tree.cover[node], here.length);
      assert.ok(Math.abs(tree.value[node] - here.reduce((s, r) => s + y[r], 0) / here.length) < 1e-12);
      const best = bestProxy(here, X, nFeatures, y);
      if (tree.childrenLeft[node] < 0) {
        const distinctY = new Set(here.map((r) => y[r])).size;
        assert.ok(here.length === 1 || distinctY === 1 || best === -Infinity, `leaf ${node} could still be split`);
        continue;
      }
      const left = rows[tree.childrenLeft[node]];
      const right = rows[tree.childrenRight[node]];
      const sl = left.reduce((s, r) => s + y[r], 0);
      const sr = right.reduce((s, r) => s + y[r], 0);
      const proxy = (sl * sl) / left.length + (sr * sr) / right.length;
      assert.ok(proxy >= best - 1e-9 * Math.abs(best), `node ${node}: proxy ${proxy} below the best ${best}`);
    }
  }
});

test("bootstrap: root cover is nRows, covers add up, values are cover-weighted means of the children", () => {
  const rng = new Rng(3);
  const nRows = 500, nFeatures = 3;
  const X = Array.from({ length: nRows * nFeatures }, () => rng.normal());
  const y = Array.from({ length: nRows }, (_, r) => Math.sin(X[r * nFeatures]) + rng.normal(0, 0.1));
  const table = presortTable(Float64Array.from(X), nRows, nFeatures);
  const builder = new TreeBuilder(table, Float64Array.from(y), { ...FULL, bootstrap: true, maxFeatures: nFeatures });
  for (const seed of ["a", "b", "c"]) {
    const tree = builder.build(seed);
    assert.equal(tree.cover[0], nRows);
    // About 1 - 1/e of the rows are drawn at least once.
    assert.ok(Math.abs(tree.nNodeSamples[0] / nRows - 0.632) < 0.05, `${tree.nNodeSamples[0]} distinct rows`);
    for (let node = 0; node < tree.childrenLeft.length; node++) {
      assert.ok(tree.nNodeSamples[node] <= tree.cover[node]);
      const l = tree.childrenLeft[node], r = tree.childrenRight[node];
      if (l < 0) continue;
      assert.equal(tree.cover[l] + tree.cover[r], tree.cover[node]);
      assert.equal(tree.nNodeSamples[l] + tree.nNodeSamples[r], tree.nNodeSamples[node]);
      const mean = (tree.cover[l] * tree.value[l] + tree.cover[r] * tree.value[r]) / tree.cover[node];
      assert.ok(Math.abs(mean - tree.value[node]) < 1e-12);
    }
  }
  // Replaying the documented draw (the tree's seed, nRows calls of int(nRows)) gives each row's
  // multiplicity: every node's cover and value are the multiplicity-weighted count and mean of its rows.
  const tree = builder.build("a");
  const draw = new Rng("a");
  const counts = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) counts[draw.int(nRows)]++;
  const rows = rowsPerNode(tree, Float64Array.from(X), nRows, nFeatures);
  for (let node = 0; node < tree.childrenLeft.length; node++) {
    const w = rows[node].reduce((s, r) => s + counts[r], 0);
    const wy = rows[node].reduce((s, r) => s + counts[r] * y[r], 0);
    assert.equal(tree.cover[node], w);
    assert.equal(tree.nNodeSamples[node], rows[node].filter((r) => counts[r] > 0).length);
    assert.ok(Math.abs(tree.value[node] - wy / w) < 1e-12, `node ${node}`);
  }
  // The same seed regrows the same tree, also after other trees used the builder's buffers.
  assert.deepEqual(builder.build("b"), builder.build("b"));
  assert.notDeepEqual(builder.build("a").threshold, builder.build("b").threshold);
});

test("maxFeatures < nFeatures searches a random subset: the root feature varies with the seed", () => {
  // Feature 0 explains y, features 1..4 barely: with all features the root always splits on 0; with one
  // feature per split the root feature follows the seed's draw.
  const rng = new Rng(9);
  const nRows = 200, nFeatures = 5;
  const X = Array.from({ length: nRows * nFeatures }, () => rng.normal());
  const y = Array.from({ length: nRows }, (_, r) => 10 * X[r * nFeatures] + rng.normal(0, 0.1));
  const table = presortTable(Float64Array.from(X), nRows, nFeatures);
  const all = new TreeBuilder(table, Float64Array.from(y), { ...FULL, maxFeatures: nFeatures });
  const one = new TreeBuilder(table, Float64Array.from(y), { ...FULL, maxFeatures: 1 });
  const rootsAll = new Set<number>(), rootsOne = new Set<number>();
  for (let s = 0; s < 20; s++) {
    rootsAll.add(all.build(s).feature[0]);
    rootsOne.add(one.build(s).feature[0]);
  }
  assert.deepEqual([...rootsAll], [0]);
  assert.ok(rootsOne.size >= 3, `root features with maxFeatures 1: ${[...rootsOne]}`);
});
