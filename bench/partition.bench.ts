/**
 * Partition explainer on paper-sized spectrogram images (33 x 153 x 3, inpainting masker, maxEvals 1000,
 * batchSize 50, top-1 output): seconds per explained image, split into model time, masking (inpainting) time
 * and the explainer's own bookkeeping; in-process, with inpainting worker threads (the calling thread paints
 * too, so 1 worker = 2 painting threads), and with two images explained side by side (concurrency 2). Wall-clock times depend on the machine's load, so the process CPU
 * time per image (all threads) is printed too.
 * The model is a cheap fixed random linear + sigmoid model in plain JS; the CNN's time comes on top. A second
 * round adds a busy-wait of BENCH_MODEL_MS (default 1) ms per image to stand in for a CNN forward pass, which
 * is where overlapping the model with inpainting (concurrency) can pay off.
 * Target (issue 5): masking + bookkeeping under ~1.5 s per image.
 * Environment: BENCH_IMAGES (default 2), BENCH_MODEL_MS (default 1).
 */
import os from "node:os";
import { Rng } from "../lib/core/rng";
import type { FloatArray } from "../lib/shap/explainer";
import { ImageMasker } from "../lib/shap/maskers/image-masker";
import type { BoundMasker, Masker } from "../lib/shap/maskers/masker";
import { PartitionExplainer } from "../lib/shap/partition/partition-explainer";
import { SPECTROGRAM_IMAGE_SHAPE } from "../lib/spectrogram/spectrogram-image";

const [H, W, C] = SPECTROGRAM_IMAGE_SHAPE;
const M = H * W * C;
const N_IMAGES = Number(process.env.BENCH_IMAGES ?? 2);
const MODEL_MS = Number(process.env.BENCH_MODEL_MS ?? 1);
const TARGET_S = 1.5;

/** Spectrogram-like test images: a smooth decaying band structure plus noise, on 0..255. */
function images(n: number): Float32Array {
  const rng = new Rng("partition-bench");
  const out = new Float32Array(n * M);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < H; r++) for (let t = 0; t < W; t++) for (let k = 0; k < C; k++) {
      const onset = t > 30 ? Math.exp(-(t - 30) / (40 + 10 * i)) : 0.1;
      const v = 255 * (0.25 + 0.6 * onset * Math.exp(-r / (8 + 3 * k))) + rng.normal(0, 10);
      out[i * M + (r * W + t) * C + k] = Math.min(255, Math.max(0, v));
    }
  }
  return out;
}

/** Times every fill of an inner masker. */
class TimedMasker implements Masker {
  fillS = 0;
  hidden = 0;
  elements = 0;
  constructor(private readonly inner: Masker) {}
  get nFeatures(): number {
    return this.inner.nFeatures;
  }
  get sampleShape(): readonly number[] {
    return this.inner.sampleShape;
  }
  get fixedBackground(): boolean {
    return this.inner.fixedBackground;
  }
  partitionTree() {
    return this.inner.partitionTree();
  }
  bind(x: Float64Array, where: string): BoundMasker {
    const bound = this.inner.bind(x, where);
    return {
      fill: async (masks: Uint8Array, nMasks: number, out: FloatArray, outOffset: number) => {
        const t0 = performance.now();
        await bound.fill(masks, nMasks, out, outOffset);
        this.fillS += (performance.now() - t0) / 1000;
        for (let i = 0; i < nMasks * this.nFeatures; i++) if (masks[i] === 0) this.hidden++;
        this.elements += nMasks * this.nFeatures;
      },
    };
  }
}

async function run(workers: number, concurrency: number, modelMs: number): Promise<void> {
  const rng = new Rng("partition-bench-model");
  const wts = Float32Array.from({ length: 2 * M }, () => rng.normal(0, 1e-4));
  const timing = { modelS: 0 };
  const model = async (batch: Float32Array, n: number) => {
    const t0 = performance.now();
    const out = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 2; k++) {
        let z = 0;
        const off = i * M;
        const wo = k * M;
        for (let p = 0; p < M; p++) z += batch[off + p] * wts[wo + p];
        out[2 * i + k] = 1 / (1 + Math.exp(-z));
      }
    }
    // stand-in for a CNN forward pass: burn modelMs per image on the main thread
    const until = performance.now() + modelMs * n;
    while (performance.now() < until);
    timing.modelS += (performance.now() - t0) / 1000;
    return out;
  };
  const inner = new ImageMasker({ fill: "inpaint-telea", shape: [H, W, C], workers });
  const masker = new TimedMasker(inner);
  const explainer = new PartitionExplainer(model, masker);
  const data = images(N_IMAGES + 1);
  const options = { maxEvals: 1000, batchSize: 50, outputs: 1, concurrency };
  // warm-up image (JIT, worker start-up), not counted
  await explainer.explain(data.subarray(N_IMAGES * M), 1, options);
  masker.fillS = masker.hidden = masker.elements = 0;
  timing.modelS = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const e = await explainer.explain(data.subarray(0, N_IMAGES * M), N_IMAGES, options);
  const totalS = (performance.now() - t0) / 1000 / N_IMAGES;
  const cpu = process.cpuUsage(cpu0);
  await inner.close();
  const cpuS = (cpu.user + cpu.system) / 1e6 / N_IMAGES;
  const modelS = timing.modelS / N_IMAGES;
  const maskS = masker.fillS / N_IMAGES;
  const label = `workers ${workers}, concurrency ${concurrency}`;
  if (concurrency > 1) {
    // with overlapping images the parts overlap too: only the total is meaningful
    console.log(`  ${label}: ${totalS.toFixed(3)} s/image wall, ${cpuS.toFixed(3)} s/image CPU (model ${modelS.toFixed(3)} s, masking ${maskS.toFixed(3)} s summed over overlapping images)`);
    return;
  }
  const bookS = totalS - modelS - maskS;
  console.log(
    `  ${label}: ${totalS.toFixed(3)} s/image wall = model ${modelS.toFixed(3)} + masking ${maskS.toFixed(3)} + bookkeeping ${bookS.toFixed(3)};` +
      ` masking + bookkeeping ${(maskS + bookS).toFixed(3)} s = ${((maskS + bookS) / TARGET_S).toFixed(2)} x the ${TARGET_S} s target;` +
      ` ${cpuS.toFixed(3)} s/image CPU; hidden fraction ${(masker.hidden / masker.elements).toFixed(2)};` +
      ` evaluations/image ${Array.from(explainer.lastModelEvalCounts).join(", ")}; max residual ${e.checkAdditivity().maxAbsResidual.toExponential(1)}`,
  );
}

(async () => {
  console.log(`PartitionExplainer, ${H} x ${W} x ${C} image, maxEvals 1000, batchSize 50, top-1 output, ${N_IMAGES} images; ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
  console.log("cheap linear + sigmoid model:");
  for (const [workers, concurrency] of [[0, 1], [1, 1], [2, 1]]) await run(workers, concurrency, 0);
  console.log(`model + ${MODEL_MS} ms busy-wait per image (CNN stand-in):`);
  for (const [workers, concurrency] of [[0, 1], [1, 1], [1, 2], [2, 2]]) await run(workers, concurrency, MODEL_MS);
})();
