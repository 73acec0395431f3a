import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../../lib/core/errors";
import { Rng } from "../../lib/core/rng";
import { treeWorkerLaunch } from "../../lib/forest/build-trees";
import { RandomForestRegressor } from "../../lib/forest/random-forest";
import { regressionMetrics } from "../../lib/forest/metrics";

/** y = sin(2 x0) + x1^2 + 0.5 x2 + noise, other features noise; row-major, nFeatures >= 3. */
function smoothTable(nRows: number, nFeatures: number, seed: number): { X: Float64Array; y: Float64Array } {
  assert.ok(nFeatures >= 3);
  const rng = new Rng(seed);
  const X = new Float64Array(nRows * nFeatures);
  const y = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) {
    for (let f = 0; f < nFeatures; f++) X[r * nFeatures + f] = rng.uniform(-1.5, 1.5);
    const x = X.subarray(r * nFeatures);
    y[r] = Math.sin(2 * x[0]) + x[1] * x[1] + 0.5 * x[2] + rng.normal(0, 0.05);
  }
  return { X, y };
}

test("defaults are scikit-learn's RandomForestRegressor ones (100 trees, all features, bootstrap, full depth)", () => {
  const o = new RandomForestRegressor({ seed: 42 }).options;
  assert.deepEqual({ ...o }, { nEstimators: 100, maxFeatures: 1, bootstrap: true, minSamplesSplit: 2, minSamplesLeaf: 1, maxDepth: Infinity, seed: 42 });
});

test("learns a smooth function: R2 on held-out rows above 0.9", async () => {
  const nFeatures = 6;
  const train = smoothTable(1500, nFeatures, 1);
  const test_ = smoothTable(400, nFeatures, 2);
  const forest = await new RandomForestRegressor({ nEstimators: 25, seed: 7 }).train(train.X, 1500, nFeatures, train.y, { nWorkers: 1 });
  const m = regressionMetrics(test_.y, forest.predict(test_.X, 400));
  assert.ok(m.r2 > 0.9, `R2 ${m.r2}`);
  assert.ok(m.rmse < 0.3, `RMSE ${m.rmse}`);
});

test("prediction is the mean of the trees' leaf values reached with the float32 rule", async () => {
  const nFeatures = 4;
  const { X, y } = smoothTable(300, nFeatures, 3);
  const forest = await new RandomForestRegressor({ nEstimators: 5, seed: 1 }).train(X, 300, nFeatures, y, { nWorkers: 1 });
  const q = smoothTable(50, nFeatures, 4).X;
  const pred = forest.predict(q, 50);
  for (let r = 0; r < 50; r++) {
    let sum = 0;
    for (const tree of forest.trees) {
      let node = 0;
      while (tree.childrenLeft[node] >= 0) {
        node = Math.fround(q[r * nFeatures + tree.feature[node]]) <= tree.threshold[node] ? tree.childrenLeft[node] : tree.childrenRight[node];
      }
      sum += tree.value[node];
    }
    assert.equal(pred[r], sum / forest.trees.length);
  }
});

test("one fully grown tree without bootstrap reproduces its training targets", async () => {
  const nFeatures = 3;
  const { X, y } = smoothTable(200, nFeatures, 5);
  const forest = await new RandomForestRegressor({ nEstimators: 1, bootstrap: false, seed: 0 }).train(X, 200, nFeatures, y, { nWorkers: 1 });
  assert.deepEqual(forest.predict(X, 200), y);
  assert.equal(forest.trees[0].cover[0], 200);
});

test("the same seed gives the same forest with 1 or 2 worker threads; another seed does not", async () => {
  // Under `node --import tsx` the worker runs the TypeScript source through tsx's CommonJS hook.
  assert.ok(treeWorkerLaunch() !== null, "worker threads unavailable: this test would compare two in-thread runs");
  const nFeatures = 5;
  const { X, y } = smoothTable(400, nFeatures, 6);
  const a = await new RandomForestRegressor({ nEstimators: 6, seed: "s" }).train(X, 400, nFeatures, y, { nWorkers: 1 });
  let progressCalls = 0;
  const b = await new RandomForestRegressor({ nEstimators: 6, seed: "s" }).train(X, 400, nFeatures, y, { nWorkers: 2, onProgress: () => progressCalls++ });
  const c = await new RandomForestRegressor({ nEstimators: 6, seed: "t" }).train(X, 400, nFeatures, y, { nWorkers: 1 });
  assert.deepEqual(b.toJSON(), a.toJSON());
  assert.notDeepEqual(c.toJSON().trees, a.toJSON().trees);
  assert.equal(progressCalls, 6);
  for (const tree of b.trees) assert.equal(tree.cover[0], 400);
});

test("toJSON / fromJSON round-trips exactly through a JSON string", async () => {
  const nFeatures = 3;
  const { X, y } = smoothTable(150, nFeatures, 8);
  const forest = await new RandomForestRegressor({ nEstimators: 3, maxDepth: 6, seed: 2 }).train(X, 150, nFeatures, y, { nWorkers: 1 });
  const loaded = RandomForestRegressor.fromJSON(JSON.parse(JSON.stringify(forest)));
  assert.deepEqual(loaded.options, forest.options);
  assert.deepEqual(loaded.trees, forest.trees);
  assert.deepEqual(loaded.predict(X, 150), forest.predict(X, 150));
  const unlimited = await new RandomForestRegressor({ nEstimators: 1, seed: 2 }).train(X, 150, nFeatures, y, { nWorkers: 1 });
  assert.equal(RandomForestRegressor.fromJSON(JSON.parse(JSON.stringify(unlimited))).options.maxDepth, Infinity);
});

