import path from "node:path";
import { InputError } from "../core/errors";
import { moduleWorkerLaunch, runWorkerTasks } from "../core/worker";
import type { ImageSet } from "../spectrogram/image-cache";
import { CNN_TRAINING_WORKER_KIND, type CnnTrainingPlan, type CnnTrainingProgress, type CnnTrainingReply, type CnnTrainingRequest, type CnnTrainingRun, type CnnTrainingWorkerData } from "./cnn-training-worker";

export type { CnnTrainingPlan, CnnTrainingRun } from "./cnn-training-worker";

/** The worker module, without its extension (lib/core/worker picks the compiled file or the TypeScript source). */
const TRAINING_WORKER = path.join(__dirname, "cnn-training-worker");

/** Options of `trainCnnExperimentsInWorkers`. */
export interface ParallelTrainingOptions {
  /** Worker threads (at least 1; more than the plans is pointless). */
  readonly workers: number;
  /** Called as each training ends: (trainings done, trainings in all, the run). */
  readonly onRun?: (done: number, total: number, run: CnnTrainingRun) => void;
  /**
   * Called while plan `index` trains (about every second): its samples done and samples in all (epochs x
   * training images; a resumed training starts at the epochs already done).
   */
  readonly onProgress?: (index: number, done: number, total: number) => void;
}

/**
 * Trains the experiments of `plans` (the options of `trainCnnExperiment`) on worker threads, so that all
 * cores train: tf.js' wasm backend uses one thread under Node, and the CNN experiments are independent
 * trainings. Each worker takes the next plan as soon as it has finished one, so list the longest first.
 * Every model lands in its plan's cache folder, exactly as `trainCnnExperiment` in this thread would make
 * it (same key, same weights: training is deterministic per seed); the caller then gets each model from
 * the cache with `trainCnnExperiment` and the same options. Plans already in the cache are only loaded.
 *
 * The image set's pixels are copied once to shared memory, which every worker reads.
 *
 * @returns one run per plan, in plan order
 * @throws the first failure: an InputError of `trainCnnExperiment` as such, or an Error saying that a
 *   worker could not start (use workers: 0 in the caller to train in this thread)
 */
export async function trainCnnExperimentsInWorkers(plans: readonly CnnTrainingPlan[], images: ImageSet, options: ParallelTrainingOptions): Promise<CnnTrainingRun[]> {
  const { workers } = options;
  if (!Number.isInteger(workers) || workers < 1) throw new InputError("trainCnnExperimentsInWorkers", `workers must be a positive integer, got ${workers}`);
  const pixels = new Uint8Array(new SharedArrayBuffer(images.images.length));
  pixels.set(images.images);
  const workerData: CnnTrainingWorkerData = { kind: CNN_TRAINING_WORKER_KIND, images: pixels, entries: images.entries, shape: [...images.shape] as [number, number, number] };
  const runs = new Array<CnnTrainingRun | undefined>(plans.length);
  let done = 0;
  await runWorkerTasks<CnnTrainingReply>({
    file: TRAINING_WORKER,
    workerData,
    nWorkers: Math.min(workers, plans.length),
    nTasks: plans.length,
    send: (worker, task) => worker.postMessage({ task, plan: plans[task] } satisfies CnnTrainingRequest),
    interim: (message) => {
      const m = message as Partial<CnnTrainingProgress>;
      if (m.progress === undefined || m.task === undefined) return false;
      options.onProgress?.(m.task, m.progress.done, m.progress.total);
      return true;
    },
    receive: (reply) => {
      if ("error" in reply) {
        if (reply.where !== null) throw new InputError(reply.where, reply.error);
        throw new Error(`training ${plans[reply.task].name} on a worker thread failed: ${reply.error}`);
      }
      runs[reply.task] = reply.run;
      options.onRun?.(++done, plans.length, reply.run);
    },
    errors: {
      start: (e) => new Error(`CNN training: cannot start a worker thread (${e.message}); use workers: 0`, { cause: e }),
      crash: (e) => new Error(`CNN training worker crashed: ${e.message}`, { cause: e }),
      exit: (code) => new Error(`CNN training worker exited with code ${code} before finishing`),
    },
  });
  return runs as CnnTrainingRun[];
}

/** True when this runtime can start the training worker (compiled, or TypeScript with tsx installed). */
export function canTrainInWorkers(): boolean {
  try {
    moduleWorkerLaunch(TRAINING_WORKER);
    return true;
  } catch {
    return false;
  }
}
