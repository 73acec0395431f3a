import fs from "node:fs";
import path from "node:path";
import { InputError } from "../../core/errors";

/**
 * Inpaints the masked pixels of an 8-bit image with OpenCV's `cv2.inpaint(src, mask, radius, INPAINT_TELEA)`,
 * reproducing OpenCV 4.10+ (checked against 4.14.0) byte for byte: the fill that shap's Image masker
 * (`"inpaint_telea"`, radius 3) applies to hidden pixels. It follows OpenCV's code, not the Telea (2004) paper,
 * and keeps its quirks on purpose because they are what shap sees (docs/shap-reference.md part B):
 * - the gradient term is the normalised `(Jx + Jy) / |J|`, and 0.5 is added before rounding, so a hole in a
 *   uniform image is not refilled with the same value (5×5 of 50 with two holes → 51 and 52);
 * - central image differences are multiplied by 2 (not ½); `dst = 1/|r|³` with an unnormalised `dir = r·∇T`;
 * - the distance map also runs outward (negative T on known pixels within Chebyshev distance `radius`);
 * - image gradients next to the border use shifted rows/columns, and may read the original value of a pixel that
 *   is still to be filled; the sampled value is the un-shifted neighbour (the 4.10+ behaviour);
 * - arithmetic is float32 where OpenCV's is, the final value is `saturate(roundHalfToEven(sat + 0.5))`, and the
 *   priority queue pops equal keys in insertion order.
 *
 * The work runs in a small WebAssembly kernel (./inpaint-telea.wasm, compiled from ./assembly/inpaint-telea.ts by
 * `npm run build:wasm`), whose native f32 arithmetic is OpenCV's without emulation: 3.4× the speed of the
 * TypeScript implementation with Math.fround that it replaced (bench/telea.bench.ts, mean of its four masks),
 * which the tests keep as their oracle.
 *
 * Layout: `image` and the result are H×W×C uint8, row-major with the channel fastest (index `(row·W + col)·C + ch`);
 * `mask` is H×W, non-zero = repaint. Pixels outside the mask are copied unchanged. An empty mask returns a copy,
 * and so does a mask covering the whole image (no known pixel to start from, as in OpenCV; shap's masker fills
 * that case with the channel means instead).
 * `out` may be `image` itself (in-place). The kernel keeps its memory between calls (one instance per thread),
 * so repeated calls allocate nothing but the result (and nothing at all when `out` is given).
 *
 * @param image H×W×C uint8 pixels (values under the mask are read: OpenCV's border gradients can see them)
 * @param height H, rows (≥ 2: OpenCV reads outside a one-pixel-high or -wide image)
 * @param width W, columns (≥ 2)
 * @param channels C, 1 (grey) or 3 (colour), as OpenCV's 8-bit inpainting supports
 * @param mask H×W, non-zero marks a pixel to repaint
 * @param radius neighbourhood radius in pixels; rounded half to even and clamped to 1..100 as OpenCV does
 * @param out optional H×W×C destination; a new array is returned when absent
 * @returns the inpainted H×W×C image (`out` when given)
 */
