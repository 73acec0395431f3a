import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { batchNormPoolRelu, setBatchNormSync } from "../../lib/cnn/batch-norm-block";
import { onBackend, randomFloats, relativeError, useBackend } from "./compare";

const EPS = 1e-5;

/** The layers path: bias, tf.moments + batchNorm (Keras' training mode), maxPool 2x2, relu, with autodiff. */
function reference(x: tf.Tensor4D, bias: tf.Tensor1D, gamma: tf.Tensor1D, beta: tf.Tensor1D, poolSize: 1 | 2) {
  const z = tf.add(x, bias) as tf.Tensor4D;
  const { mean, variance } = tf.moments(z, [0, 1, 2]);
  const bn = tf.batchNorm(z, mean, variance, beta, gamma, EPS) as tf.Tensor4D;
  const y = tf.relu(poolSize === 2 ? tf.maxPool(bn, 2, 2, "valid") : bn);
  return { y, mean, variance };
}

function values(shape: [number, number, number, number], poolSize: 1 | 2, seed: number) {
  const c = shape[3];
  const n = shape.reduce((a, b) => a * b);
  const outN = shape[0] * Math.floor(shape[1] / poolSize) * Math.floor(shape[2] / poolSize) * c;
  return {
    x: randomFloats(n, seed, -2, 3),
    bias: randomFloats(c, seed + 1),
    gamma: randomFloats(c, seed + 2, -1.5, 1.5),
    beta: randomFloats(c, seed + 3),
    upstream: randomFloats(outN, seed + 4),
  };
}

function run(shape: [number, number, number, number], poolSize: 1 | 2, fused: boolean, v: ReturnType<typeof values>) {
  return () => {
    const c = shape[3];
    const args = [tf.tensor4d(v.x, shape), tf.tensor1d(v.bias), tf.tensor1d(v.gamma), tf.tensor1d(v.beta)];
    const forward = (x: tf.Tensor, b: tf.Tensor, g: tf.Tensor, be: tf.Tensor) =>
      fused
        ? batchNormPoolRelu(x as tf.Tensor4D, b as tf.Tensor1D, g as tf.Tensor1D, be as tf.Tensor1D, { epsilon: EPS, poolSize })
        : reference(x as tf.Tensor4D, b as tf.Tensor1D, g as tf.Tensor1D, be as tf.Tensor1D, poolSize);
    const out = forward(args[0], args[1], args[2], args[3]);
    const loss = (...a: tf.Tensor[]) => tf.sum(tf.mul(forward(a[0], a[1], a[2], a[3]).y, tf.tensor(v.upstream, out.y.shape)));
    const grads = tf.grads(loss)(args);
    assert.equal(out.mean.shape[0], c);
    return [out.y, out.mean, out.variance, ...grads];
  };
}

const NAMES = ["y", "mean", "variance", "dx", "dbias", "dgamma", "dbeta"];

for (const backend of ["wasm", "cpu"] as const) {
  for (const [shape, poolSize] of [
    [[2, 5, 7, 3], 2], // odd sizes: the last row and column are dropped by the pool (floor)
    [[3, 4, 6, 5], 2],
    [[3, 4, 6, 5], 1],
    [[3, 4, 6, 6], 1],
    // Channel counts divisible by 4: on wasm these run the WebAssembly kernels (assembly/batch-norm-kernels.ts).
    [[2, 5, 7, 4], 2],
    [[3, 4, 6, 8], 1],
    [[4, 9, 11, 32], 2],
  ] as [[number, number, number, number], 1 | 2][]) {
    test(`fused batch-norm block equals the layers path on ${backend}: shape ${shape}, pool ${poolSize}`, async () => {
      const v = values(shape, poolSize, 20 + poolSize);
      const fused = await onBackend(backend, run(shape, poolSize, true, v));
      const ref = await onBackend(backend, run(shape, poolSize, false, v));
      fused.forEach((f, i) => {
        if (NAMES[i] === "dbias") {
          // The bias cancels in batch norm: its true gradient is 0, both results are rounding noise.
          assert.ok(Math.max(...Array.from(f, Math.abs)) < 1e-4, `dbias ${f}`);
          return;
        }
        assert.ok(relativeError(f, ref[i]) < 1e-5, `${NAMES[i]}: relative error ${relativeError(f, ref[i])}`);
      });
    });
  }
}

