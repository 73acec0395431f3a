/**
 * CNN2D throughput per tf.js backend: training samples/s at batch 32 (trainCnn's loop, fused and layers
 * paths) and inference images/s at batch 256 (the stock `model.predict` and our folded graph), plus the
 * InferencePool on worker threads, at batch 256 and at the SHAP workload (sequential calls of 50 images).
 * Prints achieved GFLOP/s (34 MFLOP per image forward, about 3x that per training sample) and the ratios to
 * the targets of the CNN issue: 500 images/s inference, 52 samples/s training (PyTorch on the same two
 * cores: 342 and 52). Never asserts on speed.
 *
 *   node --import tsx bench/cnn.bench.ts [--quick]
 */
import os from "node:os";
import * as tf from "@tensorflow/tfjs";
import { buildCnn2d, CNN_FORWARD_FLOP, CNN_IMAGE_SIZE } from "../lib/cnn/architecture";
import { initBackend, type BackendName } from "../lib/cnn/backend";
import { InferencePool } from "../lib/cnn/inference-pool";
import { setCnnMetadata } from "../lib/cnn/metadata";
import { cnnModelFn } from "../lib/cnn/model-fn";
import { predictCnn } from "../lib/cnn/predict";
import { trainCnn } from "../lib/cnn/train";
import { trainingForward, type TrainingPath } from "../lib/cnn/training-forward";
import { Rng } from "../lib/core/rng";

const QUICK = process.argv.includes("--quick");
const TARGET_INFERENCE = 500;
const TARGET_TRAINING = 52;
const PYTORCH = { inference: 342, training: 52 };
const TRAIN_FLOP = 3 * CNN_FORWARD_FLOP;

function images(n: number, seed: number): { images: Uint8Array; labels: Uint8Array; n: number } {
  const rng = new Rng(seed);
  const out = new Uint8Array(n * CNN_IMAGE_SIZE);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    for (let k = 0; k < CNN_IMAGE_SIZE; k++) {
      const row = Math.floor(k / (153 * 3));
      const band = (labels[i] === 1 ? row > 20 : row < 12) ? 50 : 0;
      out[i * CNN_IMAGE_SIZE + k] = Math.max(0, Math.min(255, Math.round(100 + band + 30 * rng.normal())));
    }
  }
  return { images: out, labels, n };
}

function report(label: string, perSecond: number, unit: string, flopPerItem: number, target: number | null, pytorch: number | null): void {
  const gflops = (perSecond * flopPerItem) / 1e9;
  const parts = [`${label.padEnd(48)} ${perSecond.toFixed(1).padStart(7)} ${unit}`, `${gflops.toFixed(1).padStart(5)} GFLOP/s`];
  if (target !== null) parts.push(`${(perSecond / target).toFixed(2)}x target ${target}`);
  if (pytorch !== null) parts.push(`${(perSecond / pytorch).toFixed(2)}x PyTorch`);
  // Other processes on the two cores change every figure: the 1-minute load average says how much.
  parts.push(`[load ${os.loadavg()[0].toFixed(1)}]`);
  console.log(parts.join("   "));
}

async function timeIt(reps: number, f: () => unknown | Promise<unknown>): Promise<number> {
  await f(); // warm-up: kernel setup, XNNPACK operator creation, JIT
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) await f();
  return (performance.now() - t0) / 1000 / reps;
}

async function benchTraining(backend: BackendName, path: TrainingPath, data: ReturnType<typeof images>): Promise<void> {
  const model = buildCnn2d({ seed: 1 });
  // Warm-up epoch on a few batches, then one timed epoch.
  await trainCnn(model, { train: { ...data, images: data.images.subarray(0, 64 * CNN_IMAGE_SIZE), labels: data.labels.subarray(0, 64), n: 64 }, epochs: 1, batchSize: 32, log: false, path });
  const r = await trainCnn(model, { train: data, epochs: 1, batchSize: 32, log: false, path });
  report(`${backend}: training, batch 32, ${path} path`, r.samplesPerSecond, "samples/s", TRAIN_FLOP, TARGET_TRAINING, PYTORCH.training);
  model.dispose();
}

