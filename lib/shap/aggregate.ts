/**
 * Class-averaged SHAP maps of spectrogram images (paper Fig. 3 and 4; docs/paper-pipeline.md section 4).
 *
 * Per sample the map is the explained output that belongs to the sample's predicted class (found through
 * `outputIndices`, because the last axis of the values is the output rank, docs/shap-reference.md A.6), reduced
 * over the channels. Only correctly classified samples (true label = predicted class) enter a class average.
 *
 * Normalisations:
 * - "batch-max", the authors' procedure as their notebook does it: the samples are taken in consecutive
 *   batches of `batchSize` (32) in explanation order; each batch's raw values (all samples, channels and
 *   explained outputs) are divided by their maximum, the *signed* maximum (`shap_tensor.max()`), before the
 *   channel reduction; per class the correct samples of a batch are averaged, and the class map is the mean
 *   of those batch means over the batches holding at least one correct sample of the class (the authors' code
 *   would average a NaN for a batch without one). A batch whose maximum is not positive is refused (dividing
 *   would flip or blow up the signs); use "batch-abs-max" there.
 * - "batch-abs-max": the same with the batch maximum of |value|.
 * - "per-image-max": each sample's reduced map divided by its own maximum |value|, then a plain mean.
 * - "none": a plain mean of the reduced maps.
 * The authors averaged the channels (the mean); image plots sum them. The channel reduction is an option
 * (default "sum"); with a batch-max normalisation "mean" gives the authors' numbers (a factor 1/C).
 *
 * Maps keep the image layout: H x W row-major, row 0 = the first spectrogram row (0 Hz), column = time.
 */
import { InputError } from "../core/errors";
import type { Explanation } from "./explanation";

/** Options of classAveragedMaps. */
export interface ClassAveragedMapsOptions {
  /** True class (model output index) per sample. */
  readonly trueLabels: ArrayLike<number>;
  /** Predicted class (model output index) per sample; must be one of the sample's explained outputs. */
  readonly predicted: ArrayLike<number>;
  /** @default "batch-max" */
  readonly normalise?: "batch-max" | "batch-abs-max" | "per-image-max" | "none";
  /** Samples per normalisation batch for the batch normalisations. @default 32 */
  readonly batchSize?: number;
  /** How the channels are reduced. @default "sum" */
  readonly channelReduction?: "sum" | "mean";
  /** Class names by class index; defaults to the explanation's output names. */
  readonly classNames?: readonly string[];
}

/** The average map of one class. */
export interface ClassMap {
  readonly classIndex: number;
  readonly name: string | null;
  /** H x W row-major (row 0 = 0 Hz); zeros when no sample of the class was classified correctly. */
  readonly map: Float64Array;
  /** Correctly classified samples averaged. */
  readonly count: number;
  /** Batches that contributed a batch mean (batch normalisations); equals `count` otherwise. */
  readonly nBatches: number;
}

/** Result of classAveragedMaps. */
export interface ClassAveragedMaps {
  readonly height: number;
  readonly width: number;
  /** One entry per class present in trueLabels, by increasing class index. */
  readonly classes: readonly ClassMap[];
  /** Every sample's normalised, channel-reduced map of its predicted class, N x H x W. */
  readonly sampleMaps: Float64Array;
  /** 1 where the sample is correctly classified (and so enters its class average). */
  readonly correct: Uint8Array;
}

/**
 * Averages the SHAP maps of correctly classified samples per class (paper section 4). `expl` must have
 * feature shape [H, W, C]. See the file comment for the normalisations.
 */
