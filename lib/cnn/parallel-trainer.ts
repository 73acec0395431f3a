/**
 * Data-parallel training of one CNN2D on several worker threads (the stock wasm backend runs one thread
 * under Node, docs/tfjs-training.md "Threads"): each step, every thread computes the gradient of the batch's
 * mean loss over its contiguous share of the batch (parallel-train-worker.ts), then each thread, over its
 * own stretch of the weights, adds the threads' gradients in thread order and applies Adam there
 * (shared-adam.ts). The weights and Adam's moments stay in the threads' shared memory during training, and
 * this thread takes them back into the model and the optimiser with `sync` (after each epoch, for
 * validation and checkpoints), so checkpoints and resumes work as in one-thread training. The updates are
 * the bytes `Adam.applyGradients` computes from the summed gradient.
 *
 * The next step can be posted while one runs (trainCnn does): the threads find it queued when they finish
 * and go on at once. Posting after each step settled, the second thread started its step 1 to 3 ms after
 * the first on two cores (woken while this thread still held one), and the first waited for it at the
 * first batch-norm exchange. The threads wait for each other at the end of a step, so that none reads the
 * weights of the next before all have updated theirs.
 *
 * Batch norm is synchronised: the threads exchange per-channel sums inside the fused batch-norm kernels, so
 * every thread normalises with the statistics of the whole batch, as the paper's one-process PyTorch
 * training does. Per-shard statistics (PyTorch's DataParallel without SyncBatchNorm) would change the
 * model's mathematics with the number of threads; synchronised, only the rounding of the sums does. Results
 * are therefore identical, byte for byte, for the same seed and the same number of threads, and agree to
 * float32 rounding (not bit for bit) across thread counts: sums over a batch split differently are added
 * in a different order.
 */