test("fromJSON rejects data that is not a valid saved forest", async () => {
  const nFeatures = 3;
  const { X, y } = smoothTable(60, nFeatures, 9);
  const json = (await new RandomForestRegressor({ nEstimators: 2, seed: 1 }).train(X, 60, nFeatures, y, { nWorkers: 1 })).toJSON();
  assert.throws(() => RandomForestRegressor.fromJSON({ format: "other" }), { name: "InputError", message: /not a saved forest/ });
  assert.throws(() => RandomForestRegressor.fromJSON({ ...json, trees: json.trees.slice(1) }), /expected 2 trees, found 1/);
  const badFeature = { ...json, nFeatures: 1 };
  assert.throws(() => RandomForestRegressor.fromJSON(badFeature), /tree \d: node \d+ splits on feature [12], outside 0\.\.0/);
  const truncated = { ...json, trees: [{ ...json.trees[0], value: json.trees[0].value.slice(0, 8) }, json.trees[1]] };
  assert.throws(() => RandomForestRegressor.fromJSON(truncated), /tree 0 value: holds 6 bytes/);
});

test("bad input: NaN, infinities, wrong shapes, empty sets, untrained forest, bad options", async () => {
  const nFeatures = 3;
  const { X, y } = smoothTable(50, nFeatures, 10);
  const rf = () => new RandomForestRegressor({ nEstimators: 2, seed: 1 });
  const withNaN = X.slice();
  withNaN[4 * nFeatures + 2] = NaN;
  await assert.rejects(rf().train(withNaN, 50, nFeatures, y), (e: unknown) => e instanceof InputError && /X: row 4, feature 2 is NaN \(fill missing values first/.test(e.message));
  const tooBig = X.slice();
  tooBig[1] = 1e39;
  await assert.rejects(rf().train(tooBig, 50, nFeatures, y), /row 0, feature 1 is 1e\+39, infinite or beyond the float32 range/);
  await assert.rejects(rf().train(X, 50, 4, y), /has 150 values, expected nRows x nFeatures = 50 x 4 = 200/);
  await assert.rejects(rf().train(X, 50, nFeatures, y.subarray(1)), /y: has 49 targets for 50 rows/);
  const yNaN = y.slice();
  yNaN[7] = NaN;
  await assert.rejects(rf().train(X, 50, nFeatures, yNaN), /target of row 7 is NaN/);
  await assert.rejects(rf().train(new Float64Array(0), 0, nFeatures, new Float64Array(0)), /empty training set/);
  await assert.rejects(rf().train(X, 50, nFeatures, y, { nWorkers: 0 }), /nWorkers must be a positive integer/);
  await assert.rejects(new RandomForestRegressor({ maxFeatures: 5, seed: 1 }).train(X, 50, nFeatures, y), /maxFeatures = 5 exceeds the 3 features/);

  assert.throws(() => rf().predict(X, 50), { name: "InputError", message: /not trained yet/ });
  const forest = await rf().train(X, 50, nFeatures, y, { nWorkers: 1 });
  assert.throws(() => forest.predict(X.subarray(0, 40), 10), /has 40 values for 10 rows \(4 per row\), but the forest was trained on 3 features/);
  assert.throws(() => forest.predict(new Float64Array(0), 0), /no rows to predict/);
  const q = X.slice(0, 6);
  q[5] = NaN;
  assert.throws(() => forest.predict(q, 2), /predict X: row 1, feature 2 is NaN/);

  assert.throws(() => new RandomForestRegressor({ nEstimators: 0, seed: 1 }), /nEstimators must be a positive integer/);
  assert.throws(() => new RandomForestRegressor({ maxFeatures: 2.5, seed: 1 }), /maxFeatures must be a fraction in \(0, 1\] or an integer count >= 2/);
  assert.throws(() => new RandomForestRegressor({ maxFeatures: 0, seed: 1 }), /maxFeatures/);
  assert.throws(() => new RandomForestRegressor({ minSamplesSplit: 1, seed: 1 }), /minSamplesSplit must be an integer >= 2/);
  assert.throws(() => new RandomForestRegressor({ minSamplesLeaf: 0, seed: 1 }), /minSamplesLeaf must be an integer >= 1/);
  assert.throws(() => new RandomForestRegressor({ maxDepth: 0, seed: 1 }), /maxDepth must be a positive integer or Infinity/);
  assert.throws(() => new RandomForestRegressor({ seed: NaN }), /seed must be a finite number or a string/);
});

test("maxFeatures: a fraction rounds down to at least one feature, an integer >= 2 is a count", async () => {
  const nFeatures = 4;
  const { X, y } = smoothTable(80, nFeatures, 11);
  // Trees differ from the all-features forest only through the subset size.
  const all = await new RandomForestRegressor({ nEstimators: 4, seed: 3 }).train(X, 80, nFeatures, y, { nWorkers: 1 });
  const half = await new RandomForestRegressor({ nEstimators: 4, maxFeatures: 0.5, seed: 3 }).train(X, 80, nFeatures, y, { nWorkers: 1 });
  const two = await new RandomForestRegressor({ nEstimators: 4, maxFeatures: 2, seed: 3 }).train(X, 80, nFeatures, y, { nWorkers: 1 });
  const four = await new RandomForestRegressor({ nEstimators: 4, maxFeatures: 4, seed: 3 }).train(X, 80, nFeatures, y, { nWorkers: 1 });
  assert.deepEqual(half.trees, two.trees);
  assert.deepEqual(four.trees, all.trees);
  assert.notDeepEqual(two.trees, all.trees);
});
