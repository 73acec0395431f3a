/**
 * A tiny synthetic two-class image set for the CNN tests: class 1 images carry extra energy in the high
 * rows (frequencies), class 0 in the low rows, over seeded noise, like foreshock and aftershock spectra
 * differing in frequency content.
 */
import type * as tf from "@tensorflow/tfjs";
import { buildCnn2d, CNN_IMAGE_SIZE } from "../../lib/cnn/architecture";
import { setCnnMetadata } from "../../lib/cnn/metadata";
import { Rng } from "../../lib/core/rng";

export function syntheticImages(n: number, seed: number): { images: Uint8Array; labels: Uint8Array; n: number } {
  const rng = new Rng(seed);
  const images = new Uint8Array(n * CNN_IMAGE_SIZE);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    labels[i] = label;
    for (let f = 0; f < 33; f++) {
      const band = label === 1 ? (f > 20 ? 60 : 0) : f < 12 ? 60 : 0;
      for (let t = 0; t < 153; t++) {
        for (let c = 0; c < 3; c++) {
          const v = 100 + band + rng.normal(0, 30);
          images[i * CNN_IMAGE_SIZE + (f * 153 + t) * 3 + c] = Math.min(255, Math.max(0, Math.round(v)));
        }
      }
    }
  }
  return { images, labels, n };
}

/** The standardisation stored with `standardizedCnn` models. */
export const TEST_STANDARDIZATION = { mean: [0.4, 0.5, 0.45], std: [0.2, 0.25, 0.22] };

/** A seeded, untrained CNN2D carrying TEST_STANDARDIZATION in its metadata, as trainCnn leaves it. */
export function standardizedCnn(seed = 4): tf.LayersModel {
  const m = buildCnn2d({ seed });
  setCnnMetadata(m, { standardization: TEST_STANDARDIZATION });
  return m;
}
