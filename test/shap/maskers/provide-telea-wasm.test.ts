import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { inpaintTelea, provideTeleaWasm } from "../../../lib/shap/maskers/inpaint-telea";

test("provideTeleaWasm refuses bytes that are not WebAssembly, naming what it expects", () => {
  assert.throws(() => provideTeleaWasm(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), /provideTeleaWasm.*not a WebAssembly module/);
});

test("a kernel made from provided bytes (as the browser does) inpaints as the file's", () => {
  const h = 9;
  const w = 12;
  const image = new Uint8Array(h * w * 3).map((_, i) => (i * 37) & 0xff);
  const mask = new Uint8Array(h * w).map((_, i) => (i % 5 === 0 || (i > 40 && i < 60) ? 1 : 0));
  const fromFile = inpaintTelea(image, h, w, 3, mask);
  const bytes = new Uint8Array(fs.readFileSync(path.join(__dirname, "../../../lib/shap/maskers/inpaint-telea.wasm")));
  provideTeleaWasm(bytes);
  const provided = inpaintTelea(image, h, w, 3, mask);
  assert.deepEqual(provided, fromFile);
  assert.notDeepEqual(provided, image, "the mask must change something");
});
