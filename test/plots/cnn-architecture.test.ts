import { test } from "node:test";
import assert from "node:assert/strict";
import { cnnArchitecture } from "../../lib/plots/cnn-architecture";
import { assertPlainJson } from "./figure-checks";

test("one block per layer with output shape and parameters, total below", () => {
  const fig = cnnArchitecture({
    inputShape: [33, 153, 3],
    title: "CNN2D",
    layers: [
      { name: "conv2d_1", className: "Conv2D", outputShape: [null, 33, 153, 32], params: 896 },
      { name: "flatten_1", className: "Flatten", outputShape: [null, 9728], params: 0 },
      { name: "dense_1", className: "Dense", outputShape: [null, 128], params: 1245312 },
    ],
  });
  assertPlainJson(fig);
  const rects = fig.layout.shapes!.filter((s) => s.type === "rect");
  assert.equal(rects.length, 4);
  const texts = fig.layout.annotations!.map((a) => a.text);
  for (const t of ["33 × 153 × 3", "33 × 153 × 32", "9728", "128", "896", "1\u2009245\u2009312", "Total parameters: 1\u2009246\u2009208"]) assert.ok(texts.includes(t), t);
  assert.ok(texts.includes("<b>Conv2D</b> conv2d_1"));
  assert.equal(fig.layout.xaxis!.visible, false);
  assert.throws(() => cnnArchitecture({ layers: [], title: "t" }), /layers is empty/);
});
