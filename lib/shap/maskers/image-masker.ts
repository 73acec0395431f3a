/**
 * shap's Image masker (`shap.maskers.Image`, docs/shap-reference.md A.2, A.3): it owns the partition tree of an
 * H x W x C image and the way hidden elements are filled.
 *
 * Fills:
 * - "inpaint-telea" (shap's "inpaint_telea"): a pixel is hidden if any of its channels is hidden; if every
 *   pixel is hidden the result is the per-channel mean of the original float image; otherwise the image is
 *   truncated to uint8 (numpy `astype(uint8)`), the hidden pixels are repainted by OpenCV's Telea method with
 *   radius 3 (lib/shap/maskers/inpaint-telea, an exact port) and the result is read back as floats. This path
 *   runs even when nothing is hidden, so the "unmasked" sample is the truncated image.
 * - "blur(kx,ky)" (shap's, same spelling): each hidden element (not pixel) takes the value of the float image
 *   blurred with OpenCV's `cv2.blur(image, (kx, ky))` (lib/shap/maskers/box-blur: kx columns by ky rows);
 *   nothing is truncated.
 * - a number or an array of H*W*C numbers (shap's constant / array mask value): each hidden element (not
 *   pixel) takes the fill value; nothing is truncated.
 * shap's "inpaint_ns" fill (OpenCV's Navier-Stokes inpainting) is not implemented.
 *
 * Scale rule for "inpaint-telea" (ours; shap has none and fails silently): every value must be finite and in
 * [0, 256), where truncation to uint8 is well defined (numpy wraps or leaves undefined anything else). And,
 * unless `checkByteScale: false`, an image whose values all lie in [0, 1] with at least one non-integer value
 * is refused: it is almost surely on the [0, 1] scale, which truncation turns into an all-0/1 image while the
 * all-hidden base image keeps the true mean colour, so shap would explain garbage without a warning.
 *
 * Inpainting dominates the cost of an explanation (about one inpainting per model evaluation), so the masker
 * can spread a batch of masks over a small pool of worker threads (`workers`, default 0 = in-process): the
 * calling thread paints too, so `workers: 1` already uses two cores. The workers run this same file
 * (lib/core/worker starts it, through tsx's require hook when it is TypeScript).
 */
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { InputError } from "../../core/errors";
import { hashString } from "../../core/rng";
import { startModuleWorker } from "../../core/worker";
import type { FloatArray } from "../explainer";
import { boxBlur } from "./box-blur";
import { inpaintTelea } from "./inpaint-telea";
import type { BoundMasker, Masker } from "./masker";
import { PartitionTree, type ImageShape } from "./partition-tree";

/** Radius shap passes to cv2.inpaint. */
const INPAINT_RADIUS = 3;
const WORKER_ROLE = "seismic-xai/image-masker/inpaint";

/** shap's blur fill, "blur(kx,ky)": kx columns by ky rows (OpenCV's ksize order). */
export type BlurFill = `blur(${number},${number})`;

/** Options of the ImageMasker. */
export interface ImageMaskerOptions {
  /** How hidden elements are filled: "inpaint-telea", "blur(kx,ky)", a constant, or one value per element (H*W*C). */
  readonly fill: "inpaint-telea" | BlurFill | number | ArrayLike<number>;
  /** Image shape [H, W, C]; C must be 1 or 3 for inpainting (OpenCV's 8-bit inpainting supports no other). */
  readonly shape: ImageShape;
  /** Worker threads for inpainting; 0 inpaints in-process. @default 0 */
  readonly workers?: number;
  /** Refuse images that look like [0, 1] images for "inpaint-telea" (see the file comment). @default true */
  readonly checkByteScale?: boolean;
}

export class ImageMasker implements Masker {
  readonly nFeatures: number;
  readonly sampleShape: readonly number[];
  readonly fixedBackground: boolean;
  /** The fill, as given ("blur(kx,ky)" without spaces). */
  readonly fill: "inpaint-telea" | BlurFill | number | Float64Array;
  /** Image shape [H, W, C]. */
  readonly shape: readonly [height: number, width: number, channels: number];
  /** Worker threads used for inpainting (0 = in-process). */
  readonly workers: number;
  private readonly checkByteScale: boolean;
  /** [kx, ky] of a blur fill, else null */
  private readonly blurKernel: readonly [number, number] | null = null;
  private tree: PartitionTree | null = null;
  private pool: InpaintPool | null = null;

