import { test } from "node:test";
import assert from "node:assert/strict";
import { CNN_IMAGE_SIZE } from "../../lib/cnn/architecture";
import { assertCnnImages, computeStandardization, standardizeImages } from "../../lib/cnn/standardize";
import { InputError } from "../../lib/core/errors";

/** Two images: channel c of image i holds the value 10 * (c + 1) + 100 * i + (pixel index mod 2). */
function twoImages(): Uint8Array {
  const images = new Uint8Array(2 * CNN_IMAGE_SIZE);
  for (let i = 0; i < 2; i++) for (let p = 0; p < CNN_IMAGE_SIZE / 3; p++) for (let c = 0; c < 3; c++) images[i * CNN_IMAGE_SIZE + p * 3 + c] = 10 * (c + 1) + 100 * i + (p % 2);
  return images;
}

test("computeStandardization gives per-channel mean and population std on the 0..1 scale", () => {
  const s = computeStandardization(twoImages(), 2);
  const pixels = CNN_IMAGE_SIZE / 3; // 5049: odd, so the pixel-parity term has mean 2524/5049
  const parityMean = Math.floor(pixels / 2) / pixels;
  for (let c = 0; c < 3; c++) {
    const mean = 10 * (c + 1) + 50 + parityMean;
    // Variance of (100 i + parity) with i and parity independent over the set: 50^2 + parity variance.
    const variance = 2500 + parityMean * (1 - parityMean);
    assert.ok(Math.abs(s.mean[c] - mean / 255) < 1e-12, `mean ${c}`);
    assert.ok(Math.abs(s.std[c] - Math.sqrt(variance) / 255) < 1e-12, `std ${c}`);
  }
});

test("standardizeImages maps value v of channel c to (v / 255 - mean[c]) / std[c]", () => {
  const images = twoImages();
  const s = { mean: [0.1, 0.2, 0.3], std: [0.5, 0.25, 0.125] };
  const out = standardizeImages(images, 2, s);
  assert.equal(out.length, 2 * CNN_IMAGE_SIZE);
  for (const i of [0, 1, 2, 3, 4, 5, CNN_IMAGE_SIZE + 7, 2 * CNN_IMAGE_SIZE - 1]) {
    const c = i % 3;
    assert.ok(Math.abs(out[i] - (images[i] / 255 - s.mean[c]) / s.std[c]) < 1e-6, `index ${i}`);
  }
  // Float images on 0..255 (the SHAP masker's output) and a reused output buffer.
  const buffer = new Float32Array(3 * CNN_IMAGE_SIZE);
  const floats = Float32Array.from(images, (v) => v + 0.5);
  const again = standardizeImages(floats, 2, s, buffer);
  assert.equal(again.buffer, buffer.buffer);
  assert.ok(Math.abs(again[4] - ((images[4] + 0.5) / 255 - s.mean[1]) / s.std[1]) < 1e-6);
});

test("images of the wrong size or channel count, empty sets and constant channels are refused", () => {
  const isInputError = (pattern: RegExp) => (e: unknown) => e instanceof InputError && pattern.test(e.message);
  assert.throws(() => assertCnnImages(new Uint8Array(2 * 33 * 153), 2, "x"), isInputError(/^x: expected 2 images .* got 10098: 1 channel\(s\) per 33 x 153 image, the CNN2D needs 3$/));
  assert.throws(() => assertCnnImages(new Uint8Array(33 * 152 * 3), 1, "x"), isInputError(/5016 pixels per image, the CNN2D needs 33 x 153 = 5049/));
  assert.throws(() => assertCnnImages(new Uint8Array(10), 1, "x"), isInputError(/expected 1 images of 33 x 153 x 3 = 15147 values, got 10/));
  assert.throws(() => assertCnnImages(new Uint8Array(0), -1, "x"), isInputError(/non-negative integer/));
  assert.throws(() => computeStandardization(new Uint8Array(0), 0), isInputError(/no images/));
  assert.throws(() => computeStandardization(new Uint8Array(CNN_IMAGE_SIZE).fill(3), 1), isInputError(/channel 0 is constant/));
  assert.throws(() => standardizeImages(twoImages(), 2, { mean: [0, 0], std: [1, 1] }), isInputError(/standardization must be/));
  assert.throws(() => standardizeImages(twoImages(), 2, { mean: [0, 0, 0], std: [1, 0, 1] }), isInputError(/standardization must be/));
  assert.throws(() => standardizeImages(twoImages(), 2, { mean: [0, 0, 0], std: [1, 1, 1] }, new Float32Array(10)), isInputError(/output holds 10 values/));
});
