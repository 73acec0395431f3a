/**
 * The contract between explainers and models, shared by every model-agnostic explainer in lib/shap.
 *
 * lib/shap never imports a model library (docs/design.md, "Layers"): a model is any async function from a batch of
 * samples to a batch of output rows, like the plain callable that shap wraps in `shap.models.Model`. The
 * adapters that turn a tfjs model or a forest into such a function live in lib/cnn and lib/forest.
 */
import type { ProgressFn } from "../core/progress";

/** Float typed arrays accepted as numeric batches. */
export type FloatArray = Float32Array | Float64Array;

/**
 * A model on the 0..255 image scale (or on whatever scale its masker produces).
 *
 * `batch` holds `n` samples back to back, each laid out as the masker's `sampleShape` row-major; for images
 * that is n x H x W x C with the channel fastest (tfjs's NHWC, shap's layout). The result holds n rows of
 * nOutputs values, row-major (n x nOutputs): raw logits or probabilities, as the caller chooses.
 * Returning a Float64Array is allowed and keeps float64 models exact (the golden tests need it).
 */
export type ModelFn = (batch: Float32Array, n: number) => Promise<FloatArray>;

/** The same contract with float64 batches, for models that must see the masked samples without rounding. */
export type ModelFn64 = (batch: Float64Array, n: number) => Promise<FloatArray>;

/** Precision of the batches handed to the model. */
export type BatchDtype = "float32" | "float64";

/** How shap maps model outputs before taking differences; only the identity (shap's default) is supported. */
export type LinkOutput = "identity";

/**
 * Which model outputs to explain (shap's `outputs` argument):
 * - omitted or "all": every output, in model order;
 * - a number k: the k largest outputs of the unmasked sample, largest first (shap's
 *   `Explanation.argsort.flip[:k]`), so the last axis of the values is the output *rank*, not the class;
 * - an array: these output indices, in this order.
 */
export type OutputSelection = number | "all" | readonly number[];

/**
 * Order of queue items whose priorities are exactly equal. shap draws a fresh `numpy.random.randn()` per push
 * (unseeded, so tied runs are not reproducible). "fifo" pops equal priorities in insertion order; `{ seed }`
 * breaks ties with seeded normal deviates as shap does, reproducibly. Without ties both give shap's result.
 */
export type TieBreak = "fifo" | { readonly seed: number | string };

/** Options shared by the explainers' constructors. */
export interface ExplainerOptions {
  /** Names of the model outputs, in model order (shap's `output_names`). */
  readonly outputNames?: readonly string[];
  /** Output link; only "identity" (shap's default) exists. @default "identity" */
  readonly linkOutput?: LinkOutput;
}

/** Options of one `explain` call shared by the model-agnostic explainers. */
export interface ExplainCallOptions {
  /** Model evaluations per sample, the two base evaluations included (shap's `max_evals`). @default 500 */
  readonly maxEvals?: number;
  /** Masked samples per model call (shap's `batch_size`); it also changes the values (best-first order). @default 10 */
  readonly batchSize?: number;
  /** Outputs to explain. @default "all" */
  readonly outputs?: OutputSelection;
  /** Tie-break of equal priorities. @default "fifo" */
  readonly tieBreak?: TieBreak;
  /** Progress in model evaluations over the whole call. */
  readonly onProgress?: ProgressFn;
  /** Assert base + sum of values = model output of the unmasked sample for every sample. @default true */
  readonly checkAdditivity?: boolean;
  /**
   * Index of the first sample in a longer run: seeded tie-breaks draw from a stream derived from the seed and
   * the sample's global index, so explaining a data set in chunks gives the same values as one call.
   * @default 0
   */
  readonly sampleIndexOffset?: number;
}
