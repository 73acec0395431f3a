/**
 * Per-channel standardisation of spectrogram images, the CNN2D's input transform (docs/paper-pipeline.md
 * section 2): x = (image / 255 - mean[c]) / std[c], with mean and std computed on the training images only.
 */
import { InputError } from "../core/errors";
import { CNN_IMAGE_SIZE, CNN_INPUT_CHANNELS, CNN_INPUT_HEIGHT, CNN_INPUT_WIDTH } from "./architecture";

/** Per-channel mean and standard deviation of the training images on the 0..1 scale (image / 255). */
export interface Standardization {
  /** Mean per channel, length 3. */
  mean: number[];
  /** Population standard deviation per channel, length 3 (all > 0). */
  std: number[];
}

/** Pixel values on the 0..255 scale, NHWC with channel fastest: 8-bit images or masked float images. */
export type ImageData255 = Uint8Array | Uint8ClampedArray | Float32Array;

/**
 * Checks that `images` holds `n` images of 33 x 153 x 3 (NHWC, channel fastest); throws an InputError
 * naming `where` and the mismatch otherwise.
 */
export function assertCnnImages(images: ImageData255, n: number, where: string): void {
  if (!Number.isInteger(n) || n < 0) throw new InputError(where, `image count must be a non-negative integer, got ${n}`);
  if (images.length !== n * CNN_IMAGE_SIZE) {
    const pixels = CNN_INPUT_HEIGHT * CNN_INPUT_WIDTH;
    const per = n > 0 ? images.length / n : NaN;
    let hint = "";
    if (Number.isInteger(per) && per % pixels === 0) hint = `: ${per / pixels} channel(s) per ${CNN_INPUT_HEIGHT} x ${CNN_INPUT_WIDTH} image, the CNN2D needs ${CNN_INPUT_CHANNELS}`;
    else if (Number.isInteger(per) && per % CNN_INPUT_CHANNELS === 0) hint = `: ${per / CNN_INPUT_CHANNELS} pixels per image, the CNN2D needs ${CNN_INPUT_HEIGHT} x ${CNN_INPUT_WIDTH} = ${pixels}`;
    throw new InputError(
      where,
      `expected ${n} images of ${CNN_INPUT_HEIGHT} x ${CNN_INPUT_WIDTH} x ${CNN_INPUT_CHANNELS} = ${n * CNN_IMAGE_SIZE} values, got ${images.length}${hint}`,
    );
  }
}

/**
 * Mean and population std per channel of `n` images (values / 255), accumulated in float64.
 *
 * @param images n x 33 x 153 x 3 values on 0..255, channel fastest
 * @throws InputError when there are no images or a channel is constant (std 0)
 */
export function computeStandardization(images: ImageData255, n: number): Standardization {
  assertCnnImages(images, n, "computeStandardization");
  if (n === 0) throw new InputError("computeStandardization", "no images: the training split is empty");
  const count = n * CNN_INPUT_HEIGHT * CNN_INPUT_WIDTH;
  const sum = [0, 0, 0];
  for (let i = 0; i < images.length; i += 3) {
    sum[0] += images[i];
    sum[1] += images[i + 1];
    sum[2] += images[i + 2];
  }
  const mean255 = sum.map((s) => s / count);
  const sq = [0, 0, 0];
  for (let i = 0; i < images.length; i += 3) {
    for (let c = 0; c < 3; c++) {
      const d = images[i + c] - mean255[c];
      sq[c] += d * d;
    }
  }
  const std = sq.map((s) => Math.sqrt(s / count) / 255);
  std.forEach((s, c) => {
    if (!(s > 0)) throw new InputError("computeStandardization", `channel ${c} is constant over the training images (std 0): cannot standardise`);
  });
  return { mean: mean255.map((m) => m / 255), std };
}

/**
 * Standardises images for the network: out = (value / 255 - mean[c]) / std[c].
 *
 * @param images n x 33 x 153 x 3 values on 0..255, channel fastest
 * @param output optional buffer of at least n * 15147 floats (reused between batches)
 * @returns float32, same layout (the first n * 15147 values of `output` when given)
 */
export function standardizeImages(images: ImageData255, n: number, standardization: Standardization, output?: Float32Array): Float32Array {
  assertCnnImages(images, n, "standardizeImages");
  assertStandardization(standardization, "standardizeImages");
  const size = n * CNN_IMAGE_SIZE;
  if (output !== undefined && output.length < size) throw new InputError("standardizeImages", `output holds ${output.length} values, needs ${size}`);
  const out = output === undefined ? new Float32Array(size) : output.length === size ? output : output.subarray(0, size);
  const scale = standardization.std.map((s) => 1 / (255 * s));
  const shift = standardization.mean.map((m, c) => -m / standardization.std[c]);
  for (let i = 0; i < size; i += 3) {
    out[i] = images[i] * scale[0] + shift[0];
    out[i + 1] = images[i + 1] * scale[1] + shift[1];
    out[i + 2] = images[i + 2] * scale[2] + shift[2];
  }
  return out;
}

/** Throws unless `s` has three finite means and three positive finite standard deviations. */
export function assertStandardization(s: unknown, where: string): asserts s is Standardization {
  const ok =
    typeof s === "object" &&
    s !== null &&
    Array.isArray((s as Standardization).mean) &&
    Array.isArray((s as Standardization).std) &&
    (s as Standardization).mean.length === CNN_INPUT_CHANNELS &&
    (s as Standardization).std.length === CNN_INPUT_CHANNELS &&
    (s as Standardization).mean.every((v) => Number.isFinite(v)) &&
    (s as Standardization).std.every((v) => Number.isFinite(v) && v > 0);
  if (!ok) throw new InputError(where, `standardization must be { mean: [3 finite numbers], std: [3 positive numbers] }, got ${JSON.stringify(s)}`);
}
