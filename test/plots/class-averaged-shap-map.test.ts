import { test } from "node:test";
import assert from "node:assert/strict";
import { classAveragedShapMap } from "../../lib/plots/class-averaged-shap-map";
import { assertPlainJson, assertZeroHzAtBottom, axes, heatmaps } from "./figure-checks";
import { freqsHz, hotspotMap, timesS } from "./plot-fixtures";

const input = () => ({
  maps: [hotspotMap(36, 6, 0.233), hotspotMap(33, 13, -0.05)],
  classNames: ["Foreshocks", "Aftershocks"],
  counts: [301, 297],
  freqsHz: freqsHz(),
  timesS: timesS(),
  title: "Class-averaged SHAP maps",
});

test("colour bar 'Contribution', limits symmetric and shared across classes", () => {
  const fig = classAveragedShapMap(input());
  assertPlainJson(fig);
  const maps = heatmaps(fig);
  assert.equal(maps.length, 2);
  const m = Math.max(...input().maps.flatMap((x) => Array.from(x, Math.abs)));
  for (const h of maps) assert.deepEqual([h.zmin, h.zmax], [-m, m]);
  assert.equal(maps.filter((h) => h.showscale !== false).length, 1);
  assert.equal(maps[0].colorbar!.title!.text, "Contribution");
  assert.equal(classAveragedShapMap({ ...input(), vmax: 0.5 }).data.every((h) => (h as { zmax: number }).zmax === 0.5), true);
});

test("0 Hz at the bottom, axes in s and Hz, P arrival at 5 s by default", () => {
  const fig = classAveragedShapMap(input());
  assertZeroHzAtBottom(fig);
  const a = axes(fig);
  assert.equal(a.yaxis.title!.text, "Frequency (Hz)");
  assert.equal(a.xaxis.title!.text, "Time (s)");
  assert.equal(a.xaxis2.title!.text, "Time (s)");
  const p = fig.layout.shapes!.filter((s) => s.type === "line");
  assert.deepEqual(p.map((s) => [s.x0, s.xref, s.yref]), [[5, "x", "y domain"], [5, "x2", "y2 domain"]]);
  assert.ok(fig.layout.annotations!.some((a) => a.text === "Foreshocks (n = 301)"));
  // The hotspot stays where it is: row of 35.9375 Hz, not mirrored to the top.
  const z = heatmaps(fig)[0].z;
  let best = [0, 0];
  z.forEach((row, r) => row.forEach((v, c) => ((v as number) > (z[best[0]][best[1]] as number) ? (best = [r, c]) : null)));
  assert.equal(heatmaps(fig)[0].y[best[0]], 23 * 1.5625);
});

test("mismatched inputs are refused", () => {
  assert.throws(() => classAveragedShapMap({ ...input(), classNames: ["a"] }), /classNames has 1 values, expected 2/);
  assert.throws(() => classAveragedShapMap({ ...input(), maps: [new Float64Array(3), new Float64Array(3)] }), /maps\[0\] \(H x W = 33 x 153\) has 3 values/);
});
