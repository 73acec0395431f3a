/**
 * SHAP on the paper's CNN (issue 5): seconds per explained 33 x 153 x 3 spectrogram image at maxEvals 1000,
 * batchSize 50, top-1 logit, through explainCnnClassMaps, for several arrangements of the work on threads,
 * split into model time (wall time inside model calls) and masking (inpainting) + bookkeeping. For scale:
 * shap 0.51 with the PyTorch version of the network takes 5.2 s per image on two cores of this machine, 2.9 s
 * of it in the model. Targets: under 3 s per image; masking + bookkeeping cheaper than the model's own forward
 * passes.
 *
 * The images are real spectrograms of the default data set (data/dset, NRCA, foreshocks and aftershocks);
 * the model is buildCnn2d with a fixed seed and the images' own standardisation (untrained weights cost the
 * same forward passes as trained ones). Its predictions stand in for the true labels so that every image
 * counts as correctly classified. Other processes share the two cores: the load average is printed, and the
 * process CPU time per image (every thread) next to the wall time.
 *
 *   node --import tsx bench/cnn-shap.bench.ts
 * Environment: BENCH_IMAGES (default 4); BENCH_QUICK=1 runs the default arrangement only; BENCH_ARRANGEMENTS
 * ("model,masker,concurrency;...") runs the given ones.
 */
import os from "node:os";
import { buildCnn2d, CNN_IMAGE_SIZE } from "../lib/cnn/architecture";
import { initBackend } from "../lib/cnn/backend";
import { setCnnMetadata } from "../lib/cnn/metadata";
import { cnnModelFn } from "../lib/cnn/model-fn";
import { predictCnn } from "../lib/cnn/predict";
import { computeStandardization } from "../lib/cnn/standardize";
import { defaultDSetDir } from "../lib/core/paths";
import { openDSet } from "../lib/data/dset-reader";
import { DEFAULT_CNN_SHAP_ARRANGEMENT, type CnnShapWorkers } from "../lib/pipeline/cnn-shap-explainer";
import { explainCnnClassMaps } from "../lib/pipeline/cnn-shap";
import { spectrogramImage } from "../lib/spectrogram/spectrogram-image";

const N_IMAGES = Number(process.env.BENCH_IMAGES ?? 4);
const QUICK = process.env.BENCH_QUICK === "1";
/** BENCH_ARRANGEMENTS="model,masker,concurrency;..." replaces the list, e.g. "1,0,2;1,1,2". */
const CUSTOM: Arrangement[] | null = process.env.BENCH_ARRANGEMENTS
  ? process.env.BENCH_ARRANGEMENTS.split(";").map((spec) => {
      const [model, masker, concurrency] = spec.split(",").map(Number);
      return { workers: { model, masker }, concurrency };
    })
  : null;
const TARGET_S = 3;
const SHAP_PYTORCH_S = 5.2;
const SHAP_PYTORCH_MODEL_S = 2.9;
const MAX_EVALS = 1000;
const BATCH = 50;

interface Arrangement {
  readonly workers: Required<CnnShapWorkers>;
  readonly concurrency: number;
}

/** Real spectrogram images: half NRCA foreshocks, half aftershocks of the default data set. */
async function realImages(n: number): Promise<{ images: Uint8Array; names: string[] }> {
  const dset = await openDSet(defaultDSetDir(), { stations: ["NRCA"] });
  try {
    const names: string[] = [];
    const images = new Uint8Array(n * CNN_IMAGE_SIZE);
    for (const label of [0, 1] as const) {
      const want = label === 0 ? Math.ceil(n / 2) : Math.floor(n / 2);
      const rows = dset.metadata({ labels: [label] }).slice(0, want);
      for (const row of rows) {
        const trace = await dset.readTrace(row.trace_name);
        spectrogramImage(trace, { output: images.subarray(names.length * CNN_IMAGE_SIZE, (names.length + 1) * CNN_IMAGE_SIZE) });
        names.push(row.trace_name);
      }
    }
    if (names.length !== n) throw new Error(`found ${names.length} NRCA traces, wanted ${n}`);
    return { images, names };
  } finally {
    dset.close();
  }
}

function label(a: Arrangement): string {
  const model = a.workers.model === 0 ? "model in-process" : `model on ${a.workers.model} pool worker${a.workers.model > 1 ? "s" : ""}`;
  return `${model}, ${a.workers.masker} inpainting worker${a.workers.masker === 1 ? "" : "s"}, concurrency ${a.concurrency}`;
}

