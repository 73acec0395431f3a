import path from "node:path";
import { InputError } from "../../core/errors";
import { runWorkerTasks } from "../../core/worker";
import { assertAdditivity, DEFAULT_ADDITIVITY_TOLERANCE } from "./additivity";
import { packEnsemble } from "./ensemble-transfer";
import { interventionalTreeShapPrepared, PreparedBackground, prepareBackground } from "./interventional";
import { PreparedEnsemble, prepareTreeEnsemble } from "./prepared-ensemble";
import { checkFeatureMatrix, FeatureMatrix, TreeEnsemble } from "./tree-ensemble";
import { TreeInteractionsResult, treeShapInteractionsPrepared } from "./tree-interactions";
import { TreeShapOptions, treeShapPrepared, TreeShapResult } from "./tree-shap";
import { TREE_SHAP_WORKER_PROTOCOL, TreeShapWorkerData, TreeShapWorkerReply, TreeShapWorkerRequest } from "./tree-shap-worker";

/** Options of `parallelTreeShap` and `parallelTreeShapInteractions`. */
export interface ParallelTreeShapOptions extends TreeShapOptions {
  /** Worker threads; 0 computes in this thread. @default 2 */
  workers?: number;
  /** Rows per message to a worker. @default ceil(nRows / (4 · workers)), so a slow chunk does not idle the others */
  chunkRows?: number;
  /** Background rows (nBackground × nFeatures, row-major): switches to interventional TreeSHAP. */
  background?: FeatureMatrix;
  nBackground?: number;
}

/**
 * `treeShap` (or `interventionalTreeShap` when `background` is given) with the rows split over worker
 * threads: the ensemble is copied once into shared memory that all workers read, and chunks of rows are handed
 * to whichever worker is free. Results equal the single-thread functions' exactly (same code per row).
 * Worth it for many rows: starting a worker costs ~0.2-0.5 s (TypeScript sources are loaded through tsx).
 *
 * @param X nRows × nFeatures, row-major, finite
 */
export async function parallelTreeShap(ensemble: TreeEnsemble, X: FeatureMatrix, nRows: number, options: ParallelTreeShapOptions = {}): Promise<TreeShapResult> {
  const p = prepareTreeEnsemble(ensemble, "parallelTreeShap: ensemble");
  const background = options.background === undefined ? undefined : prepareBackground(p, options.background, options.nBackground ?? NaN);
  return parallelTreeShapPrepared(p, X, nRows, background, options);
}

/** `treeShapInteractions` with the rows split over worker threads (see `parallelTreeShap`). */
export async function parallelTreeShapInteractions(
  ensemble: TreeEnsemble,
  X: FeatureMatrix,
  nRows: number,
  options: Omit<ParallelTreeShapOptions, "background" | "nBackground"> = {},
): Promise<TreeInteractionsResult> {
  return parallelTreeShapInteractionsPrepared(prepareTreeEnsemble(ensemble, "parallelTreeShapInteractions: ensemble"), X, nRows, options);
}

/** `parallelTreeShap` on a prepared ensemble (and prepared background for the interventional variant). */
export async function parallelTreeShapPrepared(
  p: PreparedEnsemble,
  X: FeatureMatrix,
  nRows: number,
  background: PreparedBackground | undefined,
  options: ParallelTreeShapOptions = {},
): Promise<TreeShapResult> {
  const { checkAdditivity = true, tolerance = DEFAULT_ADDITIVITY_TOLERANCE } = options;
  const where = "parallelTreeShap";
  checkFeatureMatrix(X, nRows, p.nFeatures, `${where}: X`);
  const workers = workerCount(options.workers, nRows, where);
  if (workers === 0) {
    return background ? interventionalTreeShapPrepared(p, X, nRows, background, options) : treeShapPrepared(p, X, nRows, options);
  }
  const nF = p.nFeatures;
  const values = new Float64Array(nRows * nF);
  const predictions = new Float64Array(nRows);
  await runInWorkers(p, X, nRows, background ? "interventional" : "values", background, workers, options.chunkRows, (start, reply) => {
    values.set(reply.values!, start * nF);
    predictions.set(reply.predictions!, start);
  });
  const expectedValue = background ? background.expectedValue : p.expectedValue;
  if (checkAdditivity) assertAdditivity(values, expectedValue, predictions, nRows, nF, tolerance, where);
  return { values, expectedValue, predictions, nRows, nFeatures: nF };
}