  constructor(options: ImageMaskerOptions) {
    const where = "ImageMasker";
    const shape = options.shape;
    if (!shape || shape.length !== 3 || !shape.every((v) => Number.isInteger(v) && v >= 1)) {
      throw new InputError(where, `shape must be [height, width, channels] with positive integers, got ${JSON.stringify(shape)}`);
    }
    this.shape = [shape[0], shape[1], shape[2]];
    this.sampleShape = this.shape;
    this.nFeatures = shape[0] * shape[1] * shape[2];
    const fill = options.fill;
    if (fill === "inpaint-telea") {
      if (shape[2] !== 1 && shape[2] !== 3) {
        throw new InputError(where, `inpainting needs 1 or 3 channels (OpenCV's 8-bit inpainting), got ${shape[2]}`);
      }
      if (shape[0] < 2 || shape[1] < 2) {
        throw new InputError(where, `inpainting needs at least 2 rows and 2 columns (OpenCV reads outside thinner images), got ${shape[0]} x ${shape[1]}`);
      }
      this.fill = fill;
    } else if (typeof fill === "number") {
      if (!Number.isFinite(fill)) throw new InputError(where, `a constant fill must be finite, got ${fill}`);
      this.fill = fill;
    } else if (typeof fill === "string" && fill.startsWith("blur(")) {
      const m = /^blur\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(fill);
      if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new InputError(where, `a blur fill is "blur(kx,ky)" with positive integer kernel sizes (columns, rows), got "${fill}"`);
      this.blurKernel = [Number(m[1]), Number(m[2])];
      this.fill = `blur(${m[1]},${m[2]})` as BlurFill;
    } else if (typeof fill === "string") {
      throw new InputError(where, `unknown fill "${fill}": use "inpaint-telea", "blur(kx,ky)", a number or an array of H*W*C values`);
    } else {
      if (fill.length !== this.nFeatures) throw new InputError(where, `an array fill needs ${this.nFeatures} values (H*W*C), got ${fill.length}`);
      const values = Float64Array.from(fill);
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i])) throw new InputError(where, `fill value ${values[i]} at index ${i} is not finite`);
      }
      this.fill = values;
    }
    // Inpainting and blurring derive the background from the image being explained.
    this.fixedBackground = this.fill !== "inpaint-telea" && this.blurKernel === null;
    const workers = options.workers ?? 0;
    if (!Number.isInteger(workers) || workers < 0 || workers > 64) throw new InputError(where, `workers must be an integer in 0..64, got ${workers}`);
    this.workers = this.fill === "inpaint-telea" ? workers : 0;
    this.checkByteScale = options.checkByteScale ?? true;
  }

  /** shap's partition tree for this image shape (PartitionTree.forImage), built once. */
  partitionTree(): PartitionTree {
    if (!this.tree) this.tree = PartitionTree.forImage(this.shape);
    return this.tree;
  }

  /** shap's `masker.clustering`: the tree's linkage matrix, (M-1) x 4 row-major [left, right, 0, size]. */
  get clustering(): Float64Array {
    return this.partitionTree().toLinkage();
  }

  /**
   * Validates one image (H x W x C row-major, channel fastest) and precomputes its uint8 truncation and
   * per-channel mean; `where` names the image in errors.
   */
  bind(image: Float64Array, where: string): BoundMasker {
    if (image.length !== this.nFeatures) {
      throw new InputError(where, `expected ${this.shape.join(" x ")} = ${this.nFeatures} values, got ${image.length}`);
    }
    if (this.blurKernel !== null) {
      const [height, width, channels] = this.shape;
      return new BoundConstantFill(image, boxBlur(image, height, width, channels, this.blurKernel[0], this.blurKernel[1]));
    }
    if (this.fill !== "inpaint-telea") return new BoundConstantFill(image, this.fill as number | Float64Array);
    assertByteScale(image, where, this.checkByteScale);
    if (this.workers > 0 && !this.pool) this.pool = new InpaintPool(this.workers);
    return new BoundInpaintFill(image, this.shape, this.pool);
  }

  /** The fill and shape, e.g. `ImageMasker(fill=inpaint-telea, shape=33x153x3)`; array fills by a hash of their values. */
  describe(): string {
    const fill = this.fill instanceof Float64Array ? `array#${hashString(this.fill.join(",")).toString(16)}` : String(this.fill);
    return `ImageMasker(fill=${fill}, shape=${this.shape.join("x")})`;
  }

  /** Stops the worker threads, if any; a later `bind` starts new ones. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.close();
  }
}

/**
 * Throws unless truncation to uint8 is faithful for `image`: finite values in [0, 256), and (when `checkUnit`)
 * not a [0, 1] image with fractional values.
 */
