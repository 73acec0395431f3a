import zlib from "node:zlib";
import { crc32 } from "../core/crc32";
import { InputError } from "../core/errors";

/**
 * A raster for `encodePng`: row-major pixels, top row first (PNG order), `width × height × bytesPerPixel`
 * bytes, with 1 byte per pixel for "grey" and "indexed", 3 for "rgb", 4 for "rgba".
 */
export interface PngImage {
  width: number;
  height: number;
  colorType: "grey" | "rgb" | "rgba" | "indexed";
  pixels: Uint8Array;
  /** For "indexed": palette entries as RGBA bytes (nColors × 4, nColors ≤ 256). */
  palette?: Uint8Array;
}

const COLOR_TYPE = { grey: 0, rgb: 2, indexed: 3, rgba: 6 } as const;
const BYTES_PER_PIXEL = { grey: 1, rgb: 3, indexed: 1, rgba: 4 } as const;

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Encodes an 8-bit PNG (PNG 1.2: IHDR, PLTE/tRNS for palettes, one IDAT, IEND; filter 0 on every row).
 * The deflate stream uses zlib's run-length strategy: it never searches hash chains, whose SIMD variants
 * in some zlib builds could change the bytes, so the same pixels give the same file everywhere (SVG
 * snapshots embed these files), and it compresses the flat regions of heatmaps well.
 */
export function encodePng(image: PngImage): Buffer {
  const { width, height, colorType, pixels } = image;
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new InputError("encodePng", `width and height must be positive integers, got ${width} x ${height}`);
  }
  const bpp = BYTES_PER_PIXEL[colorType];
  if (pixels.length !== width * height * bpp) {
    throw new InputError("encodePng", `pixels has ${pixels.length} bytes, expected ${width} x ${height} x ${bpp}`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = COLOR_TYPE[colorType];
  const parts: Buffer[] = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr)];
  if (colorType === "indexed") {
    const palette = image.palette;
    if (!palette || palette.length % 4 !== 0 || palette.length === 0 || palette.length > 1024) {
      throw new InputError("encodePng", "an indexed image needs a palette of 1 to 256 RGBA entries");
    }
    const nColors = palette.length / 4;
    const rgb = new Uint8Array(nColors * 3), alpha = new Uint8Array(nColors);
    for (let i = 0; i < nColors; i++) {
      rgb[3 * i] = palette[4 * i];
      rgb[3 * i + 1] = palette[4 * i + 1];
      rgb[3 * i + 2] = palette[4 * i + 2];
      alpha[i] = palette[4 * i + 3];
    }
    for (let i = 0; i < pixels.length; i++) {
      if (pixels[i] >= nColors) throw new InputError("encodePng", `pixel ${i} has index ${pixels[i]} beyond the ${nColors}-colour palette`);
    }
    parts.push(chunk("PLTE", rgb));
    if (alpha.some((a) => a !== 255)) parts.push(chunk("tRNS", alpha));
  }
  const rowBytes = width * bpp;
  const raw = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  const idat = zlib.deflateSync(raw, { level: 9, memLevel: 8, windowBits: 15, strategy: zlib.constants.Z_RLE });
  parts.push(chunk("IDAT", idat), chunk("IEND", new Uint8Array(0)));
  return Buffer.concat(parts);
}

/** `encodePng(image)` as a "data:image/png;base64,…" URI, for SVG `<image>` elements and Plotly layout images. */
export function pngDataUri(image: PngImage): string {
  return `data:image/png;base64,${encodePng(image).toString("base64")}`;
}