export function inpaintTelea(
  image: Uint8Array,
  height: number,
  width: number,
  channels: 1 | 3,
  mask: Uint8Array,
  radius = 3,
  out?: Uint8Array,
): Uint8Array {
  const where = "inpaintTelea";
  if (!Number.isInteger(height) || height < 2) {
    throw new InputError(where, `height must be an integer ≥ 2 (OpenCV's gradients read outside a 1-row image), got ${height}`);
  }
  if (!Number.isInteger(width) || width < 2) {
    throw new InputError(where, `width must be an integer ≥ 2 (OpenCV's gradients read outside a 1-column image), got ${width}`);
  }
  if (channels !== 1 && channels !== 3) {
    throw new InputError(where, `channels must be 1 or 3 (OpenCV inpaints 8-bit grey or colour images), got ${channels}`);
  }
  if (!(image instanceof Uint8Array)) throw new InputError(where, "image must be a Uint8Array (H×W×C, channel fastest)");
  if (!(mask instanceof Uint8Array)) throw new InputError(where, "mask must be a Uint8Array (H×W, non-zero = repaint)");
  const nValues = height * width * channels;
  if (image.length !== nValues) {
    throw new InputError(where, `image has ${image.length} values, expected H·W·C = ${height}·${width}·${channels} = ${nValues}`);
  }
  if (mask.length !== height * width) {
    throw new InputError(where, `mask has ${mask.length} values, expected H·W = ${height}·${width} = ${height * width}`);
  }
  if (typeof radius !== "number" || !Number.isFinite(radius)) {
    throw new InputError(where, `radius must be a finite number of pixels, got ${radius}`);
  }
  if (out !== undefined && (!(out instanceof Uint8Array) || out.length !== nValues)) {
    throw new InputError(where, `out must be a Uint8Array of H·W·C = ${nValues} values, got length ${out?.length}`);
  }
  const result = out ?? new Uint8Array(nValues);
  if (result !== image) result.set(image);

  let nHole = 0;
  for (let p = 0; p < mask.length; p++) if (mask[p] !== 0) nHole++;
  if (nHole === 0) return result;

  const range = Math.min(100, Math.max(1, roundHalfEven(radius)));
  const kernel = teleaKernel();
  const imageAt = kernel.reserve(height, width, channels, range);
  // The memory may have grown (and its buffer been replaced) in reserve.
  const memory = new Uint8Array(kernel.memory.buffer);
  memory.set(image, imageAt);
  memory.set(mask, kernel.maskOffset());
  kernel.inpaint(height, width, channels, range);
  result.set(memory.subarray(imageAt, imageAt + nValues));
  return result;
}

/** The exports of inpaint-telea.wasm (source: ./assembly/inpaint-telea.ts). */
interface TeleaKernel {
  readonly memory: { readonly buffer: ArrayBuffer };
  /** Lays out working memory for H×W×C and a radius; returns the byte offset of the image region. */
  reserve(height: number, width: number, channels: number, radius: number): number;
  /** Byte offset of the H×W mask region. */
  maskOffset(): number;
  /** Inpaints the image region in place. */
  inpaint(height: number, width: number, channels: number, radius: number): void;
}

/** The part of the WebAssembly global used here (the project's ES2022 type libraries do not declare it). */
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

let kernelInstance: TeleaKernel | null = null;
let providedBytes: Uint8Array | null = null;

/**
 * Supplies the bytes of inpaint-telea.wasm where the file cannot be read (a browser or a Web Worker, which has
 * no file system: the explorer in site/ fetches them and passes them here before the first `inpaintTelea`).
 * Node does not need it. A kernel made before from other bytes is dropped, so the next call uses these.
 */
export function provideTeleaWasm(bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new InputError("provideTeleaWasm", "the bytes are not a WebAssembly module (they must start with \\0asm)");
  }
  providedBytes = bytes;
  kernelInstance = null;
}

/**
 * One kernel instance per thread, made on first use. Synchronous compilation is fine in Node for a module of a
 * few kilobytes, and it keeps `inpaintTelea` synchronous.
 */
function teleaKernel(): TeleaKernel {
  if (kernelInstance === null) {
    let bytes: Uint8Array;
    if (providedBytes !== null) bytes = providedBytes;
    else {
      const file = path.join(__dirname, "inpaint-telea.wasm");
      try {
        bytes = fs.readFileSync(file);
      } catch (e) {
        throw new InputError(file, `cannot be read (${e instanceof Error ? e.message : String(e)}); it is part of the repository: rebuild it with \`npm run build:wasm\``);
      }
    }
    const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
    kernelInstance = new wasm.Instance(new wasm.Module(bytes), {}).exports as TeleaKernel;
  }
  return kernelInstance;
}

/** cvRound: nearest integer, ties to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}
