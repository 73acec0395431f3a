import path from "node:path";
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

/** What a job reports per written PNG: its size and CRC-32, which the manifest records. */
export interface ImageCacheResult {
  readonly bytes: number;
  readonly crc32: number;
}
