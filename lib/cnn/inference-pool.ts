/**
 * Data-parallel CNN2D inference on worker threads, to use every core for the SHAP workload: the stock wasm
 * backend runs one thread under Node (docs/tfjs-training.md, "Threads"), so each worker gets its own wasm
 * backend and its own copy of the model, and the main thread hands out chunks of each batch.
 *
 * Workers run inference-worker (lib/core/worker's startModuleWorker loads it through tsx's require hook when
 * the library runs as TypeScript), so the pool works under `node --import tsx`, the tsx CLI and tslab alike.
 */
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors";
import { startModuleWorker } from "../core/worker";
import type { ModelFn } from "../shap/explainer";
import { CNN_CLASSES, CNN_IMAGE_SIZE } from "./architecture";
import type { BackendName } from "./backend";
import { INFERENCE_WORKER_KIND, type InferenceReply, type InferenceRequest, type InferenceWorkerData } from "./inference-worker";
import { captureModelArtifacts } from "./io";
import { standardizationOf } from "./metadata";
import type { CnnOutput } from "./model-fn";
import { classifyLogits } from "./predict";
import { assertCnnImages, assertStandardization, type ImageData255, type Standardization } from "./standardize";

/** Options of `InferencePool.create`. */
export interface InferencePoolOptions {
  /** Worker threads. @default the number of cores (os.availableParallelism) */
  workers?: number;
  /** Input standardisation; default: the one stored with the model by trainCnn. */
  standardization?: Standardization;
  /** Raw logits or softmax probabilities. @default "logits" */
  output?: CnnOutput;
  /** Most images sent to one worker at a time; a call is split evenly up to this size. @default 64 */
  maxChunk?: number;
  /** Backend each worker asks initBackend for first. @default "wasm" */
  backend?: BackendName;
}

interface Job {
  id: number;
  n: number;
  batch: Float32Array;
  resolve: (logits: Float32Array) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Job | null;
}

/** A pool of worker threads running the CNN2D; `modelFn` is a SHAP ModelFn over all of them. */
export class InferencePool {
  /** `(batch, n) => Promise<n x 2 outputs>` on 0..255 images, as `cnnModelFn`, spread over the workers. */
  readonly modelFn: ModelFn;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private failure: Error | null = null;

  private constructor(
    private readonly slots: Slot[],
    /** The backend each worker runs. */
    readonly backends: string[],
    private readonly output: CnnOutput,
    private readonly maxChunk: number,
  ) {
    this.modelFn = (batch, n) => this.predict(batch, n);
  }

  /** Number of workers. */
  get size(): number {
    return this.slots.length;
  }

  /**
   * Starts the workers, each with a copy of `model`'s current weights, and waits until all are ready.
   * Call `close()` when done.
   */
  static async create(model: tf.LayersModel, options: InferencePoolOptions = {}): Promise<InferencePool> {
    const nWorkers = options.workers ?? Math.max(1, os.availableParallelism());
    if (!Number.isInteger(nWorkers) || nWorkers < 1) throw new InputError("InferencePool", `workers must be a positive integer, got ${nWorkers}`);
    const maxChunk = options.maxChunk ?? 64;
    if (!Number.isInteger(maxChunk) || maxChunk < 1) throw new InputError("InferencePool", `maxChunk must be a positive integer, got ${maxChunk}`);
    const output = options.output ?? "logits";
    if (output !== "logits" && output !== "probabilities") throw new InputError("InferencePool", `output must be "logits" or "probabilities", got ${output}`);
    const standardization = options.standardization ?? standardizationOf(model, "InferencePool");
    assertStandardization(standardization, "InferencePool: standardization");

    const { artifacts: a, weightSpecs, weightData } = await captureModelArtifacts(model, "InferencePool");
    const data: InferenceWorkerData = {
      kind: INFERENCE_WORKER_KIND,
      backend: options.backend ?? "wasm",
      modelTopology: a.modelTopology as {},
      weightSpecs,
      weightData,
      standardization,
      batchSize: maxChunk,
    };
    const slots: Slot[] = [];
    const ready: Promise<string>[] = [];
    for (let i = 0; i < nWorkers; i++) {
      const worker = startModuleWorker(path.join(__dirname, "inference-worker"), { workerData: data });
      slots.push({ worker, busy: null });
      ready.push(
        new Promise<string>((resolve, reject) => {
          const onMessage = (m: InferenceReply) => {
            if (m.type === "ready") resolve(m.backend);
            else if (m.type === "error") reject(new Error(`InferencePool worker ${i} failed to start: ${m.message}`));
            worker.off("message", onMessage);
          };
          worker.on("message", onMessage);
          worker.once("error", reject);
          worker.once("exit", (code) => reject(new Error(`InferencePool worker ${i} exited with code ${code} while starting`)));
        }),
      );
    }
    let backends: string[];
    try {
      backends = await Promise.all(ready);
    } catch (e) {
      await Promise.all(slots.map((s) => s.worker.terminate()));
      throw e;
    }
    const pool = new InferencePool(slots, backends, output, maxChunk);
    slots.forEach((slot, i) => pool.attach(slot, i));
    return pool;
  }

