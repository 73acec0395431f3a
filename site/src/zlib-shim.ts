/**
 * node:zlib for the browser bundles: `deflateSync` writes a valid zlib stream of stored (uncompressed) blocks,
 * enough for the small PNGs inside the plots' figure specs (lib/core/png.ts); the bytes differ from Node's
 * compressed ones, the pixels do not. Everything else throws.
 */
import { Buffer } from "./buffer-shim";

export const constants = { Z_RLE: 3 };

export function deflateSync(data: Uint8Array): Buffer {
  const nBlocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Buffer(2 + data.length + 5 * nBlocks + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let o = 2;
  for (let b = 0; b < nBlocks; b++) {
    const chunk = data.subarray(b * 65535, Math.min(data.length, (b + 1) * 65535));
    out[o++] = b === nBlocks - 1 ? 1 : 0;
    out[o++] = chunk.length & 0xff;
    out[o++] = chunk.length >>> 8;
    out[o++] = ~chunk.length & 0xff;
    out[o++] = (~chunk.length >>> 8) & 0xff;
    out.set(chunk, o);
    o += chunk.length;
  }
  let a = 1;
  let s = 0;
  for (let i = 0; i < data.length; i++) {
    a = (a + data[i]) % 65521;
    s = (s + a) % 65521;
  }
  out.writeUInt32BE(((s << 16) | a) >>> 0, o);
  return out;
}

function unavailable(): never {
  throw new Error("this node:zlib function is not available in the browser");
}
export const deflateRawSync = unavailable;
export const inflateRawSync = unavailable;
export const inflateSync = unavailable;
export default { constants, deflateSync, deflateRawSync, inflateRawSync, inflateSync };
