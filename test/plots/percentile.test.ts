import { test } from "node:test";
import assert from "node:assert/strict";
import { nanPercentile } from "../../lib/plots/percentile";

test("matches numpy.percentile (linear) bit for bit", () => {
  // Expected values printed by numpy 2.4 for the same array.
  const a = [3.0, -1.5, 7.25, 0.0, 2.0, 11.0, -4.0];
  const expected: Array<[number, number]> = [
    [0, -4.0],
    [5, -3.25],
    [50, 2.0],
    [95, 9.874999999999996],
    [99.9, 10.977500000000003],
    [100, 11.0],
    [37.5, 0.5],
  ];
  for (const [q, e] of expected) assert.equal(nanPercentile(a, q), e, `q = ${q}`);
  const c = Float64Array.from({ length: 1000 }, (_, i) => Math.abs(Math.sin(i * 0.37)) * 0.01);
  assert.equal(nanPercentile(c, 99.9), 0.009999975706945188);
});

test("ignores NaN like numpy.nanpercentile; all-NaN gives NaN", () => {
  const b = [NaN, 1, 2, NaN, 10];
  assert.equal(nanPercentile(b, 5), 1.1);
  assert.equal(nanPercentile(b, 50), 2);
  assert.equal(nanPercentile(b, 95), 9.2);
  assert.ok(Number.isNaN(nanPercentile([NaN, NaN], 50)));
});

test("rejects percentiles outside [0, 100]", () => {
  assert.throws(() => nanPercentile([1, 2], 101), /percentile must be in \[0, 100\]/);
  assert.throws(() => nanPercentile([1, 2], NaN), /percentile must be in/);
});