(async () => {
  await initBackend({ prefer: "wasm", log: false });
  let data: { images: Uint8Array; names: string[] };
  try {
    data = await realImages(N_IMAGES);
  } catch (e) {
    console.log(`cannot read the default data set at ${defaultDSetDir()} (${e instanceof Error ? e.message : String(e)}): run \`npm run data\` first`);
    process.exitCode = 1;
    return;
  }
  const model = buildCnn2d({ seed: 1 });
  setCnnMetadata(model, { standardization: computeStandardization(data.images, N_IMAGES) });
  const predicted = predictCnn(model, data.images, N_IMAGES).labels;
  const images = { images: data.images, labels: predicted, traceNames: data.names };
  const base = { nPerClass: N_IMAGES, maxEvals: MAX_EVALS, batchSize: BATCH };
  console.log(
    `CNN2D SHAP: ${N_IMAGES} real NRCA spectrograms (33 x 153 x 3), maxEvals ${MAX_EVALS}, batchSize ${BATCH}, top-1 logit; ` +
      `${os.cpus().length} CPUs, load average ${os.loadavg().map((v) => v.toFixed(1)).join(" ")}`,
  );

  // The model's own forward passes: 1000 masked-image evaluations in calls of 50, nothing else.
  const fn = cnnModelFn(model, { batchSize: BATCH });
  const batch = new Float32Array(BATCH * CNN_IMAGE_SIZE);
  for (let i = 0; i < batch.length; i++) batch[i] = data.images[i % data.images.length];
  await fn(batch, BATCH);
  const tModel = performance.now();
  for (let k = 0; k < MAX_EVALS / BATCH; k++) await fn(batch, BATCH);
  const modelOnlyS = (performance.now() - tModel) / 1000;
  fn.dispose();
  console.log(`model alone: ${modelOnlyS.toFixed(3)} s per 1000 forward passes (in-process, batches of ${BATCH}); shap + PyTorch: ${SHAP_PYTORCH_MODEL_S} s`);

  // Warm-up (JIT, wasm kernels), not counted.
  await explainCnnClassMaps(model, images, { ...base, maxEvals: 100, workers: { model: 0, masker: 0 }, concurrency: 1 });

  const arrangements: Arrangement[] = CUSTOM
    ? CUSTOM
    : QUICK
    ? [DEFAULT_CNN_SHAP_ARRANGEMENT]
    : [
        { workers: { model: 0, masker: 0 }, concurrency: 1 },
        { workers: { model: 0, masker: 1 }, concurrency: 1 },
        { workers: { model: 0, masker: 1 }, concurrency: 2 },
        { workers: { model: 1, masker: 0 }, concurrency: 1 },
        { workers: { model: 1, masker: 0 }, concurrency: 2 },
        { workers: { model: 1, masker: 0 }, concurrency: 4 },
        { workers: { model: 1, masker: 1 }, concurrency: 2 },
        { workers: { model: 1, masker: 1 }, concurrency: 4 },
        { workers: { model: 1, masker: 2 }, concurrency: 2 },
        { workers: { model: 2, masker: 0 }, concurrency: 2 },
      ];
  for (const a of arrangements) {
    const cpu0 = process.cpuUsage();
    const r = await explainCnnClassMaps(model, images, { ...base, workers: a.workers, concurrency: a.concurrency });
    const cpu = process.cpuUsage(cpu0);
    const n = r.timing.imagesComputed;
    const perImage = r.timing.explainSeconds / n;
    const modelS = r.timing.modelSeconds / n;
    const maskS = r.timing.maskingSeconds / n;
    const cpuS = (cpu.user + cpu.system) / 1e6 / n;
    const isDefault = a.workers.model === DEFAULT_CNN_SHAP_ARRANGEMENT.workers.model && a.workers.masker === DEFAULT_CNN_SHAP_ARRANGEMENT.workers.masker && a.concurrency === DEFAULT_CNN_SHAP_ARRANGEMENT.concurrency;
    const evals = Array.from(r.images.evalCounts).join(", ");
    console.log(`${label(a)}${isDefault ? " [default]" : ""}:`);
    if (a.concurrency === 1 && a.workers.model === 0) {
      // Strictly sequential: the wall time splits exactly.
      const rest = perImage - modelS;
      console.log(
        `  ${perImage.toFixed(3)} s/image = model ${modelS.toFixed(3)} + masking ${maskS.toFixed(3)} + bookkeeping ${(rest - maskS).toFixed(3)}; ` +
          `masking + bookkeeping = ${(rest / modelS).toFixed(2)} x the model's time`,
      );
    } else {
      // Model calls overlap other images' inpainting: the sums overlap too, so compare what is added to the model alone.
      console.log(
        `  ${perImage.toFixed(3)} s/image wall (inside model calls ${modelS.toFixed(3)} s, inside masking ${maskS.toFixed(3)} s, overlapping); ` +
          `beyond the model alone: ${(perImage - modelOnlyS).toFixed(3)} s`,
      );
    }
    console.log(
      `  ${(perImage / TARGET_S).toFixed(2)} x the ${TARGET_S} s target, ${(perImage / SHAP_PYTORCH_S).toFixed(2)} x shap + PyTorch (${SHAP_PYTORCH_S} s); ` +
        `CPU ${cpuS.toFixed(3)} s/image (all threads); evaluations/image ${evals}; load ${os.loadavg()[0].toFixed(1)}`,
    );
  }
  model.dispose();
})();
