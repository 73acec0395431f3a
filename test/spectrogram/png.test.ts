import { test } from "node:test";
import assert from "node:assert/strict";
import zlib from "node:zlib";
import { decodePng, encodePng, PngChannels } from "../../lib/spectrogram/png";
import { InputError } from "../../lib/core/errors";
import { Rng } from "../../lib/core/rng";
import { PNG_SIGNATURE, pngChunk } from "../core/png-chunks";

const rng = new Rng("png");
function randomImage(width: number, height: number, channels: number): Uint8Array {
  return Uint8Array.from({ length: width * height * channels }, () => rng.int(256));
}

test("encode then decode gives the same pixels for 1, 2, 3 and 4 channels", () => {
  for (const channels of [1, 2, 3, 4] as PngChannels[]) {
    for (const [w, h] of [[153, 33], [1, 1], [7, 3]]) {
      const pixels = randomImage(w, h, channels);
      const png = encodePng(pixels, w, h, channels);
      const back = decodePng(png);
      assert.equal(back.width, w);
      assert.equal(back.height, h);
      assert.equal(back.channels, channels);
      assert.deepEqual(back.data, pixels);
    }
  }
});

test("the file layout: signature, IHDR fields, row 0 first in the image data", () => {
  // 2 x 2 RGB with a distinctive top row.
  const pixels = Uint8Array.from([255, 0, 0, 0, 255, 0, 1, 2, 3, 4, 5, 6]);
  const png = encodePng(pixels, 2, 2, 3);
  assert.deepEqual(Array.from(png.subarray(0, 8)), [137, 80, 78, 71, 13, 10, 26, 10]);
  assert.equal(Buffer.from(png.subarray(12, 16)).toString("latin1"), "IHDR");
  const view = new DataView(png.buffer, png.byteOffset);
  assert.equal(view.getUint32(16), 2); // width
  assert.equal(view.getUint32(20), 2); // height
  assert.deepEqual(Array.from(png.subarray(24, 29)), [8, 2, 0, 0, 0]); // 8-bit RGB, deflate, filter 0, no interlace
  const idatLength = view.getUint32(33);
  const raw = zlib.inflateSync(png.subarray(41, 41 + idatLength));
  assert.deepEqual(Array.from(raw), [0, 255, 0, 0, 0, 255, 0, 0, 1, 2, 3, 4, 5, 6]);
  assert.equal(Buffer.from(png.subarray(png.length - 8, png.length - 4)).toString("latin1"), "IEND");
});

/** Applies PNG filter `type` (1 Sub, 2 Up, 3 Average, 4 Paeth) to every row: the encoder side of the spec. */
function filterRows(pixels: Uint8Array, width: number, height: number, bpp: number, type: number): Uint8Array {
  const rowBytes = width * bpp;
  const out = new Uint8Array((rowBytes + 1) * height);
  const at = (y: number, i: number) => (y < 0 || i < 0 ? 0 : pixels[y * rowBytes + i]);
  for (let y = 0; y < height; y++) {
    out[y * (rowBytes + 1)] = type;
    for (let i = 0; i < rowBytes; i++) {
      const a = at(y, i - bpp);
      const b = at(y - 1, i);
      const c = at(y - 1, i - bpp);
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, Math.floor((a + b) / 2), paeth][type];
      out[y * (rowBytes + 1) + 1 + i] = (pixels[y * rowBytes + i] - predictor) & 0xff;
    }
  }
  return out;
}

function handMadePng(width: number, height: number, colorType: number, bitDepth: number, raw: Uint8Array, idatParts = 1): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  const z = zlib.deflateSync(raw);
  const cut = Math.floor(z.length / idatParts);
  const idats = Array.from({ length: idatParts }, (_, i) => pngChunk("IDAT", z.subarray(i * cut, i === idatParts - 1 ? z.length : (i + 1) * cut)));
  return Buffer.concat([PNG_SIGNATURE, pngChunk("IHDR", ihdr), pngChunk("tEXt", Buffer.from("Comment\0ignored")), ...idats, pngChunk("IEND", Buffer.alloc(0))]);
}

test("decodes every row filter type (Sub, Up, Average, Paeth) and split IDAT chunks", () => {
  const [w, h, bpp] = [9, 6, 3];
  const pixels = randomImage(w, h, bpp);
  for (const type of [0, 1, 2, 3, 4]) {
    const png = handMadePng(w, h, 2, 8, filterRows(pixels, w, h, bpp, type), 3);
    assert.deepEqual(decodePng(png).data, pixels, `filter ${type}`);
  }
});

test("decodes a PNG written by another encoder (1 x 1 RGBA, Sub filter)", () => {
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
  const img = decodePng(png);
  assert.deepEqual([img.width, img.height, img.channels], [1, 1, 4]);
  assert.deepEqual(Array.from(img.data), [0, 255, 0, 127]);
});

test("truncated, corrupt and unsupported files give clear InputErrors", () => {
  const png = encodePng(randomImage(20, 10, 3), 20, 10, 3);
  const check = (bytes: Uint8Array, pattern: RegExp) =>
    assert.throws(
      () => decodePng(bytes, "img.png"),
      (e: unknown) => e instanceof InputError && pattern.test((e as Error).message),
    );
  check(png.subarray(0, png.length - 20), /^img\.png: truncated: /);
  check(png.subarray(0, 60), /^img\.png: truncated: chunk IDAT at byte 33 claims \d+ bytes but only \d+ remain/);
  check(png.subarray(0, 5), /^img\.png: truncated: shorter than the PNG signature/);
  check(png.subarray(0, png.length - 12), /^img\.png: truncated: file ends at byte \d+ before the IEND chunk/);
  const flipped = Uint8Array.from(png);
  flipped[45] ^= 0x10;
  check(flipped, /^img\.png: corrupt: CRC mismatch in chunk IDAT/);
  check(Buffer.from("GIF89a not a png file"), /^img\.png: not a PNG file \(bad signature\)/);
  check(handMadePng(2, 2, 2, 16, new Uint8Array(2 * 13)), /only 8-bit samples are supported, this file has 16-bit/);
  check(handMadePng(2, 2, 3, 8, new Uint8Array(2 * 3)), /palette images are not supported/);
  check(handMadePng(2, 2, 2, 8, new Uint8Array(5)), /corrupt: 5 bytes of image data, expected 2 rows of 1 \+ 6/);
  const badFilter = new Uint8Array(2 * 7);
  badFilter[7] = 9;
  check(handMadePng(2, 2, 2, 8, badFilter), /unknown filter type 9 on row 1/);
});

test("encodePng checks its arguments", () => {
  assert.throws(() => encodePng(new Uint8Array(10), 2, 2, 3), /encodePng: pixels has 10 bytes, expected 2 x 2 x 3 = 12/);
  assert.throws(() => encodePng(new Uint8Array(0), 0, 2, 3), /width must be a positive integer/);
  assert.throws(() => encodePng(new Uint8Array(10), 5, 1, 5 as PngChannels), /channels must be 1, 2, 3 or 4/);
});
