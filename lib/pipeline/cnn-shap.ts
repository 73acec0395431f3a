/**
 * SHAP on the CNN2D, the paper's Fig. 3 and 4 (docs/paper-pipeline.md section 4; docs/shap-reference.md A.1, A.2, A.5,
 * A.6, D.2 and H): class-averaged SHAP maps of correctly classified test spectrograms.
 *
 * What `explainCnnClassMaps` does, in the authors' order:
 * 1. predicts every given test image with the same model function the explainer calls, and picks up to
 *    `nPerClass` correctly classified images per class (seeded), kept in their test-set order so that the
 *    normalisation batches mix the classes as the authors' test loader did;
 * 2. explains them with the Partition explainer and the Telea-inpainting Image masker (shap's
 *    `max_evals=1000, batch_size=50, outputs=argsort.flip[:1]`), on raw logits by default, as a resumable run
 *    when `outFile` is given (per-image values, written chunk by chunk, atomically);
 * 3. maps each image's output rank to its class through the explanation's output indices (rank 0 = the
 *    class the model predicts on the unmasked, uint8-truncated image), reduces the channels (summed, as
 *    shap's image plot does; the authors took the mean, a factor 1/3) and applies the authors' normalisation
 *    (each batch of 32 explained images divided by the batch's largest value), then averages per class.
 * Per-image values stay available (the Explanation, and per-image maps before and after normalisation) so
 * that other normalisations can be computed; maps are H x W row-major with row 0 = 0 Hz (freqsHz) and
 * column j at timesS[j] seconds.
 *
 * Images must be the 8-bit spectrogram images on 0..255 (the masker truncates to uint8, docs/shap-reference.md
 * H.1): images divided by 255 are refused with an explanation rather than explained as garbage.
 */
import path from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { CNN_CLASSES, CNN_IMAGE_SIZE, CNN_INPUT_CHANNELS, CNN_INPUT_HEIGHT, CNN_INPUT_WIDTH } from "../cnn/architecture";
import { CNN_CLASS_NAMES, getCnnMetadata } from "../cnn/metadata";
import type { CnnOutput } from "../cnn/model-fn";
import type { Standardization } from "../cnn/standardize";
import { cacheKey } from "../core/cache-key";
import { InputError } from "../core/errors";
import { silentProgress, type ProgressFn } from "../core/progress";
import { hashString, Rng } from "../core/rng";
import { classAveragedMaps } from "../shap/aggregate";
import type { Explanation } from "../shap/explanation";
import type { PartitionExplainOptions } from "../shap/partition/partition-explainer";
import { explainToFile } from "../shap/partition/explain-run";
import { SPECTROGRAM_IMAGE_FREQS_HZ, SPECTROGRAM_IMAGE_TIMES_S } from "../spectrogram/spectrogram-image";
import { IMAGE_P_ARRIVAL_S } from "./cnn-image-subset";
import { createCnnShapExplainer, DEFAULT_CNN_SHAP_ARRANGEMENT, type CnnShapExplainer, type CnnShapTiming, type CnnShapWorkers } from "./cnn-shap-explainer";
import { mapPeaks, type MapPeaks } from "./cnn-shap-peaks";

/** How the per-image maps are normalised before the class average (lib/shap/aggregate.ts). */
export type CnnShapNormalise = "batch-max" | "batch-abs-max" | "per-image-max" | "none";

/** What the paper reports about its maps (docs/paper-pipeline.md section 4), for comparison. */
export const PAPER_CNN_SHAP = {
  maxEvals: 1000,
  batchSize: 50,
  output: "logits",
  normalise: "batch-max",
  normaliseBatchSize: 32,
  /** The authors averaged the channels; divide a channel-sum map by 3 to compare values. */
  channelReduction: "mean",
  nPerClassApprox: 300,
  /** Peaks of the authors' saved NRCA maps (row 0 = 0 Hz; their figures mirror the frequency axis). */
  nrca: {
    foreshock: { maxValue: 0.233, maxFreqHz: 36, maxTime: "just after the P arrival (5 s)" },
    aftershock: { maxValue: 0.05, maxFreqHz: 33, maxTimeS: 13 },
  },
  /** Bands of the all-stations model's hotspots. */
  allStations: { foreshockBandHz: [16, 27], aftershockBandHz: [28, 40] },
} as const;

