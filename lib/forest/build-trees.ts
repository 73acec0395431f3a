import path from "node:path";
import type { ProgressFn } from "../core/progress";
import { moduleWorkerLaunch, runWorkerTasks, type ModuleWorkerLaunch } from "../core/worker";
import { TreeBuilder, type TreeParams } from "./build-tree";
import type { PresortedTable } from "./presorted-table";
import type { RegressionTree } from "./regression-tree";

/** How to start the tree-building worker thread (see lib/core/worker). */
export type WorkerLaunch = ModuleWorkerLaunch;

/** The worker module, without its extension: lib/core/worker picks the compiled file or the TypeScript source. */
const TREE_BUILD_WORKER = path.join(__dirname, "tree-build-worker");

/**
 * Builds one tree per seed on a presorted table, in this thread or on `nWorkers` worker threads. Each tree
 * depends only on its seed, and trees come back in seed order, so the result is the same for any number
 * of workers. Workers share the table and targets (SharedArrayBuffers) and take the next tree when they
 * finish one.
 *
 * Workers run ./tree-build-worker, started by lib/core/worker: the compiled .js when this library is
 * compiled, and the .ts source through tsx's CommonJS hook when it runs as TypeScript (under
 * `node --import tsx` or tslab). When neither is possible (TypeScript source without tsx installed) the
 * trees are built in this thread.
 * @param y targets, length table.nRows (copied once to shared memory when workers are used)
 * @param seeds one seed per tree
 */
export async function buildTrees(
  table: PresortedTable,
  y: Float64Array,
  params: TreeParams,
  seeds: readonly string[],
  options: { nWorkers: number; onProgress?: ProgressFn },
): Promise<RegressionTree[]> {
  const nWorkers = Math.min(options.nWorkers, seeds.length);
  if (nWorkers <= 1 || treeWorkerLaunch() === null) return buildInThisThread(table, y, params, seeds, options.onProgress);
  const yShared = new Float64Array(new SharedArrayBuffer(8 * y.length));
  yShared.set(y);
  return buildInWorkers(table, yShared, params, seeds, nWorkers, options.onProgress);
}

function buildInThisThread(
  table: PresortedTable,
  y: Float64Array,
  params: TreeParams,
  seeds: readonly string[],
  onProgress?: ProgressFn,
): RegressionTree[] {
  const builder = new TreeBuilder(table, y, params);
  const trees: RegressionTree[] = [];
  for (const seed of seeds) {
    trees.push(builder.build(seed));
    onProgress?.(trees.length, seeds.length, "trees");
  }
  return trees;
}

/**
 * How this runtime starts the tree-building worker (a file, or an eval'd bootstrap that loads tsx first),
 * or null when it cannot, in which case `buildTrees` builds in the calling thread.
 */
export function treeWorkerLaunch(): WorkerLaunch | null {
  try {
    return moduleWorkerLaunch(TREE_BUILD_WORKER);
  } catch {
    return null;
  }
}

async function buildInWorkers(
  table: PresortedTable,
  y: Float64Array,
  params: TreeParams,
  seeds: readonly string[],
  nWorkers: number,
  onProgress?: ProgressFn,
): Promise<RegressionTree[]> {
  const trees: RegressionTree[] = new Array(seeds.length);
  let nDone = 0;
  const hint = "train with { nWorkers: 1 } to build in this thread";
  await runWorkerTasks<{ treeIndex: number; tree?: RegressionTree; error?: string }>({
    file: TREE_BUILD_WORKER,
    workerData: { table, y, params },
    nWorkers,
    nTasks: seeds.length,
    send: (worker, treeIndex) => worker.postMessage({ treeIndex, seed: seeds[treeIndex] }),
    receive: (msg) => {
      if (msg.error !== undefined || !msg.tree) throw new Error(`RandomForestRegressor: building tree ${msg.treeIndex} failed in a worker thread: ${msg.error}`);
      trees[msg.treeIndex] = msg.tree;
      onProgress?.(++nDone, seeds.length, "trees");
    },
    errors: {
      start: (e) => new Error(`RandomForestRegressor: cannot start a tree-building worker thread (${e.message}); ${hint}`, { cause: e }),
      crash: (e) => new Error(`RandomForestRegressor: a tree-building worker thread failed (${e.message}); ${hint}`, { cause: e }),
      exit: (code) => new Error(`RandomForestRegressor: a tree-building worker thread exited early with code ${code}`),
    },
  });
  return trees;
}
