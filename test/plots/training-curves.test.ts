import { test } from "node:test";
import assert from "node:assert/strict";
import type { ScatterTrace } from "../../lib/plots/figure";
import { trainingCurves } from "../../lib/plots/training-curves";
import { assertPlainJson } from "./figure-checks";

test("loss and accuracy panels per epoch, validation dashed when recorded", () => {
  const history = [1, 2, 3].map((epoch) => ({ epoch, loss: 1 / epoch, accuracy: 1 - 0.1 / epoch, valLoss: 1.1 / epoch, valAccuracy: 0.95 - 0.1 / epoch }));
  const fig = trainingCurves({ history, title: "Training" });
  assertPlainJson(fig);
  const t = fig.data as ScatterTrace[];
  assert.equal(t.length, 4);
  assert.deepEqual(t[0].y, [1, 0.5, 1 / 3]);
  assert.equal(t[2].line!.dash, "dash");
  assert.deepEqual([fig.layout.yaxis!.title!.text, fig.layout.yaxis2!.title!.text, fig.layout.xaxis!.title!.text], ["Loss (cross-entropy)", "Accuracy", "Epoch"]);
  assert.equal(fig.layout.xaxis!.dtick, 1);
  const noVal = trainingCurves({ history: history.map(({ epoch, loss, accuracy }) => ({ epoch, loss, accuracy })), title: "t" });
  assert.equal(noVal.data.length, 2);
  assert.throws(() => trainingCurves({ history: [], title: "t" }), /history is empty/);
});
