import path from "node:path";
import { crc32 } from "../core/crc32";
import { InputError } from "../core/errors";

/** Relative PNG path of a trace in the image cache. */
export function imageCachePath(station: string, traceName: string): string {
  if (/[\\/]|^\.\.?$/.test(traceName) || /[\\/]/.test(station)) throw new InputError(traceName, "trace and station names may not contain path separators");
  return path.join("images", station, `${traceName}.png`);
}

/** Parameters of an image-cache job. */
export interface ImageCacheParams {
  readonly cacheDir: string;
}

/** What a job reports per written PNG: its size and chunk checksum (`pngChunkCrc32`), which the manifest records. */
export interface ImageCacheResult {
  readonly bytes: number;
  readonly chunkCrc32: number;
}

/**
 * A checksum of a PNG file read in a few steps: the CRC-32 of its chunks' stored CRC-32 fields, in order.
 * Each chunk's CRC covers its type and data, and the PNG decoder checks every one of them against the
 * chunk, so equal sizes and equal chunk checksums mean equal files (up to CRC collisions) without a second
 * pass over the bytes. -1 for bytes that are not a sequence of PNG chunks.
 */
export function pngChunkCrc32(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const crcs: number[] = [];
  let p = 8;
  while (p + 12 <= bytes.length) {
    const length = view.getUint32(p);
    if (p + 12 + length > bytes.length) return -1;
    crcs.push(view.getUint32(p + 8 + length));
    p += 12 + length;
  }
  if (p !== bytes.length || crcs.length === 0) return -1;
  const packed = new Uint8Array(4 * crcs.length);
  const out = new DataView(packed.buffer);
  crcs.forEach((c, i) => out.setUint32(4 * i, c));
  return crc32(packed);
}
