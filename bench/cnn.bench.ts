/**
 * CNN2D throughput per tf.js backend: training samples/s at batch 32 (trainCnn's loop, fused and layers
 * paths, on one thread and data-parallel on every core; the median of five epochs after a first, as the
 * anchor times PyTorch's median round after warm-up steps), inference images/s at batch 256 (the stock
 * `model.predict` and our folded graph), plus the InferencePool on worker threads, at batch 256 and at the
 * SHAP workload (sequential calls of 50 images). Prints achieved GFLOP/s (34 MFLOP per image forward, about
 * 3x that per training sample) and, with an anchor, the ratios to PyTorch on the same machine in the same
 * minutes. Never asserts on speed.
 *
 *   TORCH_ANCHOR="<python> <path>/cnn_torch.py" npm run bench -- cnn.bench     (the anchor runs before and after)
 *   TORCH_ANCHOR="train1=322,train2=576,infer50=670" npm run bench -- cnn.bench (figures measured beside it)
 *   node --import tsx bench/cnn.bench.ts [--quick]
 *
 * The anchor is the paper's stack (PyTorch) timing the same CNN2D; the project never runs it itself.
 */
import { execSync } from "node:child_process";
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
/** Timed training epochs after the first (their median is the figure). */
const TRAINING_ROUNDS = QUICK ? 2 : 5;
const TRAIN_FLOP = 3 * CNN_FORWARD_FLOP;

/** PyTorch's figures of the same sitting: training samples/s on 1 and 2 threads, inference img/s at batch 50 on 1. */
interface Anchor {
  train1: number | null;
  train2: number | null;
  infer50: number | null;
}

const NO_ANCHOR: Anchor = { train1: null, train2: null, infer50: null };

/** Runs (or parses) TORCH_ANCHOR; a command's output is read as cnn_torch.py prints it. */
function readAnchor(): Anchor {
  const spec = process.env.TORCH_ANCHOR;
  if (!spec) return NO_ANCHOR;
  if (/^\s*\w+=\d/.test(spec)) {
    const pairs = new Map(spec.split(",").map((p) => p.split("=").map((x) => x.trim()) as [string, string]));
    const num = (k: string) => (pairs.has(k) ? Number(pairs.get(k)) : null);
    return { train1: num("train1"), train2: num("train2"), infer50: num("infer50") };
  }
  const out = execSync(spec, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const pick = (re: RegExp) => {
    const m = re.exec(out);
    return m ? Number(m[1]) : null;
  };
  for (const line of out.trim().split("\n")) console.log(`  anchor | ${line}`);
  return {
    train1: pick(/torch 1 thread\(s\) train samples\/s \(batch 32\): (\d+)/),
    train2: pick(/torch 2 thread\(s\) train samples\/s \(batch 32\): (\d+)/),
    infer50: pick(/torch 1 thread\(s\) inference img\/s \(batch 50\): (\d+)/),
  };
}

/** Mean of the figures of two anchor runs (before and after ours), each side null when missing. */
function meanAnchor(a: Anchor, b: Anchor): Anchor {
  const mean = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : (x + y) / 2);
  return { train1: mean(a.train1, b.train1), train2: mean(a.train2, b.train2), infer50: mean(a.infer50, b.infer50) };
}

/** The anchor figures ratios are printed against (the run before ours until the closing summary). */
let anchor: Anchor = NO_ANCHOR;
/** Our figures that have an anchor counterpart, for the closing summary. */
const ours: Anchor = { ...NO_ANCHOR };

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

