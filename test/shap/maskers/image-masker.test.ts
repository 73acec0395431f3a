import { test } from "node:test";
import assert from "node:assert/strict";
import { boxBlur } from "../../../lib/shap/maskers/box-blur";
import { ImageMasker } from "../../../lib/shap/maskers/image-masker";
import { inpaintTelea } from "../../../lib/shap/maskers/inpaint-telea";
import { PartitionTree } from "../../../lib/shap/maskers/partition-tree";
import { InputError } from "../../../lib/core/errors";
import { Rng } from "../../../lib/core/rng";

/** A smooth-ish random image on the 0..255 scale with fractional values. */
function randomImage(h: number, w: number, c: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const img = new Float64Array(h * w * c);
  for (let r = 0; r < h; r++) for (let col = 0; col < w; col++) for (let k = 0; k < c; k++) {
    img[(r * w + col) * c + k] = Math.min(255.9, Math.max(0, 40 + 8 * r + 5 * col + 30 * k + rng.uniform(-20, 20)));
  }
  return img;
}

async function fillOne(masker: ImageMasker, image: Float64Array, mask: Uint8Array): Promise<Float64Array> {
  const out = new Float64Array(image.length);
  await masker.bind(image, "test image").fill(mask, 1, out, 0);
  return out;
}

test("all hidden -> every pixel is the per-channel mean of the float image (shap's 5x5x3 case: 4.0)", async () => {
  const masker = new ImageMasker({ fill: "inpaint-telea", shape: [5, 5, 3] });
  const img = new Float64Array(75);
  img.fill(100, 36, 39); // one pixel at 100 in all channels
  const out = await fillOne(masker, img, new Uint8Array(75));
  assert.ok(out.every((v) => v === 4));
  const img2 = randomImage(5, 5, 3, 1);
  const out2 = await fillOne(masker, img2, new Uint8Array(75));
  for (let k = 0; k < 3; k++) {
    let s = 0;
    for (let p = 0; p < 25; p++) s += img2[p * 3 + k];
    for (let p = 0; p < 25; p++) assert.ok(Math.abs(out2[p * 3 + k] - s / 25) < 1e-12);
  }
});

test("nothing hidden -> the image truncated to integers (numpy astype(uint8))", async () => {
  const masker = new ImageMasker({ fill: "inpaint-telea", shape: [4, 6, 3] });
  const img = randomImage(4, 6, 3, 2);
  const out = await fillOne(masker, img, new Uint8Array(72).fill(1));
  assert.deepEqual(Array.from(out), Array.from(img, Math.floor));
});

test("hiding one channel of a pixel repaints all channels of that pixel with Telea", async () => {
  const [h, w, c] = [6, 7, 3];
  const masker = new ImageMasker({ fill: "inpaint-telea", shape: [h, w, c] });
  const img = randomImage(h, w, c, 3);
  // make the pixel an outlier so repainting visibly changes every channel
  const p = 3 * w + 4;
  img[p * 3] = 250;
  img[p * 3 + 1] = 0;
  img[p * 3 + 2] = 250;
  const mask = new Uint8Array(h * w * c).fill(1);
  mask[p * 3 + 1] = 0;
  const out = await fillOne(masker, img, mask);
  const hide = new Uint8Array(h * w);
  hide[p] = 1;
  const expected = inpaintTelea(Uint8Array.from(img, Math.trunc), h, w, 3, hide, 3);
  assert.deepEqual(Array.from(out), Array.from(expected));
  for (let k = 0; k < 3; k++) assert.notEqual(out[p * 3 + k], Math.floor(img[p * 3 + k]), `channel ${k} repainted`);
  // every other pixel keeps its truncated value
  for (let q = 0; q < h * w; q++) if (q !== p) for (let k = 0; k < 3; k++) assert.equal(out[q * 3 + k], Math.floor(img[q * 3 + k]));
});

test("a batch fills each mask into its own slot, with a float32 output too", async () => {
  const [h, w, c] = [5, 6, 3];
  const m = h * w * c;
  const masker = new ImageMasker({ fill: "inpaint-telea", shape: [h, w, c] });
  const img = randomImage(h, w, c, 4);
  const rng = new Rng(5);
  const masks = new Uint8Array(4 * m);
  for (let i = 0; i < masks.length; i++) masks[i] = rng.random() < 0.6 ? 1 : 0;
  masks.fill(0, 3 * m); // last one all hidden
  const out = new Float32Array(6 * m);
  await masker.bind(img, "img").fill(masks, 4, out, 2);
  assert.ok(out.subarray(0, 2 * m).every((v) => v === 0));
  for (let j = 0; j < 4; j++) {
    const single = await fillOne(masker, img, masks.subarray(j * m, (j + 1) * m));
    assert.deepEqual(Array.from(out.subarray((2 + j) * m, (3 + j) * m)), Array.from(single, Math.fround));
  }
});

test("constant and array fills hide single elements, not pixels", async () => {
  const masker = new ImageMasker({ fill: -1, shape: [2, 2, 3] });
  assert.equal(masker.fixedBackground, true);
  const img = Float64Array.from({ length: 12 }, (_, i) => i + 0.5);
  const mask = new Uint8Array(12).fill(1);
  mask[4] = 0;
  const out = await fillOne(masker, img, mask);
  assert.deepEqual(Array.from(out), Array.from(img, (v, i) => (i === 4 ? -1 : v)));
  const arrayFill = new ImageMasker({ fill: Array.from({ length: 12 }, (_, i) => 100 + i), shape: [2, 2, 3] });
  const out2 = await fillOne(arrayFill, img, mask);
  assert.equal(out2[4], 104);
  assert.equal(out2[5], 5.5);
});

