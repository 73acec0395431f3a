/**
 * The library's one PNG API (ISO/IEC 15948, W3C PNG 2nd edition) for 8-bit, non-interlaced images:
 * greyscale, greyscale + alpha, RGB, RGBA and indexed colour with a palette (PLTE) and its alpha (tRNS).
 * The image cache saves and reloads the paper's spectrogram images with `encodePng`/`decodePng` (an
 * RGB raster of 33 x 153 pixels, row 0 = 0 Hz at the top, as the authors' PNGs), and lib/plots embeds its
 * rasters in SVG with `pngDataUri`.
 */
import zlib from "node:zlib";
import { crc32 } from "./crc32";
import { InputError } from "./errors";

/** How pixels are stored: 1 byte per pixel for "grey" and "indexed", 2 for "grey-alpha", 3 for "rgb", 4 for "rgba". */
export type PngColorType = "grey" | "grey-alpha" | "rgb" | "rgba" | "indexed";

/**
 * A raster: row-major pixels, top row first (PNG order), `height × width × bytesPerPixel` bytes with the
 * channels of a pixel adjacent.
 */
export interface PngRaster {
  width: number;
  height: number;
  colorType: PngColorType;
  pixels: Uint8Array;
  /** For "indexed": palette entries as RGBA bytes (nColors × 4, nColors ≤ 256); not read for other colour types. */
  palette?: Uint8Array;
}

/** Options of `decodePng`. */
export interface PngDecodeOptions {
  /** Colour types the caller can use; any other is refused at the header. @default every colour type */
  readonly colorTypes?: readonly PngColorType[];
}

/** Bytes per pixel of each colour type (8-bit samples). */
export const PNG_BYTES_PER_PIXEL: Readonly<Record<PngColorType, number>> = { grey: 1, "grey-alpha": 2, rgb: 3, rgba: 4, indexed: 1 };

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** The IHDR colour type codes (PNG section 11.2.2). */
const COLOR_TYPE_CODE: Readonly<Record<PngColorType, number>> = { grey: 0, rgb: 2, indexed: 3, "grey-alpha": 4, rgba: 6 };
const COLOR_TYPE_BY_CODE: Readonly<Record<number, PngColorType>> = { 0: "grey", 2: "rgb", 3: "indexed", 4: "grey-alpha", 6: "rgba" };
const COLOR_TYPE_NAME: Readonly<Record<PngColorType, string>> = { grey: "greyscale", "grey-alpha": "grey + alpha", rgb: "RGB", rgba: "RGBA", indexed: "palette" };
/** PNG sizes are 31-bit. */
const MAX_SIDE = 0x7fffffff;

/**
 * Encodes an 8-bit PNG: IHDR, PLTE and (when some entry is not opaque) tRNS for indexed images, one IDAT
 * with filter type 0 (None) on every row, IEND.
 *
 * The deflate stream uses zlib's run-length strategy at level 9: it never searches hash chains, whose SIMD
 * variants in some zlib builds could change the bytes, so the same pixels give the same file everywhere
 * (the plots' SVG snapshots embed these files and the image cache is compared byte for byte), and it
 * compresses the flat regions of heatmaps well (on spectrogram images it is within 1 % of zlib's default).
 */
export function encodePng(image: PngRaster): Buffer {
  const where = "encodePng";
  const { width, height, colorType, pixels } = image;
  assertSide(width, "width", where);
  assertSide(height, "height", where);
  const bpp = PNG_BYTES_PER_PIXEL[colorType];
  if (bpp === undefined) throw new InputError(where, `unknown colour type ${JSON.stringify(colorType)}: use grey, grey-alpha, rgb, rgba or indexed`);
  const rowBytes = width * bpp;
  if (pixels.length !== rowBytes * height) {
    throw new InputError(where, `pixels has ${pixels.length} bytes, expected ${height} x ${width} x ${bpp} = ${rowBytes * height}`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth; compression, filter method and interlace stay 0
  ihdr[9] = COLOR_TYPE_CODE[colorType];
  const parts: Buffer[] = [Buffer.from(SIGNATURE), chunk("IHDR", ihdr)];
  if (colorType === "indexed") parts.push(...paletteChunks(image.palette, pixels, where));
  const raw = new Uint8Array(height * (rowBytes + 1)); // each row's leading filter byte stays 0
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  const idat = zlib.deflateSync(raw, { level: 9, memLevel: 8, windowBits: 15, strategy: zlib.constants.Z_RLE });
  parts.push(chunk("IDAT", idat), chunk("IEND", new Uint8Array(0)));
  return Buffer.concat(parts);
}

/** `encodePng(image)` as a "data:image/png;base64,…" URI, for SVG `<image>` elements and Plotly layout images. */
export function pngDataUri(image: PngRaster): string {
  return `data:image/png;base64,${encodePng(image).toString("base64")}`;
}

function assertSide(n: number, name: string, where: string): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_SIDE) throw new InputError(where, `${name} must be a positive integer, got ${n} (PNG sizes are positive integers below 2^31)`);
}

