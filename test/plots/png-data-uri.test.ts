import { test } from "node:test";
import assert from "node:assert/strict";
import zlib from "node:zlib";
import { crc32 } from "../../lib/core/crc32";
import { encodePng, pngDataUri } from "../../lib/plots/png-data-uri";

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

test("CRC-32 of a known string", () => {
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
