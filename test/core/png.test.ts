import { test } from "node:test";
import assert from "node:assert/strict";
import zlib from "node:zlib";
import { InputError } from "../../lib/core/errors";
import { crc32 } from "../../lib/core/crc32";
import { decodePng, encodePng, PNG_BYTES_PER_PIXEL, PngColorType, pngDataUri } from "../../lib/core/png";
import { Rng } from "../../lib/core/rng";
import { PNG_SIGNATURE, pngChunk } from "./png-chunks";

const rng = new Rng("core-png");
const randomBytes = (n: number, below = 256) => Uint8Array.from({ length: n }, () => rng.int(below));

/** A 2 x 1 indexed PNG (filter None) with the given palette chunks between IHDR and IDAT. */
function indexedPng(indices: [number, number], between: Buffer[]): Buffer {
  const ihdr = Buffer.from([0, 0, 0, 2, 0, 0, 0, 1, 8, 3, 0, 0, 0]);
  const idat = zlib.deflateSync(Uint8Array.from([0, ...indices]));
  return Buffer.concat([PNG_SIGNATURE, pngChunk("IHDR", ihdr), ...between, pngChunk("IDAT", idat), pngChunk("IEND", Buffer.alloc(0))]);
}

test("every colour type round-trips, indexed with its palette and alpha", () => {
  for (const colorType of ["grey", "grey-alpha", "rgb", "rgba", "indexed"] as PngColorType[]) {
    const [width, height] = [7, 3];
    const palette = colorType === "indexed" ? randomBytes(5 * 4) : undefined;
    const pixels = randomBytes(width * height * PNG_BYTES_PER_PIXEL[colorType], colorType === "indexed" ? 5 : 256);
    const back = decodePng(encodePng({ width, height, colorType, pixels, palette }));
    assert.deepEqual([back.width, back.height, back.colorType], [width, height, colorType]);
    assert.deepEqual(back.pixels, pixels);
    assert.deepEqual(back.palette, palette);
  }
});

test("an opaque palette writes no tRNS and decodes with alpha 255", () => {
  const palette = Uint8Array.from([10, 20, 30, 255, 40, 50, 60, 255]);
  const png = encodePng({ width: 2, height: 1, colorType: "indexed", pixels: Uint8Array.from([1, 0]), palette });
  assert.equal(png.indexOf("tRNS", 0, "latin1"), -1);
  assert.deepEqual(decodePng(png).palette, palette);
  // tRNS may list fewer entries than the palette: the rest stay opaque.
  const partial = indexedPng([0, 1], [pngChunk("PLTE", Uint8Array.from([1, 2, 3, 4, 5, 6])), pngChunk("tRNS", Uint8Array.from([7]))]);
  assert.deepEqual(Array.from(decodePng(partial).palette!), [1, 2, 3, 7, 4, 5, 6, 255]);
});

test("the deflate settings are fixed: a known raster gives known bytes", () => {
  // Pins zlib's run-length strategy at level 9: the plots' SVG snapshots embed these bytes.
  const pixels = Uint8Array.from([0, 1, 1, 1, 2, 0, 0, 0, 0, 2, 2, 2]);
  const palette = Uint8Array.from([255, 0, 0, 255, 0, 128, 0, 128, 0, 0, 255, 0]);
  assert.equal(
    encodePng({ width: 4, height: 3, colorType: "indexed", pixels, palette }).toString("base64"),
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAMAAACDKl70AAAACVBMVEX/AAAAgAAAAP9WyLqUAAAAA3RSTlP/gAB/bWh4AAAAFElEQVR4AWNgYGRkZGBiAAEmJiYAAFEADOOKQV8AAAAASUVORK5CYII=",
  );
});

