import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { buildCnn2d, CNN_IMAGE_SIZE } from "../../lib/cnn/architecture";
import { getCnnMetadata } from "../../lib/cnn/metadata";
import { predictCnn } from "../../lib/cnn/predict";
import { trainCnn } from "../../lib/cnn/train";
import { InputError } from "../../lib/core/errors";
import { useBackend } from "./compare";
import { syntheticImages } from "./synthetic";

const train = syntheticImages(32, 1);
const val = syntheticImages(16, 2);
const quiet = { log: false as const };

function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.weights.map((w) => Float32Array.from(w.read().dataSync() as Float32Array));
}

test("training lowers the loss, reports each epoch, leaks no tensors and stores its metadata", async () => {
  await useBackend("wasm");
  const model = buildCnn2d({ seed: 1 });
  const before = tf.memory().numTensors;
  const perBatch: number[] = [];
  const starts: number[] = [];
  const epochs: number[] = [];
  const result = await trainCnn(model, {
    train,
    val,
    epochs: 3,
    batchSize: 8,
    seed: 4,
    ...quiet,
    onBatch: (done, total) => {
      starts.push(done);
      if (done > 0) perBatch.push(tf.memory().numTensors);
      assert.equal(total, 3 * train.n);
    },
    onEpoch: (r) => epochs.push(r.epoch),
  });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(perBatch.length, 12);
  assert.equal(starts[0], 0, "a first report before the first batch");
  assert.equal(starts[starts.length - 1], 3 * train.n);
  assert.ok(perBatch.every((k) => k === perBatch[0]), `tensor counts per batch ${perBatch}`);
  assert.deepEqual(epochs, [1, 2, 3]);
  assert.equal(result.history.length, 3);
  const [first, , last] = result.history;
  assert.ok(last.loss < first.loss, `loss ${first.loss} -> ${last.loss}`);
  assert.ok(last.accuracy >= 0.9 && last.valAccuracy !== null && last.valAccuracy >= 0.9, JSON.stringify(last));
  assert.ok(result.history.every((r) => r.seconds > 0));
  assert.equal(result.backend, "wasm");
  assert.equal(result.path, "fused");
  const meta = getCnnMetadata(model);
  assert.deepEqual(meta?.standardization, result.standardization);
  assert.equal(meta?.training?.history.length, 3);
  model.dispose();
});

test("training updates the batch-norm moving statistics and inference uses them", async () => {
  await useBackend("wasm");
  const model = buildCnn2d({ seed: 2 });
  await trainCnn(model, { train, epochs: 1, batchSize: 16, ...quiet });
  const bn1 = model.getLayer("bn1");
  const [, , movingMean, movingVariance] = bn1.getWeights();
  assert.ok((movingMean.dataSync() as Float32Array).some((v) => Math.abs(v) > 1e-3), "moving mean still at its initial 0");
  assert.ok((movingVariance.dataSync() as Float32Array).some((v) => Math.abs(v - 1) > 1e-3), "moving variance still at its initial 1");
  const trained = predictCnn(model, val.images, val.n).logits;
  const w = bn1.getWeights();
  bn1.setWeights([w[0], w[1], tf.zerosLike(w[2]), tf.onesLike(w[3])]);
  const reset = predictCnn(model, val.images, val.n).logits;
  assert.notDeepEqual(trained, reset);
  model.dispose();
});

test("a resumed run ends with the same weights as an uninterrupted one", async () => {
  await useBackend("wasm");
  const dirs = [fs.mkdtempSync(path.join(os.tmpdir(), "cnn-a-")), fs.mkdtempSync(path.join(os.tmpdir(), "cnn-b-"))];
  try {
    const options = { train, batchSize: 16, seed: 9, ...quiet };
    const straight = buildCnn2d({ seed: 3 });
    await trainCnn(straight, { ...options, epochs: 2, checkpointDir: dirs[0] });

    const interrupted = buildCnn2d({ seed: 3 });
    await trainCnn(interrupted, { ...options, epochs: 1, checkpointDir: dirs[1] });
    interrupted.dispose();
    assert.deepEqual(
      fs.readdirSync(dirs[1]).sort(),
      ["checkpoint.json", "epoch-0001"],
    );
    const resumed = buildCnn2d({ seed: 3 });
    const r = await trainCnn(resumed, { ...options, epochs: 2, checkpointDir: dirs[1], resume: true });
    assert.equal(r.resumedFromEpoch, 1);
    assert.equal(r.history.length, 2);
    assert.deepEqual(weightsOf(resumed), weightsOf(straight));

    const other = buildCnn2d({ seed: 3 });
    await assert.rejects(trainCnn(other, { ...options, batchSize: 8, epochs: 3, checkpointDir: dirs[1], resume: true }), /batchSize = 16, this run has 8/);
    for (const m of [straight, resumed, other]) m.dispose();
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
});

test("trainCnn rejects bad input with clear errors", async () => {
  await useBackend("wasm");
  const model = buildCnn2d();
  const bad = async (options: Parameters<typeof trainCnn>[1], pattern: RegExp) => {
    await assert.rejects(trainCnn(model, { ...quiet, ...options }), (e: unknown) => e instanceof InputError && pattern.test(e.message));
  };
  await bad({ train: { images: new Uint8Array(0), labels: [], n: 0 } }, /train: the split is empty/);
  await bad({ train, val: { images: new Uint8Array(0), labels: [], n: 0 } }, /val: the split is empty/);
  await bad({ train: { ...train, labels: new Uint8Array(train.n).fill(1) } }, /single-class training set \(all 32 labels are 1\)/);
  await bad({ train: { ...train, labels: Uint8Array.from(train.labels, (l) => l * 2) } }, /label 1 is 2/);
  await bad({ train: { images: new Uint8Array(4 * 33 * 153), labels: [0, 1, 0, 1], n: 4 } }, /1 channel\(s\) per 33 x 153 image, the CNN2D needs 3/);
  await bad({ train: { images: new Uint8Array(2 * 32 * 153 * 3), labels: [0, 1], n: 2 } }, /4896 pixels per image, the CNN2D needs 33 x 153 = 5049/);
  await bad({ train: { ...train, labels: [0, 1] } }, /2 labels for 32 images/);
  await bad({ train, epochs: 0 }, /epochs must be a positive integer/);
  await bad({ train, resume: true }, /resume needs a checkpointDir/);
  const images = new Uint8Array(2 * CNN_IMAGE_SIZE).fill(7);
  await bad({ train: { images, labels: [0, 1], n: 2 } }, /channel 0 is constant/);
  model.dispose();
});

test("the layers-API training path (used on backends without the fused kernels) trains as well", async () => {
  await useBackend("wasm");
  const model = buildCnn2d({ seed: 6 });
  const before = tf.memory().numTensors;
  const r = await trainCnn(model, { train, epochs: 2, batchSize: 16, path: "layers", ...quiet });
  assert.equal(r.path, "layers");
  assert.equal(tf.memory().numTensors, before);
  assert.ok(r.history[1].loss < r.history[0].loss, `loss ${r.history[0].loss} -> ${r.history[1].loss}`);
  model.dispose();
});
