import { test } from "node:test";
import assert from "node:assert/strict";
import { confusionMatrix } from "../../lib/plots/confusion-matrix";
import { assertPlainJson, heatmaps } from "./figure-checks";

test("rows are true classes (first on top), cells show counts and row fractions", () => {
  const fig = confusionMatrix({ matrix: [640, 2, 3, 517], classNames: ["foreshock", "aftershock"], title: "NRCA test set" });
  assertPlainJson(fig);
  const [h] = heatmaps(fig);
  assert.ok(Math.abs((h.z[0][0] as number) - 640 / 642) < 1e-15);
  assert.deepEqual(fig.layout.yaxis!.range, [1.5, -0.5]);
  assert.deepEqual(fig.layout.xaxis!.ticktext, ["foreshock", "aftershock"]);
  assert.equal(fig.layout.xaxis!.title!.text, "Predicted class");
  assert.equal(fig.layout.yaxis!.title!.text, "True class");
  assert.deepEqual(fig.layout.annotations!.map((a) => a.text), ["640<br>99.7 %", "2<br>0.3 %", "3<br>0.6 %", "517<br>99.4 %"]);
  assert.throws(() => confusionMatrix({ matrix: [1, 2, 3], classNames: ["a", "b"], title: "t" }), /matrix \(2 x 2\) has 3 values/);
  assert.throws(() => confusionMatrix({ matrix: [1, -2, 3, 4], classNames: ["a", "b"], title: "t" }), /matrix\[1\] = -2 is not a count/);
});
