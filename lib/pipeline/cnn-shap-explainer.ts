/**
 * shap's Partition explainer with the Image masker ("inpaint_telea") set up for the CNN2D as the paper ran it
 * (docs/paper-pipeline.md section 4, docs/shap-reference.md A.1, A.2): masked 33 x 153 x 3 images on the 0..255 scale go
 * to a model function that standardises them inside and returns raw logits (or probabilities) of
 * ["foreshock", "aftershock"]. The explainer is timed (the wall time inside model calls and inside the masker's
 * fills, i.e. inpainting, is summed); the model evaluations of every explained image come with its Explanation.
 *
 * Where the work runs (2 cores): the model either on the calling thread (`cnnModelFn`) or on InferencePool
 * worker threads, the inpainting on the calling thread plus `workers.masker` worker threads, and several
 * images can be explained side by side (`concurrency` of `explain`) so that one image's model call overlaps
 * another's inpainting. An in-process model blocks the calling thread during its forward passes (tf.js' wasm
 * kernels are synchronous), which stalls the calling thread's share of the painting, so overlap needs the model
 * on a worker. Measured arrangements and the chosen default: see `DEFAULT_CNN_SHAP_ARRANGEMENT` and
 * bench/cnn-shap.bench.ts.
 */
import type * as tf from "@tensorflow/tfjs";
import { CNN_CLASS_NAMES } from "../cnn/metadata";
import { InferencePool } from "../cnn/inference-pool";
import { cnnModelFn, type CnnOutput } from "../cnn/model-fn";
import type { Standardization } from "../cnn/standardize";
import { InputError } from "../core/errors";
import type { FloatArray, ModelFn } from "../shap/explainer";
import type { Explanation } from "../shap/explanation";
import { ImageMasker } from "../shap/maskers/image-masker";
import type { BoundMasker, Masker } from "../shap/maskers/masker";
import type { PartitionTree } from "../shap/maskers/partition-tree";
import { PartitionExplainer, type PartitionExplainOptions } from "../shap/partition/partition-explainer";
import { SPECTROGRAM_IMAGE_SHAPE } from "../spectrogram/spectrogram-image";
import type { ImageSubset, SubsetImage } from "./cnn-image-subset";

/** Worker threads of an explanation run. */
export interface CnnShapWorkers {
  /** CNN inference threads: 0 runs the model on the calling thread (cnnModelFn), n >= 1 an InferencePool of n. */
  readonly model?: number;
  /** Inpainting worker threads of the ImageMasker; the calling thread paints too. */
  readonly masker?: number;
}

/**
 * The arrangement used unless told otherwise: the model on an InferencePool of two workers, inpainting on the
 * calling thread alone, two images explained side by side. Per image at maxEvals 1000 the forward passes cost
 * about 1.3 s of CPU and the inpainting (WebAssembly Telea kernel) about 0.8 s, so the model sets the pace: two
 * pool workers let both cores run forward passes while the calling thread paints in the gaps.
 *
 * Measured with bench/cnn-shap.bench.ts (real spectrograms, 2 cores, quiet machine), seconds per image:
 * everything on the calling thread 2.06 (model 1.27 + masking 0.77 + bookkeeping 0.02); one pool worker,
 * concurrency 2: 1.38-1.49; one pool worker and one inpainting worker 1.48; two pool workers, concurrency 2:
 * 1.23-1.31 (this default); the same with concurrency 3: 1.23. More threads than cores gain nothing.
 */
export const DEFAULT_CNN_SHAP_ARRANGEMENT: { readonly workers: Required<CnnShapWorkers>; readonly concurrency: number } = {
  workers: { model: 2, masker: 0 },
  concurrency: 2,
};

/** Options of `createCnnShapExplainer`. */
export interface CnnShapExplainerOptions {
  /** Raw logits (the paper) or softmax probabilities. @default "logits" */
  readonly output?: CnnOutput;
  /** Input standardisation; default: the one stored with the model by trainCnn. */
  readonly standardization?: Standardization;
  /** Threads; defaults from DEFAULT_CNN_SHAP_ARRANGEMENT. */
  readonly workers?: CnnShapWorkers;
  /** Names of the model outputs. @default CNN_CLASS_NAMES (["foreshock", "aftershock"]) */
  readonly outputNames?: readonly string[];
}

/** Time spent so far (since creation or `resetTiming`), in wall-clock seconds. */
export interface CnnShapTiming {
  /**
   * Seconds inside model calls: forward passes, plus the hand-over to a pool worker. When images are explained
   * side by side, this time overlaps the masking time of other images.
   */
  readonly modelSeconds: number;
  /** Seconds inside the masker's fills (Telea inpainting of the hidden pixels), summed over images. */
  readonly maskingSeconds: number;
  /** Masked images evaluated by the model. */
  readonly modelEvaluations: number;
  /** Images the explainer started on (one masker bind each). */
  readonly imagesExplained: number;
}

