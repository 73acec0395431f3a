import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { describeCnn2d } from "../../lib/cnn/describe";
import { useBackend } from "./compare";

test("describeCnn2d lists the paper's layers with their shapes and parameters, and leaks no tensor", async () => {
  await useBackend("wasm");
  const before = tf.memory().numTensors;
  const d = describeCnn2d({ seed: 42 });
  assert.equal(tf.memory().numTensors, before, "the model built for the description is disposed");
  assert.deepEqual(d.inputShape, [33, 153, 3]);
  assert.equal(d.nParams, 1_339_266 + 448);
  assert.equal(d.layers.reduce((s, l) => s + l.params, 0), d.nParams);
  assert.deepEqual(d.layers.find((l) => l.name === "flatten")?.outputShape, [null, 9728]);
  assert.equal(d.layers[d.layers.length - 1].outputShape[1], 2);
  assert.match(d.title, /33 frequencies × 153 times × 3 channels/);
});
