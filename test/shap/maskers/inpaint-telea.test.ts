import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { InputError } from "../../../lib/core/errors";
import { repoRoot } from "../../../lib/core/paths";
import { readGoldenJson } from "../../helpers/golden";
import { Rng } from "../../../lib/core/rng";
import { inpaintTelea } from "../../../lib/shap/maskers/inpaint-telea";
import { inpaintTeleaFloat32 } from "./telea-float32-oracle";

interface TeleaCase {
  name: string;
  shape: number[];
  image: number[];
  mask: number[];
  expected: number[];
}

interface TeleaFixture {
  opencv_version: string;
  radius: number;
  flags: string;
  cases: TeleaCase[];
}

/** Flat row-major H×W grid from rows of numbers (1 channel). */
function grid(rows: number[][]): Uint8Array {
  return Uint8Array.from(rows.flat());
}

/** H×W mask with the listed (row, col) pixels set. */
function maskAt(height: number, width: number, pixels: Array<[number, number]>): Uint8Array {
  const mask = new Uint8Array(height * width);
  for (const [r, c] of pixels) mask[r * width + c] = 1;
  return mask;
}

function blockMask(height: number, width: number, r0: number, r1: number, c0: number, c1: number): Uint8Array {
  const mask = new Uint8Array(height * width);
  for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) mask[r * width + c] = 1;
  return mask;
}

function randomImage(rng: Rng, n: number): Uint8Array {
  const img = new Uint8Array(n);
  for (let p = 0; p < n; p++) img[p] = rng.int(256);
  return img;
}

/** FNV-1a over the bytes: a compact fingerprint of a whole output image. */
function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let p = 0; p < bytes.length; p++) h = Math.imul(h ^ bytes[p], 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

test("matches OpenCV 4.14 byte for byte on every case of test/golden/shap/telea_cases.json", () => {
  const fixture = readGoldenJson<TeleaFixture>("shap/telea_cases.json");
  assert.equal(fixture.flags, "INPAINT_TELEA");
  assert.ok(fixture.cases.length >= 7);
  for (const c of fixture.cases) {
    const [height, width, channels = 1] = c.shape;
    assert.ok(channels === 1 || channels === 3, c.name);
    const got = inpaintTelea(Uint8Array.from(c.image), height, width, channels, Uint8Array.from(c.mask), fixture.radius);
    const diffs = c.expected.filter((v, p) => got[p] !== v).length;
    assert.equal(diffs, 0, `${c.name}: ${diffs} of ${c.expected.length} values differ from OpenCV ${fixture.opencv_version}`);
  }
});

test("5×5 of 128 with a 3×3 block of 0 repainted: 130 along the block's first row and column (docs/shap-reference.md B.7)", () => {
  const img = new Uint8Array(25).fill(128);
  const pixels: Array<[number, number]> = [];
  for (let r = 1; r <= 3; r++) for (let c = 1; c <= 3; c++) pixels.push([r, c]);
  for (const [r, c] of pixels) img[r * 5 + c] = 0;
  const got = inpaintTelea(img, 5, 5, 1, maskAt(5, 5, pixels), 3);
  const expected = grid([
    [128, 128, 128, 128, 128],
    [128, 130, 130, 130, 128],
    [128, 130, 128, 128, 128],
    [128, 130, 128, 128, 128],
    [128, 128, 128, 128, 128],
  ]);
  assert.deepEqual(got, expected);
});

test("uniform 5×5 of 50 with holes at (2,2) and (4,4) is not refilled with 50: 51 and 52 (docs/shap-reference.md B.6, B.7)", () => {
  const img = new Uint8Array(25).fill(50);
  const got = inpaintTelea(img, 5, 5, 1, maskAt(5, 5, [[2, 2], [4, 4]]));
  const expected = new Uint8Array(25).fill(50);
  expected[2 * 5 + 2] = 51;
  expected[4 * 5 + 4] = 52;
  assert.deepEqual(got, expected);
});

test("an empty mask returns an equal copy and leaves the input alone", () => {
  const rng = new Rng("empty-mask");
  const img = randomImage(rng, 6 * 7 * 3);
  const before = img.slice();
  const got = inpaintTelea(img, 6, 7, 3, new Uint8Array(42));
  assert.deepEqual(got, img);
  assert.notEqual(got, img);
  assert.deepEqual(img, before);
});

test("a mask covering the whole image leaves it unchanged: the fill has no known pixel to start from", () => {
  const rng = new Rng("full-mask");
  const img = randomImage(rng, 5 * 6 * 3);
  assert.deepEqual(inpaintTelea(img, 5, 6, 3, new Uint8Array(30).fill(1)), img);
});

test("only masked pixels change; the input is not modified", () => {
  const rng = new Rng("outside-mask");
  const height = 9, width = 11;
  const img = randomImage(rng, height * width * 3);
  const before = img.slice();
  const mask = new Uint8Array(height * width);
  for (let p = 0; p < mask.length; p++) mask[p] = rng.random() < 0.3 ? 1 + rng.int(255) : 0;
  const got = inpaintTelea(img, height, width, 3, mask);
  assert.deepEqual(img, before);
  let changed = 0;
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < 3; c++) {
      if (mask[p] === 0) assert.equal(got[p * 3 + c], img[p * 3 + c], `pixel ${p} channel ${c} is outside the mask`);
      else if (got[p * 3 + c] !== img[p * 3 + c]) changed++;
    }
  }
  assert.ok(changed > 0);
});