test("blur(kx,ky) hides single elements with the float image blurred by cv2.blur, per image", async () => {
  const masker = new ImageMasker({ fill: "blur( 3, 2)", shape: [4, 5, 3] });
  assert.equal(masker.fill, "blur(3,2)");
  assert.equal(masker.fixedBackground, false);
  assert.equal(masker.describe(), "ImageMasker(fill=blur(3,2), shape=4x5x3)");
  const img = randomImage(4, 5, 3, 11);
  const blurred = boxBlur(img, 4, 5, 3, 3, 2);
  const mask = new Uint8Array(60).fill(1);
  for (const i of [0, 7, 31, 59]) mask[i] = 0;
  const out = await fillOne(masker, img, mask);
  assert.deepEqual(Array.from(out), Array.from(img, (v, i) => (mask[i] === 0 ? blurred[i] : v)));
  // another image gets its own blur, and nothing is truncated
  const other = randomImage(4, 5, 3, 12);
  const out2 = await fillOne(masker, other, mask);
  assert.equal(out2[7], boxBlur(other, 4, 5, 3, 3, 2)[7]);
  assert.equal(out2[8], other[8]);
  for (const bad of ["blur(0,3)", "blur(3)", "blur(a,b)", "blur(3,3"]) {
    assert.throws(() => new ImageMasker({ fill: bad as "blur(1,1)", shape: [4, 5, 3] }), /a blur fill is "blur\(kx,ky\)" with positive integer kernel sizes/);
  }
});

test("the masker owns shap's partition tree and clustering matrix", () => {
  const masker = new ImageMasker({ fill: "inpaint-telea", shape: [5, 3, 1] });
  assert.deepEqual(Array.from(masker.clustering), Array.from(PartitionTree.forImage([5, 3, 1]).toLinkage()));
  assert.equal(masker.partitionTree(), masker.partitionTree());
  assert.equal(masker.nFeatures, 15);
  assert.equal(masker.describe(), "ImageMasker(fill=inpaint-telea, shape=5x3x1)");
});

test("images that truncation to uint8 would silently ruin are refused", () => {
  const masker = new ImageMasker({ fill: "inpaint-telea", shape: [2, 2, 1] });
  assert.throws(() => masker.bind(Float64Array.from([0.1, 0.5, 0.9, 0.3]), "img 7"), /img 7: all values lie in \[0, 1\].*looks like a \[0, 1\] image/s);
  assert.throws(() => masker.bind(Float64Array.from([1, 2, NaN, 3]), "img"), /non-finite/);
  assert.throws(() => masker.bind(Float64Array.from([1, 2, 256, 3]), "img"), /outside \[0, 256\)/);
  assert.throws(() => masker.bind(Float64Array.from([1, -0.5, 3, 3]), "img"), /outside \[0, 256\)/);
  assert.throws(() => masker.bind(Float64Array.from([1, 2, 3]), "img"), /expected 2 x 2 x 1 = 4 values/);
  // integer 0/1 images are legitimate byte images; the opt-out accepts fractional [0, 1] values
  masker.bind(Float64Array.from([0, 1, 1, 0]), "binary image");
  new ImageMasker({ fill: "inpaint-telea", shape: [2, 2, 1], checkByteScale: false }).bind(Float64Array.from([0.1, 0.5, 0.9, 0.3]), "img");
  // constant fills do not truncate, so any finite scale is fine
  new ImageMasker({ fill: 0, shape: [2, 2, 1] }).bind(Float64Array.from([0.1, 0.5, 0.9, 0.3]), "img");
});

test("bad options are refused", () => {
  assert.throws(() => new ImageMasker({ fill: "inpaint-telea", shape: [4, 4, 2] }), /1 or 3 channels/);
  assert.throws(() => new ImageMasker({ fill: "inpaint-telea", shape: [1, 4, 3] }), /at least 2 rows/);
  assert.throws(() => new ImageMasker({ fill: "inpaint_ns" as "inpaint-telea", shape: [4, 4, 3] }), /unknown fill "inpaint_ns": use "inpaint-telea", "blur\(kx,ky\)"/);
  assert.throws(() => new ImageMasker({ fill: [1, 2], shape: [4, 4, 3] }), /48 values/);
  assert.throws(() => new ImageMasker({ fill: 0, shape: [4, 4] as unknown as [number, number, number] }), InputError);
  assert.throws(() => new ImageMasker({ fill: "inpaint-telea", shape: [4, 4, 3], workers: -1 }), /workers/);
});

test("worker threads give the same fills as in-process inpainting", async () => {
  const [h, w, c] = [9, 11, 3];
  const m = h * w * c;
  const img = randomImage(h, w, c, 6);
  const rng = new Rng(7);
  const n = 7;
  const masks = new Uint8Array(n * m);
  for (let j = 0; j < n; j++) {
    const keep = rng.uniform(0.2, 0.9);
    for (let i = 0; i < m; i++) masks[j * m + i] = rng.random() < keep ? 1 : 0;
  }
  const local = new ImageMasker({ fill: "inpaint-telea", shape: [h, w, c] });
  const pooled = new ImageMasker({ fill: "inpaint-telea", shape: [h, w, c], workers: 2 });
  try {
    const a = new Float64Array(n * m);
    const b = new Float64Array(n * m);
    await local.bind(img, "img").fill(masks, n, a, 0);
    await pooled.bind(img, "img").fill(masks, n, b, 0);
    assert.deepEqual(Array.from(b), Array.from(a));
  } finally {
    await pooled.close();
  }
});
