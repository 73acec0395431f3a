import { test } from "node:test";
import assert from "node:assert/strict";
import { decodePng, encodePng } from "../../lib/core/png";
import { pngChunkCrc32 } from "../../lib/spectrogram/image-cache-layout";

test("pngChunkCrc32 tells PNGs apart by their chunk CRCs; a flipped data byte is then caught by the decoder; garbage gives -1", () => {
  const pixels = Uint8Array.from({ length: 33 * 153 * 3 }, (_, i) => (i * 7) % 251);
  const a = encodePng({ width: 153, height: 33, colorType: "rgb", pixels });
  const other = pixels.slice();
  other[500] ^= 1;
  const b = encodePng({ width: 153, height: 33, colorType: "rgb", pixels: other });
  assert.equal(pngChunkCrc32(a), pngChunkCrc32(Uint8Array.from(a)));
  assert.notEqual(pngChunkCrc32(a), pngChunkCrc32(b));
  assert.ok(pngChunkCrc32(a) >= 0);
  const flipped = Uint8Array.from(a);
  flipped[60] ^= 1;
  assert.equal(pngChunkCrc32(flipped), pngChunkCrc32(a));
  assert.throws(() => decodePng(flipped, "x.png"), /CRC mismatch/);
  assert.equal(pngChunkCrc32(new Uint8Array([1, 2, 3])), -1);
  assert.equal(pngChunkCrc32(a.subarray(0, a.length - 3)), -1);
});
