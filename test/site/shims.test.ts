import assert from "node:assert/strict";
import zlib from "node:zlib";
import { test } from "node:test";
import path from "node:path";
import * as esbuild from "esbuild";
import { decodePng, type encodePng } from "../../lib/core/png";
import { BROWSER_SHIMS } from "../../site/build";
import { Buffer as BrowserBuffer } from "../../site/src/buffer-shim";
import { deflateSync } from "../../site/src/zlib-shim";

test("the browser zlib shim writes zlib streams that inflate to the input (empty, small, several blocks)", () => {
  for (const n of [0, 1, 1000, 65535, 65536, 200_000]) {
    const data = new Uint8Array(n).map((_, i) => (i * 31 + (i >> 9)) & 0xff);
    assert.deepEqual(new Uint8Array(zlib.inflateSync(deflateSync(data))), data, `length ${n}`);
  }
});

test("the browser Buffer shim: base64 both ways, concat, big-endian uint32, latin1 write", () => {
  const b = BrowserBuffer.alloc(8);
  b.writeUInt32BE(0xdeadbeef, 0);
  b.write("IDAT", 4);
  assert.deepEqual(Array.from(b), [0xde, 0xad, 0xbe, 0xef, 73, 68, 65, 84]);
  const joined = BrowserBuffer.concat([b, BrowserBuffer.from([1, 2, 3])]);
  assert.equal(joined.toString("base64"), Buffer.from(joined).toString("base64"));
  assert.deepEqual(Array.from(BrowserBuffer.from(joined.toString("base64"), "base64")), Array.from(joined));
});

test("lib's PNG encoder bundled with the browser shims makes PNGs that decode to the same pixels", () => {
  const bundle = esbuild.buildSync({
    stdin: { contents: 'export { encodePng } from "./lib/core/png";', resolveDir: path.join(__dirname, "..", ".."), loader: "ts" },
    bundle: true,
    write: false,
    format: "cjs",
    platform: "browser",
    logLevel: "silent",
    ...BROWSER_SHIMS,
  });
  const mod = { exports: {} as { encodePng?: typeof encodePng } };
  new Function("module", "exports", bundle.outputFiles[0].text)(mod, mod.exports);
  const browserEncode = mod.exports.encodePng!;
  const image = { width: 37, height: 11, colorType: "rgb" as const, pixels: new Uint8Array(37 * 11 * 3).map((_, i) => (i * 17 + (i >> 5)) & 0xff) };
  const png = browserEncode(image);
  assert.ok(!Buffer.isBuffer(png), "the bundle must use the shim, not Node's Buffer");
  const decoded = decodePng(png, "shim.png");
  assert.deepEqual(decoded.pixels, image.pixels);
});
