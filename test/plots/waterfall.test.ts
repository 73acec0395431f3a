import { test } from "node:test";
import assert from "node:assert/strict";
import { SHAP_BLUE, SHAP_RED } from "../../lib/plots/colors";
import { waterfall, waterfallSteps } from "../../lib/plots/waterfall";
import { assertPlainJson } from "./figure-checks";

const names = ["a", "b", "c", "d", "e"];
const values = [0.5, -0.2, 0.05, -0.8, 0.1];
const base = 1.077;

test("the chain starts at E[f(X)] at the bottom and ends at f(x) at the top", () => {
  const steps = waterfallSteps(values, base, names, undefined, 10);
  const fx = base + values.reduce((a, b) => a + b, 0);
  assert.deepEqual(steps.map((s) => s.label), ["d", "a", "b", "e", "c"]); // by |SHAP|
  assert.deepEqual(steps.map((s) => s.y), [4, 3, 2, 1, 0]);
  assert.ok(Math.abs(steps[0].end - fx) < 1e-12, "top arrow ends at f(x)");
  assert.ok(Math.abs(steps[steps.length - 1].start - base) < 1e-12, "bottom arrow starts at E[f(X)]");
  for (let i = 0; i + 1 < steps.length; i++) assert.ok(Math.abs(steps[i].start - steps[i + 1].end) < 1e-12, "consecutive arrows join");
  for (const s of steps) assert.ok(Math.abs(s.end - s.start - s.shap) < 1e-12);
});

test("more features than maxDisplay: the bottom row sums the rest", () => {
  const steps = waterfallSteps(values, base, names, undefined, 3);
  assert.deepEqual(steps.map((s) => s.label), ["d", "a", "3 other features"]);
  assert.ok(Math.abs(steps[2].shap - (-0.2 + 0.05 + 0.1)) < 1e-12);
  assert.ok(Math.abs(steps[2].start - base) < 1e-12);
});

test("arrows: red pointing right for φ ≥ 0, blue pointing left; labels via format_value", () => {
  const fig = waterfall({ values, baseValues: base, featureNames: names, data: [1, 2, 3, 4, 5], title: "One prediction", xTitle: "Predicted magnitude" });
  assertPlainJson(fig);
  const arrows = fig.layout.shapes!.filter((s) => s.type === "path");
  assert.equal(arrows.length, 5);
  const steps = waterfallSteps(values, base, names, [1, 2, 3, 4, 5], 10);
  arrows.forEach((a, i) => {
    assert.equal(a.fillcolor, steps[i].shap >= 0 ? SHAP_RED : SHAP_BLUE);
    const xs = a.path!.match(/-?[\d.]+(?:e-?\d+)?(?=,)/g)!.map(Number);
    // The tip (third point) is the arrow's end: rightmost for φ ≥ 0, leftmost otherwise.
    const tip = xs[2];
    if (steps[i].shap >= 0) assert.equal(tip, Math.max(...xs));
    else assert.equal(tip, Math.min(...xs));
  });
  const texts = fig.layout.annotations!.map((a) => a.text);
  assert.ok(texts.includes("\u22120.8") && texts.includes("+0.5") && texts.includes("+0.05"));
  assert.ok(texts.some((t) => t.startsWith("f(x)") && t.includes("= 0.727")));
  assert.ok(texts.some((t) => t.startsWith("E[f(X)]") && t.includes("= 1.077")));
  assert.equal(fig.layout.yaxis!.ticktext![0], '<span style="color:#999999">4 = </span>d');
  assert.equal(fig.layout.xaxis!.title!.text, "Predicted magnitude");
  assert.equal(fig.layout.height, Math.round((0.5 * 5 + 1.5) * 100 + 30));
});

test("bad inputs are refused", () => {
  assert.throws(() => waterfall({ values: [1], baseValues: 0, featureNames: ["a", "b"], title: "t" }), /plots.waterfall: values has 1 values, expected 2/);
  assert.throws(() => waterfall({ values: [1, NaN], baseValues: 0, featureNames: ["a", "b"], title: "t" }), /values\[1\] is not finite/);
});
