import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Adam } from "../../lib/cnn/adam";
import { useBackend } from "./compare";

/** PyTorch's Adam update in float64 for one scalar parameter. */
function reference(p0: number, grads: number[], lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8): number {
  let p = p0;
  let m = 0;
  let v = 0;
  grads.forEach((g, i) => {
    const t = i + 1;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    p -= ((lr / (1 - b1 ** t)) * m) / (Math.sqrt(v) / Math.sqrt(1 - b2 ** t) + eps);
  });
  return p;
}

test("Adam follows PyTorch's update rule", async () => {
  await useBackend("wasm");
  const grads = [0.5, -0.2, 0.1, 1e-6, -3];
  const x = tf.variable(tf.tensor1d([1, -2]));
  const adam = new Adam([x], { learningRate: 0.01 });
  for (const g of grads) tf.tidy(() => adam.applyGradients([tf.tensor1d([g, 2 * g])]));
  const got = x.dataSync();
  assert.ok(Math.abs(got[0] - reference(1, grads, 0.01)) < 1e-6, `${got[0]} vs ${reference(1, grads, 0.01)}`);
  assert.ok(Math.abs(got[1] - reference(-2, grads.map((g) => 2 * g), 0.01)) < 1e-6);
  assert.equal(adam.step, 5);
  adam.dispose();
  x.dispose();
});

test("Adam state round-trips exactly: restored runs continue identically", async () => {
  await useBackend("wasm");
  const run = (restoreAfter: number | null) => {
    const x = tf.tidy(() => tf.variable(tf.tensor2d([1, 2, 3, 4], [2, 2])));
    let adam = new Adam([x]);
    for (let k = 0; k < 6; k++) {
      if (k === restoreAfter) {
        const state = adam.getState();
        adam.dispose();
        adam = new Adam([x]);
        adam.setState(state);
      }
      tf.tidy(() => adam.applyGradients([tf.mul(x, 0.3 * (k + 1))]));
    }
    const out = Float32Array.from(x.dataSync() as Float32Array);
    adam.dispose();
    x.dispose();
    return out;
  };
  const before = tf.memory().numTensors;
  assert.deepEqual(run(3), run(null));
  assert.equal(tf.memory().numTensors, before);
  const x = tf.variable(tf.zeros([3]));
  assert.throws(() => new Adam([x]).setState({ step: 1, m: [new Float32Array(2)], v: [new Float32Array(2)] }), /has 3 values, state 2/);
  assert.throws(() => new Adam([x], { beta1: 1 }), /beta1 out of range/);
});

test("the fused update (WebAssembly on wasm, a loop on cpu) gives the bytes of the chain of tf.js ops", async () => {
  // 103 values: 25 four-lane vectors and a tail of 3.
  const n = 103;
  const start = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.3);
  const gradsOf = (k: number) => Float32Array.from({ length: n }, (_, i) => Math.cos(i * (k + 1)) * 10 ** ((i % 7) - 4));
  for (const backend of ["wasm", "cpu"] as const) {
    await useBackend(backend);
    const x = tf.variable(tf.tensor1d(start));
    const adam = new Adam([x], { learningRate: 3e-3 });
    // The tf.js ops of Adam.applyGradients' general path, step by step.
    let p: tf.Tensor = tf.tensor1d(start);
    let m: tf.Tensor = tf.zerosLike(p);
    let v: tf.Tensor = tf.zerosLike(p);
    for (let k = 0; k < 4; k++) {
      const g = tf.tensor1d(gradsOf(k));
      tf.tidy(() => adam.applyGradients([g]));
      const t = k + 1;
      const stepSize = 3e-3 / (1 - 0.9 ** t);
      const rootC2 = Math.sqrt(1 - 0.999 ** t);
      const [p2, m2, v2] = tf.tidy(() => {
        const m2 = tf.add(tf.mul(m, 0.9), tf.mul(g, 1 - 0.9));
        const v2 = tf.add(tf.mul(v, 0.999), tf.mul(tf.square(g), 1 - 0.999));
        const den = tf.add(tf.div(tf.sqrt(v2), rootC2), 1e-8);
        return [tf.sub(p, tf.mul(tf.div(m2, den), stepSize)), m2, v2];
      });
      tf.dispose([p, m, v, g]);
      [p, m, v] = [p2, m2, v2];
    }
    assert.deepEqual(new Uint8Array((x.dataSync() as Float32Array).buffer), new Uint8Array((p.dataSync() as Float32Array).buffer), backend);
    const state = adam.getState();
    assert.deepEqual(new Uint8Array(state.v[0].buffer), new Uint8Array((v.dataSync() as Float32Array).buffer), `${backend}: v`);
    tf.dispose([p, m, v, x]);
    adam.dispose();
  }
});