test("fused batch-norm block rejects per-channel inputs of the wrong size", async () => {
  await useBackend("wasm");
  const x = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
  assert.throws(() => batchNormPoolRelu(x, tf.zeros([3]), tf.zeros([4]), tf.zeros([3]), { epsilon: EPS, poolSize: 2 }), /gamma must have shape \[3\]/);
});

test("the WebAssembly batch-norm kernels (wasm) give the bytes of the JavaScript bodies (cpu)", async () => {
  for (const [shape, poolSize] of [
    [[4, 9, 11, 32], 2],
    [[3, 4, 6, 8], 1],
    // 105 pixels: the statistics' pass adds one pixel after its last whole block of four
    [[3, 5, 7, 4], 2],
  ] as [[number, number, number, number], 1 | 2][]) {
    const v = values(shape, poolSize, 40 + poolSize);
    const wasm = await onBackend("wasm", run(shape, poolSize, true, v));
    const cpu = await onBackend("cpu", run(shape, poolSize, true, v));
    wasm.forEach((w, i) => assert.deepEqual(new Uint8Array(w.buffer), new Uint8Array(cpu[i].buffer), `${NAMES[i]}, shape ${shape}`));
  }
});

test("the pooled gradient on wasm zeroes what odd sizes leave outside the windows, whatever dx's memory held", async () => {
  const shape: [number, number, number, number] = [3, 7, 9, 32];
  const v = values(shape, 2, 60);
  const cpu = await onBackend("cpu", run(shape, 2, true, v));
  const wasm = await onBackend("wasm", () => {
    // Freed NaN blocks of dx's size: the backend's allocator hands this memory out again.
    tf.dispose(Array.from({ length: 8 }, () => tf.fill(shape, Number.NaN)));
    return run(shape, 2, true, v)();
  });
  assert.deepEqual(new Uint8Array(wasm[3].buffer), new Uint8Array(cpu[3].buffer));
});

/**
 * A stand-in for the other training thread: the first all-reduce of a forward pass (its statistics) either
 * records this thread's vector and stops the kernel, or adds the other thread's recorded vector.
 */
class TwoThreadStandIn {
  captured: Float64Array | null = null;
  constructor(
    readonly rank: number,
    private readonly other: Float64Array | null,
  ) {}
  readonly threads = 2;
  allReduce(values: Float64Array): void {
    if (this.other === null) {
      this.captured = Float64Array.from(values);
      throw new Error("captured");
    }
    for (let i = 0; i < values.length; i++) values[i] += this.other[i];
  }
}

for (const backend of ["wasm", "cpu"] as const) {
  test(`synchronised batch norm (${backend}): two threads' shares give every thread the same bytes, the whole batch's statistics`, async () => {
    await useBackend(backend);
    const shape: [number, number, number, number] = [5, 9, 11, 32];
    const v = values(shape, 2, 70);
    // Far from zero: the shares' means must be combined without cancellation.
    const x = Float32Array.from(v.x, (a) => 1000 + a);
    const rowsOf = (b0: number, b1: number) => x.subarray(b0 * 9 * 11 * 32, b1 * 9 * 11 * 32);
    const stats = (rows: Float32Array, n: number) =>
      tf.tidy(() => {
        const r = batchNormPoolRelu(tf.tensor4d(rows, [n, 9, 11, 32]), tf.tensor1d(v.bias), tf.tensor1d(v.gamma), tf.tensor1d(v.beta), { epsilon: EPS, poolSize: 2 });
        return [r.mean.dataSync().slice(), r.variance.dataSync().slice()] as Float32Array[];
      });
    const shares = [rowsOf(0, 2), rowsOf(2, 5)];
    const counts = [2, 3];
    const vectors: Float64Array[] = [];
    for (const rank of [0, 1]) {
      const standIn = new TwoThreadStandIn(rank, null);
      setBatchNormSync(standIn);
      assert.throws(() => stats(shares[rank], counts[rank]), /captured/);
      vectors.push(standIn.captured as Float64Array);
    }
    const results = [0, 1].map((rank) => {
      setBatchNormSync(new TwoThreadStandIn(rank, vectors[1 - rank]));
      return stats(shares[rank], counts[rank]);
    });
    setBatchNormSync(null);
    const whole = stats(x, 5);
    for (const i of [0, 1]) {
      assert.deepEqual(new Uint8Array(results[0][i].buffer), new Uint8Array(results[1][i].buffer), "both threads hold the same bytes");
      assert.ok(relativeError(results[0][i], whole[i]) < 1e-6, `${["mean", "variance"][i]}: relative error ${relativeError(results[0][i], whole[i])}`);
    }
  });
}