  /**
   * Outputs (logits or probabilities, n x 2 row-major) of `n` images on 0..255 (n x 33 x 153 x 3, NHWC).
   * The batch is split into equal chunks of at most `maxChunk` images, queued, and run by idle workers.
   */
  async predict(batch: ImageData255, n: number): Promise<Float32Array> {
    if (this.closed) throw new Error("InferencePool: the pool is closed");
    if (this.failure !== null) throw this.failure;
    assertCnnImages(batch, n, "InferencePool: batch");
    const logits = new Float32Array(n * CNN_CLASSES);
    if (n === 0) return logits;
    const chunk = Math.min(this.maxChunk, Math.ceil(n / this.slots.length));
    const parts: Promise<void>[] = [];
    for (let start = 0; start < n; start += chunk) {
      const b = Math.min(chunk, n - start);
      // A copy per chunk: its buffer is transferred to the worker without a second copy.
      const part = Float32Array.from(batch.subarray(start * CNN_IMAGE_SIZE, (start + b) * CNN_IMAGE_SIZE));
      parts.push(
        new Promise<Float32Array>((resolve, reject) => {
          this.queue.push({ id: this.nextId++, n: b, batch: part, resolve, reject });
          this.dispatch();
        }).then((out) => logits.set(out, start * CNN_CLASSES)),
      );
    }
    await Promise.all(parts);
    return this.output === "logits" ? logits : classifyLogits(logits, n).probabilities;
  }

  /** Stops the workers; pending calls fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error("InferencePool: closed"));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private attach(slot: Slot, index: number): void {
    slot.worker.unref();
    slot.worker.on("message", (m: InferenceReply) => {
      const job = slot.busy;
      if (m.type === "ready" || job === null) return;
      slot.busy = null;
      if (m.type === "result") job.resolve(m.logits);
      else job.reject(new Error(`InferencePool worker ${index}: ${m.message}`));
      this.dispatch();
    });
    const die = (e: Error) => {
      if (this.closed) return;
      this.failure = e;
      this.failAll(e);
    };
    slot.worker.on("error", (e) => die(new Error(`InferencePool worker ${index} crashed: ${e.message}`)));
    slot.worker.on("exit", (code) => die(new Error(`InferencePool worker ${index} exited with code ${code}`)));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (slot.busy !== null) continue;
      const job = this.queue.shift() as Job;
      slot.busy = job;
      const req: InferenceRequest = { id: job.id, n: job.n, batch: job.batch };
      slot.worker.postMessage(req, [job.batch.buffer]);
    }
    // Busy workers keep the process alive until their replies arrive; idle ones must not.
    for (const slot of this.slots) {
      if (slot.busy !== null) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  private failAll(e: Error): void {
    for (const job of this.queue.splice(0)) job.reject(e);
    for (const slot of this.slots) {
      if (slot.busy !== null) {
        slot.busy.reject(e);
        slot.busy = null;
      }
    }
  }
}