import path from "node:path";
import type { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { startModuleWorker } from "../core/worker";
import { CNN_IMAGE_SIZE } from "./architecture";
import { captureModelArtifacts } from "./io";
import {
  batchImages,
  type BatchImageType,
  PARALLEL_TRAIN_WORKER_KIND,
  type ParallelTrainBuffers,
  type ParallelTrainReply,
  type ParallelTrainStep,
  type ParallelTrainWorkerData,
  shareOf,
} from "./parallel-train-worker";
import type { Adam } from "./adam";
import { createSharedAdamMemory, sharedAdamLayout, sharedAdamViews } from "./shared-adam";
import { abortSharedReducer, sharedReducerBytes } from "./shared-reducer";
import type { Standardization } from "./standardize";
import { copyTensorInto } from "./typed-kernel";

/**
 * What one data-parallel step returns: the batch's mean loss, correct count, and the summed gradients it
 * applied. `grads` and `moving` are read from the threads' shared memory when the step settles: when a
 * next step was posted before, they may already hold some of that step's values.
 */
export interface ParallelStepResult {
  loss: number;
  correct: number;
  /** Gradient of the batch's mean loss per trainable weight (model.trainableWeights order): views of shared memory, valid until the next step runs. */
  grads: Float32Array[];
  /** The batch-norm moving statistics after the step (model.nonTrainableWeights order). */
  moving: Float32Array[];
}

const sizeOf = (shape: readonly (number | null)[]): number => shape.reduce((p: number, d) => p * (d as number), 1);

/** Worker threads training one model together (see the file comment). Call `close()` when done. */
export class DataParallelTrainer {
  private readonly raws: (Uint8Array | Float32Array)[];
  private readonly labelSets: Int32Array[];
  /** The batch buffer the next `step` reads; `step` switches to the other as soon as it has started. */
  private current: 0 | 1 = 0;
  private readonly shared: ReturnType<typeof sharedAdamViews>;
  private readonly moving: Float32Array;
  private failure: Error | null = null;
  private closed = false;
  /** Whether a step has changed the shared weights since the last `sync`. */
  private unsynced = false;
  /** Per thread, the answers awaited from it, oldest first (a thread answers its steps in order). */
  private readonly awaiting: ((m: ParallelTrainReply) => void)[][];
  /** The steps posted and not yet settled (at most one per batch buffer): the buffer each reads, and its threads. */
  private readonly inFlight = new Map<Promise<ParallelStepResult>, { buffer: 0 | 1; participants: number }>();

  private constructor(
    private readonly workers: Worker[],
    private readonly buffers: ParallelTrainBuffers,
    private readonly trainableSizes: number[],
    private readonly movingSizes: number[],
    private readonly adam: Adam,
  ) {
    this.raws = buffers.images.map((b) => batchImages(b, buffers.imageType));
    this.labelSets = buffers.labels.map((b) => new Int32Array(b));
    this.shared = sharedAdamViews(buffers.adam, buffers.layout);
    this.moving = new Float32Array(buffers.moving);
    this.awaiting = workers.map(() => []);
    workers.forEach((w, i) => {
      w.on("message", (m: ParallelTrainReply) => this.awaiting[i].shift()?.(m));
      w.on("error", (e) => this.fail(new Error(`training thread ${i} crashed: ${e.message}`)));
      w.on("exit", (code) => this.fail(new Error(`training thread ${i} exited with code ${code}`)));
    });
  }

  /**
   * The batch to fill before `step`: batchSize x 33 x 153 x 3 raw image values on 0..255 (as the training
   * images hold them; the threads standardise their shares). Once `step` has been called (before its
   * promise settles) this is the other of two buffers, free for the next batch.
   */
  get images(): Uint8Array | Float32Array {
    this.assertFree(this.current);
    return this.raws[this.current];
  }

  /** The labels of the batch in `images`. */
  get labels(): Int32Array {
    this.assertFree(this.current);
    return this.labelSets[this.current];
  }

  private assertFree(buffer: 0 | 1): void {
    if ([...this.inFlight.values()].some((s) => s.buffer === buffer)) {
      throw new Error("DataParallelTrainer: the batch buffer is still read by a step in flight: await that step first");
    }
  }

  /** False once a thread has failed or the trainer is closed: its memory may then hold a half-done step. */
  get usable(): boolean {
    return this.failure === null && !this.closed;
  }

  /** Number of threads. */
  get size(): number {
    return this.workers.length;
  }

  /**
   * Starts `nWorkers` threads for `model` and batches of up to `batchSize` images of `imageType` values,
   * which the threads standardise with `standardization`. The threads take over the model's weights and
   * `adam`'s state (its variables must be the model's trainable weights, in order): each `step` updates
   * them there, and `sync` brings them back.
   */
  static async create(
    model: tf.LayersModel,
    nWorkers: number,
    batchSize: number,
    adam: Adam,
    standardization: Standardization,
    imageType: BatchImageType = "uint8",
  ): Promise<DataParallelTrainer> {
    if (!Number.isInteger(nWorkers) || nWorkers < 2) throw new Error(`DataParallelTrainer: needs at least 2 threads, got ${nWorkers}`);
    const trainable = model.trainableWeights.map((w) => w.read());
    if (adam.variables.length !== trainable.length || adam.variables.some((v, i) => v !== trainable[i])) {
      throw new Error("DataParallelTrainer: the optimiser's variables are not the model's trainable weights");
    }
    const { artifacts, weightSpecs, weightData } = await captureModelArtifacts(model, "DataParallelTrainer");
    const trainableSizes = model.trainableWeights.map((w) => sizeOf(w.shape));
    const movingSizes = model.nonTrainableWeights.map((w) => sizeOf(w.shape));
    const layout = sharedAdamLayout(trainableSizes.reduce((s, k) => s + k, 0), nWorkers);
    const buffers: ParallelTrainBuffers = {
      adam: createSharedAdamMemory(layout),
      layout,
      moving: new SharedArrayBuffer(4 * movingSizes.reduce((s, k) => s + k, 0)),
      images: [0, 1].map(() => new SharedArrayBuffer((imageType === "uint8" ? 1 : 4) * batchSize * CNN_IMAGE_SIZE)) as [SharedArrayBuffer, SharedArrayBuffer],
      imageType,
      labels: [new SharedArrayBuffer(4 * batchSize), new SharedArrayBuffer(4 * batchSize)],
      reducer: new SharedArrayBuffer(sharedReducerBytes(nWorkers)),
    };
    const views = sharedAdamViews(buffers.adam, layout);
    const state = adam.getState();
    let offset = 0;
    trainable.forEach((t, i) => {
      copyTensorInto(t, views.params, offset);
      views.m.set(state.m[i], offset);
      views.v.set(state.v[i], offset);
      offset += t.size;
    });
    const moving = new Float32Array(buffers.moving);
    offset = 0;
    for (const w of model.nonTrainableWeights) {
      const t = w.read();
      copyTensorInto(t, moving, offset);
      offset += t.size;
    }
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let rank = 0; rank < nWorkers; rank++) {
      const data: ParallelTrainWorkerData = {
        kind: PARALLEL_TRAIN_WORKER_KIND,
        rank,
        modelTopology: artifacts.modelTopology as {},
        weightSpecs,
        weightData,
        buffers,
        standardization,
      };
      const worker = startModuleWorker(path.join(__dirname, "parallel-train-worker"), { workerData: data });
      workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once("message", (m: ParallelTrainReply) => (m.type === "ready" ? resolve() : reject(new Error(`training thread ${rank} failed to start: ${m.type === "error" ? m.message : m.type}`))));
          worker.once("error", reject);
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      abortSharedReducer(buffers.reducer);
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    return new DataParallelTrainer(workers, buffers, trainableSizes, movingSizes, adam);
  }

  /**
   * One step on the first `n` samples of `images` and `labels`, the Adam update included (see
   * ParallelStepResult). The step is posted before this returns, and `images` and `labels` then name the
   * other buffer. A next step may be posted before this one settles (the threads take it as soon as they
   * finish this one, without waiting for this thread): fill the other buffer, post, then await this step.
   * Each buffer holds one step in flight.
   */
  step(n: number): Promise<ParallelStepResult> {
    if (this.closed) throw new Error("DataParallelTrainer: closed");
    if (this.failure !== null) throw this.failure;
    const buffer = this.current;
    this.assertFree(buffer);
    const participants = Math.min(this.workers.length, n);
    // A thread that sat out the step in flight would read the weights while the others still update them
    // (the threads of a step wait for each other only at its end).
    if ([...this.inFlight.values()].some((s) => s.participants < participants)) {
      throw new Error(`DataParallelTrainer: a step on ${participants} threads cannot follow one in flight on fewer: await it first`);
    }
    const update = this.adam.nextStep();
    this.unsynced = true;
    this.current = buffer === 0 ? 1 : 0;
    const replies = this.workers.slice(0, participants).map(
      (worker, rank) =>
        new Promise<{ loss: number; correct: number }>((resolve, reject) => {
          this.awaiting[rank].push((m) => {
            if (m.type === "done") resolve(m);
            else reject(this.fail(new Error(`training thread ${rank}: ${m.type === "error" ? m.message : m.type}`)));
          });
          const step: ParallelTrainStep = { type: "step", buffer, ...shareOf(rank, n, participants), batchTotal: n, participants, update };
          worker.postMessage(step);
        }),
    );
    const result = Promise.all(replies).then((answers) => {
      let loss = 0;
      let correct = 0;
      for (const r of answers) {
        loss += r.loss;
        correct += r.correct;
      }
      // The threads added their gradients into slot 0 (addSlotsAndUpdate), in thread order.
      const grads = this.split(this.shared.slots[0], this.trainableSizes);
      const moving = this.split(this.moving, this.movingSizes).map((m) => m.slice());
      return { loss, correct, grads, moving };
    });
    this.inFlight.set(result, { buffer, participants });
    const settled = () => {
      this.inFlight.delete(result);
    };
    // Handled here as well, so that a step nobody awaits any more (an interrupted training) is no
    // unhandled rejection; the caller who awaits it still gets the error.
    result.then(settled, settled);
    return result;
  }

  /** Waits until no step is in flight (their errors are the trainer's failure, see `usable`). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight.keys()]);
  }

  /**
   * Writes the threads' weights into `model` (the one the trainer was created for) and their Adam moments
   * into the optimiser, whose step count `step` has kept; nothing when no step ran since the last sync.
   * Call with no step in flight.
   */
  sync(model: tf.LayersModel): void {
    if (this.failure !== null) throw this.failure;
    if (this.inFlight.size > 0) throw new Error("DataParallelTrainer: sync with a step in flight: await it (or settle()) first");
    if (!this.unsynced) return;
    this.unsynced = false;
    const params = this.split(this.shared.params, this.trainableSizes);
    model.trainableWeights.forEach((w, i) => tf.tidy(() => {
      w.write(tf.tensor(params[i], w.shape as number[]));
    }));
    const moving = this.split(this.moving, this.movingSizes);
    model.nonTrainableWeights.forEach((w, i) => tf.tidy(() => {
      w.write(tf.tensor(moving[i], w.shape as number[]));
    }));
    const copy = (all: Float32Array) => this.split(all, this.trainableSizes).map((a) => a.slice());
    this.adam.setState({ step: this.adam.step, m: copy(this.shared.m), v: copy(this.shared.v) });
  }

  /** Views of consecutive stretches of `all`, of the given sizes. */
  private split(all: Float32Array, sizes: number[]): Float32Array[] {
    const parts: Float32Array[] = [];
    let offset = 0;
    for (const size of sizes) {
      parts.push(all.subarray(offset, offset + size));
      offset += size;
    }
    return parts;
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    abortSharedReducer(this.buffers.reducer);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private fail(e: Error): Error {
    if (this.failure === null && !this.closed) {
      this.failure = e;
      abortSharedReducer(this.buffers.reducer);
      // Steps waiting for a thread that will not answer (it crashed or exited) fail with this error.
      for (const queue of this.awaiting) for (const answer of queue.splice(0)) answer({ type: "error", message: e.message });
    }
    return this.failure ?? e;
  }
}
