import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { buildCnn2d, CNN_FORWARD_FLOP } from "../../lib/cnn/architecture";
import { useBackend } from "./compare";

test("buildCnn2d has the paper's layer output shapes", async () => {
  await useBackend("wasm");
  const model = buildCnn2d();
  const shape = (name: string) => model.getLayer(name).outputShape;
  assert.deepEqual(model.inputs[0].shape, [null, 33, 153, 3]);
  assert.deepEqual(shape("conv1"), [null, 33, 153, 32]);
  assert.deepEqual(shape("pool1"), [null, 16, 76, 32]);
  assert.deepEqual(shape("conv2"), [null, 8, 38, 64]);
  assert.deepEqual(shape("pool2"), [null, 4, 19, 64]);
  assert.deepEqual(shape("conv3"), [null, 4, 19, 128]);
  assert.deepEqual(shape("flatten"), [null, 9728]);
  assert.deepEqual(shape("fc1"), [null, 128]);
  assert.deepEqual(model.outputs[0].shape, [null, 2]);
  // The stride-2 layer pads 1 on every side, as PyTorch's padding=1 does.
  assert.deepEqual(model.getLayer("pad2").getConfig().padding, [
    [1, 1],
    [1, 1],
  ]);
  assert.equal(model.getLayer("conv2").getConfig().padding, "valid");
  model.dispose();
});

test("buildCnn2d has 1,339,266 trainable parameters plus 448 batch-norm moving statistics", async () => {
  await useBackend("wasm");
  const model = buildCnn2d();
  const count = (ws: tf.LayerVariable[]) => ws.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
  assert.equal(count(model.trainableWeights), 1_339_266);
  assert.equal(count(model.nonTrainableWeights), 448);
  assert.ok(model.nonTrainableWeights.every((w) => /moving_(mean|variance)$/.test(w.originalName)));
  model.dispose();
});

test("buildCnn2d initialisation is seeded and follows PyTorch's default bounds", async () => {
  await useBackend("wasm");
  const a = buildCnn2d({ seed: 7 });
  const b = buildCnn2d({ seed: 7 });
  const c = buildCnn2d({ seed: 8 });
  const values = (m: tf.LayersModel, name: string) => m.getLayer(name).getWeights()[0].dataSync() as Float32Array;
  assert.deepEqual(values(a, "conv2"), values(b, "conv2"));
  assert.notDeepEqual(values(a, "conv2"), values(c, "conv2"));
  for (const [name, fanIn] of [
    ["conv1", 27],
    ["conv2", 288],
    ["conv3", 576],
    ["fc1", 9728],
    ["fc2", 128],
  ] as const) {
    for (const w of a.getLayer(name).getWeights()) {
      const v = w.dataSync() as Float32Array;
      const bound = 1 / Math.sqrt(fanIn);
      const max = v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      // Large tensors come close to the bound; every value stays within it.
      assert.ok(max <= bound && (v.length < 100 || max > 0.9 * bound), `${name}: max |w| ${max}, bound ${bound}`);
    }
  }
  for (const m of [a, b, c]) m.dispose();
});

test("the forward cost is about 34 MFLOP per image", () => {
  assert.equal(CNN_FORWARD_FLOP, 2 * (33 * 153 * 32 * 27 + 8 * 38 * 64 * 288 + 4 * 19 * 128 * 576 + 9728 * 128 + 128 * 2));
  assert.ok(Math.abs(CNN_FORWARD_FLOP / 1e6 - 33.6) < 0.1);
});
