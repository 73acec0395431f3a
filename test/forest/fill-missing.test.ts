import { test } from "node:test";
import assert from "node:assert/strict";
import { fillMissingWithTrainMean } from "../../lib/forest/fill-missing";

test("NaN in train and test become the training column mean; inputs untouched", () => {
  // 3 rows x 2: column 0 holds 1, 3, NaN (mean 2), column 1 holds NaN, 10, 20 (mean 15).
  const trainRows = new Float64Array([1, NaN, 3, 10, NaN, 20]);
  const test_ = new Float64Array([NaN, NaN, 100, 7]);
  const out = fillMissingWithTrainMean(trainRows, test_, 2);
  assert.deepEqual([...out.means], [2, 15]);
  assert.deepEqual([...out.train], [1, 15, 3, 10, 2, 20]);
  assert.deepEqual([...out.test], [2, 15, 100, 7]);
  assert.ok(Number.isNaN(trainRows[1]) && Number.isNaN(test_[0]), "inputs must not be modified");
});

test("test values never influence the means; an empty test table is allowed", () => {
  const out = fillMissingWithTrainMean(new Float64Array([1, 2, 3]), new Float64Array(0), 1);
  assert.deepEqual([...out.means], [2]);
  assert.equal(out.test.length, 0);
  const withTest = fillMissingWithTrainMean(new Float64Array([1, 2, 3]), new Float64Array([1000, NaN]), 1);
  assert.deepEqual([...withTest.test], [1000, 2]);
});

test("bad input: a column missing in every training row, infinities, ragged tables", () => {
  assert.throws(
    () => fillMissingWithTrainMean(new Float64Array([1, NaN, 2, NaN]), new Float64Array(0), 2),
    { name: "InputError", message: /train: feature 1 is missing in all 2 training rows/ },
  );
  assert.throws(() => fillMissingWithTrainMean(new Float64Array([1, 2]), new Float64Array([Infinity, 0]), 2), /test: row 0, feature 0 is Infinity/);
  assert.throws(() => fillMissingWithTrainMean(new Float64Array([1, 2, 3]), new Float64Array(0), 2), /train: has 3 values, not a multiple of nFeatures = 2/);
  assert.throws(() => fillMissingWithTrainMean(new Float64Array(0), new Float64Array(0), 2), /empty training set/);
});

test("emptyColumns \"zero\": a column with no training value becomes 0 on both sides and is reported", () => {
  const out = fillMissingWithTrainMean(new Float64Array([1, NaN, 3, NaN]), new Float64Array([NaN, 7, 5, NaN]), 2, { emptyColumns: "zero" });
  assert.deepEqual([...out.means], [2, 0]);
  assert.deepEqual([...out.train], [1, 0, 3, 0]);
  assert.deepEqual([...out.test], [2, 7, 5, 0]);
  assert.deepEqual([...out.emptyColumns], [1]);
  assert.deepEqual([...fillMissingWithTrainMean(new Float64Array([1, 2]), new Float64Array(0), 2).emptyColumns], []);
  assert.throws(() => fillMissingWithTrainMean(new Float64Array([1]), new Float64Array(0), 1, { emptyColumns: "drop" as "zero" }), /emptyColumns must be "error" or "zero", got "drop"/);
});