/** `parallelTreeShapInteractions` on a prepared ensemble. */
export async function parallelTreeShapInteractionsPrepared(
  p: PreparedEnsemble,
  X: FeatureMatrix,
  nRows: number,
  options: Omit<ParallelTreeShapOptions, "background" | "nBackground"> = {},
): Promise<TreeInteractionsResult> {
  const { checkAdditivity = true, tolerance = DEFAULT_ADDITIVITY_TOLERANCE } = options;
  const where = "parallelTreeShapInteractions";
  checkFeatureMatrix(X, nRows, p.nFeatures, `${where}: X`);
  const workers = workerCount(options.workers, nRows, where);
  if (workers === 0) return treeShapInteractionsPrepared(p, X, nRows, options);
  const nF = p.nFeatures;
  const values = new Float64Array(nRows * nF * nF);
  const shapValues = new Float64Array(nRows * nF);
  const predictions = new Float64Array(nRows);
  await runInWorkers(p, X, nRows, "interactions", undefined, workers, options.chunkRows, (start, reply) => {
    values.set(reply.values!, start * nF * nF);
    shapValues.set(reply.shapValues!, start * nF);
    predictions.set(reply.predictions!, start);
  });
  if (checkAdditivity) assertAdditivity(shapValues, p.expectedValue, predictions, nRows, nF, tolerance, where);
  return { values, shapValues, expectedValue: p.expectedValue, predictions, nRows, nFeatures: nF };
}

function workerCount(requested: number | undefined, nRows: number, where: string): number {
  const workers = requested ?? 2;
  if (!Number.isInteger(workers) || workers < 0) throw new InputError(where, `workers must be an integer >= 0, got ${workers}`);
  return Math.min(workers, nRows);
}

/**
 * Runs the rows in chunks of `chunkRows` on `workers` threads reading the shared ensemble (lib/core/worker
 * starts ./tree-shap-worker, compiled or through tsx), passes each answer to `store`, and fails at the first
 * worker error, telling the caller to use `workers: 0` when no worker can start.
 */
function runInWorkers(
  p: PreparedEnsemble,
  X: FeatureMatrix,
  nRows: number,
  task: TreeShapWorkerData["task"],
  background: PreparedBackground | undefined,
  workers: number,
  chunkRows: number | undefined,
  store: (start: number, reply: TreeShapWorkerReply) => void,
): Promise<void> {
  const nF = p.nFeatures;
  const chunk = chunkRows ?? Math.ceil(nRows / (4 * workers));
  if (!Number.isInteger(chunk) || chunk < 1) throw new InputError("parallelTreeShap", `chunkRows must be a positive integer, got ${chunkRows}`);
  const workerData: TreeShapWorkerData = { protocol: TREE_SHAP_WORKER_PROTOCOL, ensemble: packEnsemble(p.source), task, background };
  return runWorkerTasks<TreeShapWorkerReply>({
    file: path.join(__dirname, "tree-shap-worker"),
    workerData,
    nWorkers: workers,
    nTasks: Math.ceil(nRows / chunk),
    send: (worker, c) => {
      const start = c * chunk;
      const n = Math.min(chunk, nRows - start);
      const rows = Float64Array.from(X.subarray(start * nF, (start + n) * nF));
      worker.postMessage({ start, nRows: n, X: rows } satisfies TreeShapWorkerRequest, [rows.buffer]);
    },
    receive: (reply) => {
      if (reply.error !== undefined) throw new Error(`TreeSHAP worker failed on rows from ${reply.start}: ${reply.error}`);
      store(reply.start, reply);
    },
    errors: {
      start: (e) => new Error(`parallel TreeSHAP: cannot start a worker (${e.message}); use workers: 0`, { cause: e }),
      crash: (e) => new Error(`TreeSHAP worker crashed: ${e.message}`, { cause: e }),
      exit: (code) => new Error(`TreeSHAP worker exited with code ${code} before finishing`),
    },
  });
}