/**
 * The test images `explainCnnClassMaps` takes: an `ImageSubset` (`experiment.test`, `takeImageSubset`), or the
 * same fields as plain arrays.
 */
export interface ClassMapImages {
  /**
   * n x 33 x 153 x 3 on 0..255 (NHWC, channel fastest, row 0 = 0 Hz): the 8-bit spectrogram images. Float
   * arrays are accepted when they hold the same whole numbers.
   */
  readonly images: Uint8Array | Uint8ClampedArray | Float32Array | Float64Array;
  /** True class per image: 0 = foreshock, 1 = aftershock. */
  readonly labels: ArrayLike<number>;
  /** trace_name per image. */
  readonly traceNames: readonly string[];
  /** receiver_name per image, when known. */
  readonly stations?: readonly string[];
}

/** Options of `explainCnnClassMaps`. */
export interface ExplainCnnClassMapsOptions {
  /** Correctly classified images to explain per class (fewer when fewer are correct); the paper had about 300. */
  readonly nPerClass: number;
  /** Model evaluations per image (shap's max_evals). @default 1000 */
  readonly maxEvals?: number;
  /** Masked images per model call (shap's batch_size; it changes the values, docs/shap-reference.md A.5). @default 50 */
  readonly batchSize?: number;
  /** Explain raw logits (the paper) or softmax probabilities. @default "logits" */
  readonly output?: CnnOutput;
  /** Seed of the choice of images and of the explainer's tie-break. @default 42 */
  readonly seed?: number | string;
  /**
   * Folder of resumable runs: the run goes to `<outDir>/class-maps-<model>-<images>-n<nPerClass>-e<maxEvals>.json`,
   * named after a fingerprint of the model's weights and of the images' trace names, so another model or test
   * set starts its own file. Ignored when `outFile` is given.
   */
  readonly outDir?: string;
  /**
   * Resumable per-image results (explainToFile): parts go to `<outFile>.parts/`; every file carries a hash of
   * the model's weights, output and standardisation, so results of another model are recomputed, never mixed in.
   */
  readonly outFile?: string;
  /** Images per atomic write of a resumable run. @default 16 */
  readonly batchImages?: number;
  /** Threads. @default DEFAULT_CNN_SHAP_ARRANGEMENT.workers */
  readonly workers?: CnnShapWorkers;
  /** Images explained side by side. @default DEFAULT_CNN_SHAP_ARRANGEMENT.concurrency */
  readonly concurrency?: number;
  /** Input standardisation; default: the one stored with the model. */
  readonly standardization?: Standardization;
  /** @default "batch-max" (the authors') */
  readonly normalise?: CnnShapNormalise;
  /** Explained images per normalisation batch. @default 32 (the authors') */
  readonly normaliseBatchSize?: number;
  /** @default "sum" (shap's image plots; the authors' "mean" is 1/3 of it) */
  readonly channelReduction?: "sum" | "mean";
  /** Class names by class index. @default CNN_CLASS_NAMES */
  readonly classNames?: readonly string[];
  /**
   * Progress: first the predictions (in images), then the explanations (in model evaluations, maxEvals per
   * image over the whole run, read-back images included).
   */
  readonly onProgress?: ProgressFn;
}

/** The class-averaged map of one class, with what went into it. */
export interface CnnClassMap {
  readonly classIndex: number;
  readonly name: string;
  /** H x W row-major, row 0 = 0 Hz; zeros when no image of the class was averaged. */
  readonly map: Float64Array;
  /** Images averaged. */
  readonly count: number;
  /** Normalisation batches that contributed a batch mean. */
  readonly nBatches: number;
  /** Correctly classified images of the class among the given ones. */
  readonly nCorrect: number;
  /** Test images of the class among the given ones. */
  readonly nImages: number;
  /** Where the map is largest and smallest; null for an empty class. */
  readonly peaks: MapPeaks | null;
}

