/**
 * Worker-thread entry of `trainCnnExperimentsInWorkers` (./cnn-parallel-training): its own tf.js backend
 * (wasm trains on one thread, so each worker keeps one core busy), the image set on shared memory, and a loop
 * that trains the experiment it is sent into the model cache and answers with the run's figures. Started by
 * lib/core/worker; does nothing when imported outside such a worker.
 *
 * workerData: CnnTrainingWorkerData. Messages in: CnnTrainingRequest. Messages out: CnnTrainingReply.
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";
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

/** A reply: the run, or the error (with the InputError's `where` when it was one). */
export type CnnTrainingReply =
  | { readonly task: number; readonly run: CnnTrainingRun }
  | { readonly task: number; readonly error: string; readonly where: string | null };

async function train(data: CnnTrainingWorkerData, request: CnnTrainingRequest): Promise<CnnTrainingReply> {
  try {
    await initBackend({ prefer: "wasm", log: false });
    const images = { n: data.entries.length, images: data.images, entries: data.entries, shape: data.shape };
    const e = await trainCnnExperiment({ ...request.plan, images, log: false });
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
    void train(data, request).then((reply) => port.postMessage(reply));
  });
}
