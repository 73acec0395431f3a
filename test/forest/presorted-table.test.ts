import { test } from "node:test";
import assert from "node:assert/strict";
import { presortTable } from "../../lib/forest/presorted-table";

test("columns sorted by their float32 values, ties in row order, shared memory", () => {
  // 4 rows x 2 features; column 1 has a tie between rows 0 and 3 and a value that changes in float32.
  const X = new Float64Array([3, 0.5, 1, 0.1, 2, -1, 0, 0.5]);
  const t = presortTable(X, 4, 2);
  assert.deepEqual([...t.order], [3, 1, 2, 0, 2, 1, 0, 3]);
  assert.deepEqual([...t.sortedValues], [0, 1, 2, 3, -1, Math.fround(0.1), 0.5, 0.5]);
  assert.ok(t.order.buffer instanceof SharedArrayBuffer && t.sortedValues.buffer instanceof SharedArrayBuffer);
});

test("bad input names the argument, the row and the feature", () => {
  assert.throws(() => presortTable(new Float64Array([1, NaN]), 1, 2, "Xtrain"), { name: "InputError", message: /^Xtrain: row 0, feature 1 is NaN/ });
  assert.throws(() => presortTable(new Float64Array([-Infinity]), 1, 1), /row 0, feature 0 is -Infinity, infinite or beyond the float32 range/);
  assert.throws(() => presortTable(new Float64Array(5), 2, 2), /has 5 values, expected nRows x nFeatures = 2 x 2 = 4/);
  assert.throws(() => presortTable(new Float64Array(0), 0, 2), /nRows must be a positive integer, got 0/);
  assert.throws(() => presortTable(new Float64Array(2), 2, 0), /nFeatures must be a positive integer/);
});
