import { test } from "node:test";
import assert from "node:assert/strict";
import { SHAP_BLUE, SHAP_RED } from "../../lib/plots/colors";
import type { BarTrace } from "../../lib/plots/figure";
import { shapBar } from "../../lib/plots/shap-bar";
import { assertPlainJson } from "./figure-checks";

test("global form: mean |SHAP| per feature, largest on top, sum of the rest in the last row", () => {
  // 2 rows × 4 features.
  const values = [0.1, -0.4, 0.02, 0.3, -0.3, 0.2, 0.0, 0.1];
  const fig = shapBar({ values, featureNames: ["a", "b", "c", "d"], maxDisplay: 3, title: "Global importance" });
  assertPlainJson(fig);
  const bar = fig.data[0] as BarTrace;
  assert.deepEqual(fig.layout.yaxis!.ticktext, ["b", "a", "Sum of 2 other features"]);
  assert.deepEqual(bar.y, [3, 2, 1]);
  const expected = [0.3, 0.2, 0.01 + 0.2];
  bar.x.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-12));
  assert.deepEqual(bar.marker.color, [SHAP_RED, SHAP_RED, SHAP_RED]);
  assert.equal(bar.width, 0.7);
  assert.equal(fig.layout.xaxis!.title!.text, "mean(|SHAP value|)");
  assert.deepEqual(fig.layout.annotations!.map((a) => a.text), ["+0.3", "+0.2", "+0.21"]);
  assert.ok(!fig.layout.shapes!.some((s) => s.line?.color === "#000000"), "no zero line without negative values");
  assert.equal(fig.layout.xaxis!.range![0], 0);
});

test("local form: signed values, blue for ≤ 0, labels on the outer side, zero line", () => {
  const fig = shapBar({ values: [0.5, -0.25, 0], featureNames: ["a", "b", "c"], data: [1.5, 2, 3], title: "One prediction" });
  const bar = fig.data[0] as BarTrace;
  assert.deepEqual(bar.x, [0.5, -0.25, 0]);
  assert.deepEqual(bar.marker.color, [SHAP_RED, SHAP_BLUE, SHAP_BLUE]);
  assert.deepEqual(fig.layout.yaxis!.ticktext, ["1.5 = a", "2 = b", "3 = c"]);
  const labels = fig.layout.annotations!;
  assert.deepEqual(labels.map((a) => [a.text, a.xanchor]), [["+0.5", "left"], ["\u22120.25", "right"], ["+0", "left"]]);
  assert.ok(fig.layout.shapes!.some((s) => s.line?.color === "#000000" && s.x0 === 0));
  assert.equal(fig.layout.xaxis!.title!.text, "SHAP value");
  const [lo, hi] = fig.layout.xaxis!.range!;
  assert.ok(lo < -0.25 && hi > 0.5);
});

test("feature values apply to one row only", () => {
  assert.throws(() => shapBar({ values: [1, 2, 3, 4], featureNames: ["a", "b"], data: [1, 2], title: "t" }), /local form only/);
  assert.throws(() => shapBar({ values: [1, 2, 3], featureNames: ["a", "b"], title: "t" }), /not a multiple of 2 features/);
});