function assertByteScale(image: Float64Array, where: string, checkUnit: boolean): void {
  let max = -Infinity;
  let hasFraction = false;
  for (let i = 0; i < image.length; i++) {
    const v = image[i];
    if (!Number.isFinite(v)) {
      throw new InputError(where, `value ${v} at index ${i}: inpainting converts the image to uint8 and a non-finite value has no uint8 (shap would silently produce an arbitrary byte)`);
    }
    if (v < 0 || v >= 256) {
      throw new InputError(where, `value ${v} at index ${i} is outside [0, 256): the inpainting masker truncates to uint8 (numpy astype), which wraps or is undefined there; rescale the image to 0..255`);
    }
    if (v > max) max = v;
    if (!hasFraction && v !== Math.floor(v)) hasFraction = true;
  }
  if (checkUnit && max <= 1 && hasFraction) {
    throw new InputError(
      where,
      "all values lie in [0, 1] with fractional values: this looks like a [0, 1] image. The inpainting masker truncates to uint8, " +
        "so every kept pixel would become 0 (or 1) while the all-hidden base image keeps the true mean colour; shap explains that garbage " +
        "without a warning. Scale the image to 0..255 (and undo it inside the model function), or pass checkByteScale: false if the image really is on the 0..255 scale.",
    );
  }
}

/** Constant or per-element fill: hidden elements take the fill value. */
class BoundConstantFill implements BoundMasker {
  constructor(private readonly image: Float64Array, private readonly fillValue: number | Float64Array) {}

  async fill(masks: Uint8Array, nMasks: number, out: FloatArray, outOffset: number): Promise<void> {
    const len = this.image.length;
    const x = this.image;
    const f = this.fillValue;
    for (let m = 0; m < nMasks; m++) {
      const base = (outOffset + m) * len;
      const mb = m * len;
      if (typeof f === "number") for (let p = 0; p < len; p++) out[base + p] = masks[mb + p] ? x[p] : f;
      else for (let p = 0; p < len; p++) out[base + p] = masks[mb + p] ? x[p] : f[p];
    }
  }
}

/** Telea-inpainting fill for one image. */
class BoundInpaintFill implements BoundMasker {
  private readonly bytes: Uint8Array;
  private readonly meanPerChannel: Float64Array;
  private readonly height: number;
  private readonly width: number;
  private readonly channels: number;

  constructor(image: Float64Array, shape: ImageShape, private readonly pool: InpaintPool | null) {
    [this.height, this.width, this.channels] = shape;
    const c = this.channels;
    const nPixels = this.height * this.width;
    this.bytes = new Uint8Array(image.length);
    // numpy's float -> uint8 cast truncates toward zero; assertByteScale guaranteed [0, 256).
    for (let i = 0; i < image.length; i++) this.bytes[i] = Math.trunc(image[i]);
    // The all-hidden image is the mean of the original floats, not of the truncated bytes (shap's order).
    this.meanPerChannel = new Float64Array(c);
    for (let p = 0; p < nPixels; p++) for (let k = 0; k < c; k++) this.meanPerChannel[k] += image[p * c + k];
    for (let k = 0; k < c; k++) this.meanPerChannel[k] /= nPixels;
  }