test("pixels filled earlier are known neighbours for later ones: the fill propagates beyond the radius", () => {
  // Known values only in columns 0-1; with radius 1 a pixel in column 11 is 10 columns away from them, so it
  // can only be filled from pixels repainted before it. The values under the mask are 0.
  const height = 4, width = 12;
  const img = new Uint8Array(height * width);
  const mask = blockMask(height, width, 0, height, 2, width);
  for (let r = 0; r < height; r++) for (let c = 0; c < 2; c++) img[r * width + c] = 200;
  const got = inpaintTelea(img, height, width, 1, mask, 1);
  for (let r = 0; r < height; r++) {
    for (let c = 2; c < width; c++) {
      const v = got[r * width + c];
      assert.ok(v >= 195 && v <= 205, `pixel (${r},${c}) = ${v}: not carried over from the known columns`);
    }
  }
});

test("values under the mask are never read away from the image border", () => {
  // OpenCV's border stencils can read a not-yet-filled pixel next to the first/last two rows and columns; a
  // hole well inside the image must not depend on what it held.
  const rng = new Rng("under-mask");
  const height = 16, width = 20;
  const img = randomImage(rng, height * width * 3);
  const mask = blockMask(height, width, 5, 11, 6, 14);
  for (let p = 0; p < 25; p++) mask[(3 + rng.int(10)) * width + 3 + rng.int(14)] = 1;
  const scrambled = img.slice();
  for (let p = 0; p < height * width; p++) {
    if (mask[p] !== 0) for (let c = 0; c < 3; c++) scrambled[p * 3 + c] = rng.int(256);
  }
  assert.deepEqual(inpaintTelea(scrambled, height, width, 3, mask), inpaintTelea(img, height, width, 3, mask));
});

test("a colour image with equal channels is inpainted as its grey version, channel by channel", () => {
  const rng = new Rng("grey-vs-colour");
  const height = 33, width = 40;
  const grey = randomImage(rng, height * width);
  const colour = new Uint8Array(height * width * 3);
  for (let p = 0; p < grey.length; p++) colour[3 * p] = colour[3 * p + 1] = colour[3 * p + 2] = grey[p];
  const mask = blockMask(height, width, 8, 25, 5, 30);
  const g = inpaintTelea(grey, height, width, 1, mask);
  const c = inpaintTelea(colour, height, width, 3, mask);
  for (let p = 0; p < grey.length; p++) {
    assert.equal(c[3 * p], g[p]);
    assert.equal(c[3 * p + 1], g[p]);
    assert.equal(c[3 * p + 2], g[p]);
  }
});

