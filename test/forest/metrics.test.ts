import { test } from "node:test";
import assert from "node:assert/strict";
import { regressionMetrics } from "../../lib/forest/metrics";

test("the scikit-learn documentation example", () => {
  // sklearn.metrics docs: y_true = [3, -0.5, 2, 7], y_pred = [2.5, 0.0, 2, 8].
  const m = regressionMetrics([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]);
  assert.equal(m.mae, 0.5);
  assert.equal(m.mse, 0.375);
  assert.equal(m.rmse, Math.sqrt(0.375));
  assert.ok(Math.abs(m.r2 - 0.9486081370449679) < 1e-15);
  assert.ok(Math.abs(m.explainedVariance - 0.9571734475374732) < 1e-15);
});

test("a constant bias lowers R2 but not the explained variance", () => {
  // y = 1, 2, 3, 4 (SS_tot 5), predictions y + 1: SS_res 4, residuals constant.
  const m = regressionMetrics(new Float64Array([1, 2, 3, 4]), new Float64Array([2, 3, 4, 5]));
  assert.equal(m.mae, 1);
  assert.equal(m.mse, 1);
  assert.equal(m.r2, 1 - 4 / 5);
  assert.equal(m.explainedVariance, 1);
});

test("constant targets follow sklearn's force_finite rule", () => {
  assert.equal(regressionMetrics([2, 2, 2], [2, 2, 2]).r2, 1);
  const off = regressionMetrics([2, 2, 2], [2, 2, 3]);
  assert.equal(off.r2, 0);
  assert.equal(off.explainedVariance, 0);
  assert.equal(regressionMetrics([5], [5]).explainedVariance, 1);
});

test("bad input: empty test set, length mismatch, non-finite values", () => {
  assert.throws(() => regressionMetrics([], []), { name: "InputError", message: /empty test set/ });
  assert.throws(() => regressionMetrics([1, 2], [1]), /yPred: has 1 predictions for 2 targets/);
  assert.throws(() => regressionMetrics([1, NaN], [1, 2]), /yTrue: value NaN at index 1/);
  assert.throws(() => regressionMetrics([1, 2], [Infinity, 2]), /yPred: value Infinity at index 0/);
});