  async fill(masks: Uint8Array, nMasks: number, out: FloatArray, outOffset: number): Promise<void> {
    const c = this.channels;
    const nPixels = this.height * this.width;
    const len = nPixels * c;
    const hideMaps = new Uint8Array(nMasks * nPixels);
    const toPaint: number[] = [];
    for (let m = 0; m < nMasks; m++) {
      const mb = m * len;
      const hb = m * nPixels;
      let hidden = 0;
      if (c === 3) {
        for (let p = 0, q = mb; p < nPixels; p++, q += 3) {
          const h = masks[q] === 0 || masks[q + 1] === 0 || masks[q + 2] === 0 ? 1 : 0;
          hideMaps[hb + p] = h;
          hidden += h;
        }
      } else {
        for (let p = 0; p < nPixels; p++) {
          let h = 0;
          for (let k = 0; k < c; k++) if (masks[mb + p * c + k] === 0) h = 1;
          hideMaps[hb + p] = h;
          hidden += h;
        }
      }
      const base = (outOffset + m) * len;
      if (hidden === nPixels) {
        for (let p = 0; p < nPixels; p++) for (let k = 0; k < c; k++) out[base + p * c + k] = this.meanPerChannel[k];
      } else if (hidden === 0) {
        // Telea never changes known pixels, so an empty hide map yields the truncated image itself.
        out.set(this.bytes, base);
      } else {
        toPaint.push(m);
      }
    }
    if (toPaint.length === 0) return;
    const painted = new Uint8Array(toPaint.length * len);
    const paintHere = (j: number): void => {
      const m = toPaint[j];
      inpaintTelea(this.bytes, this.height, this.width, c as 1 | 3, hideMaps.subarray(m * nPixels, (m + 1) * nPixels), INPAINT_RADIUS, painted.subarray(j * len, (j + 1) * len));
    };
    if (this.pool && toPaint.length > 1) await this.paintShared(toPaint, hideMaps, painted, paintHere);
    else for (let j = 0; j < toPaint.length; j++) paintHere(j);
    toPaint.forEach((m, j) => out.set(painted.subarray(j * len, (j + 1) * len), (outOffset + m) * len));
  }