/** PLTE (RGB) and, unless every entry is opaque, tRNS (alpha) for an RGBA palette; checks every index. */
function paletteChunks(palette: Uint8Array | undefined, pixels: Uint8Array, where: string): Buffer[] {
  if (!palette || palette.length % 4 !== 0 || palette.length === 0 || palette.length > 1024) {
    throw new InputError(where, "an indexed image needs a palette of 1 to 256 RGBA entries");
  }
  const nColors = palette.length / 4;
  const rgb = new Uint8Array(nColors * 3);
  const alpha = new Uint8Array(nColors);
  for (let i = 0; i < nColors; i++) {
    rgb[3 * i] = palette[4 * i];
    rgb[3 * i + 1] = palette[4 * i + 1];
    rgb[3 * i + 2] = palette[4 * i + 2];
    alpha[i] = palette[4 * i + 3];
  }
  for (let i = 0; i < pixels.length; i++) {
    if (pixels[i] >= nColors) throw new InputError(where, `pixel ${i} has index ${pixels[i]} beyond the ${nColors}-colour palette`);
  }
  return alpha.some((a) => a !== 255) ? [chunk("PLTE", rgb), chunk("tRNS", alpha)] : [chunk("PLTE", rgb)];
}

/** A chunk: length, type, data, CRC-32 of type and data. */
function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly colorType: PngColorType;
}

/**
 * Decodes an 8-bit, non-interlaced PNG file with any row filters (None, Sub, Up, Average, Paeth) and split
 * IDAT chunks. Checks the signature, every chunk's CRC, the IHDR fields, the size of the decompressed data
 * and, for indexed images, that PLTE precedes the data and every index is in it (tRNS becomes the
 * palette's alpha, 255 where absent). Other ancillary chunks (text, gamma, a grey/RGB tRNS colour key) are
 * skipped. InputError naming `where` for a truncated or corrupt file and for what it does not support
 * (16-bit or sub-byte samples, interlacing, a colour type outside `options.colorTypes`).
 */
