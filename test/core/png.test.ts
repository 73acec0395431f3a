import { test } from "node:test";
import assert from "node:assert/strict";
import zlib from "node:zlib";
import { InputError } from "../../lib/core/errors";
import { decodePng, encodePng, PNG_BYTES_PER_PIXEL, PngColorType } from "../../lib/core/png";
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
