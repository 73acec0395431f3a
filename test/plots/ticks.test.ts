import { test } from "node:test";
import assert from "node:assert/strict";
import { linearTicks, logTicks, niceStep, targetTickCount } from "../../lib/plots/ticks";

test("nice steps are 1, 2 or 5 times a power of ten", () => {
  assert.equal(niceStep(0.13), 0.2);
  assert.equal(niceStep(3), 5);
  assert.equal(niceStep(7), 10);
  assert.equal(niceStep(2), 2);
  assert.equal(niceStep(0.000034), 0.00005);
});

test("about one tick per 80 px on x and per 40 px on y, 4 to 9 intervals", () => {
  assert.equal(targetTickCount(800, "x"), 10);
  assert.equal(targetTickCount(100, "x"), 5);
  assert.equal(targetTickCount(200, "y"), 6);
});

test("linear ticks cover the range at multiples of the step with fixed decimals and U+2212", () => {
  const t = linearTicks(-0.83, 0.8, 1000, "x");
  assert.deepEqual(t.values, [-0.8, -0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8]);
  assert.deepEqual(t.labels, ["\u22120.8", "\u22120.6", "\u22120.4", "\u22120.2", "0", "0.2", "0.4", "0.6", "0.8"]);
  assert.deepEqual(linearTicks(-0.83, 0.8, 500, "x").labels, ["\u22120.5", "0", "0.5"]);
  const s = linearTicks(0.32, 24.64, 700, "x");
  assert.deepEqual(s.values, [5, 10, 15, 20]);
  assert.deepEqual(s.labels, ["5", "10", "15", "20"]);
});

test("large steps use k and M suffixes; exponentformat none keeps plain numbers", () => {
  assert.deepEqual(linearTicks(-5000, 5000, 200, "y").labels, ["\u22124k", "\u22122k", "0", "2k", "4k"]);
  assert.deepEqual(linearTicks(0, 2e6, 200, "y").labels, ["0", "0.5M", "1.0M", "1.5M", "2.0M"]);
  assert.deepEqual(linearTicks(-5000, 5000, 200, "y", undefined, "none").labels, ["\u22124000", "\u22122000", "0", "2000", "4000"]);
});

test("log ticks: decades when wide, 1-2-5 when narrow, powers written with superscripts", () => {
  const wide = logTicks(-6, 6, 400, "y");
  assert.deepEqual(wide.values, [1e-6, 1e-4, 0.01, 1, 100, 1e4, 1e6]);
  assert.deepEqual(wide.labels, ["10<sup>\u22126</sup>", "10<sup>\u22124</sup>", "0.01", "1", "100", "10000", "10<sup>6</sup>"]);
  const narrow = logTicks(Math.log10(0.25), Math.log10(50), 600, "x");
  assert.deepEqual(narrow.labels, ["0.5", "1", "2", "5", "10", "20", "50"]);
});
