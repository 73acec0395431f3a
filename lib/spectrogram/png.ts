/**
 * Minimal PNG (ISO/IEC 15948, W3C PNG 2nd edition) writer and reader for 8-bit images: greyscale,
 * greyscale + alpha, RGB and RGBA, not interlaced. Enough to save and reload the paper's spectrogram
 * images (row 0 = 0 Hz at the top, as the authors' PNGs) and the plots' rasters.
 */
import zlib from "node:zlib";
import { InputError } from "../core/errors";
import { crc32 } from "../core/crc32";

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

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const COLOR_TYPE_BY_CHANNELS: Record<PngChannels, number> = { 1: 0, 2: 4, 3: 2, 4: 6 };
const CHANNELS_BY_COLOR_TYPE: Record<number, PngChannels> = { 0: 1, 4: 2, 2: 3, 6: 4 };

/**
 * Encodes `pixels` (height x width x channels bytes, row-major, channel fastest, row 0 at the top) as a
 * PNG file: 8 bits per sample, no interlace, filter type 0 (None) on every row, zlib-compressed IDAT.
 * For a spectrogram image: `encodePng(img.data, 153, 33, 3)`.
 */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: PngChannels): Uint8Array {
  const where = "encodePng";
  if (!Number.isInteger(width) || width < 1 || width > 0x7fffffff) throw new InputError(where, `width must be a positive integer, got ${width}`);
  if (!Number.isInteger(height) || height < 1 || height > 0x7fffffff) throw new InputError(where, `height must be a positive integer, got ${height}`);
  if (!(channels in COLOR_TYPE_BY_CHANNELS)) throw new InputError(where, `channels must be 1, 2, 3 or 4, got ${channels}`);
  const rowBytes = width * channels;
  if (pixels.length !== rowBytes * height) {
    throw new InputError(where, `pixels has ${pixels.length} bytes, expected ${height} x ${width} x ${channels} = ${rowBytes * height}`);
  }
  const raw = new Uint8Array((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (rowBytes + 1)] = 0; // filter type None
    raw.set(pixels.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  }
  const ihdr = new Uint8Array(13);
  const ihdrView = new DataView(ihdr.buffer);
  ihdrView.setUint32(0, width);
  ihdrView.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = COLOR_TYPE_BY_CHANNELS[channels];
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  const chunks = [chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", new Uint8Array(0))];
  const out = new Uint8Array(SIGNATURE.length + chunks.reduce((n, c) => n + c.length, 0));
  out.set(SIGNATURE, 0);
  let p = SIGNATURE.length;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Decodes a PNG file of 8-bit grey, grey + alpha, RGB or RGBA, non-interlaced, any row filters (None,
 * Sub, Up, Average, Paeth). Checks the signature, every chunk's CRC, the IHDR fields and the size of the
 * decompressed data. InputError naming `where` for a truncated or corrupt file and for what it does not
 * support (palette, 16-bit or sub-byte samples, interlacing).
 */
export function decodePng(bytes: Uint8Array, where = "png"): PngImage {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new InputError(where, bytes.length < 8 ? "truncated: shorter than the PNG signature" : "not a PNG file (bad signature)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 8;
  let header: { width: number; height: number; channels: PngChannels } | null = null;
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
      header = parseHeader(data, where);
    } else if (type === "IDAT") {
      idat.push(data);
    } else if (type === "IEND") {
      ended = true;
    } else if (type === "PLTE") {
      throw new InputError(where, "palette images are not supported");
    } else if ((bytes[p + 4] & 0x20) === 0) {
      // An unknown critical chunk (upper-case first letter) changes how the image must be read.
      throw new InputError(where, `unsupported critical chunk ${type}`);
    }
    p += 12 + length;
  }
  if (header === null) throw new InputError(where, "corrupt: no IHDR chunk");
  if (idat.length === 0) throw new InputError(where, "corrupt: no IDAT chunk");
  const { width, height, channels } = header;
  let raw: Uint8Array;
  try {
    raw = zlib.inflateSync(Buffer.concat(idat));
  } catch (e) {
    throw new InputError(where, `corrupt image data (${(e as Error).message})`, { cause: e });
  }
  const rowBytes = width * channels;
  if (raw.length !== (rowBytes + 1) * height) {
    throw new InputError(where, `corrupt: ${raw.length} bytes of image data, expected ${height} rows of 1 + ${rowBytes}`);
  }
  return { data: unfilter(raw, width, height, channels, where), width, height, channels };
}

function parseHeader(data: Uint8Array, where: string): { width: number; height: number; channels: PngChannels } {
  if (data.length !== 13) throw new InputError(where, `corrupt: IHDR has ${data.length} bytes, not 13`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [bitDepth, colorType, compression, filter, interlace] = data.subarray(8, 13);
  if (width === 0 || height === 0) throw new InputError(where, `corrupt: image size ${width} x ${height}`);
  if (colorType === 3) throw new InputError(where, "palette images are not supported");
  const channels = CHANNELS_BY_COLOR_TYPE[colorType];
  if (channels === undefined) throw new InputError(where, `corrupt: unknown colour type ${colorType}`);
  if (bitDepth !== 8) throw new InputError(where, `only 8-bit samples are supported, this file has ${bitDepth}-bit`);
  if (compression !== 0 || filter !== 0) throw new InputError(where, "corrupt: unknown compression or filter method");
  if (interlace !== 0) throw new InputError(where, "interlaced (Adam7) images are not supported");
  return { width, height, channels };
}

/** Undoes the per-row filters (PNG section 9) into height x width x channels bytes. */
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
