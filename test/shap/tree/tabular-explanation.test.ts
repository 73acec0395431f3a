import { test } from "node:test";
import assert from "node:assert/strict";
import { TabularExplanation } from "../../../lib/shap/tree/tabular-explanation";

// 3 rows × 2 features.
const make = () =>
  new TabularExplanation(Float64Array.of(1, -4, -3, 2, 2, 0), Float64Array.of(10, 10, 10), Float64Array.of(0.1, 5, 0.2, 6, 0.3, 7), ["a", "b"]);

test("shape, default feature names and shape errors", () => {
  const e = make();
  assert.equal(e.nRows, 3);
  assert.equal(e.nFeatures, 2);
  assert.deepEqual(new TabularExplanation(Float64Array.of(1, 2), Float64Array.of(0), Float64Array.of(3, 4)).featureNames, ["Feature 0", "Feature 1"]);
  assert.throws(() => new TabularExplanation(Float64Array.of(1, 2, 3), Float64Array.of(0, 0), Float64Array.of(1, 2, 3)), /not a multiple of the 2 rows/);
  assert.throws(() => new TabularExplanation(Float64Array.of(1, 2), Float64Array.of(0), Float64Array.of(1)), /data has 1 entries, values 2/);
  assert.throws(() => new TabularExplanation(Float64Array.of(1, 2), Float64Array.of(0), Float64Array.of(1, 2), ["x"]), /1 feature names for 2 features/);
});

test("mean, meanAbs, featureOrder and abs", () => {
  const e = make();
  assert.deepEqual(Array.from(e.mean()), [0, -2 / 3]);
  assert.deepEqual(Array.from(e.meanAbs()), [2, 2]);
  assert.deepEqual(Array.from(e.featureOrder()), [0, 1], "ties keep the lower index first");
  assert.deepEqual(Array.from(e.select([0]).featureOrder()), [1, 0]);
  assert.deepEqual(Array.from(e.abs().values), [1, 4, 3, 2, 2, 0]);
  assert.deepEqual(Array.from(e.values), [1, -4, -3, 2, 2, 0], "abs() does not modify the original");
});

test("row, column and outputs", () => {
  const e = make();
  const r = e.row(1);
  assert.deepEqual(Array.from(r.values), [-3, 2]);
  assert.deepEqual(Array.from(r.data), [0.2, 6]);
  assert.equal(r.baseValue, 10);
  assert.equal(r.output, 9);
  assert.deepEqual(Array.from(e.row(-1).values), [2, 0]);
  assert.throws(() => e.row(3), /row 3 out of range for 3 rows/);
  const c = e.column("b");
  assert.deepEqual(Array.from(c.values), [-4, 2, 0]);
  assert.deepEqual(Array.from(c.data), [5, 6, 7]);
  assert.throws(() => e.column("z"), /unknown feature "z"/);
  assert.deepEqual(Array.from(e.outputs()), [7, 9, 12]);
});

test("slice and select return new explanations", () => {
  const e = make();
  assert.deepEqual(Array.from(e.slice(1).values), [-3, 2, 2, 0]);
  assert.deepEqual(Array.from(e.slice(-1).data), [0.3, 7]);
  assert.deepEqual(Array.from(e.select([true, false, true]).values), [1, -4, 2, 0]);
  assert.deepEqual(Array.from(e.select(Int32Array.of(2, 0)).baseValues), [10, 10]);
  assert.throws(() => e.select([true, false]), /mask has 2 entries for 3 rows/);
  assert.throws(() => e.select([false, false, false]), /selects no rows/);
  assert.throws(() => e.select([5]), /row 5 out of range/);
});
