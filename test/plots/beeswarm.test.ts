import { test } from "node:test";
import assert from "node:assert/strict";
import { beeswarm, featureColorLimits, featureOrder } from "../../lib/plots/beeswarm";
import { NAN_GREY, RED_BLUE } from "../../lib/plots/colors";
import type { ScatterTrace } from "../../lib/plots/figure";
import { tabularShap } from "./plot-fixtures";

test("features ordered by total |SHAP|, most important on the top row", () => {
  const { values, features, names } = tabularShap(60, 6);
  const order = featureOrder(values, 60, 6);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
  const fig = beeswarm({ values, features, featureNames: names, title: "t" });
  const y = fig.layout.yaxis!;
  assert.deepEqual(y.tickvals, [0, 1, 2, 3, 4, 5]);
  assert.equal(y.ticktext![5], names[0], "top row is the most important feature");
  assert.equal(y.ticktext![0], names[5]);
  assert.deepEqual(y.range, [-1, 6]);
  // Each feature's points sit on its row, within the jitter band.
  for (const t of fig.data as ScatterTrace[]) {
    const row = y.ticktext!.indexOf(t.name!.replace(" (NaN)", ""));
    for (const v of t.y) assert.ok(Math.abs((v as number) - row) < 0.36);
  }
});

test("maxDisplay keeps the top features only (no 'other features' row in the legacy plot)", () => {
  const { values, features, names } = tabularShap(60, 6);
  const fig = beeswarm({ values, features, featureNames: names, maxDisplay: 3, title: "t" });
  assert.deepEqual(fig.layout.yaxis!.ticktext, [names[2], names[1], names[0]]);
  assert.equal(fig.layout.height, Math.round((0.4 * 3 + 1.5) * 100));
  assert.equal(fig.layout.width, 800);
});

test("colours: red_blue between the 5th and 95th percentiles, NaN in grey, Low/High colour bar", () => {
  const { values, features, names } = tabularShap(60, 6);
  const fig = beeswarm({ values, features, featureNames: names, title: "t" });
  const traces = fig.data as ScatterTrace[];
  const nanTrace = traces.find((t) => t.name === `${names[3]} (NaN)`)!;
  assert.equal(nanTrace.marker!.color, NAN_GREY);
  assert.equal(nanTrace.x.length, 9); // rows 0, 7, …, 56
  const main = traces.find((t) => t.name === names[0])!;
  assert.deepEqual(main.marker!.colorscale, RED_BLUE);
  const colours = main.marker!.color as number[];
  assert.ok(colours.every((c) => c >= 0 && c <= 1));
  assert.ok(colours.filter((c) => c === 0).length >= 3 && colours.filter((c) => c === 1).length >= 3, "clipped tails");
  const withBar = traces.filter((t) => t.marker?.showscale);
  assert.equal(withBar.length, 1);
  assert.deepEqual(withBar[0].marker!.colorbar!.ticktext, ["Low", "High"]);
  assert.equal(withBar[0].marker!.colorbar!.title!.text, "Feature value");
  assert.equal(fig.layout.xaxis!.title!.text, "SHAP value (impact on model output)");
});

test("the colour-limit fallbacks of shap", () => {
  assert.deepEqual(featureColorLimits([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]), [1, 19]);
  // 5th = 95th percentile: fall back to 1st/99th.
  const mostlyFlat = [...new Array(98).fill(1), 0, 2];
  const [lo, hi] = featureColorLimits(mostlyFlat);
  assert.ok(lo < 1 && hi > 1);
  assert.deepEqual(featureColorLimits([3, 3, 3]), [3, 3]);
});

test("the same seed draws the same picture; a different seed moves the points", () => {
  const { values, features, names } = tabularShap(40, 4);
  const a = beeswarm({ values, features, featureNames: names, title: "t", seed: 1 });
  const b = beeswarm({ values, features, featureNames: names, title: "t", seed: 1 });
  const c = beeswarm({ values, features, featureNames: names, title: "t", seed: 2 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.data, c.data);
});

test("shape errors name the argument", () => {
  assert.throws(() => beeswarm({ values: [1, 2, 3], features: [1, 2, 3], featureNames: ["a", "b"], title: "t" }), /plots.beeswarm: values has 3 entries, not a multiple of 2 features/);
  assert.throws(() => beeswarm({ values: [1, 2], features: [1], featureNames: ["a", "b"], title: "t" }), /features has 1 entries/);
});
