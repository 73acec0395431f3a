import { CNN_IMAGE_SIZE } from "../cnn/architecture";
import type { LabeledImages } from "../cnn/train";
import { InputError } from "../core/errors";
import type { ImageSet } from "../spectrogram/image-cache";

/**
 * Some images of an image-cache set (`loadImageSet`), copied into one contiguous batch with their labels,
 * stations and trace names: the form `trainCnn`, `predictCnn` and `evaluateClassifier` take.
 */
export interface ImageSubset extends LabeledImages {
  /** n x 33 x 153 x 3 uint8 ("NFTC", channel fastest, row 0 = 0 Hz). */
  readonly images: Uint8Array;
  /** 0 = foreshock (pre), 1 = aftershock (post). */
  readonly labels: Uint8Array;
  readonly n: number;
  /** receiver_name of each image. */
  readonly stations: readonly string[];
  readonly traceNames: readonly string[];
  /** Positions of the images in the set's `entries`. */
  readonly index: Int32Array;
}

/**
 * Copies the images at positions `index` of `set` (in that order) into an `ImageSubset`.
 *
 * @throws InputError naming `where` for a position outside the set or an image without a binary label
 *   (a visso trace: the CNN task has foreshocks and aftershocks only)
 */
export function takeImageSubset(set: ImageSet, index: ArrayLike<number>, where: string): ImageSubset {
  const n = index.length;
  const images = new Uint8Array(n * CNN_IMAGE_SIZE);
  const labels = new Uint8Array(n);
  const stations: string[] = [];
  const traceNames: string[] = [];
  for (let k = 0; k < n; k++) {
    const i = index[k];
    if (!Number.isInteger(i) || i < 0 || i >= set.n) throw new InputError(where, `image position ${i} is outside the set of ${set.n} images`);
    const e = set.entries[i];
    if (e.label !== 0 && e.label !== 1) throw new InputError(where, `${e.trace_name} (period ${e.period}) has no foreshock/aftershock label`);
    images.set(set.images.subarray(i * CNN_IMAGE_SIZE, (i + 1) * CNN_IMAGE_SIZE), k * CNN_IMAGE_SIZE);
    labels[k] = e.label;
    stations.push(e.station);
    traceNames.push(e.trace_name);
  }
  return { images, labels, n, stations, traceNames, index: Int32Array.from(index) };
}
