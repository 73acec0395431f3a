/**
 * The paper's CNN2D (Magrini & Marrocco, section 3 of docs/paper-pipeline.md) as a tf.js layers model.
 *
 * Input: one standardised spectrogram image, 33 frequencies x 153 time segments x 3 channels ("FTC",
 * NHWC with H = frequency, W = time, channel fastest). Output: 2 logits (0 = foreshock, 1 = aftershock).
 *
 *   conv1 3x3 3->32 'same'     bn1  pool1 2x2  relu1     33x153 -> 16x76
 *   pad2 (1 on every side)  conv2 3x3 32->64 stride 2 'valid'  bn2  pool2  relu2     -> 8x38 -> 4x19
 *   conv3 3x3 64->128 'same'   bn3  relu3                                          4x19x128
 *   flatten 9728   fc1 128 relu   fc2 2 (logits)
 *
 * The stride-2 layer pads explicitly because tf.js 'same' pads 0 top/left and 1 bottom/right there, where
 * PyTorch's padding=1 pads 1 on every side (docs/tfjs-training.md, "Fidelity"). Batch norm uses PyTorch's
 * defaults (epsilon 1e-5, momentum 0.1, i.e. Keras momentum 0.9) and weights start from PyTorch's default
 * initialisation (uniform in +-1/sqrt(fan_in) for kernels and biases), seeded per layer.
 *
 * Layer names are fixed so weights can be mapped from the authors' PyTorch model: a PyTorch Conv2d weight
 * (Co, Ci, KH, KW) maps to our kernel (KH, KW, Ci, Co); fc1's PyTorch weight (128, 9728) flattens its
 * input in C, H, W order, ours in H, W, C order, so its columns are reordered before transposing.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../core/rng";
import {
  SPECTROGRAM_IMAGE_CHANNELS,
  SPECTROGRAM_IMAGE_HEIGHT,
  SPECTROGRAM_IMAGE_SIZE,
  SPECTROGRAM_IMAGE_WIDTH,
} from "../spectrogram/spectrogram-image";

// The CNN's input is the paper's spectrogram image, whose geometry lib/spectrogram/spectrogram-image.ts defines.
/** Image height: frequency bins of the spectrogram (33, 0 to 50 Hz in 1.5625 Hz steps). */
export const CNN_INPUT_HEIGHT: number = SPECTROGRAM_IMAGE_HEIGHT;
/** Image width: time segments of the spectrogram (153, centres 0.32 to 24.64 s). */
export const CNN_INPUT_WIDTH: number = SPECTROGRAM_IMAGE_WIDTH;
/** Image channels: one spectrogram per waveform component, in the order stored in the D-set (3). */
export const CNN_INPUT_CHANNELS: number = SPECTROGRAM_IMAGE_CHANNELS;
/** Values per image: 33 * 153 * 3 = 15147. */
export const CNN_IMAGE_SIZE: number = SPECTROGRAM_IMAGE_SIZE;
/** Output classes: 0 = foreshock (pre), 1 = aftershock (post). */
export const CNN_CLASSES = 2;
/** Batch-norm epsilon, PyTorch's default. */
export const CNN_BN_EPSILON = 1e-5;
/** Keras-style batch-norm momentum (weight of the old moving value): 1 - PyTorch's 0.1. */
export const CNN_BN_MOMENTUM = 0.9;
/** Forward cost of one image in floating-point operations (multiply and add counted separately). */
export const CNN_FORWARD_FLOP = forwardFlop();

/** Options of `buildCnn2d`. */
export interface Cnn2dOptions {
  /** Seed of the weight initialisation. @default 0 */
  seed?: number;
}

/**
 * Builds the paper's CNN2D (see the file comment) with freshly initialised weights.
 *
 * @returns an uncompiled `tf.Sequential`: input [batch, 33, 153, 3] float32 (standardised image),
 *   output [batch, 2] logits. 1,339,266 trainable parameters plus 448 batch-norm moving statistics.
 */
export function buildCnn2d(options: Cnn2dOptions = {}): tf.Sequential {
  const rng = new Rng(options.seed ?? 0);
  const uniform = (fanIn: number, label: string): ReturnType<typeof tf.initializers.randomUniform> => {
    const bound = 1 / Math.sqrt(fanIn);
    return tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: rng.fork(label).nextUint32() });
  };
  const conv = (name: string, inChannels: number, filters: number, strides: number, padding: "same" | "valid") =>
    tf.layers.conv2d({
      name,
      filters,
      kernelSize: 3,
      strides,
      padding,
      kernelInitializer: uniform(9 * inChannels, `${name}/kernel`),
      biasInitializer: uniform(9 * inChannels, `${name}/bias`),
    });
  const bn = (name: string) => tf.layers.batchNormalization({ name, axis: -1, epsilon: CNN_BN_EPSILON, momentum: CNN_BN_MOMENTUM });
  const pool = (name: string) => tf.layers.maxPooling2d({ name, poolSize: 2, strides: 2, padding: "valid" });
  const relu = (name: string) => tf.layers.activation({ name, activation: "relu" });
  const flatSize = 4 * 19 * 128;

  const model = tf.sequential({ name: "cnn2d" });
  model.add(tf.layers.inputLayer({ name: "spectrogram", inputShape: [CNN_INPUT_HEIGHT, CNN_INPUT_WIDTH, CNN_INPUT_CHANNELS] }));
  model.add(conv("conv1", 3, 32, 1, "same"));
  model.add(bn("bn1"));
  model.add(pool("pool1"));
  model.add(relu("relu1"));
  model.add(tf.layers.zeroPadding2d({ name: "pad2", padding: 1 }));
  model.add(conv("conv2", 32, 64, 2, "valid"));
  model.add(bn("bn2"));
  model.add(pool("pool2"));
  model.add(relu("relu2"));
  model.add(conv("conv3", 64, 128, 1, "same"));
  model.add(bn("bn3"));
  model.add(relu("relu3"));
  model.add(tf.layers.flatten({ name: "flatten" }));
  model.add(
    tf.layers.dense({
      name: "fc1",
      units: 128,
      activation: "relu",
      kernelInitializer: uniform(flatSize, "fc1/kernel"),
      biasInitializer: uniform(flatSize, "fc1/bias"),
    }),
  );
  model.add(
    tf.layers.dense({
      name: "fc2",
      units: CNN_CLASSES,
      kernelInitializer: uniform(128, "fc2/kernel"),
      biasInitializer: uniform(128, "fc2/bias"),
    }),
  );
  return model;
}

function forwardFlop(): number {
  const conv = (h: number, w: number, ci: number, co: number) => 2 * h * w * co * 9 * ci;
  // Spatial sizes: 33 x 153 (same padding), pooled to 16 x 76, stride 2 to 8 x 38, pooled to 4 x 19.
  const [h2, w2] = [Math.ceil(Math.floor(CNN_INPUT_HEIGHT / 2) / 2), Math.ceil(Math.floor(CNN_INPUT_WIDTH / 2) / 2)];
  const [h3, w3] = [Math.floor(h2 / 2), Math.floor(w2 / 2)];
  return conv(CNN_INPUT_HEIGHT, CNN_INPUT_WIDTH, CNN_INPUT_CHANNELS, 32) + conv(h2, w2, 32, 64) + conv(h3, w3, 64, 128) + 2 * (h3 * w3 * 128) * 128 + 2 * 128 * 2;
}