test("a suggested palette in an RGB file is skipped", () => {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  const png = Buffer.concat([
    PNG_SIGNATURE,
    pngChunk("IHDR", ihdr),
    pngChunk("PLTE", Uint8Array.from([9, 9, 9])),
    pngChunk("IDAT", zlib.deflateSync(Uint8Array.from([0, 4, 5, 6]))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
  const img = decodePng(png);
  assert.equal(img.palette, undefined);
  assert.deepEqual(Array.from(img.pixels), [4, 5, 6]);
});

test("refused colour types and broken palettes give clear InputErrors", () => {
  const check = (bytes: Uint8Array, pattern: RegExp, colorTypes?: PngColorType[]) =>
    assert.throws(
      () => decodePng(bytes, "map.png", { colorTypes }),
      (e: unknown) => e instanceof InputError && pattern.test((e as Error).message),
    );
  const rgba = encodePng({ width: 1, height: 1, colorType: "rgba", pixels: new Uint8Array(4) });
  check(rgba, /^map\.png: RGBA images are not supported$/, ["grey", "rgb"]);
  const plte = pngChunk("PLTE", Uint8Array.from([1, 2, 3, 4, 5, 6]));
  check(indexedPng([0, 1], []), /^map\.png: palette images are not supported$/, ["rgb"]);
  check(indexedPng([0, 1], []), /^map\.png: corrupt: an indexed image without a PLTE chunk$/);
  check(indexedPng([0, 2], [plte]), /^map\.png: corrupt: pixel 1 has index 2 beyond the 2-colour palette$/);
  check(indexedPng([0, 1], [pngChunk("PLTE", Uint8Array.from([1, 2]))]), /PLTE has 2 bytes, not 3 to 768 in steps of 3/);
  check(indexedPng([0, 1], [plte, pngChunk("tRNS", Uint8Array.from([1, 2, 3]))]), /tRNS has 3 entries for a 2-colour palette/);
  check(indexedPng([0, 1], [pngChunk("tRNS", Uint8Array.from([1])), plte]), /tRNS must come after PLTE/);
  assert.throws(
    () => encodePng({ width: 2, height: 1, colorType: "grey-alpha", pixels: new Uint8Array(3) }),
    /^InputError: encodePng: pixels has 3 bytes, expected 1 x 2 x 2 = 4$/,
  );
  assert.throws(() => encodePng({ width: 1, height: 2 ** 31, colorType: "grey", pixels: new Uint8Array(0) }), /height must be a positive integer, got 2147483648/);
});

// The file layout, row filters and errors, on the image kinds the spectrogram images use (1 to 4 channels).
const pngRng = new Rng("png");
function randomImage(width: number, height: number, channels: number): Uint8Array {
  return Uint8Array.from({ length: width * height * channels }, () => pngRng.int(256));
}
/** The colour type whose pixels are `channels` bytes: grey, grey + alpha, RGB (the spectrogram images), RGBA. */
const TYPE_OF_CHANNELS: readonly PngColorType[] = ["grey", "grey", "grey-alpha", "rgb", "rgba"];
/** The colour types a spectrogram image may be read back as (no palette). */
const CHANNEL_TYPES: readonly PngColorType[] = ["grey", "grey-alpha", "rgb", "rgba"];

test("encode then decode gives the same pixels for 1, 2, 3 and 4 channels, at the spectrogram image's size too", () => {
  for (const channels of [1, 2, 3, 4]) {
    for (const [w, h] of [[153, 33], [1, 1], [7, 3]]) {
      const pixels = randomImage(w, h, channels);
      const png = encodePng({ width: w, height: h, colorType: TYPE_OF_CHANNELS[channels], pixels });
      const back = decodePng(png, "png", { colorTypes: CHANNEL_TYPES });
      assert.equal(back.width, w);
      assert.equal(back.height, h);
      assert.equal(PNG_BYTES_PER_PIXEL[back.colorType], channels);
      assert.deepEqual(back.pixels, pixels);
    }
  }
});

test("the file layout: signature, IHDR fields, row 0 first in the image data", () => {
  // 2 x 2 RGB with a distinctive top row.
  const pixels = Uint8Array.from([255, 0, 0, 0, 255, 0, 1, 2, 3, 4, 5, 6]);
  const png = encodePng({ width: 2, height: 2, colorType: "rgb", pixels });
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
    assert.deepEqual(decodePng(png).pixels, pixels, `filter ${type}`);
  }
});

test("decodes a PNG written by another encoder (1 x 1 RGBA, Sub filter)", () => {
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
  const img = decodePng(png);
  assert.deepEqual([img.width, img.height, img.colorType], [1, 1, "rgba"]);
  assert.deepEqual(Array.from(img.pixels), [0, 255, 0, 127]);
});

test("truncated, corrupt and unsupported files give clear InputErrors", () => {
  const png = encodePng({ width: 20, height: 10, colorType: "rgb", pixels: randomImage(20, 10, 3) });
  const check = (bytes: Uint8Array, pattern: RegExp) =>
    assert.throws(
      () => decodePng(bytes, "img.png", { colorTypes: CHANNEL_TYPES }),
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
  assert.throws(() => encodePng({ width: 2, height: 2, colorType: "rgb", pixels: new Uint8Array(10) }), /encodePng: pixels has 10 bytes, expected 2 x 2 x 3 = 12/);
  assert.throws(() => encodePng({ width: 0, height: 2, colorType: "rgb", pixels: new Uint8Array(0) }), /width must be a positive integer/);
  assert.throws(() => encodePng({ width: 5, height: 1, colorType: "bgr" as PngColorType, pixels: new Uint8Array(10) }), /encodePng: unknown colour type "bgr": use grey, grey-alpha, rgb, rgba or indexed/);
});

// Rasters for the plots (indexed heat maps and RGB images embedded in SVG as data URIs).

/** Splits a PNG into chunks, checking every CRC. */
function chunks(png: Buffer): Array<{ type: string; data: Buffer }> {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out: Array<{ type: string; data: Buffer }> = [];
  let p = 8;
  while (p < png.length) {
    const len = png.readUInt32BE(p);
    const type = png.toString("latin1", p + 4, p + 8);
    const data = png.subarray(p + 8, p + 8 + len);
    assert.equal(png.readUInt32BE(p + 8 + len), crc32(png.subarray(p + 4, p + 8 + len)), `CRC of ${type}`);
    out.push({ type, data });
    p += 12 + len;
  }
  return out;
}

test("CRC-32 of a known string (the chunks' checksum)", () => {
  assert.equal(crc32(Buffer.from("123456789")), 0xcbf43926);
});

test("an RGB image round-trips through the PNG structure", () => {
  const pixels = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => (i * 37) % 256);
  const png = encodePng({ width: 3, height: 2, colorType: "rgb", pixels });
  const c = chunks(png);
  assert.deepEqual(c.map((x) => x.type), ["IHDR", "IDAT", "IEND"]);
  const ihdr = c[0].data;
  assert.deepEqual([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9]], [3, 2, 8, 2]);
  const raw = zlib.inflateSync(c[1].data);
  assert.equal(raw.length, 2 * (1 + 9));
  assert.equal(raw[0], 0);
  assert.deepEqual([...raw.subarray(1, 10)], [...pixels.subarray(0, 9)]);
  assert.deepEqual([...raw.subarray(11, 20)], [...pixels.subarray(9, 18)]);
});

test("indexed images carry PLTE and tRNS; the same pixels give the same bytes", () => {
  const palette = Uint8Array.from([255, 0, 0, 255, 0, 0, 255, 0]);
  const pixels = Uint8Array.from([0, 1, 1, 0]);
  const a = encodePng({ width: 2, height: 2, colorType: "indexed", pixels, palette });
  const b = encodePng({ width: 2, height: 2, colorType: "indexed", pixels, palette });
  assert.deepEqual(a, b);
  const c = chunks(a);
  assert.deepEqual(c.map((x) => x.type), ["IHDR", "PLTE", "tRNS", "IDAT", "IEND"]);
  assert.deepEqual([...c[1].data], [255, 0, 0, 0, 0, 255]);
  assert.deepEqual([...c[2].data], [255, 0]);
  assert.ok(pngDataUri({ width: 2, height: 2, colorType: "indexed", pixels, palette }).startsWith("data:image/png;base64,iVBORw0KGgo"));
});

test("bad rasters are refused", () => {
  assert.throws(() => encodePng({ width: 2, height: 2, colorType: "grey", pixels: new Uint8Array(3) }), /encodePng: pixels has 3 bytes, expected 2 x 2 x 1/);
  assert.throws(() => encodePng({ width: 0, height: 2, colorType: "grey", pixels: new Uint8Array(0) }), /positive integers/);
  assert.throws(
    () => encodePng({ width: 1, height: 1, colorType: "indexed", pixels: Uint8Array.from([2]), palette: new Uint8Array(8) }),
    /index 2 beyond the 2-colour palette/,
  );
});
