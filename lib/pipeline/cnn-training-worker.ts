/**
 * Worker-thread entry of `trainCnnExperimentsInWorkers` (./cnn-parallel-training): its own tf.js backend
 * (wasm trains on one thread, so each worker keeps one core busy), the image set on shared memory, and a loop
 * that trains the experiment it is sent into the model cache and answers with the run's figures. Started by
 * lib/core/worker; does nothing when imported outside such a worker.
 *
 * workerData: CnnTrainingWorkerData. Messages in: CnnTrainingRequest. Messages out: CnnTrainingProgress while
 * a training runs, then one CnnTrainingReply.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from "node:worker_threads";
import { initBackend } from "../cnn/backend";
import { InputError } from "../core/errors";
import type { ImageCacheEntry } from "../spectrogram/image-cache";
import { trainCnnExperiment, type CnnExperimentOptions } from "./cnn-experiment";

/** Marker of the workerData sent by trainCnnExperimentsInWorkers. */
export const CNN_TRAINING_WORKER_KIND = "seismic-xai/cnn-training";

/** What each worker gets at start: the image set (pixels on a SharedArrayBuffer). */
export interface CnnTrainingWorkerData {
  readonly kind: typeof CNN_TRAINING_WORKER_KIND;
  readonly images: Uint8Array;
  readonly entries: readonly ImageCacheEntry[];
  readonly shape: readonly [number, number, number];
}

/** The settings of one experiment, without what cannot cross threads (functions, the image set). */
export type CnnTrainingPlan = Omit<CnnExperimentOptions, "images" | "onEpoch" | "onBatch" | "log" | "predictionsFile">;

/** A request: train `plan`. */
export interface CnnTrainingRequest {
  readonly task: number;
  readonly plan: CnnTrainingPlan;
}

/** What a finished training reports (the model itself is in the cache). */
export interface CnnTrainingRun {
  readonly name: string;
  readonly key: string;
  readonly fromCache: boolean;
  readonly resumedFromEpoch: number;
  readonly trainSeconds: number;
  readonly samplesPerSecond: number | null;
  readonly seconds: number;
  readonly backend: string;
  readonly testAccuracy: number;
}

/**
 * Sent while a training runs, at most every PROGRESS_INTERVAL_MS and after its last batch: samples done and
 * samples of the whole training (epochs x training images; a resumed training starts at the epochs done).
 */
export interface CnnTrainingProgress {
  readonly task: number;
  readonly progress: { readonly done: number; readonly total: number };
}

/** How often a worker reports progress (ms). */
export const PROGRESS_INTERVAL_MS = 1000;

/** A reply: the run, or the error (with the InputError's `where` when it was one). */
export type CnnTrainingReply =
  | { readonly task: number; readonly run: CnnTrainingRun }
  | { readonly task: number; readonly error: string; readonly where: string | null };

async function train(data: CnnTrainingWorkerData, request: CnnTrainingRequest, port: MessagePort): Promise<CnnTrainingReply> {
  try {
    await initBackend({ prefer: "wasm", log: false });
    const images = { n: data.entries.length, images: data.images, entries: data.entries, shape: data.shape };
    let last = 0;
    const onBatch = (done: number, total: number): void => {
      const now = Date.now();
      if (done < total && now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      port.postMessage({ task: request.task, progress: { done, total } } satisfies CnnTrainingProgress);
    };
    const e = await trainCnnExperiment({ ...request.plan, images, log: false, onBatch });
    e.model.dispose();
    const run: CnnTrainingRun = {
      name: e.name,
      key: e.key,
      fromCache: e.fromCache,
      resumedFromEpoch: e.resumedFromEpoch,
      trainSeconds: e.trainSeconds,
      samplesPerSecond: e.samplesPerSecond,
      seconds: e.seconds,
      backend: e.backend,
      testAccuracy: e.metrics.accuracy,
    };
    return { task: request.task, run };
  } catch (e) {
    if (e instanceof InputError) return { task: request.task, error: e.message.slice(e.where.length + 2), where: e.where };
    return { task: request.task, error: e instanceof Error ? e.stack ?? e.message : String(e), where: null };
  }
}

if (!isMainThread && parentPort !== null && (workerData as CnnTrainingWorkerData | undefined)?.kind === CNN_TRAINING_WORKER_KIND) {
  const port = parentPort;
  const data = workerData as CnnTrainingWorkerData;
  port.on("message", (request: CnnTrainingRequest) => {
    void train(data, request, port).then((reply) => port.postMessage(reply));
  });
}