test("a spectrogram-sized 33×153×3 case keeps its regression fingerprint", () => {
  // Fingerprint produced by a plain branch-by-branch transcription of docs/shap-reference.md part B (which
  // matches every OpenCV fixture) with none of the fast paths used here: it guards the pixels away from the
  // border, which the small OpenCV fixtures barely reach.
  const rng = new Rng("telea-33x153");
  const height = 33, width = 153;
  const img = new Uint8Array(height * width * 3);
  for (let f = 0; f < height; f++) {
    for (let s = 0; s < width; s++) {
      for (let c = 0; c < 3; c++) {
        const smooth = 110 + 70 * Math.sin((f + 2 * c) / 4) * Math.cos(s / 17);
        img[(f * width + s) * 3 + c] = Math.max(0, Math.min(255, Math.round(smooth + 10 * rng.normal())));
      }
    }
  }
  const mask = blockMask(height, width, 0, 17, 20, 97);
  for (let r = 20; r < 33; r++) for (let s = 110; s < 153; s++) mask[r * width + s] = 1;
  for (let p = 0; p < 300; p++) mask[rng.int(height * width)] = 1;
  const got = inpaintTelea(img, height, width, 3, mask);
  assert.equal(fnv1a(got), "5954dc86");
});

/** A smooth, spectrogram-like image with noise: large regions of similar values, as the masker sees. */
function smoothImage(rng: Rng, height: number, width: number, channels: number): Uint8Array {
  const img = new Uint8Array(height * width * channels);
  const fr = 2 + rng.uniform(0, 6);
  const tr = 5 + rng.uniform(0, 20);
  for (let f = 0; f < height; f++) {
    for (let s = 0; s < width; s++) {
      for (let c = 0; c < channels; c++) {
        const smooth = 120 + 90 * Math.sin((f + 2 * c) / fr) * Math.cos(s / tr);
        img[(f * width + s) * channels + c] = Math.max(0, Math.min(255, Math.round(smooth + 8 * rng.normal())));
      }
    }
  }
  return img;
}

test("equals the float32-emulating TypeScript oracle byte for byte on 240 random images, masks and radii", () => {
  const rng = new Rng("telea-vs-oracle");
  let compared = 0;
  for (let n = 0; n < 240; n++) {
    const big = n % 8 === 0;
    const height = big ? 33 : 2 + rng.int(30);
    const width = big ? 153 : 2 + rng.int(50);
    const channels = rng.random() < 0.5 ? 1 : 3;
    const radius = [1, 2, 3, 3, 3, 4, 5, 7][rng.int(8)];
    const kind = n % 5;
    const img = kind === 4 ? new Uint8Array(height * width * channels).fill(rng.int(256)) : kind % 2 === 0 ? randomImage(rng, height * width * channels) : smoothImage(rng, height, width, channels);
    const mask = new Uint8Array(height * width);
    const style = rng.int(4);
    if (style === 3) {
      // scattered pixels, border ones included
      const count = 1 + rng.int(Math.max(1, (height * width) >> 3));
      for (let k = 0; k < count; k++) mask[rng.int(height * width)] = 1;
    } else {
      // 1 to 4 rectangles (the partition masker's blocks), often touching the border
      for (let k = 1 + rng.int(4); k > 0; k--) {
        const r0 = rng.int(height), c0 = rng.int(width);
        const r1 = Math.min(height, r0 + 1 + rng.int(height)), c1 = Math.min(width, c0 + 1 + rng.int(width));
        for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) mask[r * width + c] = 1;
      }
      // everything but the rectangles
      if (style === 2) for (let p = 0; p < mask.length; p++) mask[p] ^= 1;
    }
    if (mask.every((v) => v === 1)) mask[rng.int(mask.length)] = 0;
    const expected = inpaintTeleaFloat32(img, height, width, channels, mask, radius);
    const got = inpaintTelea(img, height, width, channels, mask, radius);
    if (!Buffer.from(got).equals(Buffer.from(expected))) {
      let first = 0;
      while (got[first] === expected[first]) first++;
      assert.fail(`case ${n} (${height}×${width}×${channels}, radius ${radius}, mask style ${style}): first difference at value ${first}, ${got[first]} vs the oracle's ${expected[first]}`);
    }
    compared++;
  }
  assert.equal(compared, 240);
});