/** Wall-clock seconds of a call. */
export interface CnnShapRunTiming {
  /** Predicting every given image. */
  readonly predictSeconds: number;
  /** Explaining (or reading back) the chosen images. */
  readonly explainSeconds: number;
  /** Inside model calls while explaining (overlaps maskingSeconds when images are explained side by side). */
  readonly modelSeconds: number;
  /** Inside the masker's fills (inpainting) while explaining. */
  readonly maskingSeconds: number;
  /** Images explained in this call (the others were read back from outFile). */
  readonly imagesComputed: number;
  /** explainSeconds / imagesComputed; null when every image was read back. */
  readonly perImageSeconds: number | null;
  /** The whole call. */
  readonly totalSeconds: number;
}

/** Result of `explainCnnClassMaps`. */
export interface CnnClassMapsResult {
  /** One entry per class (0 = foreshock, 1 = aftershock). */
  readonly classes: readonly CnnClassMap[];
  /** Map rows: 33 frequencies, k * 1.5625 Hz (row 0 = 0 Hz). */
  readonly freqsHz: Float64Array;
  /** Map columns: 153 segment centres, (32 + 16 j) / 100 s. */
  readonly timesS: Float64Array;
  /** The P arrival on the time axis, s. */
  readonly pArrivalS: number;
  readonly height: number;
  readonly width: number;
  /** Given images, correct predictions and accuracy over them. */
  readonly counts: { readonly nImages: number; readonly nCorrect: number; readonly accuracy: number; readonly nExplained: number };
  /** The explained images, in explanation order (their test-set order). */
  readonly images: {
    /** Position of each explained image in the given images. */
    readonly index: Int32Array;
    readonly traceNames: readonly string[];
    readonly stations: readonly (string | null)[];
    readonly trueLabels: Uint8Array;
    /** The explained class (rank 0 of the explanation): the class predicted on the unmasked image. */
    readonly predicted: Uint8Array;
    /** Model evaluations per image (f00 and f11 included); -1 for images read back from a file written before counts were kept. */
    readonly evalCounts: Int32Array;
  };
  /** Per-image SHAP values, N x 33 x 153 x 3 x 1 (rank 0 = the explained class). */
  readonly explanation: Explanation;
  /** Per-image maps of the explained class, channel-reduced, before normalisation: N x H x W. */
  readonly imageMaps: Float64Array;
  /** The same after the normalisation (what the class averages are made of): N x H x W. */
  readonly normalisedImageMaps: Float64Array;
  /** The settings of the run. */
  readonly config: {
    readonly nPerClass: number;
    readonly maxEvals: number;
    readonly batchSize: number;
    readonly output: CnnOutput;
    readonly seed: number | string;
    readonly normalise: CnnShapNormalise;
    readonly normaliseBatchSize: number;
    readonly channelReduction: "sum" | "mean";
    readonly classNames: readonly string[];
    readonly workers: Required<CnnShapWorkers>;
    readonly concurrency: number;
  };
  readonly timing: CnnShapRunTiming;
  /** The resumable per-image results file, or null. */
  readonly outFile: string | null;
}

const RUN_MODEL_FORMAT = "seismic-xai/cnn-shap-run-model";

/**
 * Explains correctly classified test images of a CNN2D with the Partition explainer and the Telea-inpainting
 * Image masker, and averages their maps per class as the paper did (see the file comment):
 * `explainCnnClassMaps(nrca.model, nrca.test, { nPerClass: 300, maxEvals: 1000 })`. The work is four steps:
 * `planClassMaps` checks the input and settings, the model predicts every image and the correct ones are
 * chosen; `runClassMaps` explains them (resumably with `outDir`/`outFile`); `classMapsOf` averages the maps
 * per class; `writeCnnShapResults` (./cnn-shap-results) writes them.
 *
 * Throws an InputError for images that are not n x 33 x 153 x 3 whole numbers in 0..255 (naming what is wrong,
 * e.g. images divided by 255), labels other than 0/1, a wrong number of trace names or stations,
 * nPerClass < 1, or no correctly classified image.
 */
