/**
 * PNG files of the paper's spectrogram images (row 0 = 0 Hz at the top, as the authors' PNGs): 8-bit
 * greyscale, greyscale + alpha, RGB and RGBA images described by their number of channels. A thin view of
 * the library's PNG codec, lib/core/png, which also writes the plots' rasters.
 */
import { InputError } from "../core/errors";
import { decodePng as decodeRaster, encodePng as encodeRaster, type PngColorType } from "../core/png";

/** Bytes per pixel 1 | 2 | 3 | 4: grey, grey + alpha, RGB, RGBA. */
export type PngChannels = 1 | 2 | 3 | 4;

/** A decoded image. */
export interface PngImage {
  /** height x width x channels bytes row-major, channel fastest; row 0 is the top of the picture. */
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: PngChannels;
}

const COLOR_TYPE_BY_CHANNELS: Readonly<Record<PngChannels, PngColorType>> = { 1: "grey", 2: "grey-alpha", 3: "rgb", 4: "rgba" };
const CHANNELS_BY_COLOR_TYPE: Readonly<Partial<Record<PngColorType, PngChannels>>> = { grey: 1, "grey-alpha": 2, rgb: 3, rgba: 4 };
const CHANNEL_COLOR_TYPES: readonly PngColorType[] = ["grey", "grey-alpha", "rgb", "rgba"];

/**
 * Encodes `pixels` (height x width x channels bytes, row-major, channel fastest, row 0 at the top) as a
 * PNG file: 8 bits per sample, no interlace, filter type 0 (None) on every row, zlib-compressed IDAT with
 * the codec's deterministic settings (lib/core/png). For a spectrogram image: `encodePng(img.data, 153, 33, 3)`.
 */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: PngChannels): Uint8Array {
  const colorType = COLOR_TYPE_BY_CHANNELS[channels];
  if (colorType === undefined) throw new InputError("encodePng", `channels must be 1, 2, 3 or 4, got ${channels}`);
  return encodeRaster({ width, height, colorType, pixels });
}

/**
 * Decodes a PNG file of 8-bit grey, grey + alpha, RGB or RGBA, non-interlaced, any row filters (None,
 * Sub, Up, Average, Paeth). Checks the signature, every chunk's CRC, the IHDR fields and the size of the
 * decompressed data. InputError naming `where` for a truncated or corrupt file and for what it does not
 * support (palette, 16-bit or sub-byte samples, interlacing).
 */
export function decodePng(bytes: Uint8Array, where = "png"): PngImage {
  const raster = decodeRaster(bytes, where, { colorTypes: CHANNEL_COLOR_TYPES });
  return { data: raster.pixels, width: raster.width, height: raster.height, channels: CHANNELS_BY_COLOR_TYPE[raster.colorType]! };
}
