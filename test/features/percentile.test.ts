import { test } from "node:test";
import assert from "node:assert/strict";
import { medianSorted, percentileSorted } from "../../lib/features/percentile";

test("numpy.percentile's linear interpolation", () => {
  const x = Float64Array.of(1, 2, 3, 4);
  assert.equal(percentileSorted(x, 25), 1.75);
  assert.equal(percentileSorted(x, 75), 3.25);
  assert.equal(percentileSorted(x, 0), 1);
  assert.equal(percentileSorted(x, 100), 4);
  assert.equal(percentileSorted(x, 50), 2.5);
  assert.equal(percentileSorted([7], 30), 7);
  // 2500 samples: the 25th and 75th percentiles sit at virtual indices 624.75 and 1874.25.
  const y = Float64Array.from({ length: 2500 }, (_, i) => i * i);
  assert.equal(percentileSorted(y, 25), 624 ** 2 + 0.75 * (625 ** 2 - 624 ** 2));
  assert.equal(percentileSorted(y, 75), 1874 ** 2 + 0.25 * (1875 ** 2 - 1874 ** 2));
});

test("interpolates from the upper neighbour when the fraction is >= 0.5, as numpy's _lerp", () => {
  // a + (b - a) t and b - (b - a)(1 - t) differ in the last bit for these values.
  const a = 0.1;
  const b = 0.7;
  const t = 0.5;
  const lower = a + (b - a) * t;
  const upper = b - (b - a) * (1 - t);
  assert.notEqual(lower, upper);
  assert.equal(percentileSorted([a, b], 50), upper); // 0.39999999999999997, not 0.4
});

test("median: middle value or the mean of the two middle values", () => {
  assert.equal(medianSorted([1, 2, 3]), 2);
  assert.equal(medianSorted([1, 2, 3, 10]), 2.5);
  assert.equal(medianSorted([-3]), -3);
});

test("bad arguments", () => {
  assert.throws(() => percentileSorted([], 50), /percentileSorted: no values/);
  assert.throws(() => percentileSorted([1], 101), /percentile must lie in \[0, 100\], got 101/);
  assert.throws(() => medianSorted([]), /medianSorted: no values/);
});
