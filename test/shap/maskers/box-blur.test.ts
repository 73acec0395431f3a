import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { boxBlur } from "../../../lib/shap/maskers/box-blur";

interface BlurCase {
  shape: [number, number, number];
  ksize: [number, number];
  image: number[];
  expected: number[];
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "golden", "opencv-blur.json"), "utf8")) as { opencv_version: string; cases: BlurCase[] };

test(`equals cv2.blur (OpenCV ${fixture.opencv_version}) bit for bit on every case of test/golden/opencv-blur.json`, () => {
  assert.equal(fixture.cases.length, 10);
  for (const c of fixture.cases) {
    const [h, w, ch] = c.shape;
    const got = boxBlur(Float64Array.from(c.image), h, w, ch, c.ksize[0], c.ksize[1]);
    assert.equal(got.length, c.expected.length);
    for (let i = 0; i < got.length; i++) {
      if (!Object.is(got[i], c.expected[i])) {
        assert.fail(`${h}x${w}x${ch}, ksize ${c.ksize}: value ${i} is ${got[i]}, OpenCV ${c.expected[i]} (difference ${got[i] - c.expected[i]})`);
      }
    }
  }
});

test("a constant image stays constant; a 1x1 kernel copies; the mean over the image is kept away from borders", () => {
  const flat = new Float64Array(4 * 5 * 3).fill(7.5);
  assert.ok(boxBlur(flat, 4, 5, 3, 3, 3).every((v) => v === 7.5));
  const ramp = Float64Array.from({ length: 4 * 5 }, (_, i) => i * 1.25);
  assert.deepEqual(Array.from(boxBlur(ramp, 4, 5, 1, 1, 1)), Array.from(ramp));
  // a horizontal ramp blurred horizontally with a centred odd kernel keeps interior values
  const row = Float64Array.from({ length: 9 }, (_, i) => 2 * i);
  const blurred = boxBlur(row, 1, 9, 1, 3, 1);
  for (let x = 1; x < 8; x++) assert.ok(Math.abs(blurred[x] - row[x]) < 1e-12);
  // REFLECT_101 at the left edge: (x[1] + x[0] + x[1]) / 3
  assert.ok(Math.abs(blurred[0] - (2 + 0 + 2) / 3) < 1e-12);
});

test("bad arguments are refused with the argument named", () => {
  assert.throws(() => boxBlur(new Float64Array(12), 2, 2, 3, 0, 3), /kernelWidth must be a positive integer, got 0/);
  assert.throws(() => boxBlur(new Float64Array(11), 2, 2, 3, 3, 3), /image has 11 values, expected H·W·C = 2·2·3 = 12/);
  assert.throws(() => boxBlur(new Float64Array(12), 2, 2.5, 3, 3, 3), /width must be a positive integer/);
});
