/**
 * Entry point of one data-parallel training thread (parallel-trainer.ts): its own wasm backend and copy of
 * the CNN2D; for each step it reads the weights and its share of the batch from shared memory, standardises
 * that share (the coordinating thread only copies the raw images: a third thread busy while two compute on
 * two cores delays one of them, and the other waits for it at the next batch-norm exchange), computes the
 * gradient of the batch's mean loss restricted to its samples (so the threads' gradients add up to the
 * batch's), with batch norm synchronised across threads (batch-norm-block.ts, shared-reducer.ts), writes
 * the gradient into its own slot, and once every thread has, adds the slots and applies Adam over its own
 * stretch of the weights (shared-adam.ts). Does nothing when imported outside such a thread.
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { CNN_IMAGE_SIZE, CNN_INPUT_CHANNELS, CNN_INPUT_HEIGHT, CNN_INPUT_WIDTH } from "./architecture";
import { initBackend } from "./backend";
import type { AdamStepConstants } from "./adam";
import { setBatchNormSync } from "./batch-norm-block";
import { standardizeImages, type Standardization } from "./standardize";
import { addSlotsAndUpdate, type SharedAdamLayout, sharedAdamKernel, sharedAdamViews, type SharedWasmMemory } from "./shared-adam";
import { reducerSlotLength, SharedReducer } from "./shared-reducer";
import { trainingForward } from "./training-forward";
import { copyTensorInto } from "./typed-kernel";

/** Marker of the workerData a DataParallelTrainer sends. */
export const PARALLEL_TRAIN_WORKER_KIND = "seismic-xai/cnn-parallel-train";

/** Shared memory of one trainer, as views are made of it on both sides (float32 unless named otherwise). */
export interface ParallelTrainBuffers {
  /**
   * The trainable weights (model.trainableWeights order, flattened), Adam's moments and one gradient slot
   * per thread, laid out as `layout` says (shared-adam.ts). After a step, slot 0 holds the sum over the
   * participating threads.
   */
  adam: SharedWasmMemory;
  layout: SharedAdamLayout;
  /** The non-trainable weights (batch-norm moving statistics) after the step, written by thread 0. */
  moving: SharedArrayBuffer;
  /**
   * Two batch buffers, each batchSize x 33 x 153 x 3 raw image values (0..255, `imageType`): a step reads
   * one while the next batch is written into the other.
   */
  images: [SharedArrayBuffer, SharedArrayBuffer];
  imageType: BatchImageType;
  /** The two batches' labels, int32. */
  labels: [SharedArrayBuffer, SharedArrayBuffer];
  /** The batch-norm all-reduce (shared-reducer.ts). */
  reducer: SharedArrayBuffer;
}

/** Element type of the batch buffers: that of the training images (8-bit, or float values on 0..255). */
export type BatchImageType = "uint8" | "float32";

/** A view of a batch buffer of the given element type. */
export function batchImages(buffer: SharedArrayBuffer, type: BatchImageType): Uint8Array | Float32Array {
  return type === "uint8" ? new Uint8Array(buffer) : new Float32Array(buffer);
}

/** What a trainer hands each thread at start. */
export interface ParallelTrainWorkerData {
  kind: typeof PARALLEL_TRAIN_WORKER_KIND;
  rank: number;
  modelTopology: {};
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
  buffers: ParallelTrainBuffers;
  /** The standardisation the raw images go through before the network. */
  standardization: Standardization;
}

/**
 * One step: samples [start, end) of the batch of `batchTotal` in batch buffer `buffer`, shared by
 * `participants` threads, then the Adam update with the constants `update`.
 */
export interface ParallelTrainStep {
  type: "step";
  buffer: 0 | 1;
  start: number;
  end: number;
  batchTotal: number;
  participants: number;
  update: AdamStepConstants;
}

/** A thread's answer: its samples' share of the batch's mean loss and their correct count, or an error. */
export type ParallelTrainReply = { type: "ready"; backend: string } | { type: "done"; loss: number; correct: number } | { type: "error"; message: string };

/** Thread `rank`'s contiguous share [start, end) of `total` items split among `participants` threads. */
export function shareOf(rank: number, total: number, participants: number): { start: number; end: number } {
  return { start: Math.floor((rank * total) / participants), end: Math.floor(((rank + 1) * total) / participants) };
}