export function decodePng(bytes: Uint8Array, where = "png", options: PngDecodeOptions = {}): PngRaster {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new InputError(where, bytes.length < 8 ? "truncated: shorter than the PNG signature" : "not a PNG file (bad signature)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 8;
  let header: PngHeader | null = null;
  let palette: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (!ended) {
    if (p + 12 > bytes.length) throw new InputError(where, `truncated: file ends at byte ${bytes.length} before the IEND chunk`);
    const length = view.getUint32(p);
    const type = String.fromCharCode(bytes[p + 4], bytes[p + 5], bytes[p + 6], bytes[p + 7]);
    if (!/^[A-Za-z]{4}$/.test(type)) throw new InputError(where, `corrupt: invalid chunk type at byte ${p}`);
    if (p + 12 + length > bytes.length) {
      throw new InputError(where, `truncated: chunk ${type} at byte ${p} claims ${length} bytes but only ${bytes.length - p - 12} remain`);
    }
    const data = bytes.subarray(p + 8, p + 8 + length);
    const storedCrc = view.getUint32(p + 8 + length);
    if (crc32(bytes.subarray(p + 4, p + 8 + length)) !== storedCrc) throw new InputError(where, `corrupt: CRC mismatch in chunk ${type} at byte ${p}`);
    if (header === null && type !== "IHDR") throw new InputError(where, `corrupt: first chunk is ${type}, not IHDR`);
    if (type === "IHDR") {
      if (header !== null) throw new InputError(where, "corrupt: more than one IHDR chunk");
      header = parseHeader(data, where, options.colorTypes);
    } else if (type === "IDAT") {
      idat.push(data);
    } else if (type === "IEND") {
      ended = true;
    } else if (type === "PLTE") {
      palette = parsePalette(data, header!, palette, idat.length > 0, where);
    } else if (type === "tRNS" && header!.colorType === "indexed") {
      if (palette === null || idat.length > 0) throw new InputError(where, "corrupt: tRNS must come after PLTE and before the image data");
      if (length > palette.length / 4) throw new InputError(where, `corrupt: tRNS has ${length} entries for a ${palette.length / 4}-colour palette`);
      for (let i = 0; i < length; i++) palette[4 * i + 3] = data[i];
    } else if ((bytes[p + 4] & 0x20) === 0) {
      // An unknown critical chunk (upper-case first letter) changes how the image must be read.
      throw new InputError(where, `unsupported critical chunk ${type}`);
    }
    p += 12 + length;
  }
  if (header === null) throw new InputError(where, "corrupt: no IHDR chunk");
  if (idat.length === 0) throw new InputError(where, "corrupt: no IDAT chunk");
  const { width, height, colorType } = header;
  let raw: Uint8Array;
  try {
    raw = zlib.inflateSync(Buffer.concat(idat));
  } catch (e) {
    throw new InputError(where, `corrupt image data (${(e as Error).message})`, { cause: e });
  }
  const bpp = PNG_BYTES_PER_PIXEL[colorType];
  const rowBytes = width * bpp;
  if (raw.length !== (rowBytes + 1) * height) {
    throw new InputError(where, `corrupt: ${raw.length} bytes of image data, expected ${height} rows of 1 + ${rowBytes}`);
  }
  const pixels = unfilter(raw, width, height, bpp, where);
  if (colorType !== "indexed") return { width, height, colorType, pixels };
  if (palette === null) throw new InputError(where, "corrupt: an indexed image without a PLTE chunk");
  const nColors = palette.length / 4;
  for (let i = 0; i < pixels.length; i++) {
    if (pixels[i] >= nColors) throw new InputError(where, `corrupt: pixel ${i} has index ${pixels[i]} beyond the ${nColors}-colour palette`);
  }
  return { width, height, colorType, pixels, palette };
}

function parseHeader(data: Uint8Array, where: string, accepted: readonly PngColorType[] | undefined): PngHeader {
  if (data.length !== 13) throw new InputError(where, `corrupt: IHDR has ${data.length} bytes, not 13`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [bitDepth, colorTypeCode, compression, filter, interlace] = data.subarray(8, 13);
  if (width === 0 || height === 0) throw new InputError(where, `corrupt: image size ${width} x ${height}`);
  const colorType = COLOR_TYPE_BY_CODE[colorTypeCode];
  if (colorType === undefined) throw new InputError(where, `corrupt: unknown colour type ${colorTypeCode}`);
  if (accepted && !accepted.includes(colorType)) throw new InputError(where, `${COLOR_TYPE_NAME[colorType]} images are not supported`);
  if (bitDepth !== 8) throw new InputError(where, `only 8-bit samples are supported, this file has ${bitDepth}-bit`);
  if (compression !== 0 || filter !== 0) throw new InputError(where, "corrupt: unknown compression or filter method");
  if (interlace !== 0) throw new InputError(where, "interlaced (Adam7) images are not supported");
  return { width, height, colorType };
}

/**
 * The palette of an indexed image as RGBA entries (alpha 255 until tRNS says otherwise). PLTE is only a
 * suggestion for RGB(A) images, so it is checked and dropped there; greyscale images may not have one.
 */
function parsePalette(data: Uint8Array, header: PngHeader, previous: Uint8Array | null, afterData: boolean, where: string): Uint8Array | null {
  if (previous !== null) throw new InputError(where, "corrupt: more than one PLTE chunk");
  if (afterData) throw new InputError(where, "corrupt: PLTE after the image data");
  if (header.colorType === "grey" || header.colorType === "grey-alpha") throw new InputError(where, "corrupt: a greyscale image with a PLTE chunk");
  if (data.length === 0 || data.length % 3 !== 0 || data.length > 768) throw new InputError(where, `corrupt: PLTE has ${data.length} bytes, not 3 to 768 in steps of 3`);
  if (header.colorType !== "indexed") return null;
  const nColors = data.length / 3;
  const palette = new Uint8Array(nColors * 4).fill(255);
  for (let i = 0; i < nColors; i++) palette.set(data.subarray(3 * i, 3 * i + 3), 4 * i);
  return palette;
}

/** Undoes the per-row filters (PNG section 9) into height × width × bpp bytes. */
function unfilter(raw: Uint8Array, width: number, height: number, bpp: number, where: string): Uint8Array {
  const rowBytes = width * bpp;
  const out = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (rowBytes + 1)];
    const src = y * (rowBytes + 1) + 1;
    const dst = y * rowBytes;
    const up = dst - rowBytes; // previous output row (absent for y = 0: treated as zeros)
    for (let i = 0; i < rowBytes; i++) {
      const a = i >= bpp ? out[dst + i - bpp] : 0;
      const b = y > 0 ? out[up + i] : 0;
      const c = y > 0 && i >= bpp ? out[up + i - bpp] : 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) >>> 1;
          break;
        case 4: {
          const pa = Math.abs(b - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + b - 2 * c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new InputError(where, `corrupt: unknown filter type ${filter} on row ${y}`);
      }
      out[dst + i] = (raw[src + i] + predictor) & 0xff;
    }
  }
  return out;
}