  /**
   * Paints the masks `toPaint` with the worker pool *and* this thread: the list is cut into small chunks that
   * idle workers pull as they finish, while this thread paints chunks too and yields between them so that
   * replies are handled. Dynamic pulling keeps a slow (descheduled) worker from holding up the whole batch.
   */
  private async paintShared(toPaint: number[], hideMaps: Uint8Array, painted: Uint8Array, paintHere: (j: number) => void): Promise<void> {
    const pool = this.pool!;
    const nPixels = this.height * this.width;
    const len = nPixels * this.channels;
    const chunk = Math.max(1, Math.ceil(toPaint.length / (4 * (pool.size + 1))));
    let next = 0;
    const inFlight: Promise<void>[] = [];
    // Failures are caught at once (an unhandled rejection would end the process while we paint) and rethrown.
    let failure: { error: unknown } | null = null;
    const feedWorkers = (): void => {
      while (next < toPaint.length && failure === null && pool.hasIdleWorker()) {
        const from = next;
        const n = Math.min(chunk, toPaint.length - from);
        next += n;
        const maps = new Uint8Array(n * nPixels);
        for (let j = 0; j < n; j++) {
          const m = toPaint[from + j];
          maps.set(hideMaps.subarray(m * nPixels, (m + 1) * nPixels), j * nPixels);
        }
        inFlight.push(
          pool.inpaint(this.bytes, this.height, this.width, this.channels, maps, n).then(
            (bytes) => {
              painted.set(bytes, from * len);
              feedWorkers();
            },
            (error: unknown) => {
              failure ??= { error };
            },
          ),
        );
      }
    };
    feedWorkers();
    while (next < toPaint.length && failure === null) {
      const from = next;
      const n = Math.min(chunk, toPaint.length - from);
      next += n;
      for (let j = from; j < from + n; j++) paintHere(j);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // Replies may queue further chunks while we wait, so the list can grow during this loop.
    for (let i = 0; i < inFlight.length; i++) await inFlight[i];
    if (failure !== null) throw (failure as { error: unknown }).error;
  }
}

/** A job for an inpainting worker: `count` hide maps (count x H x W) for one uint8 image. */
interface InpaintJob {
  readonly id: number;
  readonly image: Uint8Array;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  readonly hideMaps: Uint8Array;
  readonly count: number;
}

// A boolean discriminant, because tslab type-checks without strictNullChecks, where `error?: undefined` does not narrow.
type InpaintReply = { id: number; ok: true; out: Uint8Array } | { id: number; ok: false; error: string };

/** A fixed pool of worker threads running Telea inpainting, one job per worker at a time. */
class InpaintPool {
  private readonly threads: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (out: Uint8Array) => void; reject: (e: Error) => void; worker: Worker }>();
  private readonly busy = new Set<Worker>();
  private nextId = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      let worker: Worker;
      try {
        worker = startModuleWorker(__filename, { workerData: { role: WORKER_ROLE } });
      } catch (e) {
        for (const started of this.threads) void started.terminate();
        throw new Error(`ImageMasker: cannot start an inpainting worker (${e instanceof Error ? e.message : String(e)}); use workers: 0 to inpaint in-process`, { cause: e });
      }
      worker.on("message", (reply: InpaintReply) => this.settle(reply));
      worker.on("error", (e) => this.failAll(worker, new Error(`ImageMasker: inpainting worker failed (${e.message}); use workers: 0 to inpaint in-process`, { cause: e })));
      worker.on("exit", (code) => {
        if (code !== 0) this.failAll(worker, new Error(`ImageMasker: inpainting worker exited with code ${code}`));
      });
      worker.unref();
      this.threads.push(worker);
    }
  }

  /** Number of worker threads. */
  get size(): number {
    return this.threads.length;
  }

  /** True when some worker has no job. */
  hasIdleWorker(): boolean {
    return this.threads.some((w) => !this.busy.has(w));
  }

  /** Inpaints `count` hide maps (count x H x W) of one image on an idle worker; returns count x H x W x C bytes. */
  inpaint(image: Uint8Array, height: number, width: number, channels: number, hideMaps: Uint8Array, count: number): Promise<Uint8Array> {
    const worker = this.threads.find((w) => !this.busy.has(w));
    if (!worker) return Promise.reject(new Error("ImageMasker: internal error, no idle inpainting worker"));
    return this.post(worker, { id: this.nextId++, image, height, width, channels: channels as 1 | 3, hideMaps, count });
  }

  private post(worker: Worker, job: InpaintJob): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.pending.set(job.id, { resolve, reject, worker });
      this.busy.add(worker);
      // Keep the process alive only while a worker owes us an answer.
      worker.ref();
      worker.postMessage(job, [job.hideMaps.buffer]);
    });
  }

  private settle(reply: InpaintReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    this.busy.delete(p.worker);
    p.worker.unref();
    if (reply.ok === true) p.resolve(reply.out);
    else if (reply.ok === false) p.reject(new Error(`ImageMasker: inpainting worker: ${reply.error}`));
  }

  private failAll(worker: Worker, error: Error): void {
    // A failed worker takes no more jobs; its pending job is rejected.
    const at = this.threads.indexOf(worker);
    if (at >= 0) this.threads.splice(at, 1);
    this.busy.delete(worker);
    for (const [id, p] of this.pending) {
      if (p.worker === worker) {
        this.pending.delete(id);
        p.reject(error);
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((w) => w.terminate()));
    this.threads.length = 0;
  }
}

/** Worker side: inpaint every hide map of a job and send the bytes back (transferred, not copied). */
function serveInpaintJobs(): void {
  const port = parentPort;
  if (!port) return;
  port.on("message", (job: InpaintJob) => {
    try {
      const nPixels = job.height * job.width;
      const len = nPixels * job.channels;
      const out = new Uint8Array(job.count * len);
      for (let m = 0; m < job.count; m++) {
        inpaintTelea(job.image, job.height, job.width, job.channels, job.hideMaps.subarray(m * nPixels, (m + 1) * nPixels), INPAINT_RADIUS, out.subarray(m * len, (m + 1) * len));
      }
      port.postMessage({ id: job.id, ok: true, out } satisfies InpaintReply, [out.buffer]);
    } catch (e) {
      port.postMessage({ id: job.id, ok: false, error: e instanceof Error ? e.message : String(e) } satisfies InpaintReply);
    }
  });
}

if (!isMainThread && (workerData as { role?: unknown } | null)?.role === WORKER_ROLE) serveInpaintJobs();
