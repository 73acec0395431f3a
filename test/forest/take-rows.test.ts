import { test } from "node:test";
import assert from "node:assert/strict";
import { takeRows } from "../../lib/forest/take-rows";

test("picks rows in the order of the index", () => {
  const table = new Float64Array([0, 1, 10, 11, 20, 21]); // 3 rows x 2
  assert.deepEqual([...takeRows(table, 2, new Int32Array([2, 0]))], [20, 21, 0, 1]);
  assert.deepEqual([...takeRows(table, 1, [5, 5])], [21, 21]);
  assert.equal(takeRows(table, 2, []).length, 0);
});

test("bad input: index outside the rows, ragged table", () => {
  const table = new Float64Array(6);
  assert.throws(() => takeRows(table, 2, [0, 3]), { name: "InputError", message: /index 1 is row 3, outside 0\.\.2/ });
  assert.throws(() => takeRows(table, 4, [0]), /table has 6 values, not a multiple of nFeatures = 4/);
});
