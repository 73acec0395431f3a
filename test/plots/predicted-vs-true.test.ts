import { test } from "node:test";
import assert from "node:assert/strict";
import type { ScatterTrace } from "../../lib/plots/figure";
import { predictedVsTrue } from "../../lib/plots/predicted-vs-true";
import { assertPlainJson } from "./figure-checks";

test("identity line, equal ranges, metrics annotated, magnitude axis titles", () => {
  const fig = predictedVsTrue({ yTrue: [1, 2, 3], yPred: [1.1, 1.8, 3.3], metrics: { mae: 0.1052, rmse: 0.1457, r2: 0.8834 }, title: "Random forest" });
  assertPlainJson(fig);
  assert.equal(fig.layout.xaxis!.title!.text, "True magnitude");
  assert.equal(fig.layout.yaxis!.title!.text, "Predicted magnitude");
  assert.deepEqual(fig.layout.xaxis!.range, fig.layout.yaxis!.range);
  const [lo, hi] = fig.layout.xaxis!.range!;
  assert.ok(lo < 1 && hi > 3.3);
  const line = fig.layout.shapes![0];
  assert.deepEqual([line.x0, line.y0, line.x1, line.y1], [lo, lo, hi, hi]);
  assert.equal(fig.layout.annotations![0].text, "MAE = 0.1052<br>RMSE = 0.1457<br>R² = 0.8834");
  assert.deepEqual((fig.data[0] as ScatterTrace).y, [1.1, 1.8, 3.3]);
  assert.throws(() => predictedVsTrue({ yTrue: [1, 2], yPred: [1], metrics: {}, title: "t" }), /yPred has 1 values, expected 2/);
});