test("`out` receives the result, and may be the input itself", () => {
  const rng = new Rng("out-buffer");
  const height = 10, width = 12;
  const img = randomImage(rng, height * width * 3);
  const mask = blockMask(height, width, 2, 7, 3, 9);
  const fresh = inpaintTelea(img, height, width, 3, mask);
  const out = new Uint8Array(img.length).fill(7);
  assert.equal(inpaintTelea(img, height, width, 3, mask, 3, out), out);
  assert.deepEqual(out, fresh);
  const inPlace = img.slice();
  assert.equal(inpaintTelea(inPlace, height, width, 3, mask, 3, inPlace), inPlace);
  assert.deepEqual(inPlace, fresh);
});

test("results do not depend on earlier calls of other sizes or radii (reused scratch grids)", () => {
  const rng = new Rng("workspace");
  const img = randomImage(rng, 8 * 9 * 3);
  const mask = blockMask(8, 9, 1, 6, 0, 4);
  const first = inpaintTelea(img, 8, 9, 3, mask);
  inpaintTelea(randomImage(rng, 60 * 70), 60, 70, 1, blockMask(60, 70, 0, 60, 10, 50), 5);
  inpaintTelea(randomImage(rng, 3 * 4 * 3), 3, 4, 3, blockMask(3, 4, 0, 3, 0, 4), 1);
  assert.deepEqual(inpaintTelea(img, 8, 9, 3, mask), first);
});

test("the radius is rounded half to even and clamped to 1..100, as OpenCV does", () => {
  const rng = new Rng("radius");
  const height = 14, width = 15;
  const img = randomImage(rng, height * width);
  const mask = blockMask(height, width, 3, 11, 4, 12);
  const at = (radius: number) => inpaintTelea(img, height, width, 1, mask, radius);
  assert.notDeepEqual(at(2), at(3));
  assert.notDeepEqual(at(1), at(2));
  assert.deepEqual(at(2.5), at(2));
  assert.deepEqual(at(3.5), at(4));
  assert.deepEqual(at(2.6), at(3));
  assert.deepEqual(at(0), at(1));
  assert.deepEqual(at(-4), at(1));
});

test("bad arguments raise InputError naming the problem", () => {
  const img = new Uint8Array(4 * 5 * 3);
  const mask = new Uint8Array(4 * 5);
  const call = (f: () => unknown, pattern: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof InputError && pattern.test(e.message));
  call(() => inpaintTelea(img, 1, 60, 3, mask), /^inpaintTelea: height must be an integer ≥ 2/);
  call(() => inpaintTelea(img, 4.5, 5, 3, mask), /height must be an integer/);
  call(() => inpaintTelea(img, 4, 0, 3, mask), /width must be an integer ≥ 2/);
  call(() => inpaintTelea(img, 4, 5, 2 as 1 | 3, mask), /channels must be 1 or 3/);
  call(() => inpaintTelea(img, 4, 5, 1, mask), /image has 60 values, expected H·W·C = 4·5·1 = 20/);
  call(() => inpaintTelea(img, 4, 5, 3, new Uint8Array(21)), /mask has 21 values, expected H·W = 4·5 = 20/);
  call(() => inpaintTelea(img, 4, 5, 3, mask, Number.NaN), /radius must be a finite number/);
  call(() => inpaintTelea(img, 4, 5, 3, mask, 3, new Uint8Array(59)), /out must be a Uint8Array of H·W·C = 60 values/);
  call(() => inpaintTelea(Array.from(img) as unknown as Uint8Array, 4, 5, 3, mask), /image must be a Uint8Array/);
});

test("the committed WebAssembly kernel is what its AssemblyScript source compiles to (npm run build:wasm)", () => {
  const run = spawnSync(process.execPath, [path.join(repoRoot(), "scripts", "build-wasm.mjs"), "--check"], { cwd: repoRoot(), encoding: "utf8" });
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
  assert.match(run.stdout, /inpaint-telea\.wasm: up to date/);
});
