/**
 * The CNN2D as a SHAP `ModelFn` (lib/shap/explainer.ts): masked images on the 0..255 scale in, one row of
 * two outputs per image out. lib/shap never sees tf.js; batching, standardisation and `tf.tidy` live here.
 */
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors";
import type { ModelFn } from "../shap/explainer";
import { requireBackend } from "./backend";
import { foldCnn } from "./folded-inference";
import { standardizationOf } from "./metadata";
import { classifyLogits, logitsInBatches } from "./predict";
import { assertCnnImages, assertStandardization, type Standardization } from "./standardize";

/** What the model function returns per image. */
export type CnnOutput = "logits" | "probabilities";

/** Options of `cnnModelFn`. */
export interface CnnModelFnOptions {
  /** Input standardisation; default: the one stored with the model by trainCnn. */
  standardization?: Standardization;
  /** Images per forward pass inside one call. @default 50 (the paper's SHAP batch_size) */
  batchSize?: number;
  /** Raw logits (what the paper explains) or softmax probabilities. @default "logits" */
  output?: CnnOutput;
}

/** A ModelFn that holds a folded copy of the weights; `dispose()` frees it. */
export type CnnModelFn = ModelFn & { dispose(): void };

/**
 * Wraps `model` as a SHAP model function: `(batch, n)` with batch = n images x 33 x 153 x 3 on 0..255
 * (NHWC, channel fastest, float32 as the masker makes them) resolves to n x 2 outputs (row-major, class 0 =
 * foreshock, 1 = aftershock). Uses the weights as they are now (the folded inference graph).
 */
export function cnnModelFn(model: tf.LayersModel, options: CnnModelFnOptions = {}): CnnModelFn {
  requireBackend("cnnModelFn");
  const standardization = options.standardization ?? standardizationOf(model, "cnnModelFn");
  assertStandardization(standardization, "cnnModelFn: standardization");
  const batchSize = options.batchSize ?? 50;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError("cnnModelFn", `batchSize must be a positive integer, got ${batchSize}`);
  const output = options.output ?? "logits";
  if (output !== "logits" && output !== "probabilities") throw new InputError("cnnModelFn", `output must be "logits" or "probabilities", got ${output}`);
  const folded = foldCnn(model);
  let disposed = false;
  const fn = async (batch: Float32Array, n: number): Promise<Float32Array> => {
    if (disposed) throw new Error("cnnModelFn: the model function was disposed");
    assertCnnImages(batch, n, "cnnModelFn: batch");
    if (n === 0) return new Float32Array(0);
    const logits = logitsInBatches(folded, batch, n, standardization, batchSize);
    return output === "logits" ? logits : classifyLogits(logits, n).probabilities;
  };
  return Object.assign(fn, {
    dispose(): void {
      if (disposed) return;
      disposed = true;
      folded.dispose();
    },
  });
}
