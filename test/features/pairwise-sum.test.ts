import { test } from "node:test";
import assert from "node:assert/strict";
import { pairwiseSum } from "../../lib/features/pairwise-sum";

test("sums exactly representable values exactly, for every block shape", () => {
  for (const n of [0, 1, 7, 8, 9, 15, 16, 127, 128, 129, 300, 2500]) {
    const x = Float64Array.from({ length: n }, (_, i) => (i % 17) - 8);
    const expected = Array.from(x).reduce((a, b) => a + b, 0);
    assert.equal(pairwiseSum(x), expected, `n=${n}`);
  }
  const x = Float64Array.of(1, 2, 3, 4, 5);
  assert.equal(pairwiseSum(x, 1, 3), 9);
});

test("rounding error grows slowly: 2^20 copies of 0.1", () => {
  const n = 1 << 20;
  const x = new Float64Array(n).fill(0.1);
  let naive = 0;
  for (let i = 0; i < n; i++) naive += x[i];
  const exact = 104857.6;
  const pairwiseError = Math.abs(pairwiseSum(x) - exact);
  assert.ok(pairwiseError < 1e-9, `pairwise error ${pairwiseError}`);
  assert.ok(pairwiseError < Math.abs(naive - exact) / 100, "far better than a running sum");
});

test("follows numpy's grouping: eight partial sums over a block, then the remainder one by one", () => {
  // n = 10: r0..r7 = x[0..7], combined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then + x[8] + x[9].
  // 1e16 + 1 rounds to 1e16: this grouping gives 7 where a running sum gives 1 (the exact sum is 8).
  const x = Float64Array.of(1e16, 1, 1, 1, 1, 1, 1, 1, -1e16, 1);
  const blocked = ((1e16 + 1) + (1 + 1)) + ((1 + 1) + (1 + 1)) + -1e16 + 1;
  assert.equal(pairwiseSum(x), blocked);
  assert.equal(blocked, 7);
});
