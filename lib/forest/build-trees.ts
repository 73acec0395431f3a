import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { ProgressFn } from "../core/progress";
import { TreeBuilder, type TreeParams } from "./build-tree";
import type { PresortedTable } from "./presorted-table";
import type { RegressionTree } from "./regression-tree";

/** How to start the tree-building worker thread. */
export interface WorkerLaunch {
  readonly script: string;
  readonly evalScript: boolean;
}

/**
 * Builds one tree per seed on a presorted table, in this thread or on `nWorkers` worker threads. Each tree
 * depends only on its seed, and trees come back in seed order, so the result is the same for any number
 * of workers. Workers share the table and targets (SharedArrayBuffers) and take the next tree when they
 * finish one.
 *
 * Workers run ./tree-build-worker: the compiled .js when this file is compiled, and the .ts source through
 * tsx's CommonJS hook when this file runs as TypeScript (under `node --import tsx` or tslab). When neither
 * is possible (TypeScript source without tsx installed) the trees are built in this thread.
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
  const launch = nWorkers > 1 ? treeWorkerLaunch() : null;
  if (launch === null) return buildInThisThread(table, y, params, seeds, options.onProgress);
  const yShared = new Float64Array(new SharedArrayBuffer(8 * y.length));
  yShared.set(y);
  return buildInWorkers(launch, table, yShared, params, seeds, nWorkers, options.onProgress);
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
 * How this runtime starts the tree-building worker: the script (a file, or an eval'd bootstrap that loads
 * tsx first) or null when it cannot, in which case `buildTrees` builds in the calling thread.
 */
export function treeWorkerLaunch(): WorkerLaunch | null {
  const ext = path.extname(__filename);
  const file = path.join(__dirname, `tree-build-worker${ext}`);
  if (!fs.existsSync(file)) return null;
  if (ext !== ".ts") return { script: file, evalScript: false };
  // Node 20 workers do not inherit `--import tsx`, and tsx's ESM hooks cannot be registered from
  // execArgv there; its synchronous CommonJS hook, loaded first in an eval'd bootstrap, works.
  let tsxCjs: string;
  try {
    tsxCjs = require.resolve("tsx/cjs");
  } catch {
    return null;
  }
  return { script: `require(${JSON.stringify(tsxCjs)});\nrequire(${JSON.stringify(file)});`, evalScript: true };
}

function buildInWorkers(
  launch: WorkerLaunch,
  table: PresortedTable,
  y: Float64Array,
  params: TreeParams,
  seeds: readonly string[],
  nWorkers: number,
  onProgress?: ProgressFn,
): Promise<RegressionTree[]> {
  return new Promise((resolve, reject) => {
    const trees: RegressionTree[] = new Array(seeds.length);
    const workers: Worker[] = [];
    let nextTree = 0;
    let nDone = 0;
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      if (error) reject(error);
      else resolve(trees);
    };
    for (let i = 0; i < nWorkers; i++) {
      const worker = new Worker(launch.script, { eval: launch.evalScript, workerData: { table, y, params } });
      workers.push(worker);
      const giveNextTree = (): void => {
        if (nextTree >= seeds.length) return;
        const treeIndex = nextTree++;
        worker.postMessage({ treeIndex, seed: seeds[treeIndex] });
      };
      worker.on("message", (msg: { treeIndex: number; tree?: RegressionTree; error?: string }) => {
        if (settled) return;
        if (msg.error !== undefined || !msg.tree) {
          finish(new Error(`RandomForestRegressor: building tree ${msg.treeIndex} failed in a worker thread: ${msg.error}`));
          return;
        }
        trees[msg.treeIndex] = msg.tree;
        nDone++;
        onProgress?.(nDone, seeds.length, "trees");
        if (nDone === seeds.length) finish();
        else giveNextTree();
      });
      worker.on("error", (e: Error) => {
        finish(new Error(`RandomForestRegressor: a tree-building worker thread failed (${e.message}); train with { nWorkers: 1 } to build in this thread`, { cause: e }));
      });
      worker.on("exit", (code: number) => {
        if (!settled) finish(new Error(`RandomForestRegressor: a tree-building worker thread exited early with code ${code}`));
      });
      giveNextTree();
    }
  });
}
