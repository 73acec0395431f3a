import { CNN_IMAGE_SIZE } from "../cnn/architecture";
import { CNN_CLASS_NAMES } from "../cnn/metadata";
import type { LabeledImages } from "../cnn/train";
import { InputError } from "../core/errors";
import type { ImageSet } from "../spectrogram/image-cache";
import { SPECTROGRAM_IMAGE_FREQS_HZ, SPECTROGRAM_IMAGE_SHAPE, SPECTROGRAM_IMAGE_TIMES_S } from "../spectrogram/spectrogram-image";
import { DSET_P_ARRIVAL_SAMPLE, DSET_SAMPLING_RATE_HZ } from "../waveform/trace";

/** Where every D-set window puts the P arrival on the images' time axis, in s (sample 500 at 100 Hz). */
export const IMAGE_P_ARRIVAL_S = DSET_P_ARRIVAL_SAMPLE / DSET_SAMPLING_RATE_HZ;

/**
 * One spectrogram image of a subset with what it shows: its axes in physical units (the geometry of
 * `spectrogramImage`) and the trace it was made from. What `plots.shapImage` and the explainers take.
 */
export interface SubsetImage {
  /** 33 x 153 x 3 bytes ("FTC", channel fastest, row 0 = 0 Hz): a view into the subset's images. */
  readonly data: Uint8Array;
  /** [33, 153, 3]. */
  readonly shape: readonly [number, number, number];
  readonly dimensionOrder: "FTC";
  /** Frequency of each row, Hz. */
  readonly freqsHz: Float64Array;
  /** Centre of each column, s from the first sample. */
  readonly timesS: Float64Array;
  /** The P arrival on the time axis, s. */
  readonly pArrivalS: number;
  readonly traceName: string;
  /** receiver_name. */
  readonly station: string;
  /** 0 = foreshock (pre), 1 = aftershock (post). */
  readonly label: 0 | 1;
  /** The label's class name ("foreshock", "aftershock"). */
  readonly labelName: string;
  /** Position of the image in its subset. */
  readonly position: number;
}

/**
 * Some images of an image-cache set (`loadImageSet`), copied into one contiguous batch with their labels,
 * stations and trace names (the form `trainCnn`, `predictCnn` and `evaluateClassifier` take), and the axes
 * every image shares: `subset.image(i)` hands out image i with its axes, trace name, label and station.
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
  /** [height, width, channels] of every image: [33, 153, 3]. */
  readonly shape: readonly [number, number, number];
  /** Frequency of each image row, Hz (row 0 = 0 Hz). */
  readonly freqsHz: Float64Array;
  /** Centre of each image column, s. */
  readonly timesS: Float64Array;
  /** The P arrival on the time axis, s. */
  readonly pArrivalS: number;
  /** Class names by label. */
  readonly classNames: readonly string[];
  /** Image `i` (negative counts from the end) with its axes, trace name, label and station. */
  image(i: number): SubsetImage;
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
  return imageSubset({ images, labels, stations, traceNames, index: Int32Array.from(index) }, where);
}

/**
 * An `ImageSubset` of images already in memory: n 33 x 153 x 3 8-bit images with their labels, stations and
 * trace names (for images that did not come from an image cache, e.g. in tests).
 *
 * @throws InputError naming `where` when the lengths disagree or a label is not 0 or 1
 */
export function imageSubset(
  parts: { readonly images: Uint8Array; readonly labels: ArrayLike<number>; readonly stations: readonly string[]; readonly traceNames: readonly string[]; readonly index?: Int32Array },
  where: string,
): ImageSubset {
  const n = parts.labels.length;
  if (parts.images.length !== n * CNN_IMAGE_SIZE) throw new InputError(where, `images hold ${parts.images.length} bytes, not ${n} images of ${SPECTROGRAM_IMAGE_SHAPE.join(" x ")}`);
  if (parts.stations.length !== n || parts.traceNames.length !== n) {
    throw new InputError(where, `${n} labels but ${parts.stations.length} stations and ${parts.traceNames.length} trace names`);
  }
  const labels = Uint8Array.from(parts.labels, (v, k) => {
    if (v !== 0 && v !== 1) throw new InputError(where, `${parts.traceNames[k]}: label ${v} is not 0 (foreshock) or 1 (aftershock)`);
    return v;
  });
  const { images, stations, traceNames } = parts;
  const index = parts.index ?? Int32Array.from({ length: n }, (_, k) => k);
  return {
    images,
    labels,
    n,
    stations,
    traceNames,
    index,
    shape: SPECTROGRAM_IMAGE_SHAPE,
    freqsHz: SPECTROGRAM_IMAGE_FREQS_HZ,
    timesS: SPECTROGRAM_IMAGE_TIMES_S,
    pArrivalS: IMAGE_P_ARRIVAL_S,
    classNames: CNN_CLASS_NAMES,
    image(i: number): SubsetImage {
      const k = i < 0 ? n + i : i;
      if (!Number.isInteger(k) || k < 0 || k >= n) throw new InputError(where, `image ${i} out of range for ${n} images`);
      const label = labels[k] as 0 | 1;
      return {
        data: images.subarray(k * CNN_IMAGE_SIZE, (k + 1) * CNN_IMAGE_SIZE),
        shape: SPECTROGRAM_IMAGE_SHAPE,
        dimensionOrder: "FTC",
        freqsHz: SPECTROGRAM_IMAGE_FREQS_HZ,
        timesS: SPECTROGRAM_IMAGE_TIMES_S,
        pArrivalS: IMAGE_P_ARRIVAL_S,
        traceName: traceNames[k],
        station: stations[k],
        label,
        labelName: CNN_CLASS_NAMES[label],
        position: k,
      };
    },
  };
}