export async function explainCnnClassMaps(model: tf.LayersModel, images: ClassMapImages, options: ExplainCnnClassMapsOptions): Promise<CnnClassMapsResult> {
  const t0 = performance.now();
  const settings = classMapSettings(model, images, options);
  const shap = await createCnnShapExplainer(model, {
    output: settings.output,
    standardization: options.standardization,
    workers: options.workers,
    outputNames: settings.classNames,
  });
  try {
    const plan = await planClassMaps(shap, images, settings);
    const run = await runClassMaps(shap, images, plan, settings);
    return classMapsOf(images, plan, run, settings, (performance.now() - t0) / 1000);
  } finally {
    await shap.close();
  }
}

/** The checked settings of a class-map run, defaults filled in. */
interface ClassMapSettings extends Omit<CnnClassMapsResult["config"], "workers"> {
  readonly where: string;
  readonly n: number;
  readonly outFile: string | null;
  /** What the run's values depend on beyond images and options (runModelKey), for explainToFile. */
  readonly runKey: string | undefined;
  readonly batchImages: number;
  readonly onProgress: ProgressFn;
}

/** Step 0: checks images, labels and settings; keys a resumable run on the model (runModelKey). */
function classMapSettings(model: tf.LayersModel, images: ClassMapImages, options: ExplainCnnClassMapsOptions): ClassMapSettings {
  const where = "explainCnnClassMaps";
  const trueLabels = images?.labels;
  const n = trueLabels?.length;
  if (!Number.isInteger(n) || n < 1) throw new InputError(where, "labels must hold one class (0 or 1) per image, and there must be at least one image");
  assertByteImages(images.images, n, `${where}: images`);
  for (let i = 0; i < n; i++) {
    if (trueLabels[i] !== 0 && trueLabels[i] !== 1) throw new InputError(where, `labels[${i}] is ${trueLabels[i]}: labels must be 0 (foreshock) or 1 (aftershock)`);
  }
  const { traceNames } = images;
  if (!Array.isArray(traceNames) || traceNames.length !== n) throw new InputError(where, `traceNames must hold one name per image (${n}), got ${traceNames?.length}`);
  if (images.stations !== undefined && images.stations.length !== n) throw new InputError(where, `stations must hold one station per image (${n}), got ${images.stations.length}`);
  const nPerClass = options.nPerClass;
  if (!Number.isInteger(nPerClass) || nPerClass < 1) throw new InputError(where, `nPerClass must be a positive integer (correct images to explain per class), got ${nPerClass}`);
  const maxEvals = options.maxEvals ?? 1000;
  const batchSize = options.batchSize ?? 50;
  if (!Number.isInteger(maxEvals) || maxEvals < 2) throw new InputError(where, `maxEvals must be an integer >= 2, got ${maxEvals}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(where, `batchSize must be a positive integer, got ${batchSize}`);
  const classNames = options.classNames ?? CNN_CLASS_NAMES;
  if (classNames.length !== CNN_CLASSES) throw new InputError(where, `classNames must name the ${CNN_CLASSES} classes, got ${classNames.length}`);
  const concurrency = options.concurrency ?? DEFAULT_CNN_SHAP_ARRANGEMENT.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError(where, `concurrency must be a positive integer, got ${concurrency}`);
  const output = options.output ?? "logits";
  if (output !== "logits" && output !== "probabilities") throw new InputError(where, `output must be "logits" or "probabilities", got ${JSON.stringify(output)}`);
  const runKey = options.outFile || options.outDir ? runModelKey(model, output, options.standardization) : undefined;
  let outFile: string | null = null;
  if (options.outFile) outFile = path.resolve(options.outFile);
  else if (options.outDir && runKey) {
    const names = hashString(JSON.stringify(traceNames)).toString(16);
    outFile = path.resolve(options.outDir, `class-maps-${runKey.slice(0, 12)}-${names}-n${nPerClass}-e${maxEvals}.json`);
  }
  return {
    where,
    n,
    nPerClass,
    maxEvals,
    batchSize,
    output,
    seed: options.seed ?? 42,
    normalise: options.normalise ?? "batch-max",
    normaliseBatchSize: options.normaliseBatchSize ?? 32,
    channelReduction: options.channelReduction ?? "sum",
    classNames: [...classNames],
    concurrency,
    outFile,
    runKey,
    batchImages: options.batchImages ?? 16,
    onProgress: options.onProgress ?? silentProgress,
  };
}

/** What `planClassMaps` decided: the model's outputs on every image and the images chosen for explaining. */
interface ClassMapPlan {
  /** n x 2 model outputs (the explainer's own model function). */
  readonly outputs: Float32Array;
  readonly correctByClass: readonly (readonly number[])[];
  /** Positions of the chosen images, ascending (test-set order). */
  readonly chosen: readonly number[];
  readonly predictSeconds: number;
}

/**
 * Step 1 (plan): predicts every image with the explainer's own model function, in slices (a float copy of a
 * whole real test set would take gigabytes), and chooses up to nPerClass correct images per class, seeded,
 * kept in test-set order.
 */
async function planClassMaps(shap: CnnShapExplainer, images: ClassMapImages, s: ClassMapSettings): Promise<ClassMapPlan> {
  const { n } = s;
  const tPredict = performance.now();
  const outputs = new Float32Array(n * CNN_CLASSES);
  const slice = 250;
  const buffer = new Float32Array(Math.min(n, slice) * CNN_IMAGE_SIZE);
  for (let start = 0; start < n; start += slice) {
    const b = Math.min(slice, n - start);
    const batch = buffer.subarray(0, b * CNN_IMAGE_SIZE);
    for (let i = 0; i < batch.length; i++) batch[i] = images.images[start * CNN_IMAGE_SIZE + i];
    outputs.set(await shap.modelFn(batch, b), start * CNN_CLASSES);
    s.onProgress(start + b, n, "predicting the test images");
  }
  const predictSeconds = (performance.now() - tPredict) / 1000;
  const correctByClass: number[][] = [[], []];
  for (let i = 0; i < n; i++) {
    const predicted = outputs[2 * i + 1] > outputs[2 * i] ? 1 : 0;
    if (predicted === images.labels[i]) correctByClass[predicted].push(i);
  }
  const chosen: number[] = [];
  correctByClass.forEach((indices, cls) => {
    const order = new Rng(`${String(s.seed)}/choose/class ${cls}`).permutation(indices.length);
    for (let j = 0; j < Math.min(s.nPerClass, indices.length); j++) chosen.push(indices[order[j]]);
  });
  chosen.sort((a, b) => a - b);
  if (chosen.length === 0) throw new InputError(s.where, `none of the ${n} images is classified correctly: there is nothing to explain`);
  return { outputs, correctByClass, chosen, predictSeconds };
}

/** What `runClassMaps` computed. */
interface ClassMapRun {
  readonly explanation: Explanation;
  /** The explained class per chosen image (rank 0 of the explanation). */
  readonly explained: Uint8Array;
  readonly explainSeconds: number;
  readonly timing: CnnShapTiming;
  readonly workers: Required<CnnShapWorkers>;
}

/**
 * Step 2 (run): explains the chosen images, top-1 output, resumably into outFile when there is one; then
 * checks that every explained output is the class predicted in step 1 with the same value (read-back values
 * must belong to this model: the same function, only the batch composition differs).
 */
async function runClassMaps(shap: CnnShapExplainer, images: ClassMapImages, plan: ClassMapPlan, s: ClassMapSettings): Promise<ClassMapRun> {
  const { chosen } = plan;
  const nSel = chosen.length;
  const samples = new Float32Array(nSel * CNN_IMAGE_SIZE);
  chosen.forEach((i, j) => {
    for (let p = 0; p < CNN_IMAGE_SIZE; p++) samples[j * CNN_IMAGE_SIZE + p] = images.images[i * CNN_IMAGE_SIZE + p];
  });
  shap.resetTiming();
  const tExplain = performance.now();
  const onProgress: ProgressFn = (done, total, label) => s.onProgress(done, total, label ?? `explaining ${nSel} images`);
  const explainOptions: PartitionExplainOptions = {
    maxEvals: s.maxEvals,
    batchSize: s.batchSize,
    outputs: 1,
    tieBreak: { seed: `${String(s.seed)}/tie-break` },
    concurrency: s.concurrency,
    checkAdditivity: true,
  };
  const explanation = s.outFile
    ? await explainToFile(shap.explainer, samples, nSel, explainOptions, { outFile: s.outFile, key: s.runKey, batchImages: s.batchImages, onProgress })
    : await shap.explainer.explain(samples, nSel, { ...explainOptions, onProgress });
  const explainSeconds = (performance.now() - tExplain) / 1000;
  const explained = new Uint8Array(nSel);
  for (let j = 0; j < nSel; j++) {
    const cls = explanation.outputIndices[j];
    explained[j] = cls;
    const expected = plan.outputs[chosen[j] * CNN_CLASSES + cls];
    const got = explanation.modelOutputs ? explanation.modelOutputs[j] : expected;
    if (!(Math.abs(got - expected) <= 1e-3 * Math.max(1, Math.abs(expected)))) {
      throw new InputError(
        s.outFile ?? s.where,
        `image ${images.traceNames[chosen[j]]}: the explained output ${got} differs from this model's ${expected}; the results were computed with another model or output (delete the file and its .parts folder)`,
      );
    }
  }
  return { explanation, explained, explainSeconds, timing: shap.timing(), workers: shap.workers };
}

