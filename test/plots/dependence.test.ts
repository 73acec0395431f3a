import { test } from "node:test";
import assert from "node:assert/strict";
import { NAN_GREY, RED_BLUE, SHAP_BLUE } from "../../lib/plots/colors";
import { dependence } from "../../lib/plots/dependence";
import type { ScatterTrace } from "../../lib/plots/figure";
import { assertPlainJson } from "./figure-checks";

test("feature value against its SHAP value, with the unit; optional colouring by a second feature", () => {
  const fig = dependence({ featureValues: [2, 4, NaN, 8], shapValues: [-0.1, 0, 0.3, 0.2], featureName: "p_travel_sec", featureUnit: "s", title: "p_travel_sec" });
  assertPlainJson(fig);
  const [t] = fig.data as ScatterTrace[];
  assert.deepEqual(t.x, [2, 4, 8]);
  assert.deepEqual(t.y, [-0.1, 0, 0.2]);
  assert.equal(t.marker!.color, SHAP_BLUE);
  assert.equal(fig.layout.xaxis!.title!.text, "p_travel_sec (s)");
  assert.equal(fig.layout.yaxis!.title!.text, "SHAP value for<br>p_travel_sec");
  const coloured = dependence({ featureValues: [1, 2, 3, 4], shapValues: [1, 2, 3, 4], featureName: "a", colorBy: { values: [10, NaN, 30, 40], name: "b" }, title: "t" });
  const [nan, main] = coloured.data as ScatterTrace[];
  assert.equal(nan.marker!.color, NAN_GREY);
  assert.deepEqual(nan.x, [2]);
  assert.deepEqual(main.marker!.colorscale, RED_BLUE);
  assert.equal(main.marker!.colorbar!.title!.text, "b");
  assert.throws(() => dependence({ featureValues: [1], shapValues: [1, 2], featureName: "a", title: "t" }), /shapValues has 2 values, expected 1/);
});
