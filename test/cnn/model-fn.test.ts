import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { buildCnn2d, CNN_IMAGE_SIZE } from "../../lib/cnn/architecture";
import { cnnModelFn } from "../../lib/cnn/model-fn";
import { predictCnn } from "../../lib/cnn/predict";
import { InputError } from "../../lib/core/errors";
import { randomFloats, relativeError, useBackend } from "./compare";
import { standardizedCnn } from "./synthetic";

const n = 7;
// Masked images as the SHAP masker makes them: float32 on 0..255.
const batch = randomFloats(n * CNN_IMAGE_SIZE, 12, 0, 255);

const model = (): tf.LayersModel => standardizedCnn(4);

test("cnnModelFn returns the logits of predictCnn, batched, without leaking tensors", async () => {
  await useBackend("wasm");
  const m = model();
  const expected = predictCnn(m, batch, n).logits;
  const fn = cnnModelFn(m, { batchSize: 3 });
  const before = tf.memory().numTensors;
  const logits = await fn(batch, n);
  await fn(batch, n);
  assert.equal(tf.memory().numTensors, before);
  assert.ok(relativeError(logits, expected) < 1e-6);
  assert.equal((await fn(new Float32Array(0), 0)).length, 0);
  const probabilities = await cnnModelFn(m, { output: "probabilities" })(batch, n);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(probabilities[2 * i] + probabilities[2 * i + 1] - 1) < 1e-6);
  fn.dispose();
  await assert.rejects(fn(batch, n), /disposed/);
  m.dispose();
});

test("cnnModelFn refuses wrong sizes and models without a standardization", async () => {
  await useBackend("wasm");
  const m = model();
  const fn = cnnModelFn(m);
  await assert.rejects(fn(batch, n + 1), (e: unknown) => e instanceof InputError && /cnnModelFn: batch: expected 8 images/.test(e.message));
  assert.throws(() => cnnModelFn(m, { output: "softmax" as "logits" }), /output must be/);
  const untrained = buildCnn2d();
  assert.throws(() => cnnModelFn(untrained), (e: unknown) => e instanceof InputError && /carries no input standardization/.test(e.message));
  fn.dispose();
  m.dispose();
  untrained.dispose();
});