/** A ready explainer for the CNN2D, with its timing and threads. */
export interface CnnShapExplainer {
  /** The explainer; its `explain` takes n x 33 x 153 x 3 images on 0..255 (NHWC, channel fastest). */
  readonly explainer: PartitionExplainer;
  /** The model function the explainer calls (0..255 images in, n x 2 outputs out). */
  readonly modelFn: ModelFn;
  /** The threads in use. */
  readonly workers: Required<CnnShapWorkers>;
  readonly output: CnnOutput;
  /**
   * Explains one image of a subset (`subset.image(i)`) or a whole subset, shap's `explainer(X, max_evals=...,
   * batch_size=..., outputs=...)`: the Explanation holds the values, base values, model outputs, output names and
   * evaluation counts of every image.
   */
  explain(images: SubsetImage | ImageSubset, options?: PartitionExplainOptions): Promise<Explanation>;
  /** Time spent so far. */
  timing(): CnnShapTiming;
  /** Sets the timing back to zero. */
  resetTiming(): void;
  /** Stops the worker threads and frees the model copy; the explainer cannot be used afterwards. */
  close(): Promise<void>;
}

/**
 * Sets up the Partition explainer with the Telea-inpainting Image masker (shape 33 x 153 x 3) for `model`
 * (a CNN2D from buildCnn2d, trained or loaded), as the paper used shap: call
 * `explain(subset.image(0), { maxEvals: 1000, batchSize: 50, outputs: 2 })` (or `explainer.explain(images, n,
 * options)` on raw arrays). Call `close()` when done. Throws an InputError for a bad thread count or output kind, and when the model carries no
 * standardisation and none is given.
 */
export async function createCnnShapExplainer(model: tf.LayersModel, options: CnnShapExplainerOptions = {}): Promise<CnnShapExplainer> {
  const where = "createCnnShapExplainer";
  const output = options.output ?? "logits";
  if (output !== "logits" && output !== "probabilities") throw new InputError(where, `output must be "logits" or "probabilities", got ${JSON.stringify(output)}`);
  const workers = { ...DEFAULT_CNN_SHAP_ARRANGEMENT.workers, ...(options.workers ?? {}) };
  for (const [name, count] of Object.entries(workers)) {
    if (!Number.isInteger(count) || count < 0 || count > 16) throw new InputError(where, `workers.${name} must be an integer in 0..16, got ${count}`);
  }
  const outputNames = options.outputNames ?? CNN_CLASS_NAMES;

  let inner: ModelFn;
  let release: () => Promise<void>;
  if (workers.model === 0) {
    const fn = cnnModelFn(model, { output, standardization: options.standardization, batchSize: 50 });
    inner = fn;
    release = async () => fn.dispose();
  } else {
    const pool = await InferencePool.create(model, { workers: workers.model, output, standardization: options.standardization });
    inner = pool.modelFn;
    release = () => pool.close();
  }
  const counters = { modelS: 0, maskingS: 0, evaluations: 0, images: 0 };
  const timedModel: ModelFn = async (batch, n) => {
    const t0 = performance.now();
    try {
      return await inner(batch, n);
    } finally {
      counters.modelS += (performance.now() - t0) / 1000;
      counters.evaluations += n;
    }
  };
  const [height, width, channels] = SPECTROGRAM_IMAGE_SHAPE;
  let imageMasker: ImageMasker;
  try {
    imageMasker = new ImageMasker({ fill: "inpaint-telea", shape: [height, width, channels], workers: workers.masker });
  } catch (e) {
    await release();
    throw e;
  }
  const masker = new TimedMasker(imageMasker, counters);
  const explainer = new PartitionExplainer(timedModel, masker, { outputNames });
  let closed = false;
  return {
    explainer,
    modelFn: timedModel,
    workers,
    output,
    timing: () => ({ modelSeconds: counters.modelS, maskingSeconds: counters.maskingS, modelEvaluations: counters.evaluations, imagesExplained: counters.images }),
    resetTiming: () => {
      counters.modelS = counters.maskingS = 0;
      counters.evaluations = counters.images = 0;
    },
    explain: (images, explainOptions = {}) => {
      const samples = "image" in images ? Float32Array.from(images.images) : Float32Array.from(images.data);
      return explainer.explain(samples, "image" in images ? images.n : 1, explainOptions);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([imageMasker.close(), release()]);
    },
  };
}

/** A masker that adds the wall time of every fill to `counters.maskingS`; otherwise the inner masker itself. */
class TimedMasker implements Masker {
  readonly nFeatures: number;
  readonly sampleShape: readonly number[];
  readonly fixedBackground: boolean;

  constructor(private readonly inner: ImageMasker, private readonly counters: { maskingS: number; images: number }) {
    this.nFeatures = inner.nFeatures;
    this.sampleShape = inner.sampleShape;
    this.fixedBackground = inner.fixedBackground;
  }

  partitionTree(): PartitionTree {
    return this.inner.partitionTree();
  }

  bind(sample: Float64Array, where: string): BoundMasker {
    const bound = this.inner.bind(sample, where);
    this.counters.images++;
    const counters = this.counters;
    return {
      async fill(masks: Uint8Array, nMasks: number, out: FloatArray, outOffset: number): Promise<void> {
        const t0 = performance.now();
        try {
          await bound.fill(masks, nMasks, out, outOffset);
        } finally {
          counters.maskingS += (performance.now() - t0) / 1000;
        }
      },
    };
  }

  /** The inner masker's description, so that resumable runs fingerprint the real fill. */
  describe(): string {
    return this.inner.describe();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