export function classAveragedMaps(expl: Explanation, options: ClassAveragedMapsOptions): ClassAveragedMaps {
  const where = "classAveragedMaps";
  if (expl.featureShape.length !== 3) throw new InputError(where, `needs image explanations (H x W x C features), got feature shape ${JSON.stringify(expl.featureShape)}`);
  const [h, w, c] = expl.featureShape;
  const n = expl.nSamples;
  const k = expl.nOutputs;
  const { trueLabels, predicted } = options;
  const normalise = options.normalise ?? "batch-max";
  const batchSize = options.batchSize ?? 32;
  const reduction = options.channelReduction ?? "sum";
  if (trueLabels.length !== n || predicted.length !== n) {
    throw new InputError(where, `trueLabels (${trueLabels.length}) and predicted (${predicted.length}) need one entry per sample (${n})`);
  }
  if (!["batch-max", "batch-abs-max", "per-image-max", "none"].includes(normalise)) throw new InputError(where, `unknown normalise "${normalise}"`);
  if (reduction !== "sum" && reduction !== "mean") throw new InputError(where, `channelReduction must be "sum" or "mean", got "${String(reduction)}"`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(where, `batchSize must be a positive integer, got ${batchSize}`);

  const nPixels = h * w;
  const f = nPixels * c;
  // Rank of the predicted class among each sample's explained outputs.
  const rank = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(trueLabels[i]) || !Number.isInteger(predicted[i])) throw new InputError(where, `sample ${i}: labels must be integer class indices`);
    rank[i] = -1;
    for (let r = 0; r < k; r++) if (expl.outputIndices[i * k + r] === predicted[i]) rank[i] = r;
    if (rank[i] < 0) {
      throw new InputError(where, `sample ${i}: predicted class ${predicted[i]} is not among its explained outputs [${Array.from(expl.outputIndices.subarray(i * k, (i + 1) * k)).join(", ")}]`);
    }
  }

  // Divisor per sample: the batch (signed or absolute) maximum, the sample's own max |map|, or 1.
  const divisor = new Float64Array(n).fill(1);
  if (normalise === "batch-max" || normalise === "batch-abs-max") {
    for (let b0 = 0; b0 < n; b0 += batchSize) {
      const b1 = Math.min(n, b0 + batchSize);
      let max = -Infinity;
      for (let idx = b0 * f * k; idx < b1 * f * k; idx++) {
        const v = normalise === "batch-max" ? expl.values[idx] : Math.abs(expl.values[idx]);
        if (v > max) max = v;
      }
      if (!(max > 0)) {
        throw new InputError(
          where,
          `batch of samples ${b0}..${b1 - 1}: the ${normalise === "batch-max" ? "largest value" : "largest |value|"} is ${max}, so dividing by it ${normalise === "batch-max" ? "would flip signs or divide by zero; use normalise: \"batch-abs-max\"" : "is undefined"}`,
        );
      }
      divisor.fill(max, b0, b1);
    }
  }
  const sampleMaps = new Float64Array(n * nPixels);
  for (let i = 0; i < n; i++) {
    const map = sampleMaps.subarray(i * nPixels, (i + 1) * nPixels);
    for (let p = 0; p < nPixels; p++) {
      let s = 0;
      for (let ch = 0; ch < c; ch++) s += expl.values[((i * nPixels + p) * c + ch) * k + rank[i]] / divisor[i];
      map[p] = reduction === "mean" ? s / c : s;
    }
    if (normalise === "per-image-max") {
      let m = 0;
      for (let p = 0; p < nPixels; p++) m = Math.max(m, Math.abs(map[p]));
      if (m > 0) for (let p = 0; p < nPixels; p++) map[p] /= m;
    }
  }

  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) correct[i] = trueLabels[i] === predicted[i] ? 1 : 0;
  const classIds = [...new Set(Array.from(trueLabels))].sort((a, b) => a - b);
  const names = options.classNames;
  const nameOf = (cls: number): string | null => {
    if (names) return names[cls] ?? null;
    if (!expl.outputNames) return null;
    for (let i = 0; i < n; i++) for (let r = 0; r < k; r++) if (expl.outputIndices[i * k + r] === cls) return expl.outputNames[i][r];
    return null;
  };
  const batched = normalise === "batch-max" || normalise === "batch-abs-max";
  const classes: ClassMap[] = classIds.map((cls) => {
    const map = new Float64Array(nPixels);
    let count = 0;
    let nBatches = 0;
    const groupSize = batched ? batchSize : n;
    for (let b0 = 0; b0 < n; b0 += groupSize) {
      const b1 = Math.min(n, b0 + groupSize);
      const groupMean = new Float64Array(nPixels);
      let inGroup = 0;
      for (let i = b0; i < b1; i++) {
        if (!correct[i] || trueLabels[i] !== cls) continue;
        inGroup++;
        for (let p = 0; p < nPixels; p++) groupMean[p] += sampleMaps[i * nPixels + p];
      }
      if (inGroup === 0) continue;
      count += inGroup;
      if (batched) {
        nBatches++;
        for (let p = 0; p < nPixels; p++) map[p] += groupMean[p] / inGroup;
      } else {
        for (let p = 0; p < nPixels; p++) map[p] += groupMean[p];
      }
    }
    const denominator = batched ? nBatches : count;
    if (denominator > 0) for (let p = 0; p < nPixels; p++) map[p] /= denominator;
    return { classIndex: cls, name: nameOf(cls), map, count, nBatches: batched ? nBatches : count };
  });
  return { height: h, width: w, classes, sampleMaps, correct };
}