/** Kernel time of one fused training step at batch 32, largest first (where the remaining time goes). */
async function profileStep(data: ReturnType<typeof images>): Promise<void> {
  const model = buildCnn2d({ seed: 1 });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.tensor4d(Float32Array.from(data.images.subarray(0, 32 * CNN_IMAGE_SIZE), (v) => (v - 100) / 30), [32, 33, 153, 3]);
  const y = tf.oneHot(tf.tensor1d(data.labels.subarray(0, 32), "int32"), 2);
  const step = () => {
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, trainingForward(model, x)) as tf.Scalar, variables);
    return [value, ...Object.values(grads)];
  };
  tf.dispose(step());
  const info = await tf.profile(() => step());
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ((k.kernelTimeMs as number) || 0));
  const total = [...byKernel.values()].reduce((s, t) => s + t, 0);
  const top = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 7);
  console.log(`training step kernel time (forward + gradients, no update): ${total.toFixed(0)} ms; ${top.map(([k, t]) => `${k} ${t.toFixed(0)}`).join(", ")}`);
  tf.dispose([x, y]);
  model.dispose();
}

async function benchInference(backend: BackendName, data: ReturnType<typeof images>, reps: number): Promise<void> {
  const model = buildCnn2d({ seed: 1 });
  setCnnMetadata(model, { standardization: { mean: [0.4, 0.4, 0.4], std: [0.12, 0.12, 0.12] } });
  const n = 256;
  const x = tf.randomNormal([n, 33, 153, 3]);
  const stock = await timeIt(reps, () => tf.tidy(() => (model.predict(x, { batchSize: n }) as tf.Tensor).dataSync()));
  report(`${backend}: inference, batch 256, model.predict`, n / stock, "images/s", CNN_FORWARD_FLOP, TARGET_INFERENCE, PYTORCH.inference);
  const folded = await timeIt(reps, () => predictCnn(model, data.images.subarray(0, n * CNN_IMAGE_SIZE), n, { batchSize: n }));
  report(`${backend}: inference, batch 256, predictCnn (folded)`, n / folded, "images/s", CNN_FORWARD_FLOP, TARGET_INFERENCE, PYTORCH.inference);
  if (backend !== "cpu") {
    const fn = cnnModelFn(model, { batchSize: 50 });
    const masked = Float32Array.from(data.images.subarray(0, 50 * CNN_IMAGE_SIZE));
    const shap = await timeIt(reps * 4, () => fn(masked, 50));
    report(`${backend}: SHAP workload, calls of 50, cnnModelFn`, 50 / shap, "images/s", CNN_FORWARD_FLOP, TARGET_INFERENCE, PYTORCH.inference);
    fn.dispose();
  }
  x.dispose();
  model.dispose();
}

async function benchPool(workers: number, data: ReturnType<typeof images>, reps: number): Promise<void> {
  const model = buildCnn2d({ seed: 1 });
  setCnnMetadata(model, { standardization: { mean: [0.4, 0.4, 0.4], std: [0.12, 0.12, 0.12] } });
  const t0 = performance.now();
  const pool = await InferencePool.create(model, { workers });
  const startS = (performance.now() - t0) / 1000;
  try {
    const batch = Float32Array.from(data.images.subarray(0, 256 * CNN_IMAGE_SIZE));
    const big = await timeIt(reps, () => pool.predict(batch, 256));
    report(`pool of ${workers} (${pool.backends.join(", ")}): inference, batch 256`, 256 / big, "images/s", CNN_FORWARD_FLOP, TARGET_INFERENCE, PYTORCH.inference);
    const shap = await timeIt(reps * 4, () => pool.predict(batch.subarray(0, 50 * CNN_IMAGE_SIZE), 50));
    report(`pool of ${workers}: SHAP workload, calls of 50`, 50 / shap, "images/s", CNN_FORWARD_FLOP, TARGET_INFERENCE, PYTORCH.inference);
    console.log(`pool of ${workers}: start-up ${startS.toFixed(1)} s`);
  } finally {
    await pool.close();
    model.dispose();
  }
}

async function main(): Promise<void> {
  console.log(`CNN2D benchmark: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}, tf.js ${tf.version.tfjs}${QUICK ? ", quick" : ""}`);
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} (other processes slow every figure down)`);
  const data = images(QUICK ? 256 : 512, 1);
  const best = await initBackend({ log: (line) => console.log(line) });
  const reps = QUICK ? 2 : 4;

  await benchTraining(best, "fused", data);
  await profileStep(data);
  if (!QUICK) await benchTraining(best, "layers", data);
  await benchInference(best, data, reps);
  await benchPool(Math.max(2, os.availableParallelism()), data, reps);
  if (!QUICK) await benchPool(1, data, reps);

  if (best !== "cpu") {
    await initBackend({ prefer: "cpu", log: (line) => console.log(line) });
    await benchInference("cpu", data, 1);
    console.log("cpu: training skipped (its Conv2DBackpropFilter is a naive loop: about 0.3 samples/s, docs/tfjs-training.md)");
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