async function serve(data: ParallelTrainWorkerData): Promise<void> {
  const port = parentPort;
  if (port === null) return;
  const layout = data.buffers.layout;
  const reducer = new SharedReducer(data.buffers.reducer, data.rank, 1, reducerSlotLength(layout.threads));
  try {
    const backend = await initBackend({ prefer: "wasm", log: false });
    if (backend !== "wasm" && backend !== "cpu") throw new Error(`data-parallel training needs the wasm or cpu backend, got ${backend}`);
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: data.modelTopology, weightSpecs: data.weightSpecs, weightData: data.weightData }));
    setBatchNormSync(reducer);
    const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const shared = sharedAdamViews(data.buffers.adam, layout);
    const kernel = sharedAdamKernel(data.buffers.adam);
    const grads = shared.slots[data.rank];
    const moving = new Float32Array(data.buffers.moving);
    const raws = data.buffers.images.map((b) => batchImages(b, data.buffers.imageType));
    // This thread's share, standardised: at most the larger share of a full batch.
    const x = new Float32Array(raws[0].length);
    const labelSets = data.buffers.labels.map((b) => new Int32Array(b));
    port.on("message", (step: ParallelTrainStep) => {
      try {
        reducer.participants = step.participants;
        tf.tidy(() => {
          // The weights after the last step's update; the moving statistics as thread 0 left them.
          for (const [weights, source] of [[model.trainableWeights, shared.params], [model.nonTrainableWeights, moving]] as const) {
            let offset = 0;
            for (const w of weights) {
              const size = w.shape.reduce((p: number, d) => p * (d as number), 1);
              w.write(tf.tensor(source.subarray(offset, offset + size), w.shape as number[]));
              offset += size;
            }
          }
        });
        const n = step.end - step.start;
        const share = raws[step.buffer].subarray(step.start * CNN_IMAGE_SIZE, step.end * CNN_IMAGE_SIZE);
        standardizeImages(share, n, data.standardization, x);
        const labels = labelSets[step.buffer];
        let correctT: tf.Tensor | null = null;
        const { value, grads: g } = tf.tidy(() => {
          const input = tf.tensor4d(x.subarray(0, n * CNN_IMAGE_SIZE), [n, CNN_INPUT_HEIGHT, CNN_INPUT_WIDTH, CNN_INPUT_CHANNELS]);
          const labelT = tf.tensor1d(labels.subarray(step.start, step.end), "int32");
          const oneHot = tf.oneHot(labelT, 2);
          return tf.variableGrads(() => {
            const logits = trainingForward(model, input, "fused");
            correctT = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labelT), "int32")));
            // This thread's share of the batch's mean loss: the shares' gradients add up to the batch's.
            const sum = tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, undefined, tf.Reduction.SUM);
            return tf.div(sum, step.batchTotal) as tf.Scalar;
          }, trainable);
        });
        let offset = 0;
        for (const v of trainable) {
          copyTensorInto(g[v.name], grads, offset);
          offset += v.size;
        }
        // Every slot is written (and every thread has read the weights): each thread adds its own stretch of
        // the weights across the slots and updates it.
        if (step.participants > 1) reducer.barrier();
        const stretch = shareOf(data.rank, layout.nTrainable, step.participants);
        addSlotsAndUpdate(kernel, layout, stretch.start, stretch.end, step.participants, step.update);
        if (data.rank === 0) {
          let o = 0;
          for (const w of model.nonTrainableWeights) {
            const t = w.read();
            copyTensorInto(t, moving, o);
            o += t.size;
          }
        }
        // The next step may already be posted: nobody reads the weights or writes a slot for it before every
        // thread is done with this one's update.
        if (step.participants > 1) reducer.barrier();
        const loss = value.dataSync()[0];
        const correct = (correctT as tf.Tensor | null)?.dataSync()[0] ?? 0;
        tf.dispose([value, correctT as tf.Tensor | null, ...Object.values(g)].filter((t): t is tf.Tensor => t !== null));
        port.postMessage({ type: "done", loss, correct } satisfies ParallelTrainReply);
      } catch (e) {
        // The others may be waiting for this thread inside a batch norm: release them.
        reducer.abort();
        port.postMessage({ type: "error", message: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies ParallelTrainReply);
      }
    });
    port.postMessage({ type: "ready", backend } satisfies ParallelTrainReply);
  } catch (e) {
    reducer.abort();
    port.postMessage({ type: "error", message: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies ParallelTrainReply);
  }
}

if (!isMainThread && (workerData as ParallelTrainWorkerData | undefined)?.kind === PARALLEL_TRAIN_WORKER_KIND) {
  void serve(workerData as ParallelTrainWorkerData);
}
