import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { CNN_IMAGE_SIZE } from "../../lib/cnn/architecture";
import { InferencePool } from "../../lib/cnn/inference-pool";
import { predictCnn } from "../../lib/cnn/predict";
import { randomFloats, relativeError, useBackend } from "./compare";
import { standardizedCnn } from "./synthetic";

const n = 7;
const batch = randomFloats(n * CNN_IMAGE_SIZE, 12, 0, 255);

const model = (): tf.LayersModel => standardizedCnn(4);

test("InferencePool with two workers gives the in-process results", async () => {
  await useBackend("wasm");
  const m = model();
  const expected = predictCnn(m, batch, n).logits;
  const pool = await InferencePool.create(m, { workers: 2, maxChunk: 2 });
  try {
    assert.deepEqual(pool.backends, ["wasm", "wasm"]);
    const [a, b] = await Promise.all([pool.modelFn(batch, n), pool.predict(batch.subarray(0, 3 * CNN_IMAGE_SIZE), 3)]);
    assert.ok(relativeError(a, expected) < 1e-6);
    assert.ok(relativeError(b, expected.subarray(0, 6)) < 1e-6);
    await assert.rejects(pool.predict(batch, 2), /expected 2 images/);
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.predict(batch, n), /closed/);
  m.dispose();
});

test("InferencePool returns probabilities on request", async () => {
  await useBackend("wasm");
  const m = model();
  const pool = await InferencePool.create(m, { workers: 1, output: "probabilities" });
  try {
    const probabilities = await pool.predict(batch, n);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(probabilities[2 * i] + probabilities[2 * i + 1] - 1) < 1e-6);
  } finally {
    await pool.close();
  }
  m.dispose();
});