/**
 * Step 3 (evaluate): maps each image's output rank to its class, reduces the channels and normalises as the
 * authors did (classAveragedMaps), averages per class, and locates each class map's peaks in Hz and s.
 */
function classMapsOf(images: ClassMapImages, plan: ClassMapPlan, run: ClassMapRun, s: ClassMapSettings, totalSeconds: number): CnnClassMapsResult {
  const { chosen, correctByClass } = plan;
  const { explanation, explained, timing } = run;
  const trueChosen = Uint8Array.from(chosen, (i) => images.labels[i]);
  const aggregate = { trueLabels: trueChosen, predicted: explained, batchSize: s.normaliseBatchSize, channelReduction: s.channelReduction, classNames: s.classNames } as const;
  const averaged = classAveragedMaps(explanation, { ...aggregate, normalise: s.normalise });
  const raw = s.normalise === "none" ? averaged : classAveragedMaps(explanation, { ...aggregate, normalise: "none" });
  const freqsHz = SPECTROGRAM_IMAGE_FREQS_HZ.slice();
  const timesS = SPECTROGRAM_IMAGE_TIMES_S.slice();
  const nPixels = CNN_INPUT_HEIGHT * CNN_INPUT_WIDTH;
  const classes: CnnClassMap[] = [0, 1].map((cls) => {
    const found = averaged.classes.find((c) => c.classIndex === cls);
    const map = found ? found.map : new Float64Array(nPixels);
    const count = found ? found.count : 0;
    let nImages = 0;
    for (let i = 0; i < s.n; i++) if (images.labels[i] === cls) nImages++;
    return {
      classIndex: cls,
      name: s.classNames[cls],
      map,
      count,
      nBatches: found ? found.nBatches : 0,
      nCorrect: correctByClass[cls].length,
      nImages,
      peaks: count > 0 ? mapPeaks(map, freqsHz, timesS) : null,
    };
  });
  const nCorrect = correctByClass[0].length + correctByClass[1].length;
  const nSel = chosen.length;
  const counted = explanation.evalCounts;
  const imagesComputed = timing.imagesExplained;
  return {
    classes,
    freqsHz,
    timesS,
    pArrivalS: IMAGE_P_ARRIVAL_S,
    height: CNN_INPUT_HEIGHT,
    width: CNN_INPUT_WIDTH,
    counts: { nImages: s.n, nCorrect, accuracy: nCorrect / s.n, nExplained: nSel },
    images: {
      index: Int32Array.from(chosen),
      traceNames: chosen.map((i) => images.traceNames[i]),
      stations: chosen.map((i) => images.stations?.[i] ?? null),
      trueLabels: trueChosen,
      predicted: explained,
      evalCounts: counted ? Int32Array.from(counted) : new Int32Array(nSel).fill(-1),
    },
    explanation,
    imageMaps: raw.sampleMaps,
    normalisedImageMaps: averaged.sampleMaps,
    config: {
      nPerClass: s.nPerClass,
      maxEvals: s.maxEvals,
      batchSize: s.batchSize,
      output: s.output,
      seed: s.seed,
      normalise: s.normalise,
      normaliseBatchSize: s.normaliseBatchSize,
      channelReduction: s.channelReduction,
      classNames: s.classNames,
      workers: run.workers,
      concurrency: s.concurrency,
    },
    timing: {
      predictSeconds: plan.predictSeconds,
      explainSeconds: run.explainSeconds,
      modelSeconds: timing.modelSeconds,
      maskingSeconds: timing.maskingSeconds,
      imagesComputed,
      perImageSeconds: imagesComputed > 0 ? run.explainSeconds / imagesComputed : null,
      totalSeconds,
    },
    outFile: s.outFile,
  };
}