function report(label: string, perSecond: number, unit: string, flopPerItem: number, pytorch: number | null): void {
  const gflops = (perSecond * flopPerItem) / 1e9;
  const parts = [`${label.padEnd(48)} ${perSecond.toFixed(1).padStart(7)} ${unit}`, `${gflops.toFixed(1).padStart(5)} GFLOP/s`];
  if (pytorch !== null) parts.push(`${(perSecond / pytorch).toFixed(2)}x PyTorch (${pytorch.toFixed(0)})`);
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

async function benchTraining(backend: BackendName, path: TrainingPath, data: ReturnType<typeof images>, workers = 1): Promise<void> {
  const model = buildCnn2d({ seed: 1 });
  // The steady rate, as the anchor measures PyTorch's (after warm-up steps, the median of 5 rounds of 10
  // steps): after a first epoch, the median over TRAINING_ROUNDS epochs of 16 steps, so that a few slow
  // seconds of this shared machine move the figure no more than they move the anchor's. The first epoch
  // carries the threads' start-up and their first steps (JIT, XNNPACK operators), which a real training of
  // thousands of steps pays once.
  const r = await trainCnn(model, { train: data, epochs: 1 + TRAINING_ROUNDS, batchSize: 32, log: false, path, workers });
  const rates = r.history.slice(1).map((h) => data.n / h.seconds);
  const rate = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)];
  const threads = workers > 1 ? `, ${workers} threads` : "";
  if (path === "fused") ours[workers > 1 ? "train2" : "train1"] = rate;
  report(`${backend}: training, batch 32, ${path} path${threads}`, rate, "samples/s", TRAIN_FLOP, workers > 1 ? anchor.train2 : anchor.train1);
  console.log(`  (epochs timed: ${rates.map((x) => x.toFixed(0)).join(", ")}; first epoch, start-up included: ${(data.n / r.history[0].seconds).toFixed(1)} samples/s)`);
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
  report(`${backend}: inference, batch 256, model.predict`, n / stock, "images/s", CNN_FORWARD_FLOP, null);
  const folded = await timeIt(reps, () => predictCnn(model, data.images.subarray(0, n * CNN_IMAGE_SIZE), n, { batchSize: n }));
  report(`${backend}: inference, batch 256, predictCnn (folded)`, n / folded, "images/s", CNN_FORWARD_FLOP, null);
  if (backend !== "cpu") {
    const fn = cnnModelFn(model, { batchSize: 50 });
    const masked = Float32Array.from(data.images.subarray(0, 50 * CNN_IMAGE_SIZE));
    const shap = await timeIt(reps * 4, () => fn(masked, 50));
    ours.infer50 = 50 / shap;
    report(`${backend}: SHAP workload, calls of 50, cnnModelFn`, 50 / shap, "images/s", CNN_FORWARD_FLOP, anchor.infer50);
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
    report(`pool of ${workers} (${pool.backends.join(", ")}): inference, batch 256`, 256 / big, "images/s", CNN_FORWARD_FLOP, null);
    const shap = await timeIt(reps * 4, () => pool.predict(batch.subarray(0, 50 * CNN_IMAGE_SIZE), 50));
    report(`pool of ${workers}: SHAP workload, calls of 50`, 50 / shap, "images/s", CNN_FORWARD_FLOP, null);
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
  const before = readAnchor();
  anchor = before;

  await benchTraining(best, "fused", data);
  await benchTraining(best, "fused", data, Math.max(2, os.availableParallelism()));
  await profileStep(data);
  if (!QUICK) await benchTraining(best, "layers", data);
  await benchInference(best, data, reps);
  await benchPool(Math.max(2, os.availableParallelism()), data, reps);
  if (!QUICK) await benchPool(1, data, reps);

  if (process.env.TORCH_ANCHOR) {
    // Ours ran between two anchor runs: report against their mean, then once more for the record.
    anchor = meanAnchor(before, readAnchor());
    const line = (what: string, k: keyof Anchor, unit: string) => {
      const a = anchor[k];
      const o = ours[k];
      console.log(`  ${what.padEnd(44)} ours ${o === null ? "-" : o.toFixed(0).padStart(5)}   PyTorch ${a === null ? "-" : a.toFixed(0).padStart(5)} ${unit}   ${o !== null && a !== null ? (o / a).toFixed(2) + "x" : ""}`);
    };
    console.log(`side by side (PyTorch: mean of its runs before and after ours) [load ${os.loadavg()[0].toFixed(1)}]`);
    line("training, batch 32, one thread", "train1", "samples/s");
    line(`training, batch 32, ${Math.max(2, os.availableParallelism())} threads`, "train2", "samples/s");
    line("inference, calls of 50, one thread", "infer50", "img/s");
  }

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
