import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { buildCnn2d } from "../../lib/cnn/architecture";
import { foldCnn } from "../../lib/cnn/folded-inference";
import { trainingForward, type TrainingPath } from "../../lib/cnn/training-forward";
import { randomFloats, relativeError, useBackend } from "./compare";

const IMAGE = 33 * 153 * 3;

/** Loss, gradients (trainable-weight order) and the moving statistics after one training forward pass. */
function step(batch: number, seed: number, path: TrainingPath) {
  const model = buildCnn2d({ seed: 11 });
  const x = tf.tensor4d(randomFloats(batch * IMAGE, seed, -2, 2), [batch, 33, 153, 3]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 2), "int32"), 2);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, trainingForward(model, x, path)) as tf.Scalar, variables);
  const out = {
    loss: value.dataSync()[0],
    names: model.trainableWeights.map((w) => w.originalName),
    grads: variables.map((v) => Float32Array.from(grads[v.name].dataSync() as Float32Array)),
    moving: model.nonTrainableWeights.map((w) => Float32Array.from(w.read().dataSync() as Float32Array)),
  };
  tf.dispose([x, y, value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

function assertSameStep(a: ReturnType<typeof step>, b: ReturnType<typeof step>, limit: number) {
  assert.ok(Math.abs(a.loss - b.loss) <= limit * Math.abs(b.loss), `loss ${a.loss} vs ${b.loss}`);
  a.grads.forEach((g, i) => {
    if (/conv\d\/bias/.test(a.names[i])) {
      // Batch norm cancels the conv bias: its gradient is 0 up to rounding in every implementation.
      assert.ok(Math.max(...Array.from(g, Math.abs)) < 1e-5 && Math.max(...Array.from(b.grads[i], Math.abs)) < 1e-5, a.names[i]);
      return;
    }
    assert.ok(relativeError(g, b.grads[i]) < limit, `${a.names[i]}: relative error ${relativeError(g, b.grads[i])}`);
  });
  a.moving.forEach((m, i) => assert.ok(relativeError(m, b.moving[i]) < limit, `moving statistic ${i}: ${relativeError(m, b.moving[i])}`));
}

test("fused training forward equals the layers' training mode on wasm: loss, every gradient, moving statistics", async () => {
  await useBackend("wasm");
  const fused = step(4, 1, "fused");
  const layers = step(4, 1, "layers");
  assertSameStep(fused, layers, 1e-5);
  // The moving statistics moved away from their initial values (mean 0, variance 1).
  assert.ok(fused.moving[0].some((v) => Math.abs(v) > 1e-3));
});

test("one training step agrees on the wasm and cpu backends (batch 1)", async () => {
  await useBackend("wasm");
  const wasm = step(1, 2, "fused");
  await useBackend("cpu");
  const cpu = step(1, 2, "fused");
  assertSameStep(wasm, cpu, 1e-5);
});

for (const backend of ["wasm", "cpu"] as const) {
  test(`folded inference equals model.predict on ${backend}`, async () => {
    await useBackend(backend);
    const model = buildCnn2d({ seed: 5 });
    // Non-trivial batch-norm parameters and statistics, so that the folding is exercised.
    for (const [i, name] of ["bn1", "bn2", "bn3"].entries()) {
      const layer = model.getLayer(name);
      const c = layer.getWeights()[0].shape[0];
      layer.setWeights([
        tf.tensor1d(randomFloats(c, 10 * i + 1, 0.5, 1.5)),
        tf.tensor1d(randomFloats(c, 10 * i + 2, -0.5, 0.5)),
        tf.tensor1d(randomFloats(c, 10 * i + 3, -0.3, 0.3)),
        tf.tensor1d(randomFloats(c, 10 * i + 4, 0.5, 2)),
      ]);
    }
    const x = tf.tensor4d(randomFloats(3 * IMAGE, 9, -2, 2), [3, 33, 153, 3]);
    const folded = foldCnn(model);
    const a = folded.logits(x);
    const b = model.predict(x) as tf.Tensor;
    assert.deepEqual(a.shape, [3, 2]);
    assert.ok(relativeError(a.dataSync(), b.dataSync()) < 1e-5, `relative error ${relativeError(a.dataSync(), b.dataSync())}`);
    tf.dispose([x, a, b]);
    folded.dispose();
    model.dispose();
  });
}