/**
 * Throws unless `images` holds n images of 33 x 153 x 3 whole numbers in 0..255, with a message that names
 * the likely mistake (images / 255, a wrong shape).
 */
function assertByteImages(images: unknown, n: number, where: string): void {
  const isBytes = images instanceof Uint8Array || images instanceof Uint8ClampedArray;
  if (!isBytes && !(images instanceof Float32Array) && !(images instanceof Float64Array)) {
    throw new InputError(where, `must be a Uint8Array of 8-bit images (or a Float32Array/Float64Array of the same values), got ${Object.prototype.toString.call(images)}`);
  }
  const a = images as Uint8Array | Uint8ClampedArray | Float32Array | Float64Array;
  if (a.length !== n * CNN_IMAGE_SIZE) {
    const per = a.length / n;
    const pixels = CNN_INPUT_HEIGHT * CNN_INPUT_WIDTH;
    let hint = "";
    if (Number.isInteger(per) && per % pixels === 0) hint = ` (${per / pixels} channel(s) per ${CNN_INPUT_HEIGHT} x ${CNN_INPUT_WIDTH} image; the CNN2D needs ${CNN_INPUT_CHANNELS})`;
    else if (Number.isInteger(per)) hint = ` (${per} values per image)`;
    throw new InputError(
      where,
      `expected ${n} images (one per label) of ${CNN_INPUT_HEIGHT} x ${CNN_INPUT_WIDTH} x ${CNN_INPUT_CHANNELS} = ${n * CNN_IMAGE_SIZE} values, got ${a.length}${hint}`,
    );
  }
  if (isBytes) return;
  let max = -Infinity;
  let firstFraction = -1;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!Number.isFinite(v) || v < 0 || v > 255) {
      throw new InputError(where, `value ${v} in image ${Math.floor(i / CNN_IMAGE_SIZE)} is outside 0..255: pass the 8-bit spectrogram images (0..255)`);
    }
    if (v > max) max = v;
    if (firstFraction < 0 && v !== Math.floor(v)) firstFraction = i;
  }
  if (firstFraction < 0) return;
  if (max <= 1) {
    throw new InputError(
      where,
      "every value lies in [0, 1]: these look like the images divided by 255. Pass the 8-bit images on the 0..255 scale: the inpainting masker truncates to uint8 " +
        "(every kept pixel would become 0 while the all-hidden image keeps the mean colour, so shap would explain garbage), and the model function divides by 255 and standardises inside",
    );
  }
  throw new InputError(
    where,
    `value ${a[firstFraction]} in image ${Math.floor(firstFraction / CNN_IMAGE_SIZE)} is not a whole number: the masker truncates to uint8 (as shap does), so pass the 8-bit spectrogram images`,
  );
}

/**
 * What a resumable run's values depend on beyond the images and the explain options, which explainToFile
 * cannot see: the weights (names, shapes, values), the output kind and the standardisation. Enters the run's
 * fingerprint (explain-run's `key`) and names the run file of `outDir`.
 */
function runModelKey(model: tf.LayersModel, output: CnnOutput, standardization: Standardization | undefined): string {
  const std = standardization ?? getCnnMetadata(model)?.standardization ?? null;
  const weights = model.weights.map((w) => ({ name: w.originalName, shape: w.shape, values: w.read().dataSync() as Float32Array }));
  return cacheKey(RUN_MODEL_FORMAT, weights, output, std);
}
