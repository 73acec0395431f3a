/**
 * Batched inference of the CNN2D on spectrogram images (8-bit or float on 0..255), through the folded
 * inference graph (folded-inference.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors";
import { requireBackend } from "./backend";
import { CNN_CLASSES, CNN_IMAGE_SIZE, CNN_INPUT_CHANNELS, CNN_INPUT_HEIGHT, CNN_INPUT_WIDTH } from "./architecture";
import { foldCnn, type FoldedCnn } from "./folded-inference";
import { standardizationOf } from "./metadata";
import { assertCnnImages, assertStandardization, standardizeImages, type ImageData255, type Standardization } from "./standardize";

/** Options of `predictCnn`. */
export interface PredictCnnOptions {
  /** Images per forward pass (memory, not results, depends on it). @default 256 */
  batchSize?: number;
  /** Input standardisation; default: the one stored with the model by trainCnn. */
  standardization?: Standardization;
}

/** Predictions for n images. */
export interface CnnPredictions {
  /** Raw network outputs, n x 2 row-major (logit of foreshock, logit of aftershock). */
  logits: Float32Array;
  /** Softmax of the logits, n x 2 row-major. */
  probabilities: Float32Array;
  /** Predicted class per image (argmax; 0 = foreshock, 1 = aftershock). */
  labels: Uint8Array;
}

/**
 * Runs the CNN2D on `n` images.
 *
 * @param images n x 33 x 153 x 3 values on 0..255 (NHWC, channel fastest, row 0 = 0 Hz)
 */
export function predictCnn(model: tf.LayersModel, images: ImageData255, n: number, options: PredictCnnOptions = {}): CnnPredictions {
  requireBackend("predictCnn");
  assertCnnImages(images, n, "predictCnn: images");
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError("predictCnn", `batchSize must be a positive integer, got ${batchSize}`);
  const standardization = options.standardization ?? standardizationOf(model, "predictCnn");
  assertStandardization(standardization, "predictCnn: standardization");
  const folded = foldCnn(model);
  try {
    const logits = logitsInBatches(folded, images, n, standardization, batchSize);
    return { logits, ...classifyLogits(logits, n) };
  } finally {
    folded.dispose();
  }
}

/** Logits n x 2 of `n` images through a folded model, `batchSize` images at a time. */
export function logitsInBatches(folded: FoldedCnn, images: ImageData255, n: number, standardization: Standardization, batchSize: number): Float32Array {
  const logits = new Float32Array(n * CNN_CLASSES);
  const buffer = new Float32Array(Math.min(batchSize, Math.max(n, 1)) * CNN_IMAGE_SIZE);
  for (let start = 0; start < n; start += batchSize) {
    const b = Math.min(batchSize, n - start);
    const x = standardizeImages(images.subarray(start * CNN_IMAGE_SIZE, (start + b) * CNN_IMAGE_SIZE), b, standardization, buffer);
    const out = tf.tidy(() => folded.logits(tf.tensor4d(x, [b, CNN_INPUT_HEIGHT, CNN_INPUT_WIDTH, CNN_INPUT_CHANNELS])));
    logits.set(out.dataSync(), start * CNN_CLASSES);
    out.dispose();
  }
  return logits;
}

/** Softmax probabilities and argmax labels of n x 2 logits. */
export function classifyLogits(logits: Float32Array, n: number): { probabilities: Float32Array; labels: Uint8Array } {
  const probabilities = new Float32Array(n * 2);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = logits[2 * i];
    const b = logits[2 * i + 1];
    const m = Math.max(a, b);
    const ea = Math.exp(a - m);
    const eb = Math.exp(b - m);
    probabilities[2 * i] = ea / (ea + eb);
    probabilities[2 * i + 1] = eb / (ea + eb);
    labels[i] = b > a ? 1 : 0;
  }
  return { probabilities, labels };
}
